// The wasi:io streams of stdin, stdout and stderr: over fds the host does
// not own (get-stdin, get-stdout and get-stderr each hand out a new stream
// over the same fd).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "wasi/io/stream.h"

namespace wasmrr::wasi {

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

}  // namespace wasmrr::wasi
