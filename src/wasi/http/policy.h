// Which destinations wasi:http may send requests to (wasmtime-style access
// control, as socket_policy.h for sockets). Every request is denied unless a
// rule grants its destination. Rules are written as on the command line
// (--allow-http SPEC):
//
//   SPEC  := "*" | HOST [ ":" PORTS ]
//   HOST  := "*"                  any host
//          | "*." NAME            any subdomain of NAME (not NAME itself)
//          | NAME                 that host name (case-insensitive)
//          | IPv4 | "[" IPv6 "]"  that address literal
//   PORTS := "*" | PORT | PORT "-" PORT   (default: any port)
//
// e.g. "api.example.com", "*.example.com:443", "127.0.0.1:8080", "[::1]:*".
// A rule matches the request's authority as written: a host name rule does
// not grant the addresses it resolves to, nor an address rule a name.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wasi/sockets/socket_addr.h"

namespace wasmrr::wasi {

// Where a request goes: its authority's host (lower case; an IPv6 literal
// without brackets) and port (the scheme's default when none is written).
struct HttpDestination {
  std::string host;
  uint16_t port = 0;
  std::optional<IpEndpoint> ip;  // when host is an IP literal

  std::string to_string() const;  // "api.example.com:443", "[::1]:8080"
};

// Parses an outgoing-request authority ("[userinfo@]host[:port]"); nullopt
// when it names no host or has a malformed port.
std::optional<HttpDestination> http_destination(std::string_view authority, uint16_t default_port);

struct HttpRule {
  enum class Kind { any_host, subdomains, host };
  Kind kind = Kind::any_host;
  std::string name;              // subdomains: the parent name; host: the name (lower case)
  std::optional<IpEndpoint> ip;  // host: when the rule is an address literal
  uint16_t port_lo = 0;
  uint16_t port_hi = 65535;

  bool matches(const HttpDestination& d) const;
};

// Parses one SPEC; on failure returns nullopt and sets `error`.
std::optional<HttpRule> parse_http_rule(std::string_view spec, std::string& error);

class HttpPolicy {
 public:
  void allow(HttpRule rule) { rules_.push_back(std::move(rule)); }
  bool allows(const HttpDestination& d) const;
  bool any() const { return !rules_.empty(); }

 private:
  std::vector<HttpRule> rules_;
};

// The line wasm-rr prints on stderr when it denies a request to `d`.
std::string http_denied_notice(const HttpDestination& d);

}  // namespace wasmrr::wasi
