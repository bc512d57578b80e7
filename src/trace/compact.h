// Compact CBOR events (docs/trace-format.md, "Compact CBOR events"). A CBOR
// trace writes each event as an array instead of a map:
//
//   [fn, arg_0, ..., arg_n-1, outcome]
//
// - fn: the function's name the first time the trace calls it, its number
//   (0, 1, ... in order of first use) after that;
// - the arguments, each the value as in a plain event, except that a map key
//   is a name's number once the name has been written as a key before;
// - outcome: the one result as it is (a call returns at most one value);
//   `undefined` for no results; tag kTagExit(status), kTagTrap(message) for a
//   call that did not return; kTagResults([...]) for any other results list.
//
// The header and the end stay maps with text keys, so the first byte tells
// an element's kind (an array head is an event), and plain map events (what
// traces held before) still read. The names are the only state: both tables
// only grow, in trace order, so every reader rebuilds exactly what the writer
// had, and `convert` gives back the same bytes both ways.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "trace/parse.h"
#include "trace/trace.h"
#include "util/result.h"

namespace wasmrr::trace {

// Private tags of a compact event's outcome (values in a trace carry no tags).
constexpr uint64_t kTagExit = 21074;
constexpr uint64_t kTagTrap = 21075;
constexpr uint64_t kTagResults = 21076;
constexpr uint8_t kCborUndefined = 0xf7;

// The names a trace has defined so far: function names and map keys.
class CompactNames {
 public:
  // Bounds on what a trace may make a reader hold. A name past them is not
  // defined: it stays text wherever it occurs, for writer and reader alike.
  static constexpr size_t kMaxNames = size_t{1} << 16;  // per table
  static constexpr size_t kMaxNameBytes = 1024;         // WIT names are far shorter

  std::optional<uint32_t> function(std::string_view name) const { return functions_.find(name); }
  std::optional<uint32_t> key(std::string_view name) const { return keys_.find(name); }
  const std::string* function_name(uint64_t index) const { return functions_.at(index); }
  const std::string* key_name(uint64_t index) const { return keys_.at(index); }
  size_t functions() const { return functions_.size(); }
  size_t keys() const { return keys_.size(); }

  // Defines a name (unless defined already or past the bounds).
  void define_function(std::string_view name) { functions_.define(name); }
  void define_key(std::string_view name) { keys_.define(name); }

  // Checks a compact event's numbers against the names defined so far and
  // defines the names it writes out. Every reader and writer calls it once
  // per compact event, in trace order. An error says what is wrong.
  Result<void> learn(std::string_view event);

 private:
  class Table {
   public:
    std::optional<uint32_t> find(std::string_view name) const;
    const std::string* at(uint64_t index) const { return index < names_.size() ? &names_[index] : nullptr; }
    size_t size() const { return names_.size(); }
    void define(std::string_view name);  // unless defined already or past the bounds

   private:
    struct Hash {
      using is_transparent = void;
      size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    std::vector<std::string> names_;
    std::unordered_map<std::string, uint32_t, Hash, std::equal_to<>> index_;
  };
  friend class CompactWalker;
  Table functions_, keys_;
};

// The keys whose values are SHA-256 digests: 64 lowercase hex digits in
// JSON, their 32 bytes in a compact event.
inline bool is_digest_key(std::string_view key) { return key == "$sha256" || key == "$same"; }
// `hex` as 32 bytes, if it is 64 lowercase hex digits (back: hex_digits, trace/sha256.h).
bool digest_bytes(std::string_view hex, std::string& raw);

// Whether a CBOR element is a compact event (an array head).
inline bool is_compact_event(std::string_view element) {
  return !element.empty() && (static_cast<uint8_t>(element[0]) >> 5) == 4;
}

// The name of a compact event's function (its first item, a name or a
// number); empty if the event does not give one `names` knows.
std::string_view compact_event_function(std::string_view event, const CompactNames& names);

// Appends the compact encoding of `element` (the trace model of an event)
// with the names defined so far, and returns true; false, appending nothing,
// when it is not an event of the usual shape (fn, args, then results, exit
// or trap): such an element is written as a plain map. Learns nothing:
// the writer calls learn() on what it writes.
bool encode_compact_event(const Json& element, const CompactNames& names, std::string& out);

// Appends the plain CBOR map of a compact event ({"fn": name, "args": [...],
// "results": [...]} or "exit"/"trap"), which the trace model parses. At most
// `limit` bytes: an error past it (numbers standing for long names cannot
// make a small element large).
Result<void> expand_compact_event(std::string_view event, const CompactNames& names, std::string& out, size_t limit);

// The bytes an element may expand to: its parse budget (trace/parse.h).
uint64_t expansion_limit(uint64_t encoded_size);

// A compact event parsed into the trace model, through its expansion into
// `scratch` (reused by the caller).
Parsed parse_compact_event(std::string_view event, const CompactNames& names, std::string& scratch);

}  // namespace wasmrr::trace
