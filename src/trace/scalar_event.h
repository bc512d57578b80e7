// A JSON trace's scalar events (a clock reading, a random u64: bools and
// integers in, at most one out) as the guest's thread hands them to the
// trace writer: the function's shape once, then per event only the numbers.
// The writer's flusher thread turns them into text (render_json), so the
// guest's thread neither formats digits nor copies the event's 70-odd bytes
// of JSON. Made on the guest's thread, the text made a clock reading cost
// about a tenth more to record in JSON than in CBOR, most of it its cache
// lines moving from the guest's core to the flusher's; made there, the two
// cost the same.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace wasmrr::trace {

enum class ScalarKind : uint8_t { Bool, Unsigned, Signed };

struct ScalarEventShape {
  // {"fn":"..","args": — and for a function without parameters, its [] too.
  std::string head;
  std::vector<ScalarKind> params;
  // ,"results": — what follows the arguments.
  std::string results_key;
  std::optional<ScalarKind> result;  // none: the function returns nothing

  // Numbers an event holds: the arguments', then the result's.
  size_t values() const { return params.size() + (result ? 1 : 0); }
  static constexpr size_t kMaxValues = 8;
};

// Appends the event's JSON text: `values` as values() says, each a bool's
// 0 or 1, an unsigned integer, or a signed one's bits. Byte for byte what
// rr::EventEncoder writes for the same call.
void render_json(const ScalarEventShape& shape, std::span<const uint64_t> values, std::string& out);

}  // namespace wasmrr::trace
