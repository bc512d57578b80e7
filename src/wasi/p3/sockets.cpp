// wasi:sockets@0.3.0: tcp-socket (tcp.cpp) and udp-socket (udp.cpp) of
// wasi:sockets/types, and ip-name-lookup (ip_name_lookup.cpp).
#include "wasi/p3/net.h"

namespace wasmrr::wasi::p3 {

void register_sockets(runtime::HostRegistry& r, P3State& p) {
  InterfaceDefiner def(r, "wasi:sockets/types", kP3);
  register_sockets_tcp(def, p);
  register_sockets_udp(def, p);
  register_ip_name_lookup(r, p);
}

}  // namespace wasmrr::wasi::p3
