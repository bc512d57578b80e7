// wasi:sockets/network: the network resource (a capability token with no
// methods) and network-error-code.
#include "wasi/sockets/result.h"
#include "wasi/sockets/sockets.h"

namespace wasmrr::wasi {

void register_sockets_network(runtime::HostRegistry& r, SocketsState& net) {
  InterfaceDefiner def(r, "wasi:sockets/network");
  def("[resource-drop]network", [&net](Values& a) {
    net.networks.remove(arg(a, 0).rep());
    return nothing();
  });
  // Some(code) for errors of TCP streams (NetErrorDetail); none for any other error.
  def("network-error-code", [&net](Values& a) {
    const auto* d = net.io.errors.at(arg(a, 0).rep()).detail_as<NetErrorDetail>();
    return one(d ? Value::some(Value::enum_(static_cast<uint32_t>(d->code))) : Value::none());
  });
}

}  // namespace wasmrr::wasi
