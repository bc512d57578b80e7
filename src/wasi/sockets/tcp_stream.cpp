#include "wasi/sockets/tcp_stream.h"

#include "wasi/sockets/socket_addr.h"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace wasmrr::wasi {
namespace {

// A failed send or receive: the io error carries the socket error code that
// network-error-code reports.
StreamError socket_failure(const char* what, int err) {
  return StreamError::failed(fmt::format("{}: {}", what, std::strerror(err)),
                             std::make_shared<NetErrorDetail>(net_error_from_errno(err)));
}

// The budget check-write grants: about one socket send buffer.
constexpr uint64_t kTcpWriteBudget = 64 * 1024;

bool writable_now(int fd) {
  pollfd p{fd, POLLOUT, 0};
  int n;
  do n = ::poll(&p, 1, 0);
  while (n < 0 && errno == EINTR);
  return n > 0;
}

}  // namespace

StreamResult<std::string> TcpInputStream::receive(uint64_t len, bool blocking) {
  if (closed_) return StreamError::closed();
  if (len == 0) return std::string();
  std::string buf(io_chunk(len), '\0');
  for (;;) {
    ssize_t n = ::recv(fd_->get(), buf.data(), buf.size(), MSG_DONTWAIT);
    if (n > 0) {
      buf.resize(static_cast<size_t>(n));
      return buf;
    }
    if (n == 0) {  // the peer shut down its sending side, or we did ours
      closed_ = true;
      return StreamError::closed();
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      if (blocking && wait_fd(fd_->get(), POLLIN)) continue;
      return std::string();
    }
    closed_ = true;
    return socket_failure("tcp receive", errno);
  }
}

std::shared_ptr<Pollable> TcpInputStream::subscribe() {
  return closed_ ? Pollable::always_ready() : Pollable::on_fd(fd_->get(), POLLIN);
}

TcpOutputStream::~TcpOutputStream() {
  // Bytes the guest wrote but did not flush still belong to the peer: a
  // best effort that never blocks.
  if (!closed_ && error_ == 0) push();
}

bool TcpOutputStream::push() {
  while (!pending_.empty()) {
    ssize_t n = ::send(fd_->get(), pending_.data(), pending_.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n >= 0) {
      pending_.erase(0, static_cast<size_t>(n));
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return true;
    error_ = errno;
    pending_.clear();
    return false;
  }
  return true;
}

StreamResult<Unit> TcpOutputStream::failure() {
  closed_ = true;
  if (error_ == EPIPE) return StreamError::closed();  // we or the peer shut the connection down
  return socket_failure("tcp send", error_);
}

StreamResult<uint64_t> TcpOutputStream::check_write() {
  if (closed_) return StreamError::closed();
  if (!push()) return failure().error();
  if (!pending_.empty() || !writable_now(fd_->get())) return uint64_t{0};
  return kTcpWriteBudget;
}

StreamResult<Unit> TcpOutputStream::write(std::string_view bytes) {
  if (closed_) return StreamError::closed();
  pending_.append(bytes);
  if (!push()) return failure();
  return Unit{};
}

StreamResult<Unit> TcpOutputStream::flush() {
  if (closed_) return StreamError::closed();
  if (!push()) return failure();
  return Unit{};
}

StreamResult<Unit> TcpOutputStream::blocking_flush() {
  if (closed_) return StreamError::closed();
  for (;;) {
    if (!push()) return failure();
    if (pending_.empty()) return Unit{};
    if (!wait_fd(fd_->get(), POLLOUT)) return StreamError::failed("tcp send: poll failed");
  }
}

std::shared_ptr<Pollable> TcpOutputStream::subscribe() {
  return closed_ ? Pollable::always_ready() : Pollable::on_fd(fd_->get(), POLLOUT);
}

}  // namespace wasmrr::wasi
