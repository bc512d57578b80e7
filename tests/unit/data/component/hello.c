// A minimal WASI command, wrapped into a component by `jco new --wasi-command`
// (see component_parser_test.cpp for the build commands).
#include <stdio.h>

int main(void) {
  printf("hello from a component\n");
  return 0;
}
