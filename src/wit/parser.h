// Parses the text of one WIT package (WIT.md): its `package` line and its
// interfaces, with `use`, type definitions (type aliases, records, variants,
// enums, flags, resources with methods, statics and constructors) and
// functions, sync or `async` (WASI 0.3), whose types may include the async
// `stream<T>`, `future<T>` (either bare) and `error-context`. Feature gates
// (@since, @unstable, @deprecated) are read and ignored: every gated item is
// kept. World blocks (with their `include`s) are skipped.
#pragma once

#include <string_view>

#include "util/result.h"
#include "wit/ast.h"

namespace wasmrr::wit {

// Errors read "<line>:<column>: expected ..., found `...`".
Result<Package> parse_package(std::string_view text);

}  // namespace wasmrr::wit
