// A guest built with -g -O0 (DWARF line tables, subprograms, variables): a
// loop over a struct that prints each step and reads the clock, then traps
// when asked ("trap" as argv[1]). Backtraces and --stop-at name its lines.
#include <stdio.h>
#include <string.h>
#include <time.h>

struct point {
  int x;
  int y;
};

static int step(struct point* p, int i) {
  p->x += i;
  p->y = p->y * 2 + 1;
  return p->x + p->y;
}

static void fail_deep(int depth) {
  if (depth == 0) __builtin_trap();
  fail_deep(depth - 1);
}

int main(int argc, char** argv) {
  struct point p = {1, 0};
  int total = 0;
  for (int i = 0; i < 4; i++) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    total += step(&p, i);
    printf("step %d: x=%d y=%d total=%d\n", i, p.x, p.y, total);
    fflush(stdout);
  }
  if (argc > 1 && strcmp(argv[1], "trap") == 0) fail_deep(2);
  return total == 0;
}
