#include "wasi/common/wit_signatures.h"

#include <cstdio>
#include <cstdlib>

#include <fmt/format.h>

#include "wit/parser.h"

namespace wasmrr::wasi {

namespace {

[[noreturn]] void broken_build(WasiVersion v, std::string_view message) {
  fmt::print(stderr, "wasm-rr: internal error: embedded WASI {} WIT: {}\n", version_string(v), message);
  std::abort();
}

// All packages of one version are resolved together: their `use`s name each other.
wit::Signatures load(WasiVersion v, const std::vector<std::string_view>& texts) {
  std::vector<wit::Package> packages;
  for (std::string_view text : texts) {
    auto p = wit::parse_package(text);
    if (!p) broken_build(v, p.error().message);
    packages.push_back(std::move(*p));
  }
  auto s = wit::resolve(packages);
  if (!s) broken_build(v, s.error().message);
  return std::move(*s);
}

}  // namespace

const wit::Signatures& wasi_signatures() {
  static const wit::Signatures signatures = load(WasiVersion::P2, wasi_wit_texts());
  return signatures;
}

const wit::Signatures& wasi_p3_signatures() {
  static const wit::Signatures signatures = load(WasiVersion::P3, wasi_p3_wit_texts());
  return signatures;
}

const wit::Signatures& wasi_signatures(WasiVersion v) {
  return v == WasiVersion::P3 ? wasi_p3_signatures() : wasi_signatures();
}

WasiVersions WasiVersions::of(const std::vector<std::string>& import_names) {
  WasiVersions v{false, false};
  for (const std::string& name : import_names) {
    if (!name.starts_with("wasi:")) continue;
    if (name.find("@0.3") != std::string::npos) v.p3 = true;
    else v.p2 = true;
  }
  return v;
}

void declare_wasi_signatures(runtime::HostRegistry& r, WasiVersions versions) {
  for (WasiVersion v : {WasiVersion::P2, WasiVersion::P3}) {
    if (!(v == WasiVersion::P3 ? versions.p3 : versions.p2)) continue;
    for (const auto& [interface, funcs] : wasi_signatures(v).interfaces()) {
      std::string name = fmt::format("{}@{}", interface, version_string(v));
      for (const auto& [func, type] : funcs) r.declare(name, func, type);
    }
  }
}

}  // namespace wasmrr::wasi
