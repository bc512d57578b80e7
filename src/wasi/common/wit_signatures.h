// The WIT signatures of the WASI interfaces: the WASI 0.2.12 and 0.3.0 WIT
// text, embedded at build time (src/wasi/CMakeLists.txt, from
// WASMRR_WASI_WIT_DIR and WASMRR_WASI_P3_WIT_DIR), each set parsed and
// resolved once on first use (wit/). Every function the host defines is
// registered with its signature (InterfaceDefiner), so an import of another
// type is refused at load.
#pragma once

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
const std::vector<std::string_view>& wasi_wit_texts();     // 0.2.12
const std::vector<std::string_view>& wasi_p3_wit_texts();  // 0.3.0

// The resolved signatures, by unversioned interface ("wasi:io/streams",
// "wasi:clocks/monotonic-clock"). The embedded text is part of the build: if
// it fails to parse, that is a bug of the build, reported on stderr before
// aborting.
const wit::Signatures& wasi_signatures();     // 0.2.12
const wit::Signatures& wasi_p3_signatures();  // 0.3.0
const wit::Signatures& wasi_signatures(WasiVersion v);

// Declares every WASI function with its type and no body, under the
// versions this host knows ("...@0.2.12", "...@0.3.0"): what replay checks
// imports against.
// The WASI versions a component's import names ask for: "@0.3.x" is 0.3,
// any other wasi: name 0.2. Only those are registered (and their WIT
// parsed): a component pays for no WASI version it does not import.
struct WasiVersions {
  bool p2 = true;
  bool p3 = true;
  static WasiVersions of(const std::vector<std::string>& import_names);
};

void declare_wasi_signatures(runtime::HostRegistry& r, WasiVersions versions = {});

}  // namespace wasmrr::wasi
