// Sums the records of a file, with a bug the real world seldom shows: it
// reads the records file with one read() and trusts it to be whole. A short
// read cuts a record, and the check of the record trips (a trap). A failed
// read is handled (exit 3). The settings file before it is read correctly,
// in a loop, so faults in that read do not matter (shrink drops them).
//   fragile_reader SETTINGS RECORDS
// A record is a line: every one ends with '\n'.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

// Robust: loops until EOF, so short reads only take longer.
static size_t read_all(const char* path, char* buf, size_t cap) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) {
    fprintf(stderr, "cannot open %s: %s\n", path, strerror(errno));
    exit(2);
  }
  size_t n = 0;
  for (;;) {
    ssize_t got = read(fd, buf + n, cap - n);
    if (got < 0) {
      fprintf(stderr, "cannot read %s: %s\n", path, strerror(errno));
      exit(3);
    }
    if (got == 0) break;
    n += (size_t)got;
  }
  close(fd);
  return n;
}

// The end of the record at `at` (its '\n').
__attribute__((noinline)) static size_t check_record(const unsigned char* buf, size_t n, size_t at) {
  const unsigned char* end = memchr(buf + at, '\n', n - at);
  if (!end) {
    fprintf(stderr, "record at %zu is cut short\n", at);
    __builtin_trap();  // the bug: the caller never expected a short read
  }
  return (size_t)(end - buf);
}

// Buggy: one read() for the whole file.
__attribute__((noinline)) static unsigned sum_records(const char* path) {
  static unsigned char buf[4096];
  int fd = open(path, O_RDONLY);
  if (fd < 0) {
    fprintf(stderr, "cannot open %s: %s\n", path, strerror(errno));
    exit(2);
  }
  ssize_t n = read(fd, buf, sizeof buf);
  if (n < 0) {
    fprintf(stderr, "cannot read %s: %s\n", path, strerror(errno));
    exit(3);
  }
  close(fd);
  unsigned sum = 0;
  for (size_t at = 0; at < (size_t)n;) {
    size_t end = check_record(buf, (size_t)n, at);
    for (; at < end; at++) sum += buf[at];
    at = end + 1;
  }
  return sum;
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: fragile_reader SETTINGS RECORDS\n");
    return 64;
  }
  char settings[1024];
  size_t len = read_all(argv[1], settings, sizeof settings);
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  printf("settings: %zu bytes\n", len);
  printf("sum: %u\n", sum_records(argv[2]));
  return 0;
}
