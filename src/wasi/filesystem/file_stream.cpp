#include "wasi/filesystem/file_stream.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "wasi/filesystem/error_code.h"

namespace wasmrr::wasi {
namespace {

// A failed file operation: the io error carries its filesystem error-code.
StreamError os_failure(std::string_view what, int err) {
  return StreamError::failed(fmt::format("{}: {}", what, std::strerror(err)),
                             std::make_shared<FsErrorDetail>(error_code_from_errno(err)));
}

}  // namespace

StreamResult<std::string> FileInputStream::read(uint64_t len) {
  if (closed_) return StreamError::closed();
  if (len == 0) return std::string();
  ReadOutcome r = read_fd(fd_->get(), io_chunk(len), true, offset_);
  switch (r.status) {
    case ReadOutcome::Status::data: offset_ += r.bytes.size(); return std::move(r.bytes);
    case ReadOutcome::Status::would_block: return std::string();
    case ReadOutcome::Status::eof: closed_ = true; return StreamError::closed();
    case ReadOutcome::Status::error: break;
  }
  closed_ = true;
  return os_failure("read", r.err);
}

StreamResult<uint64_t> FileOutputStream::check_write() {
  if (closed_) return StreamError::closed();
  return kMaxIoChunk;
}

StreamResult<Unit> FileOutputStream::write(std::string_view bytes) {
  if (closed_) return StreamError::closed();
  uint64_t at = 0;
  if (offset_) {
    at = *offset_;
  } else {
    struct stat st{};
    if (::fstat(fd_->get(), &st) != 0) return closed_ = true, os_failure("fstat", errno);
    at = static_cast<uint64_t>(st.st_size);
  }
  if (int err = write_all(fd_->get(), bytes, at); err != 0) {
    closed_ = true;
    return os_failure("write", err);
  }
  if (offset_) *offset_ += bytes.size();
  return Unit{};
}

StreamResult<Unit> FileOutputStream::flush() {
  if (closed_) return StreamError::closed();
  return Unit{};  // writes go straight to the file
}

StreamResult<Unit> FileOutputStream::blocking_flush() { return flush(); }

}  // namespace wasmrr::wasi
