// Tries to leave its directory (argv[1]) in every way it knows, and reports
// each attempt: "blocked (ERRNO)" or "ESCAPED". Exits 1 if any escaped.
// The harness (tests/e2e/fs_case.py) lays out, next to the directory,
// outside.txt, and inside it inside.txt, sub/, link_to_root -> /,
// link_out -> ../outside.txt and link_up -> .. . Built natively, the same
// attempts do escape: that is how the harness shows the test can fail.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../support/errno_name.h"


static int escaped;

// An attempt succeeded when rc >= 0.
static void attempt(const char* what, int rc) {
  if (rc >= 0) {
    printf("%s: ESCAPED\n", what);
    escaped++;
  } else {
    printf("%s: blocked (%s)\n", what, errno_name(errno));
  }
}

// Reads a file the attempt opened: an escape must be seen to be believed.
static int read_attempt(const char* what, int fd) {
  if (fd >= 0) {
    char buf[64] = {0};
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    printf("  read %zd bytes: %.20s\n", n, buf);
  }
  attempt(what, fd);
  return fd;
}

static void setup(const char* what, int rc) { printf("setup %s: %s\n", what, errno_name(rc < 0 ? errno : 0)); }

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: fs_escape DIR\n");
    return 2;
  }
  const char* base = argv[1];
  char path[1024];
  int dir = open(base, O_RDONLY | O_DIRECTORY);
  if (dir < 0) {
    printf("cannot open %s: %s\n", base, errno_name(errno));
    return 2;
  }

  snprintf(path, sizeof path, "%s/../outside.txt", base);
  read_attempt("open DIR/../outside.txt", open(path, O_RDONLY));
  read_attempt("openat ../outside.txt", openat(dir, "../outside.txt", O_RDONLY));
  read_attempt("open /etc/passwd", open("/etc/passwd", O_RDONLY));
  read_attempt("openat /etc/passwd", openat(dir, "/etc/passwd", O_RDONLY));
  read_attempt("openat link_to_root/etc/passwd", openat(dir, "link_to_root/etc/passwd", O_RDONLY));
  read_attempt("openat link_out", openat(dir, "link_out", O_RDONLY));
  read_attempt("openat link_up/outside.txt", openat(dir, "link_up/outside.txt", O_RDONLY));
  read_attempt("openat sub/../../outside.txt", openat(dir, "sub/../../outside.txt", O_RDONLY));
  read_attempt("openat sub/./../../outside.txt", openat(dir, "sub/./../../outside.txt", O_RDONLY));
  attempt("openat .. as a directory", openat(dir, "..", O_RDONLY | O_DIRECTORY));
  attempt("openat link_up as a directory", openat(dir, "link_up", O_RDONLY | O_DIRECTORY));

  struct stat st;
  attempt("fstatat link_to_root/etc", fstatat(dir, "link_to_root/etc", &st, 0));
  attempt("fstatat ../outside.txt", fstatat(dir, "../outside.txt", &st, 0));

  // Symlinks the guest makes itself.
  setup("symlink my_abs -> /etc", symlinkat("/etc", dir, "my_abs"));
  read_attempt("openat my_abs/passwd", openat(dir, "my_abs/passwd", O_RDONLY));
  setup("symlink my_up -> ..", symlinkat("..", dir, "my_up"));
  read_attempt("openat my_up/outside.txt", openat(dir, "my_up/outside.txt", O_RDONLY));
  setup("symlink my_sneaky -> sub/../..", symlinkat("sub/../..", dir, "my_sneaky"));
  read_attempt("openat my_sneaky/outside.txt", openat(dir, "my_sneaky/outside.txt", O_RDONLY));
  setup("symlink sub/deep -> ../../outside.txt", symlinkat("../../outside.txt", dir, "sub/deep"));
  read_attempt("openat sub/deep", openat(dir, "sub/deep", O_RDONLY));
  setup("symlink dangling -> ../created_by_dangling.txt", symlinkat("../created_by_dangling.txt", dir, "dangling"));
  attempt("create through dangling", openat(dir, "dangling", O_CREAT | O_WRONLY, 0644));

  // Changes outside: none may happen (the harness checks the files too).
  attempt("create ../created_outside.txt", openat(dir, "../created_outside.txt", O_CREAT | O_WRONLY, 0644));
  attempt("create link_up/created_via_link.txt", openat(dir, "link_up/created_via_link.txt", O_CREAT | O_WRONLY, 0644));
  attempt("mkdir ../made_outside", mkdirat(dir, "../made_outside", 0755));
  attempt("rename inside.txt to ../moved_outside.txt", renameat(dir, "inside.txt", dir, "../moved_outside.txt"));
  attempt("hard link ../outside.txt to hard_in", linkat(dir, "../outside.txt", dir, "hard_in", 0));
  attempt("unlink ../outside.txt", unlinkat(dir, "../outside.txt", 0));
  struct timespec times[2] = {{1, 0}, {1, 0}};
  attempt("utimensat ../outside.txt", utimensat(dir, "../outside.txt", times, 0));
  attempt("utimensat link_out (following)", utimensat(dir, "link_out", times, 0));

  close(dir);
  printf("escapes: %d\n", escaped);
  return escaped ? 1 : 0;
}
