// Exits with status 3. WASI 0.2's wasi:cli/exit#exit carries only ok/err, so
// a runtime must report this as a plain failure (exit code 1).
#include <stdio.h>
#include <stdlib.h>

int main(void) {
  puts("exiting with status 3");
  fflush(stdout);
  exit(3);
}
