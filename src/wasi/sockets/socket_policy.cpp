#include "wasi/sockets/socket_policy.h"

#include <charconv>

namespace wasmrr::wasi {
namespace {

bool parse_ports(std::string_view s, SocketRule& rule) { return parse_port_range(s, rule.port_lo, rule.port_hi); }

// ADDR [/PREFIX]; sets the address part of `rule`.
bool parse_address(std::string_view addr, std::string_view prefix, SocketRule& rule) {
  if (addr == "*") return prefix.empty();
  auto ip = parse_ip(addr);
  if (!ip) return false;
  rule.any_address = false;
  rule.family = ip->family;
  rule.bytes = ip->bytes;
  unsigned bits = ip->family == IpFamily::ipv4 ? 32 : 128;
  rule.prefix_len = bits;
  if (prefix.empty()) return true;
  auto p = parse_port(prefix);  // a small decimal, like a port
  if (!p || *p > bits) return false;
  rule.prefix_len = *p;
  return true;
}

// Splits "[v6]/P:PORTS" or "v4/P:PORTS" into address, prefix and ports text.
bool split_spec(std::string_view spec, std::string_view& addr, std::string_view& prefix,
                std::optional<std::string_view>& ports) {
  std::string_view rest;
  if (!spec.empty() && spec[0] == '[') {
    auto close = spec.find(']');
    if (close == std::string_view::npos) return false;
    addr = spec.substr(1, close - 1);
    rest = spec.substr(close + 1);
  } else {
    auto end = spec.find_first_of("/:");
    addr = spec.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : spec.substr(end);
  }
  if (!rest.empty() && rest[0] == '/') {
    auto colon = rest.find(':');
    prefix = rest.substr(1, colon == std::string_view::npos ? std::string_view::npos : colon - 1);
    if (prefix.empty()) return false;
    rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon);
  }
  if (!rest.empty()) {
    if (rest[0] != ':') return false;
    ports = rest.substr(1);
  }
  return !addr.empty();
}

}  // namespace

bool SocketRule::matches(const IpEndpoint& e) const {
  if (e.port < port_lo || e.port > port_hi) return false;
  if (any_address) return true;
  if (e.family != family) return false;
  unsigned full = prefix_len / 8, rem = prefix_len % 8;
  for (unsigned i = 0; i < full; ++i)
    if (e.bytes[i] != bytes[i]) return false;
  if (rem == 0) return true;
  auto mask = static_cast<uint8_t>(0xff << (8 - rem));
  return (e.bytes[full] & mask) == (bytes[full] & mask);
}

std::optional<SocketRule> parse_socket_rule(std::string_view spec, std::string& error) {
  SocketRule rule;
  if (spec == "*") return rule;
  std::string_view addr, prefix;
  std::optional<std::string_view> ports;
  if (!split_spec(spec, addr, prefix, ports) || !parse_address(addr, prefix, rule) ||
      (ports && !parse_ports(*ports, rule))) {
    error = "expected *, or ADDR[/PREFIX][:PORTS] with ADDR an IPv4 address, [IPv6] or *, "
            "and PORTS *, N or N-M (e.g. 127.0.0.1:8080, 127.0.0.0/8:*, [::1]:*)";
    return std::nullopt;
  }
  return rule;
}

bool SocketPolicy::allows(const IpEndpoint& e) const {
  IpEndpoint checked = e;
  if (e.is_ipv4_mapped()) {
    checked.family = IpFamily::ipv4;
    checked.bytes = {e.bytes[12], e.bytes[13], e.bytes[14], e.bytes[15]};
  }
  for (const SocketRule& r : rules_)
    if (r.matches(checked)) return true;
  return false;
}

}  // namespace wasmrr::wasi
