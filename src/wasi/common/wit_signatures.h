// The WIT signatures of the WASI 0.2 interfaces: the WASI 0.2.12 WIT text,
// embedded at build time (src/wasi/CMakeLists.txt, from WASMRR_WASI_WIT_DIR),
// parsed and resolved once on first use (wit/). Every function the host
// defines is registered with its signature (InterfaceDefiner), so an import
// of another type is refused at load.
#pragma once

#include <string_view>
#include <vector>

#include "runtime/host.h"
#include "wit/resolve.h"

namespace wasmrr::wasi {

// The text of each embedded WIT package (generated wasi_wit_text.cpp).
const std::vector<std::string_view>& wasi_wit_texts();

// The resolved signatures, by unversioned interface ("wasi:io/streams").
// The embedded text is part of the build: if it fails to parse, that is a
// bug of the build, reported on stderr before aborting.
const wit::Signatures& wasi_signatures();

// Declares every WASI function with its type and no body, under the
// version this host implements: what replay checks imports against.
void declare_wasi_signatures(runtime::HostRegistry& r);

}  // namespace wasmrr::wasi
