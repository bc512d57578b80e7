// The wasi:sockets package of one WasiHost: the resource tables of the
// sockets interfaces and the host objects behind them, and what the grants
// (socket_policy.h) allow. All sockets are non-blocking OS sockets; waiting
// happens only in wasi:io/poll (pollables on their fds) or in the blocking
// stream calls (tcp_stream.h).
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <memory>
#include <optional>
#include <string>

#include "runtime/host.h"
#include "wasi/common/fd_io.h"
#include "wasi/common/resource_table.h"
#include "wasi/io/io.h"
#include "wasi/sockets/socket_addr.h"
#include "wasi/sockets/socket_policy.h"

namespace wasmrr::wasi {

// wasi:sockets/network: the capability token; what it grants is in
// SocketsState::config.
struct Network {};

// The TCP state machine of wasi:sockets/tcp (start-*/finish-* pairs).
enum class TcpState {
  unbound, bind_started, bound, listen_started, listening, connecting, connected, closed,
};

struct TcpSocket {
  std::shared_ptr<OwnedFd> fd;
  IpFamily family = IpFamily::ipv4;
  TcpState state = TcpState::unbound;
  uint32_t listen_backlog = 128;
  // A connect(2) that finished at once: its errno (0 = connected) for finish-connect.
  std::optional<int> connect_result;

  int raw() const { return fd->get(); }
};

enum class UdpState { unbound, bind_started, bound };

struct UdpSocket {
  std::shared_ptr<OwnedFd> fd;
  IpFamily family = IpFamily::ipv4;
  UdpState state = UdpState::unbound;
  std::optional<IpEndpoint> remote;  // set by stream(some(address))

  int raw() const { return fd->get(); }
};

struct IncomingDatagramStream {
  std::shared_ptr<OwnedFd> fd;
};

struct OutgoingDatagramStream {
  std::shared_ptr<OwnedFd> fd;
  IpFamily family = IpFamily::ipv4;
  std::optional<IpEndpoint> remote;  // a connected stream sends only there
  uint64_t permit = 0;               // datagrams check-send allowed
};

// The answer of one resolve-addresses call, handed out one by one.
// A getaddrinfo running on a worker thread; done_fd (an eventfd) becomes
// readable when it has finished, so polls can sleep on it.
struct NameLookup {
  NameLookup();
  ~NameLookup();
  NameLookup(const NameLookup&) = delete;
  NameLookup& operator=(const NameLookup&) = delete;

  std::mutex mutex;
  bool done = false;                // guarded by mutex
  std::deque<IpEndpoint> found;     // guarded by mutex
  std::optional<NetError> error;    // guarded by mutex
  int done_fd = -1;
};

struct ResolveAddressStream {
  std::deque<IpEndpoint> addresses;
  std::shared_ptr<NameLookup> pending;  // until the lookup's answer is taken
  std::optional<NetError> error;        // the lookup failed
};

struct SocketsState {
  SocketsState(IoState& io, RepCounter& reps, const SocketsConfig& config)
      : io(io),
        config(config),
        networks("network", reps),
        tcp_sockets("tcp-socket", reps),
        udp_sockets("udp-socket", reps),
        incoming_datagram_streams("incoming-datagram-stream", reps),
        outgoing_datagram_streams("outgoing-datagram-stream", reps),
        resolve_address_streams("resolve-address-stream", reps) {}

  IoState& io;
  const SocketsConfig& config;
  ResourceTable<Network> networks;
  ResourceTable<TcpSocket> tcp_sockets;
  ResourceTable<UdpSocket> udp_sockets;
  ResourceTable<IncomingDatagramStream> incoming_datagram_streams;
  ResourceTable<OutgoingDatagramStream> outgoing_datagram_streams;
  ResourceTable<ResolveAddressStream> resolve_address_streams;

  size_t live() const {
    return networks.size() + tcp_sockets.size() + udp_sockets.size() + incoming_datagram_streams.size() +
           outgoing_datagram_streams.size() + resolve_address_streams.size();
  }
};

// One registration per WIT interface (network.cpp, tcp.cpp, ...).
void register_sockets_network(runtime::HostRegistry& r, SocketsState& net);
void register_sockets_instance_network(runtime::HostRegistry& r, SocketsState& net);
void register_sockets_tcp(runtime::HostRegistry& r, SocketsState& net);
void register_sockets_tcp_create_socket(runtime::HostRegistry& r, SocketsState& net);
void register_sockets_udp(runtime::HostRegistry& r, SocketsState& net);
void register_sockets_udp_create_socket(runtime::HostRegistry& r, SocketsState& net);
void register_sockets_ip_name_lookup(runtime::HostRegistry& r, SocketsState& net);

inline void register_sockets(runtime::HostRegistry& r, SocketsState& net) {
  register_sockets_network(r, net);
  register_sockets_instance_network(r, net);
  register_sockets_tcp(r, net);
  register_sockets_tcp_create_socket(r, net);
  register_sockets_udp(r, net);
  register_sockets_udp_create_socket(r, net);
  register_sockets_ip_name_lookup(r, net);
}

// resolve-addresses as 0.3 has it (an async func): the same checks as 0.2's,
// then the answer, waited for.
NetResult<std::deque<IpEndpoint>> resolve_addresses_blocking(const SocketsState& net, const std::string& name);

// A new non-blocking, close-on-exec socket (IPv6 ones are IPv6-only, as
// WASI 0.2 specifies); `type` is SOCK_STREAM or SOCK_DGRAM.
NetResult<std::shared_ptr<OwnedFd>> open_socket(IpFamily family, int type);

// The checks start-bind, start-connect and send share: the address family
// matches the socket's, and no IPv4-mapped IPv6 address (WASI forbids them).
bool address_fits(const IpEndpoint& e, IpFamily socket_family);

// getsockopt/setsockopt of an int option, errors as error-code.
NetResult<int> get_int_option(int fd, int level, int name);
NetResult<Unit> set_int_option(int fd, int level, int name, int value);
// The bound or connected address (getsockname / getpeername).
NetResult<IpEndpoint> local_endpoint(int fd);
NetResult<IpEndpoint> peer_endpoint(int fd);

}  // namespace wasmrr::wasi
