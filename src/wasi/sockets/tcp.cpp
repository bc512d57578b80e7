// wasi:sockets/tcp: the tcp-socket resource. Its state machine (TcpState)
// follows the WIT: start-bind/finish-bind, start-connect/finish-connect,
// start-listen/finish-listen; a call in the wrong state is invalid-state, a
// finish-* without its start-* not-in-progress. Bind and connect are checked
// against the --allow-tcp rules (access-denied).
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <cassert>
#include <cerrno>

#include <fmt/format.h>

#include "wasi/sockets/result.h"
#include "wasi/sockets/sockets.h"
#include "wasi/sockets/tcp_ops.h"
#include "wasi/sockets/tcp_stream.h"

namespace wasmrr::wasi {
namespace tcp {

bool in_progress(TcpState s) {
  return s == TcpState::bind_started || s == TcpState::listen_started || s == TcpState::connecting;
}

NetResult<Unit> start_bind(SocketsState& net, TcpSocket& s, const IpEndpoint& local) {
  if (in_progress(s.state)) return NetError::concurrency_conflict;
  if (s.state != TcpState::unbound) return NetError::invalid_state;
  if (!address_fits(local, s.family) || local.is_multicast()) return NetError::invalid_argument;
  if (!net.config.tcp.allows(local)) return NetError::access_denied;
  // As on Windows, a port in TIME_WAIT may be bound again at once.
  if (auto r = set_int_option(s.raw(), SOL_SOCKET, SO_REUSEADDR, 1); !r.ok()) return r.error();
  sockaddr_storage sa;
  socklen_t len = to_sockaddr(local, sa);
  if (::bind(s.raw(), reinterpret_cast<sockaddr*>(&sa), len) != 0) {
    // Linux says EINVAL for a socket that is bound already; WASI, invalid-state.
    return errno == EINVAL ? NetError::invalid_state : net_error_from_errno(errno);
  }
  s.state = TcpState::bind_started;
  return Unit{};
}

NetResult<Unit> finish(TcpSocket& s, TcpState started, TcpState done) {
  if (s.state != started) return NetError::not_in_progress;
  s.state = done;
  return Unit{};
}

NetResult<Unit> start_connect(SocketsState& net, TcpSocket& s, const IpEndpoint& remote) {
  if (in_progress(s.state)) return NetError::concurrency_conflict;
  if (s.state != TcpState::unbound && s.state != TcpState::bound) return NetError::invalid_state;
  if (!address_fits(remote, s.family) || remote.is_unspecified() || remote.is_multicast() || remote.port == 0 ||
      remote.is_broadcast())
    return NetError::invalid_argument;
  if (!net.config.tcp.allows(remote)) return NetError::access_denied;
  sockaddr_storage sa;
  socklen_t len = to_sockaddr(remote, sa);
  int rc;
  do rc = ::connect(s.raw(), reinterpret_cast<sockaddr*>(&sa), len);
  while (rc != 0 && errno == EINTR);
  if (rc != 0 && errno != EINPROGRESS) {
    // Refused and unreachable are finish-connect's answers; bad arguments are ours.
    NetError e = net_error_from_errno(errno);
    if (e == NetError::invalid_argument || e == NetError::not_supported || e == NetError::access_denied) return e;
    s.connect_result = errno;
  } else {
    s.connect_result = rc == 0 ? std::optional<int>(0) : std::nullopt;
  }
  s.state = TcpState::connecting;
  return Unit{};
}

NetResult<Unit> poll_connect(TcpSocket& s) {
  if (!s.connect_result) {
    pollfd p{s.raw(), POLLOUT, 0};
    if (::poll(&p, 1, 0) <= 0) return NetError::would_block;
    auto err = get_int_option(s.raw(), SOL_SOCKET, SO_ERROR);
    s.connect_result = err.ok() ? err.value() : EIO;
  }
  int err = *s.connect_result;
  s.connect_result.reset();
  if (err != 0) {
    s.state = TcpState::closed;  // WASI: a failed connect leaves nothing to do but drop
    return net_error_from_errno(err);
  }
  s.state = TcpState::connected;
  return Unit{};
}

NetResult<Unit> start_listen(TcpSocket& s) {
  if (in_progress(s.state)) return NetError::concurrency_conflict;
  if (s.state != TcpState::bound) return NetError::invalid_state;
  if (::listen(s.raw(), static_cast<int>(s.listen_backlog)) != 0) return net_error_from_errno(errno);
  s.state = TcpState::listen_started;
  return Unit{};
}

NetResult<std::shared_ptr<TcpSocket>> accept_connection(TcpSocket& s) {
  if (s.state != TcpState::listening) return NetError::invalid_state;
  int fd;
  do fd = ::accept4(s.raw(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  while (fd < 0 && errno == EINTR);
  if (fd < 0) return net_error_from_errno(errno);
  auto conn = std::make_shared<TcpSocket>();
  conn->fd = std::make_shared<OwnedFd>(fd);
  conn->family = s.family;
  conn->state = TcpState::connected;
  return conn;
}

NetResult<IpEndpoint> local_address(const TcpSocket& s) {
  if (s.state == TcpState::unbound || s.state == TcpState::bind_started) return NetError::invalid_state;
  return local_endpoint(s.raw());
}

NetResult<IpEndpoint> remote_address(const TcpSocket& s) {
  if (s.state != TcpState::connected) return NetError::invalid_state;
  return peer_endpoint(s.raw());
}

NetResult<Unit> set_listen_backlog(TcpSocket& s, uint64_t value) {
  if (value == 0) return NetError::invalid_argument;
  if (s.state == TcpState::connecting || s.state == TcpState::connected || s.state == TcpState::closed)
    return NetError::invalid_state;
  s.listen_backlog = static_cast<uint32_t>(clamp_to_int(value));
  // Linux lets a listening socket change its backlog by listening again.
  if (s.state == TcpState::listening && ::listen(s.raw(), static_cast<int>(s.listen_backlog)) != 0)
    return net_error_from_errno(errno);
  return Unit{};
}

}  // namespace tcp

namespace {

using namespace tcp;

// The streams of a connected socket: (own input-stream, own output-stream).
std::vector<Value> stream_pair(SocketsState& net, const TcpSocket& s) {
  uint32_t in = net.io.input_streams.insert(std::make_shared<TcpInputStream>(s.fd));
  uint32_t out = net.io.output_streams.insert(std::make_shared<TcpOutputStream>(s.fd));
  return {Value::own(in), Value::own(out)};
}

Values finish_connect(SocketsState& net, TcpSocket& s) {
  if (s.state != TcpState::connecting) return one(net_err_value(NetError::not_in_progress));
  auto r = poll_connect(s);
  if (!r.ok()) return one(net_err_value(r.error()));
  return one(Value::ok(Value::tuple(stream_pair(net, s))));
}

Values accept(SocketsState& net, TcpSocket& s) {
  auto conn = accept_connection(s);
  if (!conn.ok()) return one(net_err_value(conn.error()));
  std::vector<Value> parts = stream_pair(net, *conn.value());
  parts.insert(parts.begin(), Value::own(net.tcp_sockets.insert(std::move(conn.value()))));
  return one(Value::ok(Value::tuple(std::move(parts))));
}

NetResult<Unit> shutdown(TcpSocket& s, uint32_t how) {
  if (s.state != TcpState::connected) return NetError::invalid_state;
  static constexpr int kHow[] = {SHUT_RD, SHUT_WR, SHUT_RDWR};
  assert(how <= 2);  // an enum of three cases (the import's type was checked at load)
  if (::shutdown(s.raw(), kHow[how]) != 0 && errno != ENOTCONN) return net_error_from_errno(errno);
  return Unit{};
}

std::shared_ptr<Pollable> subscribe(const TcpSocket& s) {
  // One fd condition serves every state: connecting completes with POLLOUT,
  // a pending connection makes a listener POLLIN, and an idle socket polls
  // POLLHUP (ready at once, as the WIT wants).
  if (s.state == TcpState::closed) return Pollable::always_ready();
  return Pollable::on_fd(s.raw(), POLLIN | POLLOUT);
}

int hop_level(const TcpSocket& s) { return s.family == IpFamily::ipv4 ? IPPROTO_IP : IPPROTO_IPV6; }
int hop_name(const TcpSocket& s) { return s.family == IpFamily::ipv4 ? IP_TTL : IPV6_UNICAST_HOPS; }

}  // namespace

// 0.3 names each option's getter get-*; 0.2 names it after the option.
void tcp::define_options(const InterfaceDefiner& def, SocketsState& net, WasiVersion v) {
  auto getter = [v](std::string_view option) {
    return fmt::format("[method]tcp-socket.{}{}", v == WasiVersion::P3 ? "get-" : "", option);
  };
  auto sock = [&net](const Values& a) -> TcpSocket& { return net.tcp_sockets.at(arg(a, 0).rep()); };
  auto get = [sock, v](int level, int name, auto to_value) {
    return [=](Values& a) { return net_result_in(v, get_int_option(sock(a).raw(), level, name), to_value); };
  };
  auto as_bool = [](int x) { return Value::boolean(x != 0); };
  auto as_secs = [](int x) { return Value::u64(static_cast<uint64_t>(x) * 1'000'000'000u); };
  auto as_u32 = [](int x) { return Value::u32(static_cast<uint32_t>(x)); };
  auto as_u64 = [](int x) { return Value::u64(static_cast<uint64_t>(x)); };
  def(getter("keep-alive-enabled"), get(SOL_SOCKET, SO_KEEPALIVE, as_bool));
  def("[method]tcp-socket.set-keep-alive-enabled", [sock, v](Values& a) {
    return net_result_in(v, set_int_option(sock(a).raw(), SOL_SOCKET, SO_KEEPALIVE, arg(a, 1).as_bool() ? 1 : 0));
  });
  def(getter("keep-alive-idle-time"), get(IPPROTO_TCP, TCP_KEEPIDLE, as_secs));
  def("[method]tcp-socket.set-keep-alive-idle-time", [sock, v](Values& a) {
    uint64_t ns = arg(a, 1).as_u64();
    if (ns == 0) return net_result_in(v, NetError::invalid_argument);
    return net_result_in(v, set_int_option(sock(a).raw(), IPPROTO_TCP, TCP_KEEPIDLE, keepalive_seconds(ns)));
  });
  def(getter("keep-alive-interval"), get(IPPROTO_TCP, TCP_KEEPINTVL, as_secs));
  def("[method]tcp-socket.set-keep-alive-interval", [sock, v](Values& a) {
    uint64_t ns = arg(a, 1).as_u64();
    if (ns == 0) return net_result_in(v, NetError::invalid_argument);
    return net_result_in(v, set_int_option(sock(a).raw(), IPPROTO_TCP, TCP_KEEPINTVL, keepalive_seconds(ns)));
  });
  def(getter("keep-alive-count"), get(IPPROTO_TCP, TCP_KEEPCNT, as_u32));
  def("[method]tcp-socket.set-keep-alive-count", [sock, v](Values& a) {
    uint32_t n = arg(a, 1).as_u32();
    if (n == 0) return net_result_in(v, NetError::invalid_argument);
    return net_result_in(v, set_int_option(sock(a).raw(), IPPROTO_TCP, TCP_KEEPCNT, clamp_to_int(std::min(n, 127u))));
  });
  def(getter("hop-limit"), [sock, v](Values& a) {
    TcpSocket& s = sock(a);
    return net_result_in(v, get_int_option(s.raw(), hop_level(s), hop_name(s)),
                      [](int x) { return Value::u8(static_cast<uint8_t>(x)); });
  });
  def("[method]tcp-socket.set-hop-limit", [sock, v](Values& a) {
    TcpSocket& s = sock(a);
    int hops = static_cast<int>(arg(a, 1).num & 0xff);
    if (hops == 0) return net_result_in(v, NetError::invalid_argument);
    return net_result_in(v, set_int_option(s.raw(), hop_level(s), hop_name(s), hops));
  });
  def(getter("receive-buffer-size"), get(SOL_SOCKET, SO_RCVBUF, as_u64));
  def("[method]tcp-socket.set-receive-buffer-size", [sock, v](Values& a) {
    uint64_t size = arg(a, 1).as_u64();
    if (size == 0) return net_result_in(v, NetError::invalid_argument);
    return net_result_in(v, set_int_option(sock(a).raw(), SOL_SOCKET, SO_RCVBUF, clamp_to_int(size)));
  });
  def(getter("send-buffer-size"), get(SOL_SOCKET, SO_SNDBUF, as_u64));
  def("[method]tcp-socket.set-send-buffer-size", [sock, v](Values& a) {
    uint64_t size = arg(a, 1).as_u64();
    if (size == 0) return net_result_in(v, NetError::invalid_argument);
    return net_result_in(v, set_int_option(sock(a).raw(), SOL_SOCKET, SO_SNDBUF, clamp_to_int(size)));
  });
}

namespace {

void register_lifecycle(const InterfaceDefiner& def, SocketsState& net) {
  auto sock = [&net](const Values& a) -> TcpSocket& { return net.tcp_sockets.at(arg(a, 0).rep()); };
  auto network = [&net](const Values& a) { (void)net.networks.at(arg(a, 1).rep()); };
  def("[method]tcp-socket.start-bind", [&net, sock, network](Values& a) {
    network(a);
    return net_result(start_bind(net, sock(a), endpoint_from_value(arg(a, 2))));
  });
  def("[method]tcp-socket.finish-bind", [sock](Values& a) {
    return net_result(finish(sock(a), TcpState::bind_started, TcpState::bound));
  });
  def("[method]tcp-socket.start-connect", [&net, sock, network](Values& a) {
    network(a);
    return net_result(start_connect(net, sock(a), endpoint_from_value(arg(a, 2))));
  });
  def("[method]tcp-socket.finish-connect", [&net, sock](Values& a) { return finish_connect(net, sock(a)); });
  def("[method]tcp-socket.start-listen", [sock](Values& a) { return net_result(start_listen(sock(a))); });
  def("[method]tcp-socket.finish-listen", [sock](Values& a) {
    return net_result(finish(sock(a), TcpState::listen_started, TcpState::listening));
  });
  def("[method]tcp-socket.accept", [&net, sock](Values& a) { return accept(net, sock(a)); });
  def("[method]tcp-socket.shutdown", [sock](Values& a) { return net_result(shutdown(sock(a), arg(a, 1).as_u32())); });
  def("[method]tcp-socket.subscribe", [&net, sock](Values& a) {
    return one(Value::own(net.io.pollables.insert(subscribe(sock(a)))));
  });
  def("[resource-drop]tcp-socket", [&net](Values& a) {
    net.tcp_sockets.remove(arg(a, 0).rep());
    return nothing();
  });
}

void register_queries(const InterfaceDefiner& def, SocketsState& net) {
  auto sock = [&net](const Values& a) -> TcpSocket& { return net.tcp_sockets.at(arg(a, 0).rep()); };
  def("[method]tcp-socket.local-address", [sock](Values& a) {
    return net_result(local_address(sock(a)), endpoint_to_value);
  });
  def("[method]tcp-socket.remote-address", [sock](Values& a) {
    return net_result(remote_address(sock(a)), endpoint_to_value);
  });
  def("[method]tcp-socket.is-listening", [sock](Values& a) {
    return one(Value::boolean(sock(a).state == TcpState::listening));
  });
  def("[method]tcp-socket.address-family", [sock](Values& a) {
    return one(Value::enum_(static_cast<uint32_t>(sock(a).family)));
  });
  def("[method]tcp-socket.set-listen-backlog-size", [sock](Values& a) {
    return net_result(set_listen_backlog(sock(a), arg(a, 1).as_u64()));
  });
}

}  // namespace

void register_sockets_tcp(runtime::HostRegistry& r, SocketsState& net) {
  InterfaceDefiner def(r, "wasi:sockets/tcp");
  register_lifecycle(def, net);
  register_queries(def, net);
  define_options(def, net, WasiVersion::P2);
}

}  // namespace wasmrr::wasi
