// A seeded world's time (run/record --seed): one virtual monotonic time that
// both clocks read, so that a run sees the same times on every machine.
//   - It starts at an origin derived from the seed, and the wall clock at an
//     epoch derived from it (within 2020-2030).
//   - Every read advances it by kReadStep: time passes as the guest looks.
//   - A wait (wasi:io/poll with a deadline and nothing else ready) jumps it to
//     the deadline at once (MonotonicClock::advance_to): nobody sleeps.
//   - The wall clock may jump (a fault: an NTP step, a VM migration): a hook,
//     asked at every wall-clock read, says by how much.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "wasi/common/clock.h"

namespace wasmrr::wasi {

class VirtualTime {
 public:
  static constexpr uint64_t kReadStep = 1'000;  // ns per clock read

  explicit VirtualTime(uint64_t seed);

  // Asked at every wall-clock read: nanoseconds to move the wall clock by
  // from then on (0: none). The monotonic clock never jumps back.
  using WallJump = std::function<int64_t()>;
  void set_wall_jump(WallJump jump) { wall_jump_ = std::move(jump); }

  std::unique_ptr<WallClock> wall_clock();
  std::unique_ptr<MonotonicClock> monotonic_clock();

  uint64_t read_monotonic();
  Datetime read_wall();
  void advance_to(uint64_t ns);

 private:
  uint64_t now_ns_;           // monotonic
  uint64_t origin_ns_;        // monotonic time at the epoch
  uint64_t epoch_ns_;         // wall time at the origin, ns since 1970
  int64_t wall_offset_ns_ = 0;  // the sum of the jumps so far
  WallJump wall_jump_;
};

}  // namespace wasmrr::wasi
