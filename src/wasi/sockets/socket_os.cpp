#include "wasi/sockets/sockets.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>

namespace wasmrr::wasi {

NetResult<std::shared_ptr<OwnedFd>> open_socket(IpFamily family, int type) {
  int fd = ::socket(os_family(family), type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return net_error_from_errno(errno);
  auto owned = std::make_shared<OwnedFd>(fd);
  if (family == IpFamily::ipv6) {
    auto r = set_int_option(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1);
    if (!r.ok()) return r.error();
  }
  return owned;
}

bool address_fits(const IpEndpoint& e, IpFamily socket_family) {
  return e.family == socket_family && !e.is_ipv4_mapped();
}

NetResult<int> get_int_option(int fd, int level, int name) {
  int value = 0;
  socklen_t len = sizeof value;
  if (::getsockopt(fd, level, name, &value, &len) != 0) return net_error_from_errno(errno);
  return value;
}

NetResult<Unit> set_int_option(int fd, int level, int name, int value) {
  if (::setsockopt(fd, level, name, &value, sizeof value) != 0) return net_error_from_errno(errno);
  return Unit{};
}

namespace {

NetResult<IpEndpoint> endpoint_of(int fd, bool peer) {
  sockaddr_storage sa{};
  socklen_t len = sizeof sa;
  int rc = peer ? ::getpeername(fd, reinterpret_cast<sockaddr*>(&sa), &len)
                : ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
  if (rc != 0) return net_error_from_errno(errno);
  auto e = from_sockaddr(sa);
  if (!e) return NetError::not_supported;
  return *e;
}

}  // namespace

NetResult<IpEndpoint> local_endpoint(int fd) { return endpoint_of(fd, false); }
NetResult<IpEndpoint> peer_endpoint(int fd) { return endpoint_of(fd, true); }

}  // namespace wasmrr::wasi
