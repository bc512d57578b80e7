// wasi:io streams over files (descriptor.read-via-stream, write-via-stream,
// append-via-stream). A failed read or write carries the filesystem
// error-code (FsErrorDetail) that filesystem-error-code reports.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "wasi/common/fd_io.h"
#include "wasi/io/stream.h"

namespace wasmrr::wasi {

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
