// Where a trace's bytes come from, read once from start to end: a file
// descriptor (a file, a pipe, stdin), the trace inside a pack, or the
// decompressed bytes of a zstd stream (trace/zstd.h) read from one of those.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <memory>
#include <string>

namespace wasmrr::trace {

class RawInput {
 public:
  virtual ~RawInput() = default;
  // Up to n bytes into buf: how many (> 0), 0 at the end of the input, or
  // -1 on an error, which error() then describes.
  virtual ssize_t read(char* buf, size_t n) = 0;
  virtual std::string error() const = 0;
  // After read() returned 0: whether the input ended before its own end (a
  // compressed stream cut off in the middle of a frame: trace/zstd.h).
  virtual bool cut_short() const { return false; }
};

// Reads a file descriptor (closing it at the end if `owned`).
std::unique_ptr<RawInput> fd_input(int fd, bool owned);

}  // namespace wasmrr::trace
