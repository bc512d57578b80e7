// Linked into every C guest. Exporting cabi_realloc makes the WASI Preview 1
// adapter that `jco new` adds allocate its state through this module's
// malloc. Without it the adapter takes pages with memory.grow before main,
// and Debian's wasi-libc (2022, before __heap_end) hands every page below
// memory.size to malloc, the adapter's included: any guest whose heap passes
// ~64 KiB overwrites the adapter's state and dies with "assertion failed at
// adapter line ...". (Newer wasi-libc exports cabi_realloc itself.)
#include <stdlib.h>

__attribute__((export_name("cabi_realloc"))) void* cabi_realloc(void* ptr, size_t old_size,
                                                                 size_t align, size_t new_size) {
  (void)old_size;
  if (new_size == 0) return (void*)align;  // any non-null, suitably aligned pointer
  void* grown = realloc(ptr, new_size);    // malloc's alignment (16) covers every ABI type
  if (!grown) abort();
  return grown;
}
