// A hook the host runs just before it may block (poll, a blocking read or
// write): the recorder sets it to write out the events still buffered, so a
// run killed while it waits has already put on disk everything it did. The
// trace writer's flusher thread gives the same promise within milliseconds;
// this makes it immediate where waiting is known to start.
// One hook per process; set it before the guest starts.
#pragma once

#include <functional>
#include <utility>

namespace wasmrr {

inline std::function<void()>& before_blocking_hook() {
  static std::function<void()> hook;
  return hook;
}

inline void set_before_blocking(std::function<void()> hook) { before_blocking_hook() = std::move(hook); }

inline void before_blocking() {
  if (const auto& hook = before_blocking_hook()) hook();
}

}  // namespace wasmrr
