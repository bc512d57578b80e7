// The one mapping from typed WIT values to trace values (docs/trace-format.md,
// "WIT values"), written once against trace::ValueSink: the recorder's
// encoder, the Json values of reports and redaction, and every format share it.
#pragma once

#include <cstddef>
#include <vector>

#include "abi/type.h"
#include "abi/value.h"
#include "trace/value_sink.h"

namespace wasmrr::rr {

// Byte arguments longer than this are stored as {"$len": n, "$sha256": hex}
// (when digests are asked for: arguments are only compared, never fed back).
constexpr size_t kDigestThreshold = 256;

// Writes `v` (of type `t`) to `sink`.
void write_value(trace::ValueSink& sink, const abi::Value& v, const abi::Type& t, bool digest_large_bytes);
// Writes the array of `values` (typed by `types`): an event's args or results.
void write_values(trace::ValueSink& sink, const std::vector<abi::Param>& types, const std::vector<abi::Value>& values,
                  bool digest_large_bytes);

}  // namespace wasmrr::rr
