// The universal test guest: prints a greeting, its arguments (argv[1..], one
// per line) and the environment variables whose names start with GUEST_.
// argv[0] is left out so the output does not depend on how the runner names
// the program; GUEST_ variables are filtered so the host environment that
// `jco run` passes through wholesale does not leak into the output.
#include <stdio.h>
#include <string.h>

extern char** environ;

int main(int argc, char** argv) {
  puts("hello");
  printf("argc: %d\n", argc);
  for (int i = 1; i < argc; ++i) {
    printf("arg[%d]: %s\n", i, argv[i]);
  }
  for (char** e = environ; e && *e; ++e) {
    if (strncmp(*e, "GUEST_", 6) == 0) {
      printf("env: %s\n", *e);
    }
  }
  return 0;
}
