#include "wasi/common/fd_io.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>

#include "util/before_blocking.h"

namespace wasmrr::wasi {

OwnedFd::~OwnedFd() {
  if (fd_ >= 0) ::close(fd_);
}

bool wait_fd(int fd, short events) {
  pollfd p{fd, events, 0};
  before_blocking();
  for (;;) {
    int n = ::poll(&p, 1, -1);
    if (n >= 0) return true;
    if (errno != EINTR) return false;
  }
}

static bool readable_now(int fd) {
  pollfd p{fd, POLLIN, 0};
  int n;
  do n = ::poll(&p, 1, 0);
  while (n < 0 && errno == EINTR);
  // An error or hang-up also counts: the read will report it.
  return n != 0;
}

int write_all(int fd, std::string_view data, std::optional<uint64_t> offset) {
  size_t done = 0;
  while (done < data.size()) {
    const char* p = data.data() + done;
    size_t left = data.size() - done;
    ssize_t n = offset ? ::pwrite(fd, p, left, static_cast<off_t>(*offset + done)) : ::write(fd, p, left);
    if (n >= 0) {
      done += static_cast<size_t>(n);
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN && wait_fd(fd, POLLOUT)) continue;
    return errno;
  }
  return 0;
}

ReadOutcome read_fd(int fd, size_t max, bool blocking, std::optional<uint64_t> offset) {
  ReadOutcome out;
  if (blocking && !offset && !readable_now(fd)) before_blocking();  // read(2) will wait
  if (!blocking && !offset && !readable_now(fd)) {
    out.status = ReadOutcome::Status::would_block;
    return out;
  }
  out.bytes.resize(max);
  for (;;) {
    ssize_t n = offset ? ::pread(fd, out.bytes.data(), max, static_cast<off_t>(*offset))
                       : ::read(fd, out.bytes.data(), max);
    if (n > 0) {
      out.bytes.resize(static_cast<size_t>(n));
      return out;
    }
    if (n == 0) {
      out.bytes.clear();
      out.status = ReadOutcome::Status::eof;
      return out;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN) {
      if (blocking && wait_fd(fd, POLLIN)) continue;
      out.bytes.clear();
      out.status = ReadOutcome::Status::would_block;
      return out;
    }
    out.bytes.clear();
    out.status = ReadOutcome::Status::error;
    out.err = errno;
    return out;
  }
}

}  // namespace wasmrr::wasi
