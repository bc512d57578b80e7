#include "wasi/common/wit_signatures.h"

#include <cstdio>
#include <cstdlib>

#include <fmt/format.h>

#include "wasi/common/host_util.h"
#include "wit/parser.h"

namespace wasmrr::wasi {

namespace {

wit::Signatures load() {
  std::vector<wit::Package> packages;
  for (std::string_view text : wasi_wit_texts()) {
    auto p = wit::parse_package(text);
    if (!p) {
      fmt::print(stderr, "wasm-rr: internal error: embedded WASI WIT: {}\n", p.error().message);
      std::abort();
    }
    packages.push_back(std::move(*p));
  }
  auto s = wit::resolve(packages);
  if (!s) {
    fmt::print(stderr, "wasm-rr: internal error: embedded WASI WIT: {}\n", s.error().message);
    std::abort();
  }
  return std::move(*s);
}

}  // namespace

const wit::Signatures& wasi_signatures() {
  static const wit::Signatures signatures = load();
  return signatures;
}

void declare_wasi_signatures(runtime::HostRegistry& r) {
  for (const auto& [interface, funcs] : wasi_signatures().interfaces()) {
    std::string name = fmt::format("{}@{}", interface, kWasiVersion);
    for (const auto& [func, type] : funcs) r.declare(name, func, type);
  }
}

}  // namespace wasmrr::wasi
