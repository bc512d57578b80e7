// The Canonical ABI's name for the shared UTF-8 helpers (util/utf8.h):
// abi::unicode::append_utf8, next_utf8, is_valid_utf8, is_scalar_value.
#pragma once

#include "util/utf8.h"

namespace wasmrr::abi {
namespace unicode = ::wasmrr::unicode;
}  // namespace wasmrr::abi
