// wasi:sockets/udp: udp-socket (bind, stream, options) and its datagram
// streams. Bind, connect (stream with a remote address) and each send to an
// explicit address are checked against the --allow-udp rules.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <cassert>
#include <cerrno>

#include <fmt/format.h>

#include "wasi/sockets/result.h"
#include "wasi/sockets/sockets.h"
#include "wasi/sockets/udp_ops.h"

namespace wasmrr::wasi {
namespace {

// Datagrams one receive or check-send handles at most: bounds the host's work
// per call; guests loop.
constexpr uint64_t kMaxDatagramsPerCall = 16;
constexpr size_t kMaxDatagramSize = 65535;

}  // namespace

namespace udp {

bool valid_remote(const IpEndpoint& e, IpFamily family) {
  return address_fits(e, family) && !e.is_unspecified() && e.port != 0;
}

NetResult<Unit> start_bind(SocketsState& net, UdpSocket& s, const IpEndpoint& local, bool implicit) {
  if (s.state == UdpState::bind_started) return NetError::concurrency_conflict;
  if (s.state != UdpState::unbound) return NetError::invalid_state;
  if (!address_fits(local, s.family)) return NetError::invalid_argument;
  if (!implicit && !net.config.udp.allows(local)) return NetError::access_denied;
  sockaddr_storage sa;
  socklen_t len = to_sockaddr(local, sa);
  if (::bind(s.raw(), reinterpret_cast<sockaddr*>(&sa), len) != 0) return net_error_from_errno(errno);
  s.state = UdpState::bind_started;
  return Unit{};
}

NetResult<Unit> connect_to(SocketsState& net, UdpSocket& s, const std::optional<IpEndpoint>& remote) {
  if (remote) {
    if (!valid_remote(*remote, s.family)) return NetError::invalid_argument;
    if (!net.config.udp.allows(*remote)) return NetError::access_denied;
  }
  sockaddr_storage sa{};
  socklen_t len = sizeof(sa_family_t);
  if (remote) {
    len = to_sockaddr(*remote, sa);
  } else if (!s.remote) {
    return Unit{};
  } else {
    sa.ss_family = AF_UNSPEC;  // dissolves the association
  }
  if (::connect(s.raw(), reinterpret_cast<sockaddr*>(&sa), len) != 0 && remote) return net_error_from_errno(errno);
  s.remote = remote;
  return Unit{};
}

// One datagram to `to`, or to the socket's peer (then `to`, if given, must
// be that peer).
NetResult<Unit> send_datagram(SocketsState& net, int fd, IpFamily family, const std::optional<IpEndpoint>& remote,
                              std::string_view data, const std::optional<IpEndpoint>& to) {
  if (data.size() > kMaxDatagramSize) return NetError::datagram_too_large;
  ssize_t n;
  if (remote) {
    if (to && !(to->family == remote->family && to->bytes == remote->bytes && to->port == remote->port))
      return NetError::invalid_argument;
    n = ::send(fd, data.data(), data.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  } else {
    if (!to || !valid_remote(*to, family)) return NetError::invalid_argument;
    if (!net.config.udp.allows(*to)) return NetError::access_denied;
    sockaddr_storage sa;
    socklen_t len = to_sockaddr(*to, sa);
    n = ::sendto(fd, data.data(), data.size(), MSG_DONTWAIT | MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&sa), len);
  }
  if (n < 0) return net_error_from_errno(errno);
  return Unit{};
}

NetResult<IpEndpoint> local_address(const UdpSocket& s) {
  if (s.state != UdpState::bound) return NetError::invalid_state;
  return local_endpoint(s.raw());
}

NetResult<IpEndpoint> remote_address(const UdpSocket& s) {
  if (!s.remote) return NetError::invalid_state;
  return peer_endpoint(s.raw());
}

NetResult<Datagram> receive_datagram(int fd) {
  std::string buf(kMaxDatagramSize, '\0');
  for (;;) {
    sockaddr_storage from{};
    socklen_t len = sizeof from;
    ssize_t n = ::recvfrom(fd, buf.data(), buf.size(), MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&from), &len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return net_error_from_errno(errno);
    }
    auto peer = from_sockaddr(from);
    if (!peer) continue;  // not an IP datagram: nothing the guest can name
    buf.resize(static_cast<size_t>(n));
    return Datagram{std::move(buf), *peer};
  }
}

}  // namespace udp

namespace {

using namespace udp;

Values stream(SocketsState& net, UdpSocket& s, const Value& remote_opt) {
  if (s.state != UdpState::bound) return one(net_err_value(NetError::invalid_state));
  std::optional<IpEndpoint> remote;
  if (remote_opt.is_some()) remote = endpoint_from_value(remote_opt.payload());
  if (auto r = connect_to(net, s, remote); !r.ok()) return one(net_err_value(r.error()));
  auto in = std::make_shared<IncomingDatagramStream>(IncomingDatagramStream{s.fd});
  auto out = std::make_shared<OutgoingDatagramStream>(OutgoingDatagramStream{s.fd, s.family, s.remote, 0});
  return one(Value::ok(Value::tuple({Value::own(net.incoming_datagram_streams.insert(std::move(in))),
                                     Value::own(net.outgoing_datagram_streams.insert(std::move(out)))})));
}

Values receive(const IncomingDatagramStream& in, uint64_t max) {
  std::vector<Value> got;
  std::string buf(kMaxDatagramSize, '\0');
  while (got.size() < std::min(max, kMaxDatagramsPerCall)) {
    sockaddr_storage from{};
    socklen_t len = sizeof from;
    ssize_t n = ::recvfrom(in.fd->get(), buf.data(), buf.size(), MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&from), &len);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK || !got.empty()) break;
      return one(net_err_value(net_error_from_errno(errno)));
    }
    auto peer = from_sockaddr(from);
    if (!peer) continue;  // not an IP datagram: nothing the guest can name
    got.push_back(Value::record({Value::byte_list(buf.substr(0, static_cast<size_t>(n))), endpoint_to_value(*peer)}));
  }
  return one(Value::ok(Value::list(std::move(got))));
}

bool writable_now(int fd) {
  pollfd p{fd, POLLOUT, 0};
  return ::poll(&p, 1, 0) > 0;
}

// One datagram of a send list: record { data, remote-address: option }.
NetResult<Unit> send_one(SocketsState& net, const OutgoingDatagramStream& out, const Value& datagram) {
  assert(datagram.kind == abi::Kind::Record && datagram.items.size() == 2);  // type checked at load
  const Value& addr = datagram.items[1];
  std::optional<IpEndpoint> to;
  if (addr.is_some()) to = endpoint_from_value(addr.payload());
  return send_datagram(net, out.fd->get(), out.family, out.remote, datagram.items[0].str, to);
}

Values send(SocketsState& net, OutgoingDatagramStream& out, const Value& list) {
  uint64_t count = list.items.size();
  // The WIT makes this the guest's error to trap on: send only what check-send allowed.
  if (count > out.permit) throw Trap("outgoing-datagram-stream.send: more datagrams than check-send permitted");
  out.permit -= count;
  uint64_t sent = 0;
  for (const Value& d : list.items) {
    auto r = send_one(net, out, d);
    if (!r.ok()) {
      if (sent == 0) return one(net_err_value(r.error()));
      break;
    }
    ++sent;
  }
  return one(Value::ok(Value::u64(sent)));
}

int hop_level(const UdpSocket& s) { return s.family == IpFamily::ipv4 ? IPPROTO_IP : IPPROTO_IPV6; }
int hop_name(const UdpSocket& s) { return s.family == IpFamily::ipv4 ? IP_TTL : IPV6_UNICAST_HOPS; }

void register_socket(const InterfaceDefiner& def, SocketsState& net) {
  auto sock = [&net](const Values& a) -> UdpSocket& { return net.udp_sockets.at(arg(a, 0).rep()); };
  def("[method]udp-socket.start-bind", [&net, sock](Values& a) {
    (void)net.networks.at(arg(a, 1).rep());
    return net_result(start_bind(net, sock(a), endpoint_from_value(arg(a, 2))));
  });
  def("[method]udp-socket.finish-bind", [sock](Values& a) {
    UdpSocket& s = sock(a);
    if (s.state != UdpState::bind_started) return net_result(NetError::not_in_progress);
    s.state = UdpState::bound;
    return net_result(Unit{});
  });
  def("[method]udp-socket.stream", [&net, sock](Values& a) { return stream(net, sock(a), arg(a, 1)); });
  def("[method]udp-socket.local-address",
      [sock](Values& a) { return net_result(local_address(sock(a)), endpoint_to_value); });
  def("[method]udp-socket.remote-address",
      [sock](Values& a) { return net_result(remote_address(sock(a)), endpoint_to_value); });
  def("[method]udp-socket.address-family", [sock](Values& a) {
    return one(Value::enum_(static_cast<uint32_t>(sock(a).family)));
  });
  def("[method]udp-socket.subscribe", [&net](Values& a) {
    (void)net.udp_sockets.at(arg(a, 0).rep());
    return one(Value::own(net.io.pollables.insert(Pollable::always_ready())));
  });
  def("[resource-drop]udp-socket", [&net](Values& a) {
    net.udp_sockets.remove(arg(a, 0).rep());
    return nothing();
  });
}

}  // namespace

// 0.3 names each option's getter get-*; 0.2 names it after the option.
void udp::define_options(const InterfaceDefiner& def, SocketsState& net, WasiVersion v) {
  auto getter = [v](std::string_view option) {
    return fmt::format("[method]udp-socket.{}{}", v == WasiVersion::P3 ? "get-" : "", option);
  };
  auto sock = [&net](const Values& a) -> UdpSocket& { return net.udp_sockets.at(arg(a, 0).rep()); };
  auto as_u64 = [](int x) { return Value::u64(static_cast<uint64_t>(x)); };
  def(getter("unicast-hop-limit"), [sock, v](Values& a) {
    UdpSocket& s = sock(a);
    return net_result_in(v, get_int_option(s.raw(), hop_level(s), hop_name(s)),
                      [](int x) { return Value::u8(static_cast<uint8_t>(x)); });
  });
  def("[method]udp-socket.set-unicast-hop-limit", [sock, v](Values& a) {
    UdpSocket& s = sock(a);
    int hops = static_cast<int>(arg(a, 1).num & 0xff);
    if (hops == 0) return net_result_in(v, NetError::invalid_argument);
    return net_result_in(v, set_int_option(s.raw(), hop_level(s), hop_name(s), hops));
  });
  def(getter("receive-buffer-size"), [sock, as_u64, v](Values& a) {
    return net_result_in(v, get_int_option(sock(a).raw(), SOL_SOCKET, SO_RCVBUF), as_u64);
  });
  def("[method]udp-socket.set-receive-buffer-size", [sock, v](Values& a) {
    uint64_t size = arg(a, 1).as_u64();
    if (size == 0) return net_result_in(v, NetError::invalid_argument);
    return net_result_in(v, set_int_option(sock(a).raw(), SOL_SOCKET, SO_RCVBUF, clamp_to_int(size)));
  });
  def(getter("send-buffer-size"), [sock, as_u64, v](Values& a) {
    return net_result_in(v, get_int_option(sock(a).raw(), SOL_SOCKET, SO_SNDBUF), as_u64);
  });
  def("[method]udp-socket.set-send-buffer-size", [sock, v](Values& a) {
    uint64_t size = arg(a, 1).as_u64();
    if (size == 0) return net_result_in(v, NetError::invalid_argument);
    return net_result_in(v, set_int_option(sock(a).raw(), SOL_SOCKET, SO_SNDBUF, clamp_to_int(size)));
  });
}

namespace {

void register_datagram_streams(const InterfaceDefiner& def, SocketsState& net) {
  def("[method]incoming-datagram-stream.receive", [&net](Values& a) {
    uint64_t max = arg(a, 1).as_u64();
    return receive(net.incoming_datagram_streams.at(arg(a, 0).rep()), max);
  });
  def("[method]incoming-datagram-stream.subscribe", [&net](Values& a) {
    int fd = net.incoming_datagram_streams.at(arg(a, 0).rep()).fd->get();
    return one(Value::own(net.io.pollables.insert(Pollable::on_fd(fd, POLLIN))));
  });
  def("[resource-drop]incoming-datagram-stream", [&net](Values& a) {
    net.incoming_datagram_streams.remove(arg(a, 0).rep());
    return nothing();
  });
  def("[method]outgoing-datagram-stream.check-send", [&net](Values& a) {
    OutgoingDatagramStream& out = net.outgoing_datagram_streams.at(arg(a, 0).rep());
    out.permit = writable_now(out.fd->get()) ? kMaxDatagramsPerCall : 0;
    return one(Value::ok(Value::u64(out.permit)));
  });
  def("[method]outgoing-datagram-stream.send", [&net](Values& a) {
    return send(net, net.outgoing_datagram_streams.at(arg(a, 0).rep()), arg(a, 1));
  });
  def("[method]outgoing-datagram-stream.subscribe", [&net](Values& a) {
    int fd = net.outgoing_datagram_streams.at(arg(a, 0).rep()).fd->get();
    return one(Value::own(net.io.pollables.insert(Pollable::on_fd(fd, POLLOUT))));
  });
  def("[resource-drop]outgoing-datagram-stream", [&net](Values& a) {
    net.outgoing_datagram_streams.remove(arg(a, 0).rep());
    return nothing();
  });
}

}  // namespace

void register_sockets_udp(runtime::HostRegistry& r, SocketsState& net) {
  InterfaceDefiner def(r, "wasi:sockets/udp");
  register_socket(def, net);
  define_options(def, net, WasiVersion::P2);
  register_datagram_streams(def, net);
}

}  // namespace wasmrr::wasi
