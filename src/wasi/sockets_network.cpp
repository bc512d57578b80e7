// wasi:sockets/network: the network resource (a capability token with no
// methods) and network-error-code.
#include "wasi/interfaces.h"
#include "wasi/sockets_util.h"

namespace wasmrr::wasi {

void register_sockets_network(runtime::HostRegistry& r, WasiContext& cx) {
  InterfaceDefiner def(r, "wasi:sockets/network");
  def("[resource-drop]network", [&cx](Values& a) {
    cx.sockets.networks.remove(arg(a, 0).rep());
    return nothing();
  });
  // Stream errors of TCP sockets carry a message only (io/error has no
  // socket code), so there is no error-code to give back: none.
  // Some(code) for errors of TCP streams; none for any other error.
  def("network-error-code", [&cx](Values& a) {
    const IoError& e = cx.errors.at(arg(a, 0).rep());
    return one(e.net_code ? Value::some(*e.net_code) : Value::none());
  });
}

}  // namespace wasmrr::wasi
