// A guest whose cost is its host calls, one kind at a time (bench/rr.py):
//   host_calls clock N        N monotonic-clock readings
//   host_calls random N       N draws of 8 random bytes
//   host_calls read DIR N     N reads of 64 bytes from a file in DIR (by offset)
//   host_calls write DIR N    N writes of 64 bytes to a file in DIR (by offset)
// Prints a checksum of what it got; removes the file it made.
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { kChunk = 64, kFileChunks = 1024 };

static unsigned long long mix(unsigned long long h, const unsigned char* p, size_t n) {
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

static int open_file(const char* dir, int flags) {
  char path[512];
  snprintf(path, sizeof path, "%s/host_calls.bin", dir);
  int fd = open(path, flags | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    perror(path);
    exit(2);
  }
  unlink(path);  // open descriptors keep it
  return fd;
}

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "";
  int with_dir = strcmp(mode, "read") == 0 || strcmp(mode, "write") == 0;
  if (argc != (with_dir ? 4 : 3)) {
    fprintf(stderr, "usage: host_calls clock|random N, or host_calls read|write DIR N\n");
    return 2;
  }
  long n = strtol(argv[argc - 1], NULL, 10);
  unsigned long long sum = 14695981039346656037ull;
  unsigned char buf[kChunk];
  if (strcmp(mode, "clock") == 0) {
    for (long i = 0; i < n; i++) {
      struct timespec ts;
      clock_gettime(CLOCK_MONOTONIC, &ts);
      sum = mix(sum, (const unsigned char*)&ts.tv_nsec, 1);
    }
  } else if (strcmp(mode, "random") == 0) {
    for (long i = 0; i < n; i++) {
      if (getentropy(buf, 8) != 0) return 3;
      sum = mix(sum, buf, 8);
    }
  } else if (with_dir) {
    int fd = open_file(argv[2], O_RDWR);
    for (int i = 0; i < kChunk; i++) buf[i] = (unsigned char)i;
    if (strcmp(mode, "read") == 0) {
      for (int c = 0; c < kFileChunks; c++)
        if (pwrite(fd, buf, kChunk, (off_t)c * kChunk) != kChunk) return 3;
      for (long i = 0; i < n; i++) {
        if (pread(fd, buf, kChunk, (off_t)(i % kFileChunks) * kChunk) != kChunk) return 3;
        sum = mix(sum, buf, 1);
      }
    } else {
      for (long i = 0; i < n; i++) {
        buf[0] = (unsigned char)i;
        if (pwrite(fd, buf, kChunk, (off_t)(i % kFileChunks) * kChunk) != kChunk) return 3;
      }
      sum = mix(sum, buf, kChunk);
    }
    close(fd);
  } else {
    fprintf(stderr, "host_calls: unknown mode `%s`\n", mode);
    return 2;
  }
  printf("%s x %ld, checksum %016llx\n", mode, n, sum);
  return 0;
}
