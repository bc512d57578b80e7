// Sleeps for a while (argv[1] milliseconds, default 2000) between two clock
// readings and prints what it saw. Replay must not really sleep.
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static long long now_ns(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char** argv) {
  long ms = argc > 1 ? strtol(argv[1], NULL, 10) : 2000;
  long long before = now_ns(CLOCK_MONOTONIC);
  struct timespec req = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&req, NULL);
  long long after = now_ns(CLOCK_MONOTONIC);
  printf("slept %ld ms\n", ms);
  printf("monotonic elapsed ns: %lld\n", after - before);
  printf("wall clock ns: %lld\n", now_ns(CLOCK_REALTIME));
  return 0;
}
