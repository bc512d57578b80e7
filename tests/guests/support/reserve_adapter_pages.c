// Linked into every C guest: works around a memory-ownership clash between
// Debian's wasi-libc (2022) and the WASI Preview 1 adapter that `jco new`
// adds.
//
// The adapter runs first and takes pages for its stack and state with
// memory.grow. This wasi-libc's malloc, on its first call, then claims every
// byte from __heap_base up to memory.size as its own, the adapter's pages
// included, so any guest whose heap passes ~64 KiB overwrites the adapter
// and dies with "assertion failed at adapter line ...". (Newer wasi-libc
// stops at __heap_end instead.)
//
// Before main and before any other allocation, one block that spans all of
// [__heap_base, memory.size) is allocated and never freed: malloc gets that
// range once and never hands out a piece of it, so the adapter keeps its
// pages. It costs under 64 KiB of heap plus the adapter's own pages.
// (Exporting cabi_realloc, so the adapter allocates through malloc, does not
// work: its stack is still taken by memory.grow and then overlaps its state.)
#include <stdlib.h>

extern unsigned char __heap_base;
// volatile: the compiler may not drop an allocation that nothing reads.
void* volatile wasmrr_adapter_pages_reservation;

__attribute__((constructor(101))) static void reserve_adapter_pages(void) {
  const size_t end = __builtin_wasm_memory_size(0) * 65536;
  const size_t base = (size_t)&__heap_base;
  // Asking for the whole range makes malloc grow memory past its end, so the
  // block, not a free remainder, covers the adapter's pages.
  if (end > base) wasmrr_adapter_pages_reservation = malloc(end - base);
}
