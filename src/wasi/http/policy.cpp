#include "wasi/http/policy.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "wasi/http/field_text.h"

namespace wasmrr::wasi {
namespace {

bool parse_ports(std::string_view s, HttpRule& rule) { return parse_port_range(s, rule.port_lo, rule.port_hi); }

// A DNS name: dot-separated non-empty labels of letters, digits, '-' and '_'
// (lower case already); one trailing dot (the root) is dropped.
bool is_host_name(std::string_view& name) {
  if (name.ends_with('.')) name.remove_suffix(1);
  if (name.empty()) return false;
  size_t label = 0;
  for (char c : name) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
      ++label;
    } else {
      return false;
    }
  }
  return label > 0;
}

// Splits "host[:port]" or "[v6][:port]" into host text and port text.
bool split_host_port(std::string_view s, std::string_view& host, std::optional<std::string_view>& port,
                     bool& bracketed) {
  std::string_view rest;
  bracketed = !s.empty() && s[0] == '[';
  if (bracketed) {
    auto close = s.find(']');
    if (close == std::string_view::npos) return false;
    host = s.substr(1, close - 1);
    rest = s.substr(close + 1);
  } else {
    auto colon = s.find(':');
    host = s.substr(0, colon);
    rest = colon == std::string_view::npos ? std::string_view() : s.substr(colon);
  }
  if (!rest.empty()) {
    if (rest[0] != ':') return false;
    port = rest.substr(1);
  }
  return !host.empty();
}

}  // namespace

std::string HttpDestination::to_string() const {
  if (ip && ip->family == IpFamily::ipv6) return fmt::format("[{}]:{}", host, port);
  return fmt::format("{}:{}", host, port);
}

std::optional<HttpDestination> http_destination(std::string_view authority, uint16_t default_port) {
  if (auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  std::string_view host;
  std::optional<std::string_view> port;
  bool bracketed = false;
  if (!split_host_port(authority, host, port, bracketed)) return std::nullopt;
  HttpDestination d;
  d.port = default_port;
  if (port && !port->empty()) {
    auto p = parse_port(*port);
    if (!p) return std::nullopt;
    d.port = *p;
  }
  d.host = lower_ascii(host);
  if (!bracketed && d.host.ends_with('.')) d.host.pop_back();
  if (d.host.empty()) return std::nullopt;
  auto ip = parse_ip(d.host);
  // An IPv6 address is only an address in brackets, an IPv4 one only without.
  if (ip && (ip->family == IpFamily::ipv6) == bracketed) d.ip = ip;
  return d;
}

bool HttpRule::matches(const HttpDestination& d) const {
  if (d.port < port_lo || d.port > port_hi) return false;
  switch (kind) {
    case Kind::any_host: return true;
    case Kind::subdomains:
      return !d.ip && d.host.size() > name.size() + 1 && d.host.ends_with(name) &&
             d.host[d.host.size() - name.size() - 1] == '.';
    case Kind::host:
      if (ip || d.ip) return ip && d.ip && ip->family == d.ip->family && ip->bytes == d.ip->bytes;
      return d.host == name;
  }
  return false;
}

std::optional<HttpRule> parse_http_rule(std::string_view spec, std::string& error) {
  HttpRule rule;
  std::string_view host;
  std::optional<std::string_view> ports;
  bool bracketed = false;
  const std::string text = lower_ascii(spec);
  bool ok = split_host_port(text, host, ports, bracketed) && (!ports || parse_ports(*ports, rule));
  if (ok && bracketed) {
    rule.kind = HttpRule::Kind::host;
    rule.ip = parse_ip(host);
    ok = rule.ip && rule.ip->family == IpFamily::ipv6;
    rule.name = std::string(host);
  } else if (ok && host == "*") {
    rule.kind = HttpRule::Kind::any_host;
  } else if (ok && host.starts_with("*.")) {
    rule.kind = HttpRule::Kind::subdomains;
    host.remove_prefix(2);
    ok = is_host_name(host);
    rule.name = std::string(host);
  } else if (ok) {
    rule.kind = HttpRule::Kind::host;
    ok = is_host_name(host);
    rule.name = std::string(host);
    if (auto ip = parse_ip(host); ip && ip->family == IpFamily::ipv4) rule.ip = ip;
  }
  if (!ok) {
    error = "expected HOST[:PORTS] with HOST a host name, *.NAME (its subdomains), an IPv4 address, "
            "[IPv6] or * (any host), and PORTS *, N or N-M (e.g. api.example.com, *.example.com:443, "
            "127.0.0.1:8080)";
    return std::nullopt;
  }
  return rule;
}

bool HttpPolicy::allows(const HttpDestination& d) const {
  return std::any_of(rules_.begin(), rules_.end(), [&](const HttpRule& r) { return r.matches(d); });
}

std::string http_denied_notice(const HttpDestination& d) {
  return fmt::format("wasm-rr: denied an HTTP request to {}: grant it with --allow-http={} (or --allow-http "
                     "for any destination)",
                     d.to_string(), d.to_string());
}

}  // namespace wasmrr::wasi
