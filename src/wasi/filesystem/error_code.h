// wasi:filesystem/types error-code, its errno mapping, and the io error
// detail that carries it (for filesystem-error-code).
#pragma once

#include <cstdint>
#include <string_view>

#include "wasi/io/error.h"

namespace wasmrr::wasi {

// Enumerators in WIT declaration order: the value is the case index.
enum class ErrorCode : uint8_t {
  access, would_block, already, bad_descriptor, busy, deadlock, quota, exist,
  file_too_large, illegal_byte_sequence, in_progress, interrupted, invalid, io,
  is_directory, loop, too_many_links, message_size, name_too_long, no_device,
  no_entry, no_lock, insufficient_memory, insufficient_space, not_directory,
  not_empty, not_recoverable, unsupported, no_tty, no_such_device, overflow,
  not_permitted, pipe, read_only, invalid_seek, text_file_busy, cross_device,
};

ErrorCode error_code_from_errno(int err);
std::string_view error_code_name(ErrorCode code);  // the WIT label, e.g. "no-entry"

// What a failed file stream tells filesystem-error-code.
struct FsErrorDetail final : ErrorDetail {
  explicit FsErrorDetail(ErrorCode code) : code(code) {}
  ErrorCode code;
};

}  // namespace wasmrr::wasi
