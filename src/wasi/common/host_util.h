// Small helpers for the ABI-facing functions of every package (internal to wasi/).
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "abi/value.h"
#include "runtime/host.h"
#include "util/trap.h"
#include "wasi/common/wit_signatures.h"

namespace wasmrr::wasi {

using abi::Value;
using runtime::HostFunc;
using runtime::Values;

// Argument `i`. The runtime lifts arguments by the import's declared type,
// and binding checked that type against this function's WIT signature
// (InterfaceDefiner), so every argument is there with the WIT's shape.
inline const Value& arg(const Values& args, size_t i) {
  assert(i < args.size());
  return args[i];
}

// A list<u8> argument: the runtime lifts those in byte form (Value::byte_list).
inline const std::string& bytes_arg(const Values& args, size_t i) {
  const Value& v = arg(args, i);
  assert(v.bytes || v.items.empty());
  return v.str;
}

inline Values one(Value v) {
  Values out;
  out.push_back(std::move(v));
  return out;
}

inline Values nothing() { return {}; }

// A guest-chosen buffer length must fit host memory; the canonical ABI
// could never lower more than 4 GiB anyway.
inline size_t buffer_len(uint64_t len) {
  if (len > (uint64_t{1} << 32)) throw Trap(fmt::format("requested length {} is too large", len));
  return static_cast<size_t>(len);
}

// Binds `interface#func` names for one interface ("wasi:cli/stdout", which
// is defined as "wasi:cli/stdout@0.2.12"; with WasiVersion::P3, as
// "wasi:cli/stdout@0.3.0"), each with its WIT signature of that version
// (wit_signatures.h). A function the WIT lacks is registered untyped, a bug
// of the host that wit_test's WasiSignatures.EveryHostFunctionIsTyped catches.
// An interface the registry does not expect to be imported
// (HostRegistry::may_import) is not registered: its WIT is never parsed.
class InterfaceDefiner {
 public:
  InterfaceDefiner(runtime::HostRegistry& r, std::string_view interface, WasiVersion version = WasiVersion::P2)
      : r_(r),
        signatures_(wasi_signatures(version)),
        unversioned_(interface),
        interface_(fmt::format("{}@{}", interface, version_string(version))) {}
  void operator()(std::string func, HostFunc fn) const {
    if (!r_.may_import(unversioned_)) return;
    abi::FuncTypePtr type = signatures_.find(unversioned_, func);
    r_.define(interface_, std::move(func), std::move(fn), std::move(type));
  }

 private:
  runtime::HostRegistry& r_;
  const WasiSignatures& signatures_;
  std::string unversioned_;
  std::string interface_;
};

}  // namespace wasmrr::wasi
