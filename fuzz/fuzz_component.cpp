// libFuzzer target: the component binary parser on arbitrary bytes. Any input
// must either parse or fail with a message; never crash, hang or trip a
// sanitizer.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

#include "component/ast.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto bytes = std::make_shared<const std::vector<uint8_t>>(data, data + size);
  auto parsed = wasmrr::component::parse_component(bytes);
  // A rejected input must say why: an empty message would reach the user as
  // "wasm-rr: error: " and nothing else.
  if (!parsed && parsed.error().message.empty()) std::abort();
  return 0;
}
