// libFuzzer target: the core-module reader (engine/wasm_binary.h) on arbitrary
// bytes. parse_module must either succeed or fail with a message; whatever it
// returns must describe the input (every section, constant expression and
// index inside the bytes); find_unsupported_instruction must then walk the
// function bodies without crashing, hanging or tripping a sanitizer.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "engine/wasm_binary.h"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace binary = wasmrr::engine::binary;
  std::span<const uint8_t> bytes(data, size);
  auto info = binary::parse_module(bytes);
  if (!info) {
    // A rejected module must say why (the message reaches the user).
    check(!info.error().message.empty());
    return 0;
  }
  size_t prev_end = 8;  // after the preamble
  for (const binary::Section& s : info->sections) {
    check(s.header_begin >= prev_end && s.header_begin < s.content_begin && s.content_begin <= s.end &&
          s.end <= size);
    prev_end = s.end;
  }
  auto in_bounds = [&](const binary::ConstExpr& e) { return e.begin < e.end && e.end <= size; };
  for (const binary::ConstExpr& e : info->global_inits) check(in_bounds(e));
  for (const binary::ConstExpr& e : info->extended_exprs) check(in_bounds(e) && e.extended);
  check(info->imported_globals <= info->globals.size());
  check(info->imported_funcs <= info->func_type_indices.size());
  check(info->global_inits.size() == info->globals.size() - info->imported_globals);
  for (uint32_t t : info->func_type_indices) check(t < info->types.size());

  auto unsupported = binary::find_unsupported_instruction(bytes, *info);
  if (unsupported) check(!unsupported->empty());
  return 0;
}
