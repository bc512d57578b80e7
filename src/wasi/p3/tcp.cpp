// wasi:sockets@0.3.0 tcp-socket over the 0.2 host's sockets
// (sockets/tcp_ops.h: the same state machine, grants and options),
// with 0.3's shape: bind, connect and listen are single calls (connect is an
// async func, which blocks the host thread until the connection is made or
// fails: runtime/tasks.h), listen hands out connections as a
// stream<tcp-socket>, and a connection's bytes move through send's and
// receive's streams (stream_io.h) over the 0.2 TCP streams; dropping the
// send stream shuts the socket's sending side down. Errors are 0.3's
// error-code variants (p3/net.h).
#include <poll.h>
#include <sys/socket.h>

#include "wasi/io/wait_cancel.h"
#include "wasi/p3/net.h"
#include "wasi/sockets/result.h"
#include "wasi/sockets/tcp_ops.h"
#include "wasi/sockets/tcp_stream.h"

namespace wasmrr::wasi::p3 {
namespace {

// A failed TCP stream's error-code (TcpInputStream and TcpOutputStream carry
// it as NetErrorDetail); a stream the peer or the socket closed is
// connection-broken.
Value stream_error(const StreamError& e) {
  constexpr uint32_t kConnectionBroken = 10;
  if (e.kind == StreamError::Kind::closed) return Value::variant(kConnectionBroken);
  const auto* detail = dynamic_cast<const NetErrorDetail*>(e.detail.get());
  return error_code(detail ? detail->code : NetError::unknown);
}

NetResult<Unit> bind(SocketsState& net, TcpSocket& s, const IpEndpoint& local) {
  if (auto r = tcp::start_bind(net, s, local); !r.ok()) return r;
  return tcp::finish(s, TcpState::bind_started, TcpState::bound);
}

NetResult<Unit> connect(SocketsState& net, TcpSocket& s, const IpEndpoint& remote) {
  if (auto r = tcp::start_connect(net, s, remote); !r.ok()) return r;
  return until_ready(s.raw(), POLLOUT, [&s] { return tcp::poll_connect(s); });
}

// An unbound socket listens on a port of the system's choosing, as the WIT
// says, bound like an explicit bind to the unspecified address (so the
// --allow-tcp rules apply).
NetResult<Unit> listen(SocketsState& net, TcpSocket& s) {
  if (s.state == TcpState::unbound) {
    IpEndpoint any;
    any.family = s.family;
    if (auto r = bind(net, s, any); !r.ok()) return r;
  }
  if (auto r = tcp::start_listen(s); !r.ok()) return r;
  return tcp::finish(s, TcpState::listen_started, TcpState::listening);
}

// listen's stream<tcp-socket>: each element a connection accepted.
class ConnectionSource final : public StreamSource {
 public:
  ConnectionSource(SocketsState& net, std::shared_ptr<TcpSocket> listener)
      : net_(net), listener_(std::move(listener)) {}
  Given give(uint32_t max, bool wait) override {
    std::vector<Value> accepted;
    while (accepted.size() < std::min<uint32_t>(max, kMaxPerGive)) {
      auto conn = tcp::accept_connection(*listener_);
      if (conn.ok()) {
        accepted.push_back(Value::own(net_.tcp_sockets.insert(std::move(conn.value()))));
        continue;
      }
      if (conn.error() != NetError::would_block) {
        if (!accepted.empty()) break;
        return {std::nullopt, error_code(conn.error())};
      }
      if (!accepted.empty() || !wait) break;
      wait_fd_or_cancel(listener_->raw(), POLLIN);
    }
    return {Value::list(std::move(accepted)), std::nullopt};
  }

 private:
  static constexpr uint32_t kMaxPerGive = 16;
  SocketsState& net_;
  std::shared_ptr<TcpSocket> listener_;
};

void register_connection(const InterfaceDefiner& def, SocketsState& net, StreamsState& streams) {
  auto sock = [&net](const Values& a) -> TcpSocket& { return net.tcp_sockets.at(arg(a, 0).rep()); };
  def("[static]tcp-socket.create",
      [&net](Values& a) { return create_socket(net.tcp_sockets, arg(a, 0), SOCK_STREAM, kP3); });
  def("[method]tcp-socket.bind",
      [&net, sock](Values& a) { return result(bind(net, sock(a), endpoint_from_value(arg(a, 1)))); });
  def("[method]tcp-socket.connect",
      [&net, sock](Values& a) { return result(connect(net, sock(a), endpoint_from_value(arg(a, 1)))); });
  def("[method]tcp-socket.listen", [&net, &streams](Values& a) {
    std::shared_ptr<TcpSocket> s = net.tcp_sockets.shared(arg(a, 0).rep());
    return result(listen(net, *s), [&](Unit) {
      return stream_value(streams.hold_without_future(std::make_shared<ConnectionSource>(net, s)));
    });
  });
  // send and receive of a socket that is not connected: a stream that ends
  // at once, its future invalid-state.
  def("[method]tcp-socket.send", [&streams, sock](Values& a) {
    TcpSocket& s = sock(a);
    const uint32_t data = arg(a, 1).as_u32();
    if (s.state != TcpState::connected)
      return one(future_value(streams.hold(data, failed_sink(error_code(NetError::invalid_state)))));
    std::shared_ptr<OwnedFd> fd = s.fd;
    auto shut = [fd] { ::shutdown(fd->get(), SHUT_WR); };
    return one(future_value(streams.hold(data, output_stream_sink(std::make_shared<TcpOutputStream>(fd),
                                                                  stream_error, shut))));
  });
  def("[method]tcp-socket.receive", [&streams, sock](Values& a) {
    TcpSocket& s = sock(a);
    auto source = s.state == TcpState::connected
                      ? input_stream_source(std::make_shared<TcpInputStream>(s.fd), stream_error)
                      : failed_source(error_code(NetError::invalid_state));
    const auto [stream, future] = streams.hold(std::move(source));
    return one(Value::tuple({stream_value(stream), future_value(future)}));
  });
  def("[resource-drop]tcp-socket", [&net](Values& a) {
    net.tcp_sockets.remove(arg(a, 0).rep());
    return nothing();
  });
}

void register_queries(const InterfaceDefiner& def, SocketsState& net) {
  auto sock = [&net](const Values& a) -> TcpSocket& { return net.tcp_sockets.at(arg(a, 0).rep()); };
  def("[method]tcp-socket.get-local-address",
      [sock](Values& a) { return result(tcp::local_address(sock(a)), endpoint_to_value); });
  def("[method]tcp-socket.get-remote-address",
      [sock](Values& a) { return result(tcp::remote_address(sock(a)), endpoint_to_value); });
  def("[method]tcp-socket.get-is-listening",
      [sock](Values& a) { return one(Value::boolean(sock(a).state == TcpState::listening)); });
  def("[method]tcp-socket.get-address-family",
      [sock](Values& a) { return one(Value::enum_(static_cast<uint32_t>(sock(a).family))); });
  def("[method]tcp-socket.set-listen-backlog-size",
      [sock](Values& a) { return result(tcp::set_listen_backlog(sock(a), arg(a, 1).as_u64())); });
}

}  // namespace

void register_sockets_tcp(const InterfaceDefiner& def, P3State& p) {
  SocketsState& net = p.sockets;
  register_connection(def, net, p.streams);
  register_queries(def, net);
  tcp::define_options(def, net, kP3);
}

}  // namespace wasmrr::wasi::p3
