// wasi:sockets host: address conversions, errno mapping, the --allow-tcp /
// --allow-udp rule syntax, and the interfaces called as the runtime calls
// them (loopback only).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>

#include <cerrno>
#include <cstring>

#include <gtest/gtest.h>

#include "util/trap.h"
#include "wasi/sockets/socket_addr.h"
#include "wasi/sockets/socket_policy.h"
#include "wasi_test_util.h"

namespace wasmrr::wasi {
namespace {

using abi::Value;
using runtime::Values;
using testing::HostHarness;

IpEndpoint v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port) {
  IpEndpoint e;
  e.bytes = {a, b, c, d};
  e.port = port;
  return e;
}

IpEndpoint ip(const char* text, uint16_t port) {
  auto e = parse_ip(text);
  EXPECT_TRUE(e) << text;
  IpEndpoint out = e.value_or(IpEndpoint{});
  out.port = port;
  return out;
}

TEST(SocketAddr, Ipv4ValueRoundTrip) {
  IpEndpoint e = v4(127, 0, 0, 1, 8080);
  Value v = endpoint_to_value(e);
  EXPECT_EQ(v.case_index(), 0u);
  EXPECT_EQ(v.payload().items[0].num, 8080u);
  EXPECT_EQ(v.payload().items[1].items[3].num, 1u);
  EXPECT_EQ(endpoint_from_value(v), e);
}

TEST(SocketAddr, Ipv6ValueRoundTripKeepsGroupsBigEndian) {
  IpEndpoint e = ip("2001:db8::1", 443);
  e.flow_info = 7;
  e.scope_id = 3;
  Value v = endpoint_to_value(e);
  ASSERT_EQ(v.case_index(), 1u);
  const Value& groups = v.payload().items[2];
  EXPECT_EQ(groups.items[0].num, 0x2001u);
  EXPECT_EQ(groups.items[1].num, 0x0db8u);
  EXPECT_EQ(groups.items[7].num, 1u);
  EXPECT_EQ(v.payload().items[1].num, 7u);
  EXPECT_EQ(v.payload().items[3].num, 3u);
  EXPECT_EQ(endpoint_from_value(v), e);
}

TEST(SocketAddr, SockaddrRoundTrip) {
  for (IpEndpoint e : {v4(10, 1, 2, 3, 53), ip("::1", 65535)}) {
    sockaddr_storage sa;
    socklen_t len = to_sockaddr(e, sa);
    EXPECT_EQ(len, e.family == IpFamily::ipv4 ? sizeof(sockaddr_in) : sizeof(sockaddr_in6));
    auto back = from_sockaddr(sa);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, e);
  }
  sockaddr_in raw{};
  raw.sin_family = AF_INET;
  raw.sin_port = htons(80);
  raw.sin_addr.s_addr = htonl(0x7f000001);
  sockaddr_storage sa{};
  std::memcpy(&sa, &raw, sizeof raw);
  EXPECT_EQ(from_sockaddr(sa)->to_string(), "127.0.0.1:80");
  EXPECT_EQ(ip("::1", 9).to_string(), "[::1]:9");
}

TEST(SocketAddr, Classification) {
  EXPECT_TRUE(v4(0, 0, 0, 0, 1).is_unspecified());
  EXPECT_TRUE(ip("::", 1).is_unspecified());
  EXPECT_TRUE(v4(224, 0, 0, 1, 1).is_multicast());
  EXPECT_TRUE(ip("ff02::1", 1).is_multicast());
  EXPECT_TRUE(ip("::ffff:127.0.0.1", 1).is_ipv4_mapped());
  EXPECT_FALSE(ip("::1", 1).is_ipv4_mapped());
  EXPECT_FALSE(parse_ip("localhost"));
  EXPECT_FALSE(parse_ip("1.2.3"));
}

TEST(SocketAddr, ErrnoMapping) {
  EXPECT_EQ(net_error_from_errno(ECONNREFUSED), NetError::connection_refused);
  EXPECT_EQ(net_error_from_errno(EADDRINUSE), NetError::address_in_use);
  EXPECT_EQ(net_error_from_errno(EADDRNOTAVAIL), NetError::address_not_bindable);
  EXPECT_EQ(net_error_from_errno(EACCES), NetError::access_denied);
  EXPECT_EQ(net_error_from_errno(EAGAIN), NetError::would_block);
  EXPECT_EQ(net_error_from_errno(ECONNRESET), NetError::connection_reset);
  EXPECT_EQ(net_error_from_errno(EMSGSIZE), NetError::datagram_too_large);
  EXPECT_EQ(net_error_from_errno(EMFILE), NetError::new_socket_limit);
  EXPECT_EQ(net_error_from_errno(ENETUNREACH), NetError::remote_unreachable);
  EXPECT_EQ(net_error_from_errno(EIO), NetError::unknown);
  EXPECT_EQ(net_error_name(NetError::permanent_resolver_failure), "permanent-resolver-failure");
  EXPECT_EQ(net_error_name(NetError::access_denied), "access-denied");
}

SocketRule rule(const char* spec) {
  std::string error;
  auto r = parse_socket_rule(spec, error);
  EXPECT_TRUE(r) << spec << ": " << error;
  return r.value_or(SocketRule{});
}

TEST(SocketPolicy, ParsesTheDocumentedForms) {
  EXPECT_TRUE(rule("127.0.0.1:8080").matches(v4(127, 0, 0, 1, 8080)));
  EXPECT_FALSE(rule("127.0.0.1:8080").matches(v4(127, 0, 0, 1, 8081)));
  EXPECT_FALSE(rule("127.0.0.1:8080").matches(v4(127, 0, 0, 2, 8080)));
  EXPECT_TRUE(rule("127.0.0.0/8:*").matches(v4(127, 9, 8, 7, 1)));
  EXPECT_FALSE(rule("127.0.0.0/8:*").matches(v4(128, 0, 0, 1, 1)));
  EXPECT_TRUE(rule("127.0.0.1").matches(v4(127, 0, 0, 1, 0)));  // no port part: any port
  EXPECT_TRUE(rule("10.0.0.0/9:100-200").matches(v4(10, 127, 0, 0, 150)));
  EXPECT_FALSE(rule("10.0.0.0/9:100-200").matches(v4(10, 128, 0, 0, 150)));
  EXPECT_FALSE(rule("10.0.0.0/9:100-200").matches(v4(10, 1, 0, 0, 201)));
  EXPECT_TRUE(rule("[::1]:*").matches(ip("::1", 5)));
  EXPECT_FALSE(rule("[::1]:*").matches(v4(127, 0, 0, 1, 5)));
  EXPECT_TRUE(rule("[fe80::]/10").matches(ip("fe80::1234", 5)));
  EXPECT_TRUE(rule("*:53").matches(ip("::2", 53)));
  EXPECT_FALSE(rule("*:53").matches(v4(1, 1, 1, 1, 54)));
  EXPECT_TRUE(rule("*").matches(ip("2001:db8::", 1)));
  EXPECT_TRUE(rule("0.0.0.0/0").matches(v4(8, 8, 8, 8, 1)));
}

TEST(SocketPolicy, RejectsMalformedSpecs) {
  for (const char* bad : {"", "localhost:80", "127.0.0.1:", "127.0.0.1:70000", "127.0.0.1:9-8", "127.0.0.1/33",
                          "127.0.0.1/:80", "[::1", "::1:80", "[::1]/129", "*/8", "1.2.3.4:x", "1.2.3.4:80:90"}) {
    std::string error;
    EXPECT_FALSE(parse_socket_rule(bad, error)) << bad;
    EXPECT_FALSE(error.empty()) << bad;
  }
}

TEST(SocketPolicy, DeniesByDefaultAndMapsIpv4MappedAddresses) {
  SocketPolicy p;
  EXPECT_FALSE(p.any());
  EXPECT_FALSE(p.allows(v4(127, 0, 0, 1, 80)));
  p.allow(rule("127.0.0.0/8"));
  EXPECT_TRUE(p.allows(v4(127, 0, 0, 1, 80)));
  EXPECT_TRUE(p.allows(ip("::ffff:127.0.0.1", 80)));
  EXPECT_FALSE(p.allows(ip("::1", 80)));
}

// --- the interfaces, through the registry ------------------------------------

Value ipv4_family() { return Value::enum_(0); }
Value loopback(uint16_t port) { return endpoint_to_value(v4(127, 0, 0, 1, port)); }

bool is_err(const Value& r, NetError e) {
  return !r.is_ok() && r.has_payload() && r.payload().num == static_cast<uint64_t>(e);
}

class SocketsHost : public ::testing::Test {
 protected:
  explicit SocketsHost(SocketsConfig sockets = allow_loopback()) : h(config(std::move(sockets))) {
    network = h.call1("wasi:sockets/instance-network", "instance-network").rep();
  }
  static SocketsConfig allow_loopback() {
    SocketsConfig s;
    std::string error;
    s.tcp.allow(*parse_socket_rule("127.0.0.1:*", error));
    s.udp.allow(*parse_socket_rule("127.0.0.1:*", error));
    s.ip_name_lookup = true;
    return s;
  }
  static WasiConfig config(SocketsConfig s) {
    WasiConfig c;
    c.sockets = std::move(s);
    return c;
  }
  uint32_t tcp_socket() {
    Value r = h.call1("wasi:sockets/tcp-create-socket", "create-tcp-socket", {ipv4_family()});
    EXPECT_TRUE(r.is_ok());
    return r.payload().rep();
  }
  Value tcp(const std::string& method, uint32_t self, Values more = {}) {
    more.insert(more.begin(), Value::borrow(self));
    return h.call1("wasi:sockets/tcp", "[method]tcp-socket." + method, std::move(more));
  }
  // A listening socket on an ephemeral loopback port; returns (socket, port).
  std::pair<uint32_t, uint16_t> listener() {
    uint32_t s = tcp_socket();
    EXPECT_TRUE(tcp("start-bind", s, {Value::borrow(network), loopback(0)}).is_ok());
    EXPECT_TRUE(tcp("finish-bind", s).is_ok());
    EXPECT_TRUE(tcp("start-listen", s).is_ok());
    EXPECT_TRUE(tcp("finish-listen", s).is_ok());
    Value addr = tcp("local-address", s);
    EXPECT_TRUE(addr.is_ok());
    return {s, static_cast<uint16_t>(endpoint_from_value(addr.payload()).port)};
  }
  void block_on(const Value& pollable) {
    h.call("wasi:io/poll", "[method]pollable.block", {Value::borrow(pollable.rep())});
    h.call("wasi:io/poll", "[resource-drop]pollable", {Value::own(pollable.rep())});
  }
  // Calls `method` until it stops answering would-block, waiting on subscribe.
  Value until_ready(const std::string& method, uint32_t self) {
    for (;;) {
      Value r = tcp(method, self);
      if (!is_err(r, NetError::would_block)) return r;
      block_on(tcp("subscribe", self));
    }
  }

  HostHarness h;
  uint32_t network = 0;
};

TEST_F(SocketsHost, ConnectAcceptAndExchangeBytes) {
  auto [server, port] = listener();
  EXPECT_TRUE(tcp("is-listening", server).as_bool());
  uint32_t client = tcp_socket();
  ASSERT_TRUE(tcp("start-connect", client, {Value::borrow(network), loopback(port)}).is_ok());
  EXPECT_TRUE(is_err(tcp("start-connect", client, {Value::borrow(network), loopback(port)}),
                     NetError::concurrency_conflict));
  Value connected = until_ready("finish-connect", client);
  ASSERT_TRUE(connected.is_ok());
  Value accepted = until_ready("accept", server);
  ASSERT_TRUE(accepted.is_ok());
  uint32_t out = connected.payload().items[1].rep();
  uint32_t in = accepted.payload().items[1].rep();
  Value w = h.call1("wasi:io/streams", "[method]output-stream.blocking-write-and-flush",
                    {Value::borrow(out), Value::byte_list("ping")});
  ASSERT_TRUE(w.is_ok());
  Value r = h.call1("wasi:io/streams", "[method]input-stream.blocking-read", {Value::borrow(in), Value::u64(100)});
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r.payload().str, "ping");
  // Shutting down the client's sending side is EOF (closed) for the server.
  EXPECT_TRUE(tcp("shutdown", client, {Value::enum_(1)}).is_ok());
  r = h.call1("wasi:io/streams", "[method]input-stream.blocking-read", {Value::borrow(in), Value::u64(100)});
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.payload().case_index(), 1u);  // closed
  Value remote = tcp("remote-address", client);
  ASSERT_TRUE(remote.is_ok());
  EXPECT_EQ(endpoint_from_value(remote.payload()).port, port);
}

// A huge len (2^64 - 1) on a TCP input stream is a maximum: what arrived is
// returned, nothing traps (wasi_read_len_test.cpp does stdin and files).
TEST_F(SocketsHost, HugeReadLengthsReturnWhatIsAvailable) {
  constexpr uint64_t kHuge = ~uint64_t{0};
  auto [server, port] = listener();
  uint32_t client = tcp_socket();
  ASSERT_TRUE(tcp("start-connect", client, {Value::borrow(network), loopback(port)}).is_ok());
  Value connected = until_ready("finish-connect", client);
  ASSERT_TRUE(connected.is_ok());
  Value accepted = until_ready("accept", server);
  ASSERT_TRUE(accepted.is_ok());
  uint32_t out = connected.payload().items[1].rep();
  uint32_t in = accepted.payload().items[1].rep();
  auto send = [&](const char* text) {
    ASSERT_TRUE(h.call1("wasi:io/streams", "[method]output-stream.blocking-write-and-flush",
                        {Value::borrow(out), Value::byte_list(text)})
                    .is_ok());
  };
  auto in_call = [&](const char* method, uint64_t len) {
    return h.call1("wasi:io/streams", std::string("[method]input-stream.") + method, {Value::borrow(in), Value::u64(len)});
  };
  EXPECT_EQ(in_call("read", kHuge), Value::ok(Value::byte_list("")));  // nothing arrived yet
  send("ping");
  std::string got;
  while (got.size() < 4) {
    Value r = in_call("blocking-read", kHuge);
    ASSERT_TRUE(r.is_ok());
    got += r.payload().str;
  }
  EXPECT_EQ(got, "ping");
  send("skipped");
  uint64_t skipped = 0;
  while (skipped < 7) {
    Value r = in_call("blocking-skip", kHuge);
    ASSERT_TRUE(r.is_ok());
    skipped += r.payload().num;
  }
  EXPECT_EQ(skipped, 7u);
  EXPECT_EQ(in_call("skip", kHuge), Value::ok(Value::u64(0)));
  EXPECT_TRUE(tcp("shutdown", client, {Value::enum_(1)}).is_ok());
  Value r = in_call("blocking-read", kHuge);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.payload().case_index(), 1u);  // closed
}

// A connection reset by the peer fails the stream with an io error whose
// network-error-code is connection-reset; other io errors have none.
TEST_F(SocketsHost, StreamErrorsCarryTheirNetworkErrorCode) {
  auto [server, port] = listener();
  uint32_t client = tcp_socket();
  ASSERT_TRUE(tcp("start-connect", client, {Value::borrow(network), loopback(port)}).is_ok());
  Value connected = until_ready("finish-connect", client);
  ASSERT_TRUE(connected.is_ok());
  Value accepted = until_ready("accept", server);
  ASSERT_TRUE(accepted.is_ok());
  uint32_t client_in = connected.payload().items[0].rep();
  uint32_t client_out = connected.payload().items[1].rep();
  ASSERT_TRUE(h.call1("wasi:io/streams", "[method]output-stream.blocking-write-and-flush",
                      {Value::borrow(client_out), Value::byte_list("unread")}).is_ok());
  // Closing a socket with unread data sends a reset.
  const Value& a = accepted.payload();
  h.call("wasi:io/streams", "[resource-drop]input-stream", {Value::own(a.items[1].rep())});
  h.call("wasi:io/streams", "[resource-drop]output-stream", {Value::own(a.items[2].rep())});
  h.call("wasi:sockets/tcp", "[resource-drop]tcp-socket", {Value::own(a.items[0].rep())});
  Value r = h.call1("wasi:io/streams", "[method]input-stream.blocking-read", {Value::borrow(client_in), Value::u64(100)});
  ASSERT_FALSE(r.is_ok());
  ASSERT_EQ(r.payload().case_index(), 0u) << "expected last-operation-failed, got closed";
  uint32_t error = r.payload().payload().rep();
  Value code = h.call1("wasi:sockets/network", "network-error-code", {Value::borrow(error)});
  ASSERT_TRUE(code.is_some());
  EXPECT_EQ(code.payload().num, static_cast<uint64_t>(NetError::connection_reset));
}

TEST_F(SocketsHost, StateMachineErrors) {
  uint32_t s = tcp_socket();
  EXPECT_TRUE(is_err(tcp("finish-bind", s), NetError::not_in_progress));
  EXPECT_TRUE(is_err(tcp("finish-connect", s), NetError::not_in_progress));
  EXPECT_TRUE(is_err(tcp("finish-listen", s), NetError::not_in_progress));
  EXPECT_TRUE(is_err(tcp("start-listen", s), NetError::invalid_state));
  EXPECT_TRUE(is_err(tcp("accept", s), NetError::invalid_state));
  EXPECT_TRUE(is_err(tcp("remote-address", s), NetError::invalid_state));
  EXPECT_TRUE(is_err(tcp("start-connect", s, {Value::borrow(network), loopback(0)}), NetError::invalid_argument));
  EXPECT_TRUE(is_err(tcp("start-connect", s, {Value::borrow(network), endpoint_to_value(v4(0, 0, 0, 0, 80))}),
                     NetError::invalid_argument));
  EXPECT_TRUE(is_err(tcp("start-bind", s, {Value::borrow(network), endpoint_to_value(ip("::1", 0))}),
                     NetError::invalid_argument));
  ASSERT_TRUE(tcp("start-bind", s, {Value::borrow(network), loopback(0)}).is_ok());
  EXPECT_TRUE(is_err(tcp("start-bind", s, {Value::borrow(network), loopback(0)}), NetError::concurrency_conflict));
  ASSERT_TRUE(tcp("finish-bind", s).is_ok());
  EXPECT_TRUE(is_err(tcp("start-bind", s, {Value::borrow(network), loopback(0)}), NetError::invalid_state));
}

TEST_F(SocketsHost, ConnectionRefusedComesFromFinishConnect) {
  auto [server, port] = listener();
  h.call("wasi:sockets/tcp", "[resource-drop]tcp-socket", {Value::own(server)});  // nobody listens now
  uint32_t client = tcp_socket();
  ASSERT_TRUE(tcp("start-connect", client, {Value::borrow(network), loopback(port)}).is_ok());
  EXPECT_TRUE(is_err(until_ready("finish-connect", client), NetError::connection_refused));
}

TEST_F(SocketsHost, UdpRoundTripBetweenTwoSockets) {
  auto udp_socket = [&]() {
    Value r = h.call1("wasi:sockets/udp-create-socket", "create-udp-socket", {ipv4_family()});
    EXPECT_TRUE(r.is_ok());
    uint32_t s = r.payload().rep();
    EXPECT_TRUE(h.call1("wasi:sockets/udp", "[method]udp-socket.start-bind",
                        {Value::borrow(s), Value::borrow(network), loopback(0)}).is_ok());
    EXPECT_TRUE(h.call1("wasi:sockets/udp", "[method]udp-socket.finish-bind", {Value::borrow(s)}).is_ok());
    Value streams = h.call1("wasi:sockets/udp", "[method]udp-socket.stream", {Value::borrow(s), Value::none()});
    EXPECT_TRUE(streams.is_ok());
    return std::make_pair(s, streams.payload());
  };
  auto [a, a_streams] = udp_socket();
  auto [b, b_streams] = udp_socket();
  Value b_addr = h.call1("wasi:sockets/udp", "[method]udp-socket.local-address", {Value::borrow(b)});
  ASSERT_TRUE(b_addr.is_ok());
  uint32_t a_out = a_streams.items[1].rep();
  Value datagram = Value::record({Value::byte_list("hi"), Value::some(b_addr.payload())});
  // send without a check-send permit is the guest's error: a trap.
  EXPECT_THROW(h.call("wasi:sockets/udp", "[method]outgoing-datagram-stream.send",
                      {Value::borrow(a_out), Value::list({datagram})}), Trap);
  Value permit = h.call1("wasi:sockets/udp", "[method]outgoing-datagram-stream.check-send", {Value::borrow(a_out)});
  ASSERT_TRUE(permit.is_ok());
  EXPECT_GT(permit.payload().num, 0u);
  Value sent = h.call1("wasi:sockets/udp", "[method]outgoing-datagram-stream.send",
                       {Value::borrow(a_out), Value::list({datagram})});
  ASSERT_TRUE(sent.is_ok());
  EXPECT_EQ(sent.payload().num, 1u);
  uint32_t b_in = b_streams.items[0].rep();
  block_on(h.call1("wasi:sockets/udp", "[method]incoming-datagram-stream.subscribe", {Value::borrow(b_in)}));
  Value got = h.call1("wasi:sockets/udp", "[method]incoming-datagram-stream.receive",
                      {Value::borrow(b_in), Value::u64(10)});
  ASSERT_TRUE(got.is_ok());
  ASSERT_EQ(got.payload().items.size(), 1u);
  EXPECT_EQ(got.payload().items[0].items[0].str, "hi");
}

TEST_F(SocketsHost, ResolvesLiteralsAndLocalhost) {
  auto resolve = [&](const std::string& name) {
    return h.call1("wasi:sockets/ip-name-lookup", "resolve-addresses",
                   {Value::borrow(network), Value::string(name)});
  };
  EXPECT_TRUE(is_err(resolve("bad name!"), NetError::invalid_argument));
  EXPECT_TRUE(is_err(resolve(""), NetError::invalid_argument));
  // A host name resolves on a worker: resolve-addresses returns at once, the
  // stream says would-block until the answer is there, its pollable wakes then.
  Value r = resolve("localhost");
  ASSERT_TRUE(r.is_ok());
  uint32_t stream = r.payload().rep();
  Value first;
  for (int i = 0; i < 100; i++) {
    first = h.call1("wasi:sockets/ip-name-lookup", "[method]resolve-address-stream.resolve-next-address",
                    {Value::borrow(stream)});
    if (!is_err(first, NetError::would_block)) break;
    block_on(h.call1("wasi:sockets/ip-name-lookup", "[method]resolve-address-stream.subscribe", {Value::borrow(stream)}));
  }
  ASSERT_TRUE(first.is_ok());
  EXPECT_TRUE(first.payload().is_some());
  // Resolver failures come from resolve-next-address, not resolve-addresses.
  Value missing = resolve("no-such-host.invalid");
  ASSERT_TRUE(missing.is_ok());
  Value answer;
  for (int i = 0; i < 100; i++) {
    answer = h.call1("wasi:sockets/ip-name-lookup", "[method]resolve-address-stream.resolve-next-address",
                     {Value::borrow(missing.payload().rep())});
    if (!is_err(answer, NetError::would_block)) break;
    block_on(h.call1("wasi:sockets/ip-name-lookup", "[method]resolve-address-stream.subscribe",
                     {Value::borrow(missing.payload().rep())}));
  }
  EXPECT_FALSE(answer.is_ok());
  EXPECT_FALSE(is_err(answer, NetError::would_block));
  r = resolve("[::1]");
  ASSERT_TRUE(r.is_ok());
  Value one = h.call1("wasi:sockets/ip-name-lookup", "[method]resolve-address-stream.resolve-next-address",
                      {Value::borrow(r.payload().rep())});
  ASSERT_TRUE(one.is_ok() && one.payload().is_some());
  EXPECT_EQ(one.payload().payload().case_index(), 1u);
  Value end = h.call1("wasi:sockets/ip-name-lookup", "[method]resolve-address-stream.resolve-next-address",
                      {Value::borrow(r.payload().rep())});
  ASSERT_TRUE(end.is_ok());
  EXPECT_FALSE(end.payload().is_some());
}

TEST_F(SocketsHost, BadHandlesTrap) {
  EXPECT_THROW(tcp("finish-bind", 9999), Trap);
  uint32_t s = tcp_socket();
  EXPECT_THROW(tcp("start-bind", s, {Value::borrow(9999), loopback(0)}), Trap);
}

class SocketsDenied : public SocketsHost {
 protected:
  SocketsDenied() : SocketsHost(SocketsConfig{}) {}
};

TEST_F(SocketsDenied, EverythingIsAccessDenied) {
  uint32_t s = tcp_socket();
  EXPECT_TRUE(is_err(tcp("start-bind", s, {Value::borrow(network), loopback(0)}), NetError::access_denied));
  EXPECT_TRUE(is_err(tcp("start-connect", s, {Value::borrow(network), loopback(9)}), NetError::access_denied));
  Value u = h.call1("wasi:sockets/udp-create-socket", "create-udp-socket", {ipv4_family()});
  ASSERT_TRUE(u.is_ok());
  EXPECT_TRUE(is_err(h.call1("wasi:sockets/udp", "[method]udp-socket.start-bind",
                             {Value::borrow(u.payload().rep()), Value::borrow(network), loopback(0)}),
                     NetError::access_denied));
  EXPECT_TRUE(is_err(h.call1("wasi:sockets/ip-name-lookup", "resolve-addresses",
                             {Value::borrow(network), Value::string("localhost")}),
                     NetError::access_denied));
}

}  // namespace
}  // namespace wasmrr::wasi
