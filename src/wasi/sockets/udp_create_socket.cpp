// wasi:sockets/udp-create-socket: a new, unbound, non-blocking UDP socket.
// Creating one needs no permission; binding and sending do.
#include <cassert>

#include "wasi/sockets/result.h"
#include "wasi/sockets/sockets.h"

namespace wasmrr::wasi {

void register_sockets_udp_create_socket(runtime::HostRegistry& r, SocketsState& net) {
  InterfaceDefiner def(r, "wasi:sockets/udp-create-socket");
  def("create-udp-socket", [&net](Values& a) {
    uint32_t family = arg(a, 0).case_index();
    assert(family <= 1);  // an enum of two cases (the import's type was checked at load)
    auto s = std::make_shared<UdpSocket>();
    s->family = static_cast<IpFamily>(family);
    auto fd = open_socket(s->family, SOCK_DGRAM);
    if (!fd.ok()) return one(net_err_value(fd.error()));
    s->fd = std::move(fd.value());
    return one(Value::ok(Value::own(net.udp_sockets.insert(std::move(s)))));
  });
}

}  // namespace wasmrr::wasi
