// wasi:sockets/network data, host side: IP endpoints and their three forms
// (the WIT value ip-socket-address / ip-address, the OS sockaddr, and the
// plain IpEndpoint the rest of the host works with), and the network
// error-code with its errno mapping.
#pragma once

#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "abi/value.h"
#include "wasi/common/outcome.h"
#include "wasi/common/wit_signatures.h"
#include "wasi/io/error.h"

namespace wasmrr::wasi {

// ip-address-family, in WIT order (the value is the case index).
enum class IpFamily : uint8_t { ipv4, ipv6 };

// An IP address and port. IPv4 uses bytes[0..4); IPv6 all 16 bytes in
// network order (the WIT's u16 groups, big-endian).
struct IpEndpoint {
  IpFamily family = IpFamily::ipv4;
  std::array<uint8_t, 16> bytes{};
  uint16_t port = 0;
  uint32_t flow_info = 0;  // IPv6 only
  uint32_t scope_id = 0;   // IPv6 only

  bool operator==(const IpEndpoint&) const = default;
  bool is_unspecified() const;       // 0.0.0.0 or ::
  bool is_multicast() const;         // 224.0.0.0/4 or ff00::/8
  bool is_ipv4_mapped() const;       // ::ffff:a.b.c.d
  bool is_broadcast() const;         // 255.255.255.255
  std::string to_string() const;     // "127.0.0.1:80", "[::1]:80"
};

// error-code of wasi:sockets/network, in WIT order.
enum class NetError : uint8_t {
  unknown, access_denied, not_supported, invalid_argument, out_of_memory, timeout,
  concurrency_conflict, not_in_progress, would_block, invalid_state, new_socket_limit,
  address_not_bindable, address_in_use, remote_unreachable, connection_refused,
  connection_reset, connection_aborted, datagram_too_large, name_unresolvable,
  temporary_resolver_failure, permanent_resolver_failure,
};

template <typename T>
using NetResult = Outcome<T, NetError>;

NetError net_error_from_errno(int err);
std::string_view net_error_name(NetError e);  // the WIT label, e.g. "access-denied"

// What a failed TCP stream tells network-error-code.
struct NetErrorDetail final : ErrorDetail {
  explicit NetErrorDetail(NetError code) : code(code) {}
  NetError code;
};

int os_family(IpFamily f);  // AF_INET / AF_INET6

// ip-socket-address <-> IpEndpoint. The value has the WIT's shape: an
// import declared with another type is refused at load (wit_signatures.h).
IpEndpoint endpoint_from_value(const abi::Value& v);
abi::Value endpoint_to_value(const IpEndpoint& e);
// ip-address (no port) -> value.
abi::Value address_to_value(const IpEndpoint& e);

// sockaddr <-> IpEndpoint. from_sockaddr returns nullopt for other families.
socklen_t to_sockaddr(const IpEndpoint& e, sockaddr_storage& out);
std::optional<IpEndpoint> from_sockaddr(const sockaddr_storage& sa);

// Parses a literal address ("127.0.0.1", "::1"); port 0.
std::optional<IpEndpoint> parse_ip(std::string_view text);

// Port grammar shared by the grant SPECs (--allow-tcp, --allow-udp,
// --allow-http): a decimal 0..65535, and PORTS := "*" | PORT | PORT "-" PORT.
// parse_port_range leaves lo/hi as they are for "*" (any port).
std::optional<uint16_t> parse_port(std::string_view text);
bool parse_port_range(std::string_view text, uint16_t& lo, uint16_t& hi);

// Results as WIT values: ok(payload) or err(error-code enum).
abi::Value net_err_value(NetError e);
// err(error-code) as version `v` types it: 0.2's enum, or 0.3's variant,
// which lacks some of 0.2's cases (would-block, not-in-progress, ...): those
// become invalid-state where a state is what is wrong, else other("label").
abi::Value net_err_value(NetError e, WasiVersion v);

}  // namespace wasmrr::wasi
