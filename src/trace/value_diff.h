// Comparing trace values (the JSON model of trace.h, bytes as binary), for
// reports: a hash that lets `wasm-rr diff` keep 8 bytes per value instead of
// the value, and where two values first differ: the value path and, for
// bytes, the offset where they part with the bytes around it (the replayer's
// divergence reports use the same, rr/value_codec.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "trace/trace.h"

namespace wasmrr::trace {

// A 64-bit hash of a value: values that are == hash the same, whatever
// their numbers' representation (1 as a signed, an unsigned or a float).
// Not for adversaries: a crafted trace can collide with itself.
uint64_t value_hash(const Json& value, uint64_t seed = 0);
uint64_t text_hash(std::string_view text, uint64_t seed = 0);

// Where two byte strings part: the first offset at which they differ (or
// where the shorter ends), and the bytes from a few before it to a few after
// it, of each, readable (trace/readable.h: b"text" or x"hex"), with "..."
// where bytes are left out.
struct BytesDifference {
  uint64_t offset = 0;
  std::string a, b;
};
BytesDifference bytes_difference(std::string_view a, std::string_view b);

// The first place, in document order, where two values differ.
struct ValueDifference {
  // From the path given: `[i]` for an array item, `.key` for a record field
  // or a variant case, e.g. `results[0].ok[2].name`.
  std::string path;
  // The values there, readable and cut to a few hundred characters; nullopt
  // where one side has nothing (an array item or a field the other lacks).
  std::optional<std::string> a, b;
  // Two byte strings: where they part; a and b then show the bytes around it.
  std::optional<uint64_t> offset;
  uint64_t a_size = 0, b_size = 0;  // bytes: the lengths
};
std::optional<ValueDifference> first_difference(const Json& a, const Json& b, const std::string& path);

// A value for a report: readable (trace/readable.h), cut after about `max`
// characters (on a character boundary) with "...".
std::string short_readable(const Json& value, size_t max = 200);

}  // namespace wasmrr::trace
