// wasi:sockets/ip-name-lookup@0.3.0: resolve-addresses, an async func, is
// answered once the 0.2 host's lookup has its answer (the host thread waits;
// --timeout cuts it short). Needs --allow-ip-name-lookup.
#include "wasi/p3/net.h"

namespace wasmrr::wasi::p3 {
namespace {

// wasi:sockets/ip-name-lookup@0.3.0 error-code: access-denied,
// invalid-argument, name-unresolvable, temporary-resolver-failure,
// permanent-resolver-failure, other(option<string>).
Value lookup_error(NetError e) {
  switch (e) {
    case NetError::access_denied: return Value::variant(0);
    case NetError::invalid_argument: return Value::variant(1);
    case NetError::name_unresolvable: return Value::variant(2);
    case NetError::temporary_resolver_failure: return Value::variant(3);
    case NetError::permanent_resolver_failure: return Value::variant(4);
    default: return Value::variant(5, Value::some(Value::string(std::string(net_error_name(e)))));
  }
}

}  // namespace

void register_ip_name_lookup(runtime::HostRegistry& r, P3State& p) {
  SocketsState& net = p.sockets;
  InterfaceDefiner def(r, "wasi:sockets/ip-name-lookup", kP3);
  def("resolve-addresses", [&net](Values& a) {
    auto found = resolve_addresses_blocking(net, arg(a, 0).str);
    if (!found.ok()) return one(Value::err(lookup_error(found.error())));
    std::vector<Value> addresses;
    for (const IpEndpoint& e : found.value()) addresses.push_back(address_to_value(e));
    return one(Value::ok(Value::list(std::move(addresses))));
  });
}

}  // namespace wasmrr::wasi::p3
