// wasm-rr pack and record --pack: a component and its trace as one file.
#pragma once

#include <string>

#include "cli/guest.h"

namespace wasmrr::cli {

// Checks that `trace_path` is a trace of `component` (unless `force`), writes
// the pack to `out_path` and tells on stderr what it holds that may be secret.
// Throws ToolError.
void write_bug_pack(const LoadedComponent& component, const std::string& trace_path, const std::string& out_path,
                    bool force);

// The pack's default name: the trace's, with .wasmrr for its extension.
std::string default_pack_path(const std::string& trace_path);

}  // namespace wasmrr::cli
