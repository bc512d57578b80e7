// wasi:sockets@0.3.0 udp-socket over the 0.2 host's UDP sockets
// (sockets/udp_ops.h: the same --allow-udp rules and options). bind is one
// call; connect and send bind an unbound socket to a port of the system's
// choosing first, as the WIT says (that bind is not checked against the
// rules: where each datagram goes is); send and receive are async funcs that
// wait for the socket (the host thread waits: runtime/tasks.h). Errors are
// 0.3's error-code variants (p3/net.h).
#include <poll.h>

#include "wasi/p3/net.h"
#include "wasi/sockets/udp_ops.h"

namespace wasmrr::wasi::p3 {
namespace {

NetResult<Unit> bind(SocketsState& net, UdpSocket& s, const IpEndpoint& local, bool implicit = false) {
  if (auto r = udp::start_bind(net, s, local, implicit); !r.ok()) return r;
  s.state = UdpState::bound;
  return Unit{};
}

NetResult<Unit> bind_if_unbound(SocketsState& net, UdpSocket& s) {
  if (s.state != UdpState::unbound) return Unit{};
  IpEndpoint any;
  any.family = s.family;
  return bind(net, s, any, true);
}

NetResult<Unit> connect(SocketsState& net, UdpSocket& s, const IpEndpoint& remote) {
  if (!udp::valid_remote(remote, s.family)) return NetError::invalid_argument;
  if (auto r = bind_if_unbound(net, s); !r.ok()) return r;
  return udp::connect_to(net, s, remote);
}

NetResult<Unit> disconnect(SocketsState& net, UdpSocket& s) {
  if (!s.remote) return NetError::invalid_state;
  return udp::connect_to(net, s, std::nullopt);
}

NetResult<Unit> send(SocketsState& net, UdpSocket& s, const std::string& data, const Value& remote_opt) {
  std::optional<IpEndpoint> to;
  if (remote_opt.is_some()) to = endpoint_from_value(remote_opt.payload());
  if (auto r = bind_if_unbound(net, s); !r.ok()) return r;
  return until_ready(s.raw(), POLLOUT, [&] { return udp::send_datagram(net, s.raw(), s.family, s.remote, data, to); });
}

NetResult<udp::Datagram> receive(UdpSocket& s) {
  if (s.state != UdpState::bound) return NetError::invalid_state;
  return until_ready(s.raw(), POLLIN, [&s] { return udp::receive_datagram(s.raw()); });
}

}  // namespace

void register_sockets_udp(const InterfaceDefiner& def, P3State& p) {
  SocketsState& net = p.sockets;
  auto sock = [&net](const Values& a) -> UdpSocket& { return net.udp_sockets.at(arg(a, 0).rep()); };
  def("[static]udp-socket.create",
      [&net](Values& a) { return create_socket(net.udp_sockets, arg(a, 0), SOCK_DGRAM, kP3); });
  def("[method]udp-socket.bind",
      [&net, sock](Values& a) { return result(bind(net, sock(a), endpoint_from_value(arg(a, 1)))); });
  def("[method]udp-socket.connect",
      [&net, sock](Values& a) { return result(connect(net, sock(a), endpoint_from_value(arg(a, 1)))); });
  def("[method]udp-socket.disconnect", [&net, sock](Values& a) { return result(disconnect(net, sock(a))); });
  def("[method]udp-socket.send",
      [&net, sock](Values& a) { return result(send(net, sock(a), bytes_arg(a, 1), arg(a, 2))); });
  def("[method]udp-socket.receive", [sock](Values& a) {
    return result(receive(sock(a)), [](udp::Datagram d) {
      return Value::tuple({Value::byte_list(std::move(d.data)), endpoint_to_value(d.from)});
    });
  });
  def("[method]udp-socket.get-local-address",
      [sock](Values& a) { return result(udp::local_address(sock(a)), endpoint_to_value); });
  def("[method]udp-socket.get-remote-address",
      [sock](Values& a) { return result(udp::remote_address(sock(a)), endpoint_to_value); });
  def("[method]udp-socket.get-address-family",
      [sock](Values& a) { return one(Value::enum_(static_cast<uint32_t>(sock(a).family))); });
  udp::define_options(def, net, kP3);
  def("[resource-drop]udp-socket", [&net](Values& a) {
    net.udp_sockets.remove(arg(a, 0).rep());
    return nothing();
  });
}

}  // namespace wasmrr::wasi::p3
