#include "wasi/common/clock.h"

#include <ctime>

namespace wasmrr::wasi {
namespace {

Datetime to_datetime(const timespec& ts) {
  // Times before 1970 cannot be expressed by datetime's u64 seconds: clamp.
  if (ts.tv_sec < 0) return {};
  return {static_cast<uint64_t>(ts.tv_sec), static_cast<uint32_t>(ts.tv_nsec)};
}

uint64_t to_ns(const timespec& ts) {
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec);
}

timespec read_clock(clockid_t id) {
  timespec ts{};
  clock_gettime(id, &ts);
  return ts;
}

timespec clock_resolution(clockid_t id) {
  timespec ts{};
  clock_getres(id, &ts);
  return ts;
}

class SystemWallClock final : public WallClock {
 public:
  Datetime now() const override { return to_datetime(read_clock(CLOCK_REALTIME)); }
  Datetime resolution() const override { return to_datetime(clock_resolution(CLOCK_REALTIME)); }
};

class SystemMonotonicClock final : public MonotonicClock {
 public:
  uint64_t now() const override { return to_ns(read_clock(CLOCK_MONOTONIC)); }
  uint64_t resolution() const override { return to_ns(clock_resolution(CLOCK_MONOTONIC)); }
};

}  // namespace

std::unique_ptr<WallClock> system_wall_clock() { return std::make_unique<SystemWallClock>(); }
std::unique_ptr<MonotonicClock> system_monotonic_clock() { return std::make_unique<SystemMonotonicClock>(); }

}  // namespace wasmrr::wasi
