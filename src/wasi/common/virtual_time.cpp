#include "wasi/common/virtual_time.h"

namespace wasmrr::wasi {
namespace {

// splitmix64: spreads consecutive seeds over the whole range.
uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

constexpr uint64_t kNsPerSecond = 1'000'000'000ull;
constexpr uint64_t k2020 = 1'577'836'800ull;            // 2020-01-01T00:00:00Z
constexpr uint64_t kTenYears = 10ull * 365 * 86'400;    // seconds

class VirtualWallClock final : public WallClock {
 public:
  explicit VirtualWallClock(VirtualTime& t) : time_(t) {}
  Datetime now() const override { return time_.read_wall(); }
  Datetime resolution() const override { return {0, static_cast<uint32_t>(VirtualTime::kReadStep)}; }

 private:
  VirtualTime& time_;
};

class VirtualMonotonicClock final : public MonotonicClock {
 public:
  explicit VirtualMonotonicClock(VirtualTime& t) : time_(t) {}
  uint64_t now() const override { return time_.read_monotonic(); }
  uint64_t resolution() const override { return VirtualTime::kReadStep; }
  bool advance_to(uint64_t ns) const override {
    time_.advance_to(ns);
    return true;
  }

 private:
  VirtualTime& time_;
};

}  // namespace

VirtualTime::VirtualTime(uint64_t seed) {
  uint64_t a = mix(seed);
  uint64_t b = mix(a);
  // Far from 0 and from the top, so that guest arithmetic on either side is safe.
  origin_ns_ = (a % (1ull << 50)) + kNsPerSecond;
  now_ns_ = origin_ns_;
  epoch_ns_ = (k2020 + b % kTenYears) * kNsPerSecond + (b >> 40) % kNsPerSecond;
}

std::unique_ptr<WallClock> VirtualTime::wall_clock() { return std::make_unique<VirtualWallClock>(*this); }
std::unique_ptr<MonotonicClock> VirtualTime::monotonic_clock() { return std::make_unique<VirtualMonotonicClock>(*this); }

uint64_t VirtualTime::read_monotonic() {
  now_ns_ += kReadStep;
  return now_ns_;
}

Datetime VirtualTime::read_wall() {
  now_ns_ += kReadStep;
  if (wall_jump_) wall_offset_ns_ += wall_jump_();
  int64_t wall = static_cast<int64_t>(epoch_ns_ + (now_ns_ - origin_ns_)) + wall_offset_ns_;
  if (wall < 0) wall = 0;  // a datetime cannot be before 1970
  uint64_t w = static_cast<uint64_t>(wall);
  return {w / kNsPerSecond, static_cast<uint32_t>(w % kNsPerSecond)};
}

void VirtualTime::advance_to(uint64_t ns) {
  if (ns > now_ns_) now_ns_ = ns;
}

}  // namespace wasmrr::wasi
