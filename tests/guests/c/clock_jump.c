// Keeps a histogram of when its work items finish, by wall-clock time since
// it started, with a bug the real world seldom shows: it assumes the wall
// clock only moves forward, a little. A clock step (NTP, a VM resumed) puts
// the elapsed time outside the histogram, and its check trips (a trap).
//   clock_jump [ITEMS]
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define BUCKETS 60  // one per second of the first minute

static unsigned histogram[BUCKETS];

static uint64_t wall_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

__attribute__((noinline)) static void record_finish(uint64_t elapsed_ns) {
  uint64_t bucket = elapsed_ns / 1000000000u;  // the bug: a step back wraps around
  if (bucket >= BUCKETS) {
    fprintf(stderr, "item finished %llu s after the start: outside the histogram\n", (unsigned long long)bucket);
    __builtin_trap();
  }
  histogram[bucket]++;
}

int main(int argc, char** argv) {
  int items = argc > 1 ? atoi(argv[1]) : 20;
  uint64_t start = wall_ns();
  for (int i = 0; i < items; i++) {
    struct timespec nap = {0, 10 * 1000 * 1000};  // 10 ms of "work"
    nanosleep(&nap, NULL);
    record_finish(wall_ns() - start);
  }
  unsigned total = 0;
  for (int b = 0; b < BUCKETS; b++) total += histogram[b];
  printf("%u items in the first minute\n", total);
  return 0;
}
