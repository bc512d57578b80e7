// libFuzzer target: the extended-const folder (engine/const_fold.h). The
// first input byte chooses which imported globals have a known value (bit i
// for import i, repeating) and seeds those values; the rest is a core module.
// A module that parses must fold or fail with a message; a folded module must
// parse again, keep its sections, imports, exports and globals, and hold no
// extended-const expression any more.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <span>
#include <vector>

#include "engine/const_fold.h"
#include "engine/wasm_binary.h"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

uint64_t splitmix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace binary = wasmrr::engine::binary;
  using wasmrr::CoreVal;
  if (size < 1) return 0;
  uint8_t known = data[0];
  std::span<const uint8_t> bytes(data + 1, size - 1);
  auto info = binary::parse_module(bytes);
  if (!info) return 0;  // fuzz_core_module covers the reader's failures

  std::vector<std::optional<CoreVal>> globals;
  for (size_t i = 0; i < info->imported_globals; ++i) {
    if (known & (1u << (i % 8))) {
      // Small values half of the time: real bases are page-aligned offsets.
      uint64_t v = splitmix(known * 131 + i);
      globals.push_back(CoreVal{(known & 0x80) ? v : (v & 0xffff0)});
    } else {
      globals.push_back(std::nullopt);
    }
  }
  auto folded = wasmrr::engine::fold_extended_const(bytes, *info, globals);
  if (!folded) {
    check(!folded.error().message.empty());
    return 0;
  }
  auto again = binary::parse_module(*folded);
  check(static_cast<bool>(again));
  check(again->extended_exprs.empty());
  check(again->sections.size() == info->sections.size());
  for (size_t i = 0; i < again->sections.size(); ++i) check(again->sections[i].id == info->sections[i].id);
  check(again->imports.size() == info->imports.size() && again->exports.size() == info->exports.size());
  check(again->globals.size() == info->globals.size() && again->types.size() == info->types.size());
  check(again->func_type_indices == info->func_type_indices);
  if (info->extended_exprs.empty()) check(*folded == std::vector<uint8_t>(bytes.begin(), bytes.end()));
  return 0;
}
