// The `print EXPR` language (internal): a C-like expression parsed into a
// tree, then evaluated to a Value over a frame.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "debuginfo/values.h"
#include "util/result.h"

namespace wasmrr::debuginfo {

// What a name designates at the evaluation point; nullopt: nothing.
using NameLookup = std::function<std::optional<Value>(const std::string& name)>;

// Parses and evaluates `text`. Errors are messages for the user: "no
// symbol `x` in the current context", "syntax error at `...`", ...
Result<Value> evaluate_expression(Context& ctx, std::string_view text, const NameLookup& lookup);

}  // namespace wasmrr::debuginfo
