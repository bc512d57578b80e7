// Where a trace's bytes come from, read once from start to end: a file
// descriptor (a file, a pipe, stdin), or the trace inside a pack.
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
};

// Reads a file descriptor (closing it at the end if `owned`).
std::unique_ptr<RawInput> fd_input(int fd, bool owned);

}  // namespace wasmrr::trace
