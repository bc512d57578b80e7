#include "wasi/stream.h"

#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

namespace wasmrr::wasi {
namespace {

size_t chunk(uint64_t len) { return static_cast<size_t>(std::min(len, kMaxIoChunk)); }

StreamError os_failure(std::string_view what, int err, bool file) {
  StreamError e = StreamError::failed(fmt::format("{}: {}", what, std::strerror(err)));
  if (file) e.fs_code = error_code_from_errno(err);
  return e;
}

}  // namespace

StreamResult<uint64_t> InputStream::skip(uint64_t len) {
  auto r = read(len);
  if (!r.ok()) return r.error();
  return uint64_t{r.value().size()};
}

StreamResult<uint64_t> InputStream::blocking_skip(uint64_t len) {
  auto r = blocking_read(len);
  if (!r.ok()) return r.error();
  return uint64_t{r.value().size()};
}

StreamResult<Unit> OutputStream::write_zeroes(uint64_t len) {
  const std::string zeros(chunk(len), '\0');
  while (len > 0) {
    size_t n = chunk(len);
    auto r = write(std::string_view(zeros).substr(0, n));
    if (!r.ok()) return r;
    len -= n;
  }
  return Unit{};
}

StreamResult<std::string> FdInputStream::read_some(uint64_t len, bool blocking) {
  if (closed_) return StreamError::closed();
  if (len == 0) return std::string();
  ReadOutcome r = read_fd(fd_, chunk(len), blocking);
  switch (r.status) {
    case ReadOutcome::Status::data: return std::move(r.bytes);
    case ReadOutcome::Status::would_block: return std::string();
    case ReadOutcome::Status::eof: closed_ = true; return StreamError::closed();
    case ReadOutcome::Status::error: break;
  }
  closed_ = true;  // after last-operation-failed the stream is closed
  return os_failure("read", r.err, false);
}

std::shared_ptr<Pollable> FdInputStream::subscribe() {
  // At eof the fd polls readable too, so no separate closed check is needed.
  return closed_ ? Pollable::always_ready() : Pollable::on_fd(fd_, POLLIN);
}

StreamResult<uint64_t> FdOutputStream::check_write() {
  if (closed_) return StreamError::closed();
  return kMaxIoChunk;
}

StreamResult<Unit> FdOutputStream::write(std::string_view bytes) {
  if (closed_) return StreamError::closed();
  int err = write_all(fd_, bytes);
  if (err == 0) return Unit{};
  closed_ = true;
  if (err == EPIPE) return StreamError::closed();  // the reader went away
  return os_failure("write", err, false);
}

StreamResult<Unit> FdOutputStream::flush() {
  if (closed_) return StreamError::closed();
  return Unit{};  // nothing is buffered
}

StreamResult<std::string> FileInputStream::read(uint64_t len) {
  if (closed_) return StreamError::closed();
  if (len == 0) return std::string();
  ReadOutcome r = read_fd(fd_->get(), chunk(len), true, offset_);
  switch (r.status) {
    case ReadOutcome::Status::data: offset_ += r.bytes.size(); return std::move(r.bytes);
    case ReadOutcome::Status::would_block: return std::string();
    case ReadOutcome::Status::eof: closed_ = true; return StreamError::closed();
    case ReadOutcome::Status::error: break;
  }
  closed_ = true;
  return os_failure("read", r.err, true);
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
    if (::fstat(fd_->get(), &st) != 0) return closed_ = true, os_failure("fstat", errno, true);
    at = static_cast<uint64_t>(st.st_size);
  }
  if (int err = write_all(fd_->get(), bytes, at); err != 0) {
    closed_ = true;
    return os_failure("write", err, true);
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
