// wasi:sockets/ip-name-lookup. resolve-addresses never blocks, as the WIT
// asks: an address literal answers at once, a host name is resolved by
// getaddrinfo(3) on a worker thread; resolve-next-address says would-block
// until it is done (subscribe's pollable sleeps on the lookup's eventfd) and
// then hands out the addresses or the resolver's error. Needs
// --allow-ip-name-lookup; otherwise access-denied.
#include <netdb.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <thread>

#include <fmt/format.h>

#include "util/trap.h"
#include "wasi/io/wait_cancel.h"
#include "wasi/sockets/result.h"
#include "wasi/sockets/sockets.h"

namespace wasmrr::wasi {
namespace {

// A host name as DNS allows it (ASCII letters, digits, '-', '.', '_'); other
// text (including internationalized names, not supported) is invalid-argument.
bool plausible_host_name(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_';
  });
}

NetError resolver_error(int rc) {
  switch (rc) {
    case EAI_NONAME: case EAI_NODATA: return NetError::name_unresolvable;
    case EAI_AGAIN: return NetError::temporary_resolver_failure;
    case EAI_MEMORY: return NetError::out_of_memory;
    default: return NetError::permanent_resolver_failure;
  }
}

// An address literal (IPv6 possibly in brackets) resolves to itself.
std::optional<IpEndpoint> address_literal(std::string_view name) {
  std::string text(name);
  if (text.size() > 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  return parse_ip(text);
}

// getaddrinfo: may block for as long as the resolver takes (worker thread only).
NetResult<std::deque<IpEndpoint>> resolve_host_name(const std::string& text) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;  // one entry per address, not one per socket type
  addrinfo* list = nullptr;
  int rc = ::getaddrinfo(text.c_str(), nullptr, &hints, &list);
  if (rc != 0) return resolver_error(rc);
  std::deque<IpEndpoint> out;
  for (addrinfo* ai = list; ai; ai = ai->ai_next) {
    sockaddr_storage sa{};
    std::memcpy(&sa, ai->ai_addr, std::min<size_t>(ai->ai_addrlen, sizeof sa));
    auto e = from_sockaddr(sa);
    if (!e) continue;
    e->port = 0;
    e->flow_info = 0;
    if (std::find(out.begin(), out.end(), *e) == out.end()) out.push_back(*e);
  }
  ::freeaddrinfo(list);
  return out;
}

// Starts resolving `name` on a detached worker; the lookup object outlives
// the thread and the stream, whichever ends last.
std::shared_ptr<NameLookup> start_lookup(std::string name) {
  auto lookup = std::make_shared<NameLookup>();
  std::thread([lookup, name = std::move(name)] {
    auto r = resolve_host_name(name);
    {
      std::lock_guard<std::mutex> lock(lookup->mutex);
      if (r.ok()) lookup->found = std::move(r.value());
      else lookup->error = r.error();
      lookup->done = true;
    }
    uint64_t one = 1;
    (void)!::write(lookup->done_fd, &one, sizeof one);
  }).detach();
  return lookup;
}

// Moves a finished lookup's answer into the stream; false while it runs.
bool take_answer(ResolveAddressStream& s) {
  if (!s.pending) return true;
  std::lock_guard<std::mutex> lock(s.pending->mutex);
  if (!s.pending->done) return false;
  s.addresses = std::move(s.pending->found);
  s.error = s.pending->error;
  s.pending.reset();
  return true;
}

}  // namespace

NameLookup::NameLookup() : done_fd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  if (done_fd < 0) throw Trap(fmt::format("ip-name-lookup: eventfd failed: {}", std::strerror(errno)));
}

NameLookup::~NameLookup() {
  if (done_fd >= 0) ::close(done_fd);
}

NetResult<std::deque<IpEndpoint>> resolve_addresses_blocking(const SocketsState& net, const std::string& name) {
  if (!net.config.ip_name_lookup) return NetError::access_denied;
  if (auto ip = address_literal(name)) return std::deque<IpEndpoint>{*ip};
  if (!plausible_host_name(name)) return NetError::invalid_argument;
  // On a worker, as 0.2's lookups, so that --timeout can cut the wait short.
  ResolveAddressStream stream;
  stream.pending = start_lookup(name);
  while (!take_answer(stream)) wait_fd_or_cancel(stream.pending->done_fd, POLLIN);
  if (stream.error) return *stream.error;
  return std::move(stream.addresses);
}

void register_sockets_ip_name_lookup(runtime::HostRegistry& r, SocketsState& net) {
  InterfaceDefiner def(r, "wasi:sockets/ip-name-lookup");
  def("resolve-addresses", [&net](Values& a) {
    (void)net.networks.at(arg(a, 0).rep());
    if (!net.config.ip_name_lookup) return one(net_err_value(NetError::access_denied));
    const std::string& name = arg(a, 1).str;
    auto stream = std::make_shared<ResolveAddressStream>();
    if (auto ip = address_literal(name)) {
      stream->addresses.push_back(*ip);
    } else if (plausible_host_name(name)) {
      stream->pending = start_lookup(name);
    } else {
      return one(net_err_value(NetError::invalid_argument));
    }
    return one(Value::ok(Value::own(net.resolve_address_streams.insert(std::move(stream)))));
  });
  def("[method]resolve-address-stream.resolve-next-address", [&net](Values& a) {
    ResolveAddressStream& stream = net.resolve_address_streams.at(arg(a, 0).rep());
    if (!take_answer(stream)) return one(net_err_value(NetError::would_block));
    if (stream.error) return one(net_err_value(*stream.error));
    auto& addresses = stream.addresses;
    if (addresses.empty()) return one(Value::ok(Value::none()));
    Value next = address_to_value(addresses.front());
    addresses.pop_front();
    return one(Value::ok(Value::some(std::move(next))));
  });
  def("[method]resolve-address-stream.subscribe", [&net](Values& a) {
    ResolveAddressStream& stream = net.resolve_address_streams.at(arg(a, 0).rep());
    std::shared_ptr<NameLookup> lookup = stream.pending;
    if (!lookup) return one(Value::own(net.io.pollables.insert(Pollable::always_ready())));
    auto done = [lookup] {
      std::lock_guard<std::mutex> lock(lookup->mutex);
      return lookup->done;
    };
    return one(Value::own(net.io.pollables.insert(Pollable::on_check(lookup->done_fd, done))));
  });
  def("[resource-drop]resolve-address-stream", [&net](Values& a) {
    net.resolve_address_streams.remove(arg(a, 0).rep());
    return nothing();
  });
}

}  // namespace wasmrr::wasi
