// Backtrace frames for people: a core frame's text with its source location
// when the module carries DWARF, and the functions inlined at that point as
// frames of their own. Shared by replay's reports and the debugger.
#pragma once

#include <string>
#include <vector>

#include "debuginfo/dwarf.h"
#include "engine/engine.h"

namespace wasmrr::runtime {

// " at FILE:LINE:COL" (or " at FILE" without a line; empty without a file).
std::string source_suffix(const debuginfo::SourceLocation& at);

// The lines for one frame, innermost (inlined) first: "f (inlined) at a.c:3",
// then "name@wasm-function[N]:0xOFF in f at a.c:9:5". `info` may be null.
std::vector<std::string> describe_frame(const engine::Frame& frame, debuginfo::ModuleDebugInfo* info);

}  // namespace wasmrr::runtime
