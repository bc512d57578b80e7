#include <fmt/format.h>

#include "engine/engine.h"

namespace wasmrr::engine {

std::string Frame::text() const {
  if (function_name.empty()) return fmt::format("wasm-function[{}]:0x{:x}", function_index, offset);
  return fmt::format("{}@wasm-function[{}]:0x{:x}", function_name, function_index, offset);
}

}  // namespace wasmrr::engine
