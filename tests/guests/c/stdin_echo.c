// Reads stdin to EOF, prints its length and FNV-1a checksum, then echoes it.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(void) {
  size_t capacity = 4096;
  size_t length = 0;
  unsigned char* data = malloc(capacity);
  if (!data) return 1;
  for (;;) {
    if (length == capacity) {
      capacity *= 2;
      unsigned char* grown = realloc(data, capacity);
      if (!grown) return 1;
      data = grown;
    }
    size_t n = fread(data + length, 1, capacity - length, stdin);
    if (n == 0) break;
    length += n;
  }
  if (ferror(stdin)) {
    perror("stdin");
    return 1;
  }

  uint32_t hash = 2166136261u;  // FNV-1a, 32 bit
  for (size_t i = 0; i < length; ++i) {
    hash = (hash ^ data[i]) * 16777619u;
  }
  printf("length: %zu\n", length);
  printf("fnv1a: %08x\n", hash);
  printf("--- echo ---\n");
  fwrite(data, 1, length, stdout);
  free(data);
  return 0;
}
