// A program to record once and replay rebuilt (replay --rebuilt): it reads an
// environment variable, the clock and random bytes, and prints the outcome.
// Built three ways from this one source (tests/guests/CMakeLists.txt):
//   lottery          as recorded;
//   lottery_logging  with -DLOTTERY_LOGGING: more printf and fprintf lines, and
//                    assertions, as a user adds them to look at a bug — it
//                    replays the recording of `lottery` and shows the
//                    recorded values;
//   lottery_input    with -DLOTTERY_INPUT: it also reads the clock again, a
//                    call the recording does not have, so its replay diverges.
#include <assert.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char** argv) {
  (void)argc;  // only the logging build prints it
  (void)argv;
  const char* player = getenv("PLAYER");
  if (!player) player = "nobody";
  unsigned char bytes[8];
  if (getentropy(bytes, sizeof bytes) != 0) {
    perror("getentropy");
    return 2;
  }
  uint64_t draw = 0;
  for (size_t i = 0; i < sizeof bytes; i++) draw = draw << 8 | bytes[i];
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
#ifdef LOTTERY_LOGGING
  printf("debug: player=%s draw=%016" PRIx64 "\n", player, draw);
  fprintf(stderr, "debug: clock seconds=%lld\n", (long long)now.tv_sec);
#endif
  unsigned ticket = (unsigned)(draw % 1000);
#ifdef LOTTERY_LOGGING
  assert(ticket < 1000);
  printf("debug: ticket=%u (argc=%d)\n", ticket, argc);
#endif
#ifdef LOTTERY_INPUT
  struct timespec again;
  clock_gettime(CLOCK_MONOTONIC, &again);
  ticket ^= (unsigned)(again.tv_nsec & 1);
#endif
  printf("%s drew ticket %u at %lld\n", player, ticket, (long long)now.tv_sec);
  fflush(stdout);
  fprintf(stderr, "done\n");
  return 0;
}
