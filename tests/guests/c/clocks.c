// Reads the wall clock and the monotonic clock, sleeps briefly, and prints
// the raw readings (so a replay can be compared with its recording) together
// with plausibility checks that hold on any sane host.
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static int64_t to_ns(struct timespec ts) {
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t read_clock(clockid_t id) {
  struct timespec ts;
  if (clock_gettime(id, &ts) != 0) {
    perror("clock_gettime");
    return -1;
  }
  return to_ns(ts);
}

int main(void) {
  const int64_t wall = read_clock(CLOCK_REALTIME);
  const int64_t mono_start = read_clock(CLOCK_MONOTONIC);
  printf("wall ns: %lld\n", (long long)wall);
  // 2020-01-01T00:00:00Z; anything earlier means a broken or zeroed clock.
  printf("wall plausible: %s\n", wall > 1577836800LL * 1000000000 ? "yes" : "no");

  const struct timespec nap = {0, 10 * 1000 * 1000};
  nanosleep(&nap, NULL);
  const int64_t mono_mid = read_clock(CLOCK_MONOTONIC);
  usleep(5000);
  const int64_t mono_end = read_clock(CLOCK_MONOTONIC);

  printf("monotonic ns: %lld %lld %lld\n", (long long)mono_start,
         (long long)mono_mid, (long long)mono_end);
  printf("monotonic nondecreasing: %s\n",
         mono_start <= mono_mid && mono_mid <= mono_end ? "yes" : "no");
  printf("nanosleep waited >= 10ms: %s\n",
         mono_mid - mono_start >= 10 * 1000 * 1000 ? "yes" : "no");
  printf("usleep waited >= 5ms: %s\n",
         mono_end - mono_mid >= 5 * 1000 * 1000 ? "yes" : "no");

  struct timespec res;
  clock_getres(CLOCK_MONOTONIC, &res);
  printf("monotonic resolution positive: %s\n", to_ns(res) > 0 ? "yes" : "no");
  return 0;
}
