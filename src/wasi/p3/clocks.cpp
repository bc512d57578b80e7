// wasi:clocks@0.3.0: monotonic-clock (now, get-resolution, and the async
// wait-for / wait-until, which block the host thread: runtime/tasks.h),
// system-clock (seconds as s64) and timezone (the host's, as the C library
// sees it; its answers are recorded like any other).
#include <limits.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <fstream>
#include <optional>
#include <string>

#include "wasi/common/host_util.h"
#include "wasi/io/wait_cancel.h"
#include "wasi/p3/p3.h"

namespace wasmrr::wasi::p3 {

namespace {

// Until the monotonic clock reads `when`: a virtual clock moves there, a
// real one is slept on (cut short by --timeout's WaitCancel).
void wait_until(const MonotonicClock& clock, uint64_t when) {
  if (clock.advance_to(when)) return;
  WaitCancel& cancel = WaitCancel::this_thread();
  for (;;) {
    const uint64_t now = clock.now();
    if (now >= when) return;
    if (cancel.cancelled()) throw Trap(cancel.message());
    const uint64_t ms = (when - now + 999'999) / 1'000'000;
    pollfd p{cancel.fd(), POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(std::min<uint64_t>(ms, 60'000))) < 0 && errno != EINTR)
      throw Trap("wait-for: poll failed");
  }
}

// The IANA name of the host's time zone: $TZ when it names one, else
// /etc/timezone, else where /etc/localtime points into a zoneinfo tree.
std::optional<std::string> iana_id() {
  auto plausible = [](const std::string& id) {
    return !id.empty() && id.front() != ':' && id.front() != '/' && id.find("..") == std::string::npos;
  };
  if (const char* tz = std::getenv("TZ")) return plausible(tz) ? std::optional<std::string>(tz) : std::nullopt;
  std::string id;
  if (std::ifstream f("/etc/timezone"); f && std::getline(f, id) && plausible(id)) return id;
  char target[PATH_MAX];
  const ssize_t n = ::readlink("/etc/localtime", target, sizeof target - 1);
  if (n <= 0) return std::nullopt;
  const std::string path(target, static_cast<size_t>(n));
  const size_t at = path.find("zoneinfo/");
  if (at == std::string::npos) return std::nullopt;
  id = path.substr(at + 9);
  return plausible(id) ? std::optional<std::string>(id) : std::nullopt;
}

// Nanoseconds the local time is ahead of UTC at `seconds` (0.3 counts the
// offset in nanoseconds), or nullopt when the C library cannot say.
std::optional<int64_t> utc_offset_ns(int64_t seconds) {
  const auto t = static_cast<time_t>(seconds);
  if (static_cast<int64_t>(t) != seconds) return std::nullopt;
  std::tm tm{};
  if (!::localtime_r(&t, &tm)) return std::nullopt;
  return static_cast<int64_t>(tm.tm_gmtoff) * 1'000'000'000;
}

void register_timezone(runtime::HostRegistry& r) {
  InterfaceDefiner tz(r, "wasi:clocks/timezone", WasiVersion::P3);
  tz("iana-id", [](Values&) {
    auto id = iana_id();
    return one(id ? Value::some(Value::string(*id)) : Value::none());
  });
  tz("utc-offset", [](Values& args) {
    auto ns = utc_offset_ns(arg(args, 0).items.at(0).as_s64());
    return one(ns ? Value::some(Value::s64(*ns)) : Value::none());
  });
  tz("to-debug-string", [](Values&) { return one(Value::string(iana_id().value_or("the host's local time"))); });
}

}  // namespace

void register_clocks(runtime::HostRegistry& r, P3State& s) {
  const MonotonicClock& mono = s.clocks.monotonic;
  InterfaceDefiner def(r, "wasi:clocks/monotonic-clock", WasiVersion::P3);
  def("now", [&mono](Values&) { return one(Value::u64(mono.now())); });
  def("get-resolution", [&mono](Values&) { return one(Value::u64(mono.resolution())); });
  def("wait-until", [&mono](Values& args) {
    wait_until(mono, arg(args, 0).as_u64());
    return Values{};
  });
  def("wait-for", [&mono](Values& args) {
    const uint64_t now = mono.now(), d = arg(args, 0).as_u64();
    wait_until(mono, d > UINT64_MAX - now ? UINT64_MAX : now + d);
    return Values{};
  });

  const WallClock& wall = s.clocks.wall;
  InterfaceDefiner sys(r, "wasi:clocks/system-clock", WasiVersion::P3);
  auto instant = [](const Datetime& d) {
    return Value::record({Value::s64(static_cast<int64_t>(d.seconds)), Value::u32(d.nanoseconds)});
  };
  sys("now", [&wall, instant](Values&) { return one(instant(wall.now())); });
  sys("get-resolution", [&wall](Values&) {
    const Datetime d = wall.resolution();
    return one(Value::u64(d.seconds * 1'000'000'000ull + d.nanoseconds));
  });
  register_timezone(r);
}

}  // namespace wasmrr::wasi::p3
