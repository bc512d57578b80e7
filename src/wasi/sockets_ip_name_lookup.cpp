// wasi:sockets/ip-name-lookup: resolve-addresses runs getaddrinfo(3) at
// once (it may block for the resolver's time; the answer is then handed out
// by resolve-next-address, whose pollable is always ready). Needs
// --allow-ip-name-lookup; otherwise access-denied.
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>

#include "wasi/interfaces.h"
#include "wasi/sockets_util.h"

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

NetResult<std::deque<IpEndpoint>> resolve(std::string_view name) {
  std::string text(name);
  // An address literal (IPv6 possibly in brackets) resolves to itself.
  if (text.size() > 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  if (auto ip = parse_ip(text)) return std::deque<IpEndpoint>{*ip};
  if (!plausible_host_name(name)) return NetError::invalid_argument;
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

}  // namespace

void register_sockets_ip_name_lookup(runtime::HostRegistry& r, WasiContext& cx) {
  InterfaceDefiner def(r, "wasi:sockets/ip-name-lookup");
  def("resolve-addresses", [&cx](Values& a) {
    (void)cx.sockets.networks.at(arg(a, 0).rep());
    if (!cx.config.sockets.ip_name_lookup) return one(net_err_value(NetError::access_denied));
    auto found = resolve(arg(a, 1).str);
    if (!found.ok()) return one(net_err_value(found.error()));
    auto stream = std::make_shared<ResolveAddressStream>(ResolveAddressStream{std::move(found.value())});
    return one(Value::ok(Value::own(cx.sockets.resolve_address_streams.insert(std::move(stream)))));
  });
  def("[method]resolve-address-stream.resolve-next-address", [&cx](Values& a) {
    auto& addresses = cx.sockets.resolve_address_streams.at(arg(a, 0).rep()).addresses;
    if (addresses.empty()) return one(Value::ok(Value::none()));
    Value next = address_to_value(addresses.front());
    addresses.pop_front();
    return one(Value::ok(Value::some(std::move(next))));
  });
  def("[method]resolve-address-stream.subscribe", [&cx](Values& a) {
    (void)cx.sockets.resolve_address_streams.at(arg(a, 0).rep());
    return one(Value::own(cx.pollables.insert(Pollable::always_ready())));
  });
  def("[resource-drop]resolve-address-stream", [&cx](Values& a) {
    cx.sockets.resolve_address_streams.remove(arg(a, 0).rep());
    return nothing();
  });
}

}  // namespace wasmrr::wasi
