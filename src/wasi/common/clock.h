// Clock sources behind small interfaces: the wasi:clocks interfaces read
// them, and wasi:io measures pollable deadlines in the monotonic one, never
// the OS clocks directly, so tests (and anything else) can substitute them.
#pragma once

#include <cstdint>
#include <memory>

#include "abi/value.h"

namespace wasmrr::wasi {

// wasi:clocks/wall-clock datetime.
struct Datetime {
  uint64_t seconds = 0;
  uint32_t nanoseconds = 0;
};

// The WIT record value (wall-clock, and filesystem timestamps).
inline abi::Value datetime_value(const Datetime& d) {
  return abi::Value::record({abi::Value::u64(d.seconds), abi::Value::u32(d.nanoseconds)});
}

class WallClock {
 public:
  virtual ~WallClock() = default;
  virtual Datetime now() const = 0;
  virtual Datetime resolution() const = 0;
};

// Nanoseconds since an arbitrary origin, never decreasing.
class MonotonicClock {
 public:
  virtual ~MonotonicClock() = default;
  virtual uint64_t now() const = 0;
  virtual uint64_t resolution() const = 0;
  // A virtual clock (common/virtual_time.h) moves to `ns` instead of being
  // waited for, and says so; a real one cannot (false): waits sleep.
  virtual bool advance_to(uint64_t /*ns*/) const { return false; }
};

// CLOCK_REALTIME and CLOCK_MONOTONIC. Pollable deadlines are waited for with
// ppoll(2), i.e. in CLOCK_MONOTONIC time, so the monotonic clock a WasiHost
// blocks on should be this one (or advance like it).
std::unique_ptr<WallClock> system_wall_clock();
std::unique_ptr<MonotonicClock> system_monotonic_clock();

}  // namespace wasmrr::wasi
