#include "wasi/filesystem/error_code.h"

#include <cerrno>

namespace wasmrr::wasi {

ErrorCode error_code_from_errno(int err) {
  switch (err) {
    case EPERM: return ErrorCode::not_permitted;
    case ENOENT: return ErrorCode::no_entry;
    case EINTR: return ErrorCode::interrupted;
    case EIO: return ErrorCode::io;
    case ENXIO: return ErrorCode::no_such_device;
    case EBADF: return ErrorCode::bad_descriptor;
    case EAGAIN: return ErrorCode::would_block;  // == EWOULDBLOCK on Linux
    case ENOMEM: return ErrorCode::insufficient_memory;
    // error-code has no "too many open files": it is an exhaustion of memory-like
    // host resources, as far as the guest can tell.
    case EMFILE: case ENFILE: return ErrorCode::insufficient_memory;
    case EACCES: return ErrorCode::access;
    case EBUSY: return ErrorCode::busy;
    case EEXIST: return ErrorCode::exist;
    case EXDEV: return ErrorCode::cross_device;
    case ENODEV: return ErrorCode::no_device;
    case ENOTDIR: return ErrorCode::not_directory;
    case EISDIR: return ErrorCode::is_directory;
    case EINVAL: return ErrorCode::invalid;
    case ENOTTY: return ErrorCode::no_tty;
    case ETXTBSY: return ErrorCode::text_file_busy;
    case EFBIG: return ErrorCode::file_too_large;
    case ENOSPC: return ErrorCode::insufficient_space;
    case ESPIPE: return ErrorCode::invalid_seek;
    case EROFS: return ErrorCode::read_only;
    case EMLINK: return ErrorCode::too_many_links;
    case EPIPE: return ErrorCode::pipe;
    case EDEADLK: return ErrorCode::deadlock;
    case ENAMETOOLONG: return ErrorCode::name_too_long;
    case ENOLCK: return ErrorCode::no_lock;
    case ENOSYS: return ErrorCode::unsupported;
    case EOPNOTSUPP: return ErrorCode::unsupported;  // == ENOTSUP on Linux
    case ENOTEMPTY: return ErrorCode::not_empty;
    case ELOOP: return ErrorCode::loop;
    case EOVERFLOW: return ErrorCode::overflow;
    case EILSEQ: return ErrorCode::illegal_byte_sequence;
    case EDQUOT: return ErrorCode::quota;
    case EALREADY: return ErrorCode::already;
    case EINPROGRESS: return ErrorCode::in_progress;
    case EMSGSIZE: return ErrorCode::message_size;
    case ENOTRECOVERABLE: return ErrorCode::not_recoverable;
    default: return ErrorCode::io;
  }
}

std::string_view error_code_name(ErrorCode code) {
  static constexpr std::string_view kNames[] = {
      "access", "would-block", "already", "bad-descriptor", "busy", "deadlock", "quota", "exist",
      "file-too-large", "illegal-byte-sequence", "in-progress", "interrupted", "invalid", "io",
      "is-directory", "loop", "too-many-links", "message-size", "name-too-long", "no-device",
      "no-entry", "no-lock", "insufficient-memory", "insufficient-space", "not-directory",
      "not-empty", "not-recoverable", "unsupported", "no-tty", "no-such-device", "overflow",
      "not-permitted", "pipe", "read-only", "invalid-seek", "text-file-busy", "cross-device",
  };
  auto i = static_cast<size_t>(code);
  return i < std::size(kNames) ? kNames[i] : "unknown";
}

}  // namespace wasmrr::wasi
