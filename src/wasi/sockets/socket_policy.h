// Which network uses a guest may make (wasmtime-style access control). Every
// use is denied unless a rule grants it: TCP bind/connect and UDP bind/send
// check their address against the TCP or UDP rules, name lookup is one
// switch. Rules are written as on the command line (--allow-tcp SPEC):
//
//   SPEC   := "*" | ADDR [ "/" PREFIX ] [ ":" PORTS ]
//   ADDR   := IPv4 (127.0.0.1) | "[" IPv6 "]" ([::1]) | "*" (any address)
//   PREFIX := significant leading bits (default: all of them)
//   PORTS  := "*" | PORT | PORT "-" PORT   (default: any port)
//
// e.g. "127.0.0.1:8080", "127.0.0.0/8:*", "[::1]:1024-65535", "*:53", "*".
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wasi/sockets/socket_addr.h"

namespace wasmrr::wasi {

struct SocketRule {
  bool any_address = true;
  IpFamily family = IpFamily::ipv4;
  std::array<uint8_t, 16> bytes{};
  unsigned prefix_len = 0;
  uint16_t port_lo = 0;
  uint16_t port_hi = 65535;

  bool matches(const IpEndpoint& e) const;
};

// Parses one SPEC; on failure returns nullopt and sets `error`.
std::optional<SocketRule> parse_socket_rule(std::string_view spec, std::string& error);

class SocketPolicy {
 public:
  void allow(SocketRule rule) { rules_.push_back(rule); }
  // An IPv4-mapped IPv6 address is checked as the IPv4 address it maps.
  bool allows(const IpEndpoint& e) const;
  bool any() const { return !rules_.empty(); }

 private:
  std::vector<SocketRule> rules_;
};

struct SocketsConfig {
  SocketPolicy tcp;
  SocketPolicy udp;
  bool ip_name_lookup = false;
};

}  // namespace wasmrr::wasi
