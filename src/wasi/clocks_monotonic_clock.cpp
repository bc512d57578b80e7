// wasi:clocks/monotonic-clock: now, resolution, and pollables with deadlines.
#include "wasi/host_util.h"
#include "wasi/interfaces.h"

namespace wasmrr::wasi {

void register_clocks_monotonic_clock(runtime::HostRegistry& r, WasiContext& cx) {
  InterfaceDefiner def(r, "wasi:clocks/monotonic-clock");
  def("now", [&cx](Values&) { return one(Value::u64(cx.monotonic().now())); });
  def("resolution", [&cx](Values&) { return one(Value::u64(cx.monotonic().resolution())); });
  def("subscribe-instant", [&cx](Values& args) {
    return one(Value::own(cx.pollables.insert(Pollable::at_deadline(arg(args, 0).as_u64()))));
  });
  def("subscribe-duration", [&cx](Values& args) {
    uint64_t now = cx.monotonic().now();
    uint64_t d = arg(args, 0).as_u64();
    uint64_t when = d > UINT64_MAX - now ? UINT64_MAX : now + d;  // saturate: "never"
    return one(Value::own(cx.pollables.insert(Pollable::at_deadline(when))));
  });
}

}  // namespace wasmrr::wasi
