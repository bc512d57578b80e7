// Prints numbered lines, then hangs the way argv[1] says, for tests that stop
// a run from outside (kill, Ctrl-C, --timeout):
//   stdin  blocks reading stdin (that never sends anything)
//   sleep  sleeps for an hour in one nanosleep (a wasi:io/poll wait)
//   spin   computes forever without a host call
// argv[2] lines are printed first (default 3), each flushed at once.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int main(int argc, char** argv) {
  const char* how = argc > 1 ? argv[1] : "spin";
  long lines = argc > 2 ? strtol(argv[2], NULL, 10) : 3;
  for (long i = 0; i < lines; i++) {
    printf("line %ld before hanging (%s)\n", i, how);
    fflush(stdout);
  }
  if (strcmp(how, "stdin") == 0) {
    char buf[64];
    size_t n = fread(buf, 1, sizeof buf, stdin);
    printf("read %zu bytes\n", n);
  } else if (strcmp(how, "sleep") == 0) {
    struct timespec req = {3600, 0};
    nanosleep(&req, NULL);
    printf("woke up\n");
  } else {
    volatile unsigned long x = 1;
    for (;;) x = x * 6364136223846793005ul + 1442695040888963407ul;
  }
  return 0;
}
