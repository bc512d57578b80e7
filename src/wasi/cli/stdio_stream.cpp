#include "wasi/cli/stdio_stream.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "wasi/common/fd_io.h"

namespace wasmrr::wasi {
namespace {

StreamError os_failure(std::string_view what, int err) {
  return StreamError::failed(fmt::format("{}: {}", what, std::strerror(err)));
}

}  // namespace

StreamResult<std::string> FdInputStream::read_some(uint64_t len, bool blocking) {
  if (closed_) return StreamError::closed();
  if (len == 0) return std::string();
  ReadOutcome r = read_fd(fd_, io_chunk(len), blocking);
  switch (r.status) {
    case ReadOutcome::Status::data: return std::move(r.bytes);
    case ReadOutcome::Status::would_block: return std::string();
    case ReadOutcome::Status::eof: closed_ = true; return StreamError::closed();
    case ReadOutcome::Status::error: break;
  }
  closed_ = true;  // after last-operation-failed the stream is closed
  return os_failure("read", r.err);
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
  return os_failure("write", err);
}

StreamResult<Unit> FdOutputStream::flush() {
  if (closed_) return StreamError::closed();
  return Unit{};  // nothing is buffered
}

}  // namespace wasmrr::wasi
