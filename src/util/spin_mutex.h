// A lock for sections of a few hundred nanoseconds that one thread takes
// millions of times and another rarely: the trace writer's buffer, which
// the recorder's thread appends every event to and the flusher thread takes
// every few milliseconds (trace/writer.h). Uncontended it costs one atomic
// exchange to take and a plain store to release, inline; std::mutex costs
// two atomic read-modify-writes, each a call into libc, which was a fifth of
// what recording a clock reading cost. Contended, it spins a little, then
// yields the processor: the other holder may be on this core.
// BasicLockable: for std::unique_lock and std::condition_variable_any.
#pragma once

#include <atomic>
#include <thread>

namespace wasmrr {

class SpinMutex {
 public:
  void lock() noexcept {
    int spins = 0;
    while (locked_.exchange(true, std::memory_order_acquire)) {
      while (locked_.load(std::memory_order_relaxed)) {
        if (++spins < kSpinsBeforeYield) {
          relax();
        } else {
          std::this_thread::yield();
        }
      }
    }
  }
  bool try_lock() noexcept {
    return !locked_.load(std::memory_order_relaxed) && !locked_.exchange(true, std::memory_order_acquire);
  }
  void unlock() noexcept { locked_.store(false, std::memory_order_release); }

 private:
  static constexpr int kSpinsBeforeYield = 100;
  static void relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  }
  std::atomic<bool> locked_{false};
};

}  // namespace wasmrr
