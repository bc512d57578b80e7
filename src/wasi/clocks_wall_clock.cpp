// wasi:clocks/wall-clock.
#include "wasi/host_util.h"
#include "wasi/interfaces.h"

namespace wasmrr::wasi {

void register_clocks_wall_clock(runtime::HostRegistry& r, WasiContext& cx) {
  InterfaceDefiner def(r, "wasi:clocks/wall-clock");
  def("now", [&cx](Values&) { return one(datetime_value(cx.sources.wall_clock->now())); });
  def("resolution", [&cx](Values&) { return one(datetime_value(cx.sources.wall_clock->resolution())); });
}

}  // namespace wasmrr::wasi
