// The WIT signatures of the WASI interfaces: the WASI 0.2.12 and 0.3.0 WIT
// text, embedded at build time (src/wasi/CMakeLists.txt, from
// WASMRR_WASI_WIT_DIR and WASMRR_WASI_P3_WIT_DIR), each interface resolved,
// and each package parsed, when first needed (wit/). Every function the host defines is
// registered with its signature (InterfaceDefiner), so an import of another
// type is refused at load.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/host.h"
#include "wit/resolve.h"

namespace wasmrr::wasi {

// The WASI versions whose WIT is embedded.
enum class WasiVersion { P2, P3 };

// The version the host defines each set's interfaces under; imports of any
// semver-compatible version (every 0.2.x; every 0.3.x) bind to it
// (runtime/host.h).
inline constexpr std::string_view kWasiVersion = "0.2.12";
inline constexpr std::string_view kWasiP3Version = "0.3.0";
constexpr std::string_view version_string(WasiVersion v) { return v == WasiVersion::P3 ? kWasiP3Version : kWasiVersion; }

// The text of each embedded WIT package (generated wasi_wit_text.cpp).
const std::vector<wit::LazySignatures::Text>& wasi_wit_texts();     // 0.2.12
const std::vector<wit::LazySignatures::Text>& wasi_p3_wit_texts();  // 0.3.0

// The signatures of one version's interfaces, by unversioned interface
// ("wasi:io/streams", "wasi:clocks/monotonic-clock"), each resolved when
// first asked for (wit::LazySignatures): a component pays for the WIT of
// what it imports. The embedded text is part of the build: if it fails to
// parse, that is a bug of the build, reported on stderr before aborting.
class WasiSignatures {
 public:
  WasiSignatures(WasiVersion version, const std::vector<wit::LazySignatures::Text>& texts)
      : version_(version), lazy_(texts) {}
  // nullptr if the version has no such function.
  abi::FuncTypePtr find(std::string_view interface, std::string_view func) const;
  // nullptr if the version has no such interface.
  const wit::Signatures::Funcs* funcs(std::string_view interface) const;
  // Every interface of the version.
  const wit::Signatures& all() const;

 private:
  WasiVersion version_;
  wit::LazySignatures lazy_;
};
const WasiSignatures& wasi_signatures();     // 0.2.12
const WasiSignatures& wasi_p3_signatures();  // 0.3.0
const WasiSignatures& wasi_signatures(WasiVersion v);

// What a component's import names ask of WASI: the versions ("@0.3.x" is
// 0.3, any other wasi: name 0.2), and the interfaces. Only those are
// registered (and their WIT parsed): a component pays for no WASI version or
// interface it does not import.
struct WasiVersions {
  bool p2 = true;
  bool p3 = true;
  // The unversioned names of the imported interfaces ("wasi:cli/stdout");
  // nullopt: any (every interface of each version is registered).
  std::optional<std::set<std::string, std::less<>>> interfaces;
  static WasiVersions of(const std::vector<std::string>& import_names);
};

// Declares WASI functions with their types and no bodies, under the
// versions this host knows ("...@0.2.12", "...@0.3.0"): what replay checks
// imports against. Those of `versions`, and of its interfaces if it names them.
void declare_wasi_signatures(runtime::HostRegistry& r, WasiVersions versions = {});

}  // namespace wasmrr::wasi
