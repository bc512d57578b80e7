// Allocates memory in 1 MiB blocks (touching each) until malloc fails or
// argv[1] MiB are reached (default 256), then prints how much it got. Under
// --max-memory the allocation must stop at the limit with malloc returning
// NULL (memory.grow failing), not with a trap.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Kept reachable and read back, so the compiler cannot drop the allocations.
static char* blocks[4096];

int main(int argc, char** argv) {
  long want = argc > 1 ? strtol(argv[1], NULL, 10) : 256;
  if (want > 4096) want = 4096;
  long got = 0;
  while (got < want) {
    char* block = malloc(1 << 20);
    if (!block) break;
    memset(block, (int)got + 1, 1 << 20);
    blocks[got++] = block;
  }
  long sum = 0;
  for (long i = 0; i < got; i++) sum += blocks[i][(i * 4099) % (1 << 20)];
  printf("allocated %ld MiB of %ld\n", got, want);
  fprintf(stderr, "checksum %ld\n", sum);
  return got == want ? 0 : 1;
}
