// wasi:io/streams, host side: the abstract input and output streams that
// stdio (here), files, TCP sockets and HTTP bodies (in their packages)
// implement. Errors are WIT values (stream-error), not traps.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "wasi/common/outcome.h"
#include "wasi/io/error.h"
#include "wasi/io/pollable.h"

namespace wasmrr::wasi {

// stream-error: last-operation-failed(error) or closed. For the failed case
// the host creates a wasi:io/error resource from `message` and `detail`.
struct StreamError {
  enum class Kind { last_operation_failed, closed };
  Kind kind = Kind::closed;
  std::string message;                        // error.to-debug-string
  std::shared_ptr<const ErrorDetail> detail;  // see io/error.h

  static StreamError closed() { return {}; }
  static StreamError failed(std::string message, std::shared_ptr<const ErrorDetail> detail = nullptr) {
    return {Kind::last_operation_failed, std::move(message), std::move(detail)};
  }
};

template <typename T>
using StreamResult = Outcome<T, StreamError>;

// The most one read returns and the write budget check-write grants: large
// enough that guests rarely loop, small enough to bound host allocations.
inline constexpr uint64_t kMaxIoChunk = 1 << 20;

// A request for `len` bytes, cut to what one call handles.
inline size_t io_chunk(uint64_t len) { return static_cast<size_t>(std::min(len, kMaxIoChunk)); }

class InputStream {
 public:
  virtual ~InputStream() = default;
  // Returns what is available now, possibly nothing; eof -> closed.
  virtual StreamResult<std::string> read(uint64_t len) = 0;
  // Waits until at least one byte or eof.
  virtual StreamResult<std::string> blocking_read(uint64_t len) = 0;
  virtual StreamResult<uint64_t> skip(uint64_t len);
  virtual StreamResult<uint64_t> blocking_skip(uint64_t len);
  virtual std::shared_ptr<Pollable> subscribe() = 0;
};

class OutputStream {
 public:
  virtual ~OutputStream() = default;
  virtual StreamResult<uint64_t> check_write() = 0;
  virtual StreamResult<Unit> write(std::string_view bytes) = 0;
  virtual StreamResult<Unit> flush() = 0;
  virtual StreamResult<Unit> blocking_flush() { return flush(); }
  virtual StreamResult<Unit> write_zeroes(uint64_t len);
  virtual std::shared_ptr<Pollable> subscribe() = 0;
};

}  // namespace wasmrr::wasi
