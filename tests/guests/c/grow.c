// Allocates memory in 1 MiB blocks (touching each) until malloc fails or
// argv[1] MiB are reached (default 256), then prints how much it got. Under
// --max-memory the allocation must stop at the limit with malloc returning
// NULL (memory.grow failing), not with a trap.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char** argv) {
  long want = argc > 1 ? strtol(argv[1], NULL, 10) : 256;
  long got = 0;
  while (got < want) {
    char* block = malloc(1 << 20);
    if (!block) break;
    memset(block, (int)got, 1 << 20);
    got++;
  }
  printf("allocated %ld MiB of %ld\n", got, want);
  return got == want ? 0 : 1;
}
