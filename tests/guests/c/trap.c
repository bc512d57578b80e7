// Traps (wasm `unreachable`) three named frames below main, so a runtime's
// trap report can be checked for the message and a guest backtrace.
#include <stdio.h>

// noinline keeps every level a separate wasm function with its own name in
// the name section; the volatile depth keeps the calls from being folded.
static volatile int depth;

__attribute__((noinline)) static void trap_level_three(void) {
  depth = 3;
  __builtin_trap();
}

__attribute__((noinline)) static void trap_level_two(void) {
  depth = 2;
  trap_level_three();
  depth = -2;
}

__attribute__((noinline)) static void trap_level_one(void) {
  depth = 1;
  trap_level_two();
  depth = -1;
}

int main(void) {
  puts("about to trap");
  fflush(stdout);
  trap_level_one();
  puts("not reached");
  return 0;
}
