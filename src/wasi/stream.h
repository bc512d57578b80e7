// wasi:io/streams, host side: abstract input and output streams that stdio,
// files and (later) sockets and HTTP bodies implement. Errors are WIT values
// (stream-error), not traps.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "abi/value.h"
#include "wasi/error_code.h"
#include "wasi/fd_io.h"
#include "wasi/outcome.h"
#include "wasi/pollable.h"

namespace wasmrr::wasi {

// stream-error: last-operation-failed(error) or closed. For the failed case
// the host creates a wasi:io/error resource from `message` and the interface
// error code, if any, that filesystem-error-code / http-error-code /
// network-error-code give back for it.
struct StreamError {
  enum class Kind { last_operation_failed, closed };
  Kind kind = Kind::closed;
  std::string message;                 // error.to-debug-string
  std::optional<ErrorCode> fs_code;    // filesystem-error-code, for file streams
  std::optional<abi::Value> http_code;  // wasi:http error-code, for HTTP body streams
  std::optional<abi::Value> net_code;   // wasi:sockets error-code, for TCP streams

  static StreamError closed() { return {}; }
  static StreamError failed(std::string message, std::optional<ErrorCode> code = std::nullopt) {
    return {Kind::last_operation_failed, std::move(message), code, std::nullopt, std::nullopt};
  }
};

template <typename T>
using StreamResult = Outcome<T, StreamError>;

// The most one read returns and the write budget check-write grants: large
// enough that guests rarely loop, small enough to bound host allocations.
inline constexpr uint64_t kMaxIoChunk = 1 << 20;

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

// A stream over an fd the host does not own (stdin): reads with read(2).
class FdInputStream final : public InputStream {
 public:
  explicit FdInputStream(int fd) : fd_(fd) {}
  StreamResult<std::string> read(uint64_t len) override { return read_some(len, false); }
  StreamResult<std::string> blocking_read(uint64_t len) override { return read_some(len, true); }
  std::shared_ptr<Pollable> subscribe() override;

 private:
  StreamResult<std::string> read_some(uint64_t len, bool blocking);
  int fd_;
  bool closed_ = false;
};

// A stream over an fd the host does not own (stdout, stderr). Unbuffered:
// every write reaches the fd before it returns, so no output is lost at exit.
class FdOutputStream final : public OutputStream {
 public:
  explicit FdOutputStream(int fd) : fd_(fd) {}
  StreamResult<uint64_t> check_write() override;
  StreamResult<Unit> write(std::string_view bytes) override;
  StreamResult<Unit> flush() override;
  std::shared_ptr<Pollable> subscribe() override { return Pollable::always_ready(); }

 private:
  int fd_;
  bool closed_ = false;
};

// A file read from an offset with pread(2) (read-via-stream).
class FileInputStream final : public InputStream {
 public:
  FileInputStream(std::shared_ptr<OwnedFd> fd, uint64_t offset) : fd_(std::move(fd)), offset_(offset) {}
  StreamResult<std::string> read(uint64_t len) override;
  StreamResult<std::string> blocking_read(uint64_t len) override { return read(len); }
  std::shared_ptr<Pollable> subscribe() override { return Pollable::always_ready(); }

 private:
  std::shared_ptr<OwnedFd> fd_;
  uint64_t offset_;
  bool closed_ = false;
};

// A file written at an offset with pwrite(2) (write-via-stream), or at its
// end (append-via-stream).
class FileOutputStream final : public OutputStream {
 public:
  FileOutputStream(std::shared_ptr<OwnedFd> fd, std::optional<uint64_t> offset)
      : fd_(std::move(fd)), offset_(offset) {}
  StreamResult<uint64_t> check_write() override;
  StreamResult<Unit> write(std::string_view bytes) override;
  StreamResult<Unit> flush() override;
  StreamResult<Unit> blocking_flush() override;
  std::shared_ptr<Pollable> subscribe() override { return Pollable::always_ready(); }

 private:
  std::shared_ptr<OwnedFd> fd_;
  std::optional<uint64_t> offset_;  // nullopt: append
  bool closed_ = false;
};

}  // namespace wasmrr::wasi
