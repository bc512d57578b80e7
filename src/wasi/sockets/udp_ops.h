// The udp-socket operations wasi:sockets 0.2 (udp.cpp) and 0.3
// (p3/sockets_udp.cpp) share, with errors as NetError, and the socket
// options, defined for either version.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "wasi/common/host_util.h"
#include "wasi/sockets/sockets.h"

namespace wasmrr::wasi::udp {

bool valid_remote(const IpEndpoint& e, IpFamily family);  // a peer a datagram can go to
// `implicit`: the bind 0.3's send and connect make of an unbound socket, to
// the unspecified address and a port the system picks; the --allow-udp
// rules are for the addresses the guest chooses, so it is not checked (each
// datagram's destination is).
NetResult<Unit> start_bind(SocketsState& net, UdpSocket& s, const IpEndpoint& local, bool implicit = false);
// Sets (or, with nullopt, dissolves) the socket's peer, checked against the
// --allow-udp rules.
NetResult<Unit> connect_to(SocketsState& net, UdpSocket& s, const std::optional<IpEndpoint>& remote);
// One datagram to `to`, or to the socket's peer `remote` (then `to`, if
// given, must be that peer); would-block when the socket buffer is full.
NetResult<Unit> send_datagram(SocketsState& net, int fd, IpFamily family, const std::optional<IpEndpoint>& remote,
                              std::string_view data, const std::optional<IpEndpoint>& to);

// The bound address (invalid-state before a bind), the peer (invalid-state
// when not connected).
NetResult<IpEndpoint> local_address(const UdpSocket& s);
NetResult<IpEndpoint> remote_address(const UdpSocket& s);

struct Datagram {
  std::string data;
  IpEndpoint from;
};
// One datagram that has come (would-block: none).
NetResult<Datagram> receive_datagram(int fd);

// unicast-hop-limit and buffer sizes, get and set, named and typed as
// version `v` has them.
void define_options(const InterfaceDefiner& def, SocketsState& net, WasiVersion v);

}  // namespace wasmrr::wasi::udp
