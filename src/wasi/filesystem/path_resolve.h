// Opening a path beneath a directory fd so that nothing leads out of it: no
// absolute path, no `..` above the directory, no symlink (absolute, or
// relative with too many `..`) pointing outside. The sandbox of
// wasi:filesystem rests on this one function.
//
// Two resolvers with the same semantics:
//  - the kernel's openat2(2) with RESOLVE_BENEATH (Linux >= 5.6), used when
//    the kernel has it;
//  - a userspace walk for kernels without openat2 (ENOSYS) or where seccomp
//    refuses it: one component at a time with O_PATH|O_NOFOLLOW, symlinks
//    expanded by hand (at most 40, like the kernel), `..` taken from a stack
//    of the directories walked through, never opened through the file system.
// WASMRR_NO_OPENAT2=1 in the environment forces the walk (for tests).
#pragma once

#include <sys/types.h>

#include <string_view>

namespace wasmrr::wasi {

// openat(2) confined to `dirfd`: returns a new fd (O_CLOEXEC), or -1 with
// errno set. An escape fails with EPERM (the WIT not-permitted).
int open_beneath(int dirfd, std::string_view path, int flags, mode_t mode = 0);

// The userspace walk itself (open_beneath uses it when openat2 is missing).
int open_beneath_walk(int dirfd, std::string_view path, int flags, mode_t mode = 0);

// Whether open_beneath currently uses openat2; tests switch it off and on.
bool openat2_enabled();
void set_openat2_enabled(bool enabled);

}  // namespace wasmrr::wasi
