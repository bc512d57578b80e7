// wasi:io/poll pollables, generically: each one is ready when any of its
// conditions holds — an fd has events (poll(2)), a monotonic deadline has
// passed, or an extra check says so; a pollable with no condition is always
// ready. Streams, clocks, sockets, name lookups and HTTP futures all make
// Pollables; poll_all() waits for several with one ppoll(2), never spinning.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "wasi/common/clock.h"

namespace wasmrr::wasi {

class Pollable {
 public:
  static std::shared_ptr<Pollable> always_ready();
  static std::shared_ptr<Pollable> on_fd(int fd, short events);
  static std::shared_ptr<Pollable> at_deadline(uint64_t deadline_ns);
  // Ready exactly when `check` says so, where the answer can change only after
  // `wake_fd` becomes readable (e.g. an HTTP client's epoll fd, see
  // http/client.h): waits sleep on the fd, which by itself is no readiness,
  // and are never cut into periodic re-checks.
  static std::shared_ptr<Pollable> on_check(int wake_fd, std::function<bool()> check);

  // An additional readiness condition the OS cannot see (buffered data, a
  // closed flag, a finished worker). A pollable whose only condition is a
  // check is re-checked every millisecond while waiting: give it an fd
  // (e.g. an eventfd) when it may wait long.
  void set_check(std::function<bool()> check) { check_ = std::move(check); }

  bool ready(const MonotonicClock& clock) const;
  void block(const MonotonicClock& clock) const;

 private:
  friend std::vector<uint32_t> poll_all(std::span<const Pollable* const>, const MonotonicClock&);
  bool unconditional() const { return fd_ < 0 && !deadline_ && !check_; }
  bool ready_without_fd(uint64_t now) const;

  int fd_ = -1;
  short events_ = 0;
  int wake_fd_ = -1;  // see on_check
  std::optional<uint64_t> deadline_;  // monotonic ns
  std::function<bool()> check_;
};

// wasi:io/poll#poll: blocks until at least one pollable is ready; returns the
// indices of all ready ones, ascending.
std::vector<uint32_t> poll_all(std::span<const Pollable* const> pollables, const MonotonicClock& clock);

}  // namespace wasmrr::wasi
