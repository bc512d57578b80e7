// Prints a numbered line with the wall clock every argv[2] ms, argv[1] times
// (defaults: 200 lines, 10 ms). A long-running guest to kill while recording.
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char** argv) {
  long count = argc > 1 ? strtol(argv[1], NULL, 10) : 200;
  long ms = argc > 2 ? strtol(argv[2], NULL, 10) : 10;
  for (long i = 0; i < count; i++) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    printf("tick %ld at %lld.%09ld\n", i, (long long)ts.tv_sec, ts.tv_nsec);
    fflush(stdout);
    struct timespec req = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&req, NULL);
  }
  return 0;
}
