// Structural comparison of component types, for checking an import against
// the host function it binds to. Two types match when they have the same
// kind and: the same element types (list, option, result, tuple), the same
// record fields by name and type in order, the same variant cases by name
// and payload in order, the same enum and flags labels in order, and handles
// (own/borrow) of resources of the same name. Names carry meaning here
// (a value crosses by label: enum case 0 is whatever label the type gives
// it), so a reordering is a mismatch. Function parameter names are not
// compared: they are not part of what crosses the boundary, and the
// component model lets a component rename them.
#pragma once

#include <optional>
#include <string>

#include "abi/type.h"

namespace wasmrr::abi {

// Why `declared` does not match `expected` ("result: case 0 of variant is
// `closed`, expected `last-operation-failed`"); nullopt if they match.
std::optional<std::string> type_mismatch(const Type& declared, const Type& expected);
std::optional<std::string> func_type_mismatch(const FuncType& declared, const FuncType& expected);

}  // namespace wasmrr::abi
