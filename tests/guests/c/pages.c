// A page store like a database's, for the trace's bytes-seen-before
// references (docs/trace-format.md): a file of PAGES pages of 4 KiB in a
// scratch directory (argv[1]), updated in place ROUNDS times (read a page
// chosen by a fixed generator, change a few bytes, write it back), then read
// in full. Every page it reads is one it wrote or read before, so a
// recording stores the pages it writes once (as digests) and its reads as
// references. Prints a checksum of what it read; removes the file.
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { kPage = 4096 };

static uint32_t next_random(uint32_t* state) {
  *state = *state * 1664525u + 1013904223u;
  return *state >> 8;
}

static uint64_t checksum(const unsigned char* p, size_t n, uint64_t h) {
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

static void io_or_die(ssize_t n, const char* what) {
  if (n != kPage) {
    perror(what);
    exit(2);
  }
}

int main(int argc, char** argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: pages DIR PAGES ROUNDS\n");
    return 2;
  }
  char path[512];
  snprintf(path, sizeof path, "%s/pages.db", argv[1]);
  long pages = atol(argv[2]), rounds = atol(argv[3]);
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (fd < 0 || pages <= 0 || rounds < 0) {
    perror(path);
    return 2;
  }
  static unsigned char page[kPage];
  uint64_t fill = 777;  // pages of noise (xorshift64*), as compressed or encrypted data is
  for (long p = 0; p < pages; p++) {
    for (int i = 0; i < kPage; i++) {
      fill ^= fill >> 12, fill ^= fill << 25, fill ^= fill >> 27;
      page[i] = (unsigned char)((fill * 2685821657736338717ull) >> 56);
    }
    io_or_die(pwrite(fd, page, kPage, p * kPage), "pwrite");
  }
  uint32_t state = 12345;
  uint64_t sum = 14695981039346656037ull;
  for (long r = 0; r < rounds; r++) {
    long p = (long)(next_random(&state) % (uint32_t)pages);
    io_or_die(pread(fd, page, kPage, p * kPage), "pread");
    sum = checksum(page, kPage, sum);
    page[next_random(&state) % kPage] ^= (unsigned char)(r + 1);
    io_or_die(pwrite(fd, page, kPage, p * kPage), "pwrite");
  }
  for (long p = 0; p < pages; p++) {
    io_or_die(pread(fd, page, kPage, p * kPage), "pread");
    sum = checksum(page, kPage, sum);
  }
  close(fd);
  unlink(path);
  printf("pages %ld, rounds %ld, checksum %016llx\n", pages, rounds, (unsigned long long)sum);
  return 0;
}
