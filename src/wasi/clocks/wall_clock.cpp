// wasi:clocks/wall-clock.
#include "wasi/clocks/clocks.h"
#include "wasi/common/host_util.h"

namespace wasmrr::wasi {

void register_clocks_wall_clock(runtime::HostRegistry& r, ClocksState& clocks) {
  InterfaceDefiner def(r, "wasi:clocks/wall-clock");
  def("now", [&clocks](Values&) { return one(datetime_value(clocks.wall.now())); });
  def("resolution", [&clocks](Values&) { return one(datetime_value(clocks.wall.resolution())); });
}

}  // namespace wasmrr::wasi
