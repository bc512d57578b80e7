// What the WASI 0.3 sockets host (tcp.cpp, udp.cpp, ip_name_lookup.cpp)
// shares: results with 0.3's error-code variant (sockets/socket_addr.h's
// net_err_value(e, P3)), and waiting for a socket.
#pragma once

#include <utility>

#include "wasi/common/host_util.h"
#include "wasi/io/wait_cancel.h"
#include "wasi/p3/p3.h"
#include "wasi/sockets/result.h"

namespace wasmrr::wasi::p3 {

constexpr WasiVersion kP3 = WasiVersion::P3;

inline Values result(NetResult<Unit> r) { return net_result_in(kP3, std::move(r)); }

template <typename T, typename F>
Values result(NetResult<T> r, F&& to_value) {
  return net_result_in(kP3, std::move(r), std::forward<F>(to_value));
}

// The error-code payload of err(e), for a stream's future.
inline Value error_code(NetError e) { return net_err_value(e, kP3).payload(); }

// `op` (a non-blocking socket call) again each time `fd` has one of
// `events`, until it stops answering would-block: an async func's wait on
// the one host thread (cut short by --timeout: wait_fd_or_cancel).
template <typename Op>
auto until_ready(int fd, short events, Op op) {
  for (;;) {
    auto r = op();
    if (r.ok() || r.error() != NetError::would_block) return r;
    wait_fd_or_cancel(fd, events);
  }
}

// The interfaces of wasi:sockets/types@0.3.0, registered by register_sockets.
void register_sockets_tcp(const InterfaceDefiner& def, P3State& p);
void register_sockets_udp(const InterfaceDefiner& def, P3State& p);
void register_ip_name_lookup(runtime::HostRegistry& r, P3State& p);

}  // namespace wasmrr::wasi::p3
