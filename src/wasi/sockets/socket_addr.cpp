#include "wasi/sockets/socket_addr.h"

#include <charconv>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cassert>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "util/trap.h"

namespace wasmrr::wasi {

using abi::Value;

bool IpEndpoint::is_unspecified() const {
  size_t n = family == IpFamily::ipv4 ? 4 : 16;
  for (size_t i = 0; i < n; ++i)
    if (bytes[i] != 0) return false;
  return true;
}

bool IpEndpoint::is_multicast() const {
  return family == IpFamily::ipv4 ? (bytes[0] & 0xf0) == 0xe0 : bytes[0] == 0xff;
}

bool IpEndpoint::is_ipv4_mapped() const {
  if (family != IpFamily::ipv6) return false;
  for (size_t i = 0; i < 10; ++i)
    if (bytes[i] != 0) return false;
  return bytes[10] == 0xff && bytes[11] == 0xff;
}

bool IpEndpoint::is_broadcast() const {
  return family == IpFamily::ipv4 && bytes[0] == 255 && bytes[1] == 255 && bytes[2] == 255 && bytes[3] == 255;
}

std::string IpEndpoint::to_string() const {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(os_family(family), bytes.data(), text, sizeof text);
  return family == IpFamily::ipv4 ? fmt::format("{}:{}", text, port) : fmt::format("[{}]:{}", text, port);
}

NetError net_error_from_errno(int err) {
  switch (err) {
    case EACCES: case EPERM: return NetError::access_denied;
    case EADDRINUSE: return NetError::address_in_use;
    case EADDRNOTAVAIL: return NetError::address_not_bindable;
    case EAFNOSUPPORT: case EOPNOTSUPP: case EPROTONOSUPPORT: case ENOPROTOOPT: return NetError::not_supported;
    case EINVAL: return NetError::invalid_argument;
    case ENOMEM: case ENOBUFS: return NetError::out_of_memory;
    case ETIMEDOUT: return NetError::timeout;
    case EAGAIN: case EINPROGRESS: return NetError::would_block;
    case EALREADY: return NetError::concurrency_conflict;
    case EMFILE: case ENFILE: return NetError::new_socket_limit;
    case ENETUNREACH: case EHOSTUNREACH: case ENETDOWN: case EHOSTDOWN: return NetError::remote_unreachable;
    case ECONNREFUSED: return NetError::connection_refused;
    case ECONNRESET: case EPIPE: return NetError::connection_reset;
    case ECONNABORTED: return NetError::connection_aborted;
    case EMSGSIZE: return NetError::datagram_too_large;
    case EISCONN: case ENOTCONN: case EDESTADDRREQ: return NetError::invalid_state;
    default: return NetError::unknown;
  }
}

std::string_view net_error_name(NetError e) {
  static constexpr std::string_view names[] = {
      "unknown", "access-denied", "not-supported", "invalid-argument", "out-of-memory", "timeout",
      "concurrency-conflict", "not-in-progress", "would-block", "invalid-state", "new-socket-limit",
      "address-not-bindable", "address-in-use", "remote-unreachable", "connection-refused",
      "connection-reset", "connection-aborted", "datagram-too-large", "name-unresolvable",
      "temporary-resolver-failure", "permanent-resolver-failure",
  };
  auto i = static_cast<size_t>(e);
  return i < std::size(names) ? names[i] : "unknown";
}

int os_family(IpFamily f) { return f == IpFamily::ipv4 ? AF_INET : AF_INET6; }

namespace {

// A lifted value's shape is the WIT's: binding checked the import's
// declared type against the host's signature (wasi/common/wit_signatures.h).
const Value& expect(const Value& v, [[maybe_unused]] abi::Kind kind, [[maybe_unused]] size_t items) {
  assert(v.kind == kind && v.items.size() == items);
  return v;
}

}  // namespace

IpEndpoint endpoint_from_value(const Value& v) {
  expect(v, abi::Kind::Variant, 1);
  IpEndpoint e;
  const Value& rec = v.payload();
  if (v.case_index() == 0) {
    expect(rec, abi::Kind::Record, 2);
    e.family = IpFamily::ipv4;
    e.port = static_cast<uint16_t>(rec.items[0].num);
    const Value& a = expect(rec.items[1], abi::Kind::Tuple, 4);
    for (size_t i = 0; i < 4; ++i) e.bytes[i] = static_cast<uint8_t>(a.items[i].num);
    return e;
  }
  assert(v.case_index() == 1);
  expect(rec, abi::Kind::Record, 4);
  e.family = IpFamily::ipv6;
  e.port = static_cast<uint16_t>(rec.items[0].num);
  e.flow_info = static_cast<uint32_t>(rec.items[1].num);
  const Value& a = expect(rec.items[2], abi::Kind::Tuple, 8);
  for (size_t i = 0; i < 8; ++i) {
    e.bytes[2 * i] = static_cast<uint8_t>(a.items[i].num >> 8);
    e.bytes[2 * i + 1] = static_cast<uint8_t>(a.items[i].num);
  }
  e.scope_id = static_cast<uint32_t>(rec.items[3].num);
  return e;
}

namespace {

Value address_tuple(const IpEndpoint& e) {
  std::vector<Value> parts;
  if (e.family == IpFamily::ipv4) {
    for (size_t i = 0; i < 4; ++i) parts.push_back(Value::u8(e.bytes[i]));
  } else {
    for (size_t i = 0; i < 8; ++i)
      parts.push_back(Value::u16(static_cast<uint16_t>(e.bytes[2 * i] << 8 | e.bytes[2 * i + 1])));
  }
  return Value::tuple(std::move(parts));
}

}  // namespace

Value endpoint_to_value(const IpEndpoint& e) {
  if (e.family == IpFamily::ipv4) return Value::variant(0, Value::record({Value::u16(e.port), address_tuple(e)}));
  return Value::variant(
      1, Value::record({Value::u16(e.port), Value::u32(e.flow_info), address_tuple(e), Value::u32(e.scope_id)}));
}

Value address_to_value(const IpEndpoint& e) { return Value::variant(e.family == IpFamily::ipv4 ? 0 : 1, address_tuple(e)); }

socklen_t to_sockaddr(const IpEndpoint& e, sockaddr_storage& out) {
  std::memset(&out, 0, sizeof out);
  if (e.family == IpFamily::ipv4) {
    auto& s = reinterpret_cast<sockaddr_in&>(out);
    s.sin_family = AF_INET;
    s.sin_port = htons(e.port);
    std::memcpy(&s.sin_addr, e.bytes.data(), 4);
    return sizeof(sockaddr_in);
  }
  auto& s = reinterpret_cast<sockaddr_in6&>(out);
  s.sin6_family = AF_INET6;
  s.sin6_port = htons(e.port);
  s.sin6_flowinfo = htonl(e.flow_info);
  std::memcpy(&s.sin6_addr, e.bytes.data(), 16);
  s.sin6_scope_id = e.scope_id;
  return sizeof(sockaddr_in6);
}

std::optional<IpEndpoint> from_sockaddr(const sockaddr_storage& sa) {
  IpEndpoint e;
  if (sa.ss_family == AF_INET) {
    const auto& s = reinterpret_cast<const sockaddr_in&>(sa);
    e.family = IpFamily::ipv4;
    e.port = ntohs(s.sin_port);
    std::memcpy(e.bytes.data(), &s.sin_addr, 4);
    return e;
  }
  if (sa.ss_family == AF_INET6) {
    const auto& s = reinterpret_cast<const sockaddr_in6&>(sa);
    e.family = IpFamily::ipv6;
    e.port = ntohs(s.sin6_port);
    e.flow_info = ntohl(s.sin6_flowinfo);
    std::memcpy(e.bytes.data(), &s.sin6_addr, 16);
    e.scope_id = s.sin6_scope_id;
    return e;
  }
  return std::nullopt;
}

std::optional<IpEndpoint> parse_ip(std::string_view text) {
  std::string s(text);
  IpEndpoint e;
  if (inet_pton(AF_INET, s.c_str(), e.bytes.data()) == 1) return e;
  e.family = IpFamily::ipv6;
  if (inet_pton(AF_INET6, s.c_str(), e.bytes.data()) == 1) return e;
  return std::nullopt;
}

Value net_err_value(NetError e) { return Value::err(Value::enum_(static_cast<uint32_t>(e))); }

// wasi:sockets/types@0.3.0 error-code: access-denied, not-supported,
// invalid-argument, out-of-memory, timeout, invalid-state,
// address-not-bindable, address-in-use, remote-unreachable,
// connection-refused, connection-broken, connection-reset,
// connection-aborted, datagram-too-large, other(option<string>).
Value net_err_value(NetError e, WasiVersion v) {
  if (v == WasiVersion::P2) return net_err_value(e);
  auto code = [](uint32_t i) { return Value::err(Value::variant(i)); };
  switch (e) {
    case NetError::access_denied: return code(0);
    case NetError::not_supported: return code(1);
    case NetError::invalid_argument: return code(2);
    case NetError::out_of_memory: return code(3);
    case NetError::timeout: return code(4);
    case NetError::invalid_state: case NetError::concurrency_conflict: case NetError::not_in_progress: return code(5);
    case NetError::address_not_bindable: return code(6);
    case NetError::address_in_use: return code(7);
    case NetError::remote_unreachable: return code(8);
    case NetError::connection_refused: return code(9);
    case NetError::connection_reset: return code(11);
    case NetError::connection_aborted: return code(12);
    case NetError::datagram_too_large: return code(13);
    case NetError::unknown: return Value::err(Value::variant(14, Value::none()));
    default: break;
  }
  return Value::err(Value::variant(14, Value::some(Value::string(std::string(net_error_name(e))))));
}

std::optional<uint16_t> parse_port(std::string_view s) {
  unsigned v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || v > 65535) return std::nullopt;
  return static_cast<uint16_t>(v);
}

bool parse_port_range(std::string_view s, uint16_t& lo, uint16_t& hi) {
  if (s == "*") return true;
  auto dash = s.find('-');
  auto first = parse_port(s.substr(0, dash));
  auto last = dash == std::string_view::npos ? first : parse_port(s.substr(dash + 1));
  if (!first || !last || *first > *last) return false;
  lo = *first;
  hi = *last;
  return true;
}

}  // namespace wasmrr::wasi
