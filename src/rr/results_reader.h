// The replayer's fast path: an event's results decoded straight from their
// encoded bytes (trace/value_reader.h) into WIT values, for the types host
// calls return most — integers, bools, ASCII strings, bytes, records,
// tuples, lists, options, results, enums, variants and handles (a clock
// reading, random bytes, a read's result, a file's stat, an error code).
// Floats, chars and flags, and any value not written in the plain form, are
// left to decode_value (the
// general path), which also reports what is wrong: read_results() returning
// false means only "take the general path". The values may take no more
// memory than the general path allows an element (trace/parse.h), so a
// crafted element is declined here and refused there.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "abi/type.h"
#include "abi/value.h"
#include "trace/compact.h"
#include "trace/trace.h"

namespace wasmrr::rr {

// `encoded`: the event's results array as the element holds it, followed by
// the end of the element's map (what follows the "results" key); for a
// compact CBOR event (`names` given, trace/compact.h), its outcome.
// A reference to bytes seen before ({"$same": digest}) is looked up with
// `same` (hex digest -> the bytes, or null); without it, declined.
// `results` may come in holding values (the same function's last results):
// each is overwritten in place and its storage (strings, items) reused.
using SameBytes = std::function<const std::string*(const std::string& sha256_hex)>;
bool read_results(std::string_view encoded, trace::Format format, const std::vector<abi::Param>& types,
                  std::vector<abi::Value>& results, const trace::CompactNames* names = nullptr,
                  const SameBytes* same = nullptr);

// A compact CBOR event's outcome read from the start of `bytes`, which may go
// on with what follows in the trace, as read_results() reads it from exactly
// its bytes: how many bytes it takes, or 0 for "take the general path". Also
// 0 for an outcome with a map key written as text: the event defines that
// name, which a reader that did not scan it has not learnt.
size_t read_compact_outcome_prefix(std::string_view bytes, const std::vector<abi::Param>& types,
                                   std::vector<abi::Value>& results, const trace::CompactNames& names,
                                   const SameBytes* same = nullptr);
// The same for a JSON event: `bytes` start with its results array, which
// the end of the event's map follows, then anything.
size_t read_json_results_prefix(std::string_view bytes, const std::vector<abi::Param>& types,
                                std::vector<abi::Value>& results, const SameBytes* same = nullptr);

// A compact CBOR event's outcome for a scalar function (abi::is_scalar_functype),
// read from the start of `bytes`, which may go on with what follows in the
// trace: the bytes it takes (then `result` holds the value, none for a
// function without results; `result` must come in as a default Value), or 0
// for "take the general path". Integers and
// bools only: as read_results(), it leaves floats and chars to decode_value.
size_t read_compact_scalar(std::string_view bytes, const abi::FuncType& type, abi::Value& result);
// The same for a JSON trace's event: `text` starts with its results array,
// which the end of the event's map follows (`[value]}`).
size_t read_json_scalar(std::string_view text, const abi::FuncType& type, abi::Value& result);

}  // namespace wasmrr::rr
