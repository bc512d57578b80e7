// wasi:sockets/udp-create-socket: a new, unbound, non-blocking UDP socket.
// Creating one needs no permission; binding and sending do.
#include "wasi/sockets/result.h"
#include "wasi/sockets/sockets.h"

namespace wasmrr::wasi {

void register_sockets_udp_create_socket(runtime::HostRegistry& r, SocketsState& net) {
  InterfaceDefiner def(r, "wasi:sockets/udp-create-socket");
  def("create-udp-socket", [&net](Values& a) { return create_socket(net.udp_sockets, arg(a, 0), SOCK_DGRAM); });
}

}  // namespace wasmrr::wasi
