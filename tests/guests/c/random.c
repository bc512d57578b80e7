// Draws random bytes through both wasi-libc routes (getentropy, which maps to
// random_get, and arc4random, seeded from it) and prints them in hex.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void print_hex(const char* label, const unsigned char* bytes, size_t n) {
  printf("%s: ", label);
  for (size_t i = 0; i < n; ++i) printf("%02x", bytes[i]);
  putchar('\n');
}

int main(void) {
  unsigned char a[32];
  unsigned char b[32];
  if (getentropy(a, sizeof a) != 0 || getentropy(b, sizeof b) != 0) {
    perror("getentropy");
    return 1;
  }
  print_hex("getentropy a", a, sizeof a);
  print_hex("getentropy b", b, sizeof b);
  // Two 256-bit draws collide only if the source is broken.
  printf("getentropy distinct: %s\n", memcmp(a, b, sizeof a) != 0 ? "yes" : "no");

  uint32_t words[4];
  for (int i = 0; i < 4; ++i) words[i] = arc4random();
  printf("arc4random: %08x %08x %08x %08x\n", words[0], words[1], words[2], words[3]);
  printf("arc4random_uniform(10) in range: %s\n", arc4random_uniform(10) < 10 ? "yes" : "no");
  return 0;
}
