// Transparent huge pages (2 MiB) for large memory about to be filled: a
// component's bytes here, SpiderMonkey's code and linear memories through
// engine/huge_pages.cpp. On Linux a first touch of a fresh page costs a
// fault and a zeroing, and on a virtual machine the host's fault too: with
// 4 KiB pages, filling tens of MB is thousands of faults, a large part of a
// big component's start-up (CRuby's 36 MB, measured in docs/code-cache.md).
//
// It is advice (madvise MADV_HUGEPAGE): the kernel gives small pages where
// it has no huge ones, and nothing changes where the system turned them off
// (/sys/kernel/mm/transparent_hugepage/enabled = never).
// WASMRR_HUGE_PAGES=off gives none either.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace wasmrr {

inline constexpr size_t kHugePageSize = size_t{2} << 20;

inline bool huge_pages_wanted() {
  static const bool wanted = [] {
    const char* set = std::getenv("WASMRR_HUGE_PAGES");
    return !(set && std::strcmp(set, "off") == 0);
  }();
  return wanted;
}

// Advises the whole pages within [p, p + n), if they span a huge page at
// least (a smaller range could not get one, and splitting its mapping
// would cost for nothing).
inline void advise_huge_pages(void* p, size_t n) {
  if (n < kHugePageSize || !huge_pages_wanted()) return;
  const uintptr_t page = static_cast<uintptr_t>(::getpagesize());
  const uintptr_t begin = (reinterpret_cast<uintptr_t>(p) + page - 1) & ~(page - 1);
  const uintptr_t end = (reinterpret_cast<uintptr_t>(p) + n) & ~(page - 1);
  if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

}  // namespace wasmrr
