// Tries everything that could hurt the trace being recorded, given its path
// in a preopen (argv[1]): read it, truncate it, open it for writing, rename
// it, replace it by renaming another file onto it, hard-link it, remove it.
// Prints the errno name of each attempt; under `wasm-rr record --dir` every
// one must fail with EPERM and the trace must stay whole.
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../support/errno_name.h"

static void report(const char* what, int rc) { printf("%s: %s\n", what, errno_name(rc < 0 ? errno : 0)); }

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: trace_tamper TRACE-PATH\n");
    return 2;
  }
  const char* trace = argv[1];
  char other[512], moved[512], linked[512];
  snprintf(other, sizeof other, "%s.other", trace);
  snprintf(moved, sizeof moved, "%s.moved", trace);
  snprintf(linked, sizeof linked, "%s.linked", trace);

  int fd = open(trace, O_RDONLY);
  report("open for reading", fd);
  if (fd >= 0) close(fd);
  fd = open(trace, O_WRONLY | O_TRUNC);
  report("open with truncate", fd);
  if (fd >= 0) close(fd);
  fd = open(trace, O_WRONLY | O_APPEND);
  report("open for appending", fd);
  if (fd >= 0) close(fd);
  report("rename away", rename(trace, moved));
  FILE* f = fopen(other, "w");
  if (f) {
    fputs("not a trace\n", f);
    fclose(f);
  }
  report("rename onto", rename(other, trace));
  report("hard link", link(trace, linked));
  report("unlink", unlink(trace));
  unlink(other);
  return 0;
}
