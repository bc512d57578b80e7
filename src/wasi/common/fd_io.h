// Thin, EINTR-safe wrappers over read(2)/write(2)/pread(2)/pwrite(2) on file
// descriptors the host does not own exclusively (stdio) or owns (files).
// They never change an fd's flags: a non-blocking fd is waited on with poll(2).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wasmrr::wasi {

// Writes all of `data` (handles partial writes, EINTR, EAGAIN). Returns 0 or
// the errno of the failure. With `offset`, writes at that file offset (pwrite).
int write_all(int fd, std::string_view data, std::optional<uint64_t> offset = std::nullopt);

struct ReadOutcome {
  enum class Status { data, would_block, eof, error };
  Status status = Status::data;
  std::string bytes;
  int err = 0;
};

// Reads at most `max` bytes. Non-blocking mode first asks poll(2) whether the
// fd is readable and returns would_block if not. With `offset`, uses pread.
ReadOutcome read_fd(int fd, size_t max, bool blocking, std::optional<uint64_t> offset = std::nullopt);

// Waits until `fd` has one of `events` (POLLIN/POLLOUT); false on poll failure.
bool wait_fd(int fd, short events);

// RAII owner of a file descriptor.
class OwnedFd {
 public:
  explicit OwnedFd(int fd) : fd_(fd) {}
  ~OwnedFd();
  OwnedFd(const OwnedFd&) = delete;
  OwnedFd& operator=(const OwnedFd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace wasmrr::wasi
