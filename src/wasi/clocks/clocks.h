// The wasi:clocks package of one WasiHost: the wall and monotonic clock
// sources (common/clock.h) it answers from; its pollables are wasi:io's.
#pragma once

#include "runtime/host.h"
#include "wasi/common/clock.h"
#include "wasi/io/io.h"

namespace wasmrr::wasi {

struct ClocksState {
  const WallClock& wall;
  const MonotonicClock& monotonic;
  IoState& io;
};

// One registration per WIT interface (wall_clock.cpp, monotonic_clock.cpp).
void register_clocks_wall_clock(runtime::HostRegistry& r, ClocksState& clocks);
void register_clocks_monotonic_clock(runtime::HostRegistry& r, ClocksState& clocks);

inline void register_clocks(runtime::HostRegistry& r, ClocksState& clocks) {
  register_clocks_wall_clock(r, clocks);
  register_clocks_monotonic_clock(r, clocks);
}

}  // namespace wasmrr::wasi
