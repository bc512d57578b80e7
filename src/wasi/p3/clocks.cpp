// wasi:clocks@0.3.0: monotonic-clock (now, get-resolution, and the async
// wait-for / wait-until, which block the host thread: runtime/tasks.h) and
// system-clock (seconds as s64).
#include <poll.h>

#include <cerrno>

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
}

}  // namespace wasmrr::wasi::p3
