// Folding of extended-const initializers (the WebAssembly extended-const
// proposal), which SpiderMonkey 102 cannot compile. Real toolchains emit them
// for dynamically linked code, e.g. `global.get $__memory_base; i32.const N;
// i32.add`. Every value such an expression reads is known at instantiation,
// so each one is replaced by a single i32.const / i64.const in a copy of the
// module bytes, which SpiderMonkey then compiles.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "engine/wasm_binary.h"

namespace wasmrr::engine {

// `imported_globals` holds the value of each imported global, in import
// order; nullopt where the value is not known (then no extended expression
// may read it). Returns the rewritten module bytes.
Result<std::vector<uint8_t>> fold_extended_const(std::span<const uint8_t> bytes, const binary::ModuleInfo& info,
                                                 std::span<const std::optional<CoreVal>> imported_globals);

}  // namespace wasmrr::engine
