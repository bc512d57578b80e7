// Huge pages for SpiderMonkey's large anonymous mappings (util/huge_pages.h
// says why): the executable memory its compiled or cached code is copied
// into, and each linear memory's reservation (its data segments are copied
// there at instantiation, and the guest's heap grows there). SpiderMonkey
// maps them with mmap and has no hook for how, so this file defines mmap:
// the executable's definition is the one every shared library's call binds
// to, libmozjs's included. It maps with the C library's mmap (the next
// definition: a sanitizer's, if one is linked, then libc's), then advises an
// anonymous mapping of a huge page or more. Nothing else changes: file
// mappings, small ones and failures are returned as they came, and the C
// library's own calls (malloc's) do not come here.
//
// Linked into the executable as an object library (a static library's
// member would be left out: nothing names this file's symbols).
#include <dlfcn.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/huge_pages.h"

namespace {

using MmapFn = void* (*)(void*, size_t, int, int, int, off_t);

// The system call itself if there were no next mmap (there always is one).
void* mmap_syscall(void* addr, size_t length, int prot, int flags, int fd, off_t offset) {
  long mapped = ::syscall(SYS_mmap, addr, length, prot, flags, fd, offset);
  return mapped == -1 ? MAP_FAILED : reinterpret_cast<void*>(mapped);
}

MmapFn next_mmap() {
  static const MmapFn next = [] {
    auto found = reinterpret_cast<MmapFn>(::dlsym(RTLD_NEXT, "mmap"));
    return found ? found : mmap_syscall;
  }();
  return next;
}

}  // namespace

// NOLINTNEXTLINE(readability-inconsistent-declaration-parameter-name): glibc's declaration names them __addr etc.
extern "C" void* mmap(void* addr, size_t length, int prot, int flags, int fd, off_t offset) noexcept {
  void* mapped = next_mmap()(addr, length, prot, flags, fd, offset);
  if (mapped != MAP_FAILED && (flags & MAP_ANONYMOUS) != 0) wasmrr::advise_huge_pages(mapped, length);
  return mapped;
}
