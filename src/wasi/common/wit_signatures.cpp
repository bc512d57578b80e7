#include "wasi/common/wit_signatures.h"

#include <cstdio>
#include <cstdlib>

#include <fmt/format.h>

namespace wasmrr::wasi {

namespace {

[[noreturn]] void broken_build(WasiVersion v, std::string_view message) {
  fmt::print(stderr, "wasm-rr: internal error: embedded WASI {} WIT: {}\n", version_string(v), message);
  std::abort();
}

}  // namespace

abi::FuncTypePtr WasiSignatures::find(std::string_view interface, std::string_view func) const {
  const wit::Signatures::Funcs* f = funcs(interface);
  if (!f) return nullptr;
  auto it = f->find(func);
  return it == f->end() ? nullptr : it->second;
}

const wit::Signatures::Funcs* WasiSignatures::funcs(std::string_view interface) const {
  auto f = lazy_.funcs(interface);
  if (!f) broken_build(version_, f.error().message);
  return *f;
}

const wit::Signatures& WasiSignatures::all() const {
  auto s = lazy_.all();
  if (!s) broken_build(version_, s.error().message);
  return **s;
}

const WasiSignatures& wasi_signatures() {
  static const WasiSignatures signatures(WasiVersion::P2, wasi_wit_texts());
  return signatures;
}

const WasiSignatures& wasi_p3_signatures() {
  static const WasiSignatures signatures(WasiVersion::P3, wasi_p3_wit_texts());
  return signatures;
}

const WasiSignatures& wasi_signatures(WasiVersion v) {
  return v == WasiVersion::P3 ? wasi_p3_signatures() : wasi_signatures();
}

WasiVersions WasiVersions::of(const std::vector<std::string>& import_names) {
  WasiVersions v{false, false, std::set<std::string, std::less<>>{}};
  for (const std::string& name : import_names) {
    v.interfaces->insert(name.substr(0, name.find('@')));
    if (!name.starts_with("wasi:")) continue;
    if (name.find("@0.3") != std::string::npos) v.p3 = true;
    else v.p2 = true;
  }
  return v;
}

void declare_wasi_signatures(runtime::HostRegistry& r, WasiVersions versions) {
  for (WasiVersion v : {WasiVersion::P2, WasiVersion::P3}) {
    if (!(v == WasiVersion::P3 ? versions.p3 : versions.p2)) continue;
    auto declare = [&](std::string_view interface, const wit::Signatures::Funcs& funcs) {
      std::string name = fmt::format("{}@{}", interface, version_string(v));
      for (const auto& [func, type] : funcs) r.declare(name, func, type);
    };
    if (!versions.interfaces) {
      for (const auto& [interface, funcs] : wasi_signatures(v).all().interfaces()) declare(interface, funcs);
      continue;
    }
    for (const std::string& interface : *versions.interfaces)
      if (interface.starts_with("wasi:"))
        if (const wit::Signatures::Funcs* funcs = wasi_signatures(v).funcs(interface)) declare(interface, *funcs);
  }
}

}  // namespace wasmrr::wasi
