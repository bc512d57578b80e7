// The tcp-socket operations wasi:sockets 0.2 (tcp.cpp) and 0.3
// (p3/sockets.cpp) share: the state machine's steps over a TcpSocket, with
// errors as NetError, and the socket options, defined for either version.
// 0.3's bind, connect and listen are each a 0.2 start-* and finish-* pair.
#pragma once

#include <memory>

#include "wasi/common/host_util.h"
#include "wasi/sockets/sockets.h"

namespace wasmrr::wasi::tcp {

bool in_progress(TcpState s);  // a start-* without its finish-*
NetResult<Unit> start_bind(SocketsState& net, TcpSocket& s, const IpEndpoint& local);
NetResult<Unit> finish(TcpSocket& s, TcpState started, TcpState done);
NetResult<Unit> start_connect(SocketsState& net, TcpSocket& s, const IpEndpoint& remote);
// would-block while the connection is being made; then connected, or the
// failure (and the socket is closed).
NetResult<Unit> poll_connect(TcpSocket& s);
NetResult<Unit> start_listen(TcpSocket& s);
// A pending connection of a listening socket (would-block: none yet).
NetResult<std::shared_ptr<TcpSocket>> accept_connection(TcpSocket& s);
NetResult<IpEndpoint> local_address(const TcpSocket& s);
NetResult<IpEndpoint> remote_address(const TcpSocket& s);
NetResult<Unit> set_listen_backlog(TcpSocket& s, uint64_t value);

// keep-alive, hop-limit and buffer sizes, get and set, named and typed as
// version `v` has them.
void define_options(const InterfaceDefiner& def, SocketsState& net, WasiVersion v);

}  // namespace wasmrr::wasi::tcp
