// Walks the tree under argv[1] and prints one line per entry, sorted by
// path: type, size (files and symlinks), modification time to the
// nanosecond, and a symlink's target. Symlinks are listed, not followed.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_LINES 4096

static char* lines[MAX_LINES];
static int line_count;
static long long total_bytes;

static void add_line(const char* text) {
  if (line_count < MAX_LINES) lines[line_count++] = strdup(text);
}

static void walk(const char* root, const char* rel) {
  char dir[1024];
  snprintf(dir, sizeof dir, "%s%s%s", root, *rel ? "/" : "", rel);
  DIR* d = opendir(dir);
  if (!d) {
    printf("cannot open %s: errno %s\n", *rel ? rel : ".", errno == ENOENT ? "ENOENT" : "other");
    return;
  }
  struct dirent* e;
  while ((e = readdir(d))) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    char child_rel[1024], child[2048], line[3072];
    snprintf(child_rel, sizeof child_rel, "%s%s%s", rel, *rel ? "/" : "", e->d_name);
    snprintf(child, sizeof child, "%s/%s", root, child_rel);
    struct stat st;
    if (lstat(child, &st) != 0) {
      snprintf(line, sizeof line, "%s ? lstat failed", child_rel);
      add_line(line);
      continue;
    }
    char when[64];
    snprintf(when, sizeof when, "%lld.%09ld", (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    if (S_ISDIR(st.st_mode)) {
      snprintf(line, sizeof line, "%s/ dir mtime=%s", child_rel, when);
      add_line(line);
      walk(root, child_rel);
    } else if (S_ISLNK(st.st_mode)) {
      char target[512] = {0};
      ssize_t n = readlink(child, target, sizeof target - 1);
      snprintf(line, sizeof line, "%s link size=%lld -> %s", child_rel, (long long)st.st_size, n < 0 ? "?" : target);
      add_line(line);
    } else {
      snprintf(line, sizeof line, "%s file size=%lld mtime=%s", child_rel, (long long)st.st_size, when);
      add_line(line);
      total_bytes += st.st_size;
    }
  }
  closedir(d);
}

static int by_text(const void* a, const void* b) { return strcmp(*(char* const*)a, *(char* const*)b); }

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: fs_walk DIR\n");
    return 2;
  }
  walk(argv[1], "");
  qsort(lines, (size_t)line_count, sizeof lines[0], by_text);
  for (int i = 0; i < line_count; i++) puts(lines[i]);
  printf("entries: %d, file bytes: %lld\n", line_count, total_bytes);
  return 0;
}
