// errno names for the filesystem test guests (wasm and native builds print
// the same text, so the harness can compare them).
#ifndef WASMRR_GUEST_ERRNO_NAME_H
#define WASMRR_GUEST_ERRNO_NAME_H

#include <errno.h>

static const char* errno_name(int e) {
  switch (e) {
    case 0: return "ok";
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case EBADF: return "EBADF";
    case EACCES: return "EACCES";
    case EEXIST: return "EEXIST";
    case EXDEV: return "EXDEV";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case EINVAL: return "EINVAL";
    case ENOTEMPTY: return "ENOTEMPTY";
    case ELOOP: return "ELOOP";
    case EROFS: return "EROFS";
#ifdef ENOTCAPABLE
    case ENOTCAPABLE: return "ENOTCAPABLE";
#endif
    default: return "other";
  }
}

#endif
