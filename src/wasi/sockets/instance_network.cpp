// wasi:sockets/instance-network: the network handle of this instance. Every
// call returns a new handle to the same (only) network.
#include "wasi/sockets/result.h"
#include "wasi/sockets/sockets.h"

namespace wasmrr::wasi {

void register_sockets_instance_network(runtime::HostRegistry& r, SocketsState& net) {
  InterfaceDefiner def(r, "wasi:sockets/instance-network");
  def("instance-network", [&net](Values&) {
    return one(Value::own(net.networks.insert(std::make_shared<Network>())));
  });
}

}  // namespace wasmrr::wasi
