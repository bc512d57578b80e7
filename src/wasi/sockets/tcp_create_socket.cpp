// wasi:sockets/tcp-create-socket: a new, unbound, non-blocking TCP socket.
// Creating one needs no permission; binding and connecting do.
#include "wasi/sockets/result.h"
#include "wasi/sockets/sockets.h"

namespace wasmrr::wasi {

void register_sockets_tcp_create_socket(runtime::HostRegistry& r, SocketsState& net) {
  InterfaceDefiner def(r, "wasi:sockets/tcp-create-socket");
  def("create-tcp-socket", [&net](Values& a) { return create_socket(net.tcp_sockets, arg(a, 0), SOCK_STREAM); });
}

}  // namespace wasmrr::wasi
