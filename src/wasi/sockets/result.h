// Helpers shared by the wasi:sockets interface files (internal to wasi/):
// NetResult -> result<T, error-code> values, and the option setters' checks.
#pragma once

#include <functional>
#include <utility>

#include "wasi/common/host_util.h"
#include "wasi/sockets/socket_addr.h"

namespace wasmrr::wasi {

inline Values net_result(NetResult<Unit> r) { return one(r.ok() ? Value::ok() : net_err_value(r.error())); }

template <typename T, typename F>
Values net_result(NetResult<T> r, F&& to_value) {
  return one(r.ok() ? Value::ok(std::forward<F>(to_value)(std::move(r.value()))) : net_err_value(r.error()));
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
