#include "wasi/io/wait_cancel.h"

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "util/trap.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace wasmrr::wasi {

WaitCancel& WaitCancel::this_thread() {
  thread_local WaitCancel cancel;
  return cancel;
}

WaitCancel::WaitCancel() : fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}

WaitCancel::~WaitCancel() {
  if (fd_ >= 0) ::close(fd_);
}

void WaitCancel::cancel(std::string message) {
  {
    std::lock_guard lock(mutex_);
    message_ = std::move(message);
  }
  cancelled_.store(true);
  uint64_t one = 1;
  if (fd_ >= 0) (void)!::write(fd_, &one, sizeof one);
}

void WaitCancel::reset() {
  uint64_t count;
  if (fd_ >= 0) (void)!::read(fd_, &count, sizeof count);
  cancelled_.store(false);
}

std::string WaitCancel::message() const {
  std::lock_guard lock(mutex_);
  return message_;
}

void wait_fd_or_cancel(int fd, short events) {
  WaitCancel& cancel = WaitCancel::this_thread();
  for (;;) {
    if (cancel.cancelled()) throw Trap(cancel.message());
    pollfd p[2] = {{fd, events, 0}, {cancel.fd(), POLLIN, 0}};
    const int n = ::poll(p, 2, -1);
    if (n < 0 && errno != EINTR) throw Trap(fmt::format("poll failed: {}", std::strerror(errno)));
    if (n > 0 && p[0].revents != 0) return;
  }
}

}  // namespace wasmrr::wasi
