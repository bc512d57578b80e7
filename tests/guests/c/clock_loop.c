// Reads the monotonic clock N times (argv[1], default 1000000) and prints a
// checksum: a guest whose cost is dominated by host calls (benchmarks).
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char** argv) {
  long n = argc > 1 ? strtol(argv[1], NULL, 10) : 1000000;
  unsigned long long sum = 0;
  for (long i = 0; i < n; i++) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    sum += (unsigned long long)ts.tv_nsec;
  }
  printf("%ld clock readings, checksum %llu\n", n, sum % 1000);
  return 0;
}
