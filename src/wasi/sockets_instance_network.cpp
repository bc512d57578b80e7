// wasi:sockets/instance-network: the network handle of this instance. Every
// call returns a new handle to the same (only) network.
#include "wasi/interfaces.h"
#include "wasi/sockets_util.h"

namespace wasmrr::wasi {

void register_sockets_instance_network(runtime::HostRegistry& r, WasiContext& cx) {
  InterfaceDefiner def(r, "wasi:sockets/instance-network");
  def("instance-network", [&cx](Values&) {
    return one(Value::own(cx.sockets.networks.insert(std::make_shared<Network>())));
  });
}

}  // namespace wasmrr::wasi
