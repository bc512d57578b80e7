// The input and output streams of a connected TCP socket (wasi:io/streams
// over a non-blocking socket). They share the socket's fd, so it stays open
// until the socket and both streams are dropped.
#pragma once

#include <memory>
#include <string>

#include "wasi/common/fd_io.h"
#include "wasi/io/stream.h"

namespace wasmrr::wasi {

class TcpInputStream final : public InputStream {
 public:
  explicit TcpInputStream(std::shared_ptr<OwnedFd> fd) : fd_(std::move(fd)) {}
  StreamResult<std::string> read(uint64_t len) override { return receive(len, false); }
  StreamResult<std::string> blocking_read(uint64_t len) override { return receive(len, true); }
  std::shared_ptr<Pollable> subscribe() override;

 private:
  StreamResult<std::string> receive(uint64_t len, bool blocking);
  std::shared_ptr<OwnedFd> fd_;
  bool closed_ = false;
};

// Writes go straight to the socket; what the kernel does not take at once is
// kept and pushed out by flush, check-write or the next write, and
// check-write grants nothing while such bytes wait.
class TcpOutputStream final : public OutputStream {
 public:
  explicit TcpOutputStream(std::shared_ptr<OwnedFd> fd) : fd_(std::move(fd)) {}
  ~TcpOutputStream() override;
  StreamResult<uint64_t> check_write() override;
  StreamResult<Unit> write(std::string_view bytes) override;
  StreamResult<Unit> flush() override;
  StreamResult<Unit> blocking_flush() override;
  std::shared_ptr<Pollable> subscribe() override;

 private:
  // Sends pending bytes without blocking; false once the stream failed.
  bool push();
  StreamResult<Unit> failure();

  std::shared_ptr<OwnedFd> fd_;
  std::string pending_;
  int error_ = 0;  // errno of a failed send
  bool closed_ = false;
};

}  // namespace wasmrr::wasi
