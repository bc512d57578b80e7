// The demo guest: greets, echoes its arguments, and reads the three things a
// replay must reproduce exactly: an environment variable, the wall clock and
// the random source. Two plain runs differ; a replay equals its recording.
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char** argv) {
  const char* who = getenv("DEMO_NAME");
  printf("Hello, %s, from a WebAssembly component!\n", who ? who : "world");
  for (int i = 1; i < argc; ++i) printf("  argument %d: %s\n", i, argv[i]);

  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  printf("  the time is %lld.%09ld s since 1970\n", (long long)now.tv_sec, now.tv_nsec);

  unsigned char dice[4];
  getentropy(dice, sizeof dice);
  printf("  dice:");
  for (size_t i = 0; i < sizeof dice; ++i) printf(" %d", dice[i] % 6 + 1);
  printf("\n");
  return 0;
}
