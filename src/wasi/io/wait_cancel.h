// Cutting a thread's blocking host calls short from another thread: serve's
// --timeout, for a handler that waits in the host (a long poll, a sleep, a
// slow upstream) where interrupting the engine cannot reach it. Every wait of
// poll_all() (wasi/io/pollable.h) also watches its thread's WaitCancel; once
// it is cancelled, the wait ends in a Trap with the canceller's message, and
// so does every later one until reset().
#pragma once

#include <atomic>
#include <mutex>
#include <string>

namespace wasmrr::wasi {

class WaitCancel {
 public:
  // The calling thread's (made on first use).
  static WaitCancel& this_thread();
  ~WaitCancel();

  // Thread-safe.
  void cancel(std::string message);
  // On the owning thread, between two guests' runs.
  void reset();

  int fd() const { return fd_; }  // readable once cancelled
  bool cancelled() const { return cancelled_.load(); }
  std::string message() const;

 private:
  WaitCancel();
  int fd_ = -1;  // an eventfd
  std::atomic<bool> cancelled_{false};
  mutable std::mutex mutex_;
  std::string message_;
};

// Waits until `fd` has one of `events` (POLLIN, POLLOUT), or the calling
// thread's WaitCancel is cancelled: then throws its Trap. For the WASI 0.3
// host, whose async functions block the one host thread (runtime/tasks.h).
void wait_fd_or_cancel(int fd, short events);

}  // namespace wasmrr::wasi
