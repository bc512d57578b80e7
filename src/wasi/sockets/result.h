// Helpers shared by the wasi:sockets interface files (internal to wasi/):
// NetResult -> result<T, error-code> values, socket creation, and the option
// setters' checks.
#pragma once

#include <cassert>
#include <functional>
#include <memory>
#include <utility>

#include "wasi/common/host_util.h"
#include "wasi/sockets/socket_addr.h"
#include "wasi/sockets/sockets.h"

namespace wasmrr::wasi {

// result<T, error-code> with version `v`'s error-code (net_err_value).
inline Values net_result_in(WasiVersion v, NetResult<Unit> r) {
  return one(r.ok() ? Value::ok() : net_err_value(r.error(), v));
}

template <typename T, typename F>
Values net_result_in(WasiVersion v, NetResult<T> r, F&& to_value) {
  return one(r.ok() ? Value::ok(std::forward<F>(to_value)(std::move(r.value()))) : net_err_value(r.error(), v));
}

inline Values net_result(NetResult<Unit> r) { return net_result_in(WasiVersion::P2, std::move(r)); }

template <typename T, typename F>
Values net_result(NetResult<T> r, F&& to_value) {
  return net_result_in(WasiVersion::P2, std::move(r), std::forward<F>(to_value));
}

// create-tcp-socket and create-udp-socket: a new unbound socket of the
// ip-address-family `family` over a fresh fd of `type` (SOCK_STREAM,
// SOCK_DGRAM), as result<own<socket>, error-code>.
template <typename Socket>
Values create_socket(ResourceTable<Socket>& table, const Value& family, int type, WasiVersion v = WasiVersion::P2) {
  uint32_t index = family.case_index();
  assert(index <= 1);  // an enum of two cases (the import's type was checked at load)
  auto s = std::make_shared<Socket>();
  s->family = static_cast<IpFamily>(index);
  auto fd = open_socket(s->family, type);
  if (!fd.ok()) return one(net_err_value(fd.error(), v));
  s->fd = std::move(fd.value());
  return one(Value::ok(Value::own(table.insert(std::move(s)))));
}

// A duration (ns) as the whole seconds TCP keep-alive options take, rounded
// up and kept in the range Linux accepts.
inline int keepalive_seconds(uint64_t ns) {
  uint64_t s = (ns + 999'999'999) / 1'000'000'000;
  return static_cast<int>(std::clamp<uint64_t>(s, 1, 32767));
}

// A guest-given size for an int socket option.
inline int clamp_to_int(uint64_t v) { return static_cast<int>(std::min<uint64_t>(v, INT32_MAX)); }

}  // namespace wasmrr::wasi
