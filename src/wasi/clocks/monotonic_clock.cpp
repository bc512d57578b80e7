// wasi:clocks/monotonic-clock: now, resolution, and pollables with deadlines.
#include "wasi/clocks/clocks.h"
#include "wasi/common/host_util.h"

namespace wasmrr::wasi {

void register_clocks_monotonic_clock(runtime::HostRegistry& r, ClocksState& clocks) {
  InterfaceDefiner def(r, "wasi:clocks/monotonic-clock");
  def("now", [&clocks](Values&) { return one(Value::u64(clocks.monotonic.now())); });
  def("resolution", [&clocks](Values&) { return one(Value::u64(clocks.monotonic.resolution())); });
  def("subscribe-instant", [&clocks](Values& args) {
    return one(Value::own(clocks.io.pollables.insert(Pollable::at_deadline(arg(args, 0).as_u64()))));
  });
  def("subscribe-duration", [&clocks](Values& args) {
    uint64_t now = clocks.monotonic.now();
    uint64_t d = arg(args, 0).as_u64();
    uint64_t when = d > UINT64_MAX - now ? UINT64_MAX : now + d;  // saturate: "never"
    return one(Value::own(clocks.io.pollables.insert(Pollable::at_deadline(when))));
  });
}

}  // namespace wasmrr::wasi
