// Allocates a lot of memory in chunks (default 64 MiB; argv[1] overrides, in
// MiB), writes a pattern over every word of every page, verifies it and
// prints a checksum. In wasm this exercises memory.grow many times over.
// Also builds natively, to give the expected output.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum { kChunkBytes = 1 << 20 };

static uint32_t pattern(size_t chunk, size_t word) {
  return (uint32_t)(chunk * 2654435761u) ^ (uint32_t)(word * 40503u) ^ 0xA5A5A5A5u;
}

int main(int argc, char** argv) {
  const size_t mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 64;
  const size_t words = kChunkBytes / sizeof(uint32_t);
  uint32_t** chunks = calloc(mib, sizeof *chunks);
  if (!chunks) return 1;

  for (size_t c = 0; c < mib; ++c) {
    chunks[c] = malloc(kChunkBytes);
    if (!chunks[c]) {
      printf("allocation failed at chunk %zu\n", c);
      return 1;
    }
    for (size_t w = 0; w < words; ++w) chunks[c][w] = pattern(c, w);
  }
  printf("allocated: %zu MiB in %zu chunks\n", mib, mib);

  uint64_t checksum = 0;
  size_t bad = 0;
  for (size_t c = 0; c < mib; ++c) {
    for (size_t w = 0; w < words; ++w) {
      const uint32_t v = chunks[c][w];
      bad += v != pattern(c, w);
      checksum = checksum * 31 + v;
    }
    free(chunks[c]);
  }
  free(chunks);
  printf("verify: %s\n", bad == 0 ? "ok" : "MISMATCH");
  printf("checksum: %016llx\n", (unsigned long long)checksum);
  return bad == 0 ? 0 : 1;
}
