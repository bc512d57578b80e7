// Parsing one trace element from untrusted bytes, with guarantees that
// nlohmann's own parse/from_cbor do not give:
//  - nesting deeper than kMaxNesting is an error (the parser,
//    bytes_from_text_model, dump() and decode_value all recurse, so a file of a
//    million `[` would otherwise overflow the stack);
//  - every CBOR text string is valid UTF-8 (RFC 8949 §3.1; nlohmann does not
//    check it, and dump() later throws on it). JSON text is checked by the lexer;
//  - the memory a parsed element takes is bounded by its encoded size
//    (parse_budget): a few bytes of `[]` or of CBOR 0x80 each become a node of
//    dozens of bytes, so a crafted 16 MB trace would otherwise need gigabytes;
//  - an object has at most kMaxObjectKeys keys (ordered_json finds a key by
//    linear search, so n keys cost n² comparisons).
#pragma once

#include <cstddef>
#include <cstdint>
#include <istream>
#include <string>
#include <string_view>

#include "trace/trace.h"

namespace wasmrr::trace {

// Deeper than any WIT value a real component passes (nested records, options
// and variants a few dozen levels deep at most); small enough to recurse on.
constexpr size_t kMaxNesting = 200;

// More fields than any WIT record has (WIT values are the only objects in a
// trace besides the header's, which have a handful).
constexpr size_t kMaxObjectKeys = 1024;

// What an element may cost once parsed, as an estimate of the heap bytes its
// nodes take (about 50 to 100 bytes per value, plus the bytes of its strings,
// keys and byte strings): kParseAllowance for any element, plus
// kParseFactor times its encoded size. A real element is mostly strings and
// byte strings, which cost about their encoded size (a 64 MiB HTTP body read
// is fine); only masses of tiny values cost more, and those get the allowance
// (tens of thousands of values, more than any WASI call returns).
constexpr uint64_t kParseAllowance = 4ull << 20;
constexpr uint64_t kParseFactor = 2;
constexpr uint64_t parse_budget(uint64_t encoded_size) { return kParseAllowance + kParseFactor * encoded_size; }

struct Parsed {
  // EndOfInput: the input ended inside the value (a cut-off element).
  enum class Status : uint8_t { Ok, Invalid, EndOfInput };
  Status status = Status::Ok;
  Json value;
  std::string error;  // for Invalid and EndOfInput: what was wrong, and where
  bool bound = false;  // Invalid because of a bound (nesting, memory, keys) or bad UTF-8, not the syntax
};

// One JSON value that must fill `text` (a line of a trace).
Parsed parse_json_text(std::string_view text);
// One JSON value that must fill the rest of `in` (a whole, pretty-printed trace).
Parsed parse_json_stream(std::istream& in);
// The next item of a CBOR sequence; `in` is left just after it.
Parsed parse_cbor_item(std::istream& in);
// One CBOR item that must fill `bytes`.
Parsed parse_cbor_bytes(std::string_view bytes);

// Bytes read one at a time, for parse_json_prefix.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual int peek() = 0;     // the next byte, or -1 at the end of the input
  virtual void advance() = 0;  // consumes the byte peek() returned
  virtual uint64_t consumed() const = 0;  // bytes consumed so far
};

// One JSON value from the front of `src`, which is left just after it, with
// nothing read beyond it as long as the value is an object, an array, a
// string or a literal (a number needs one byte of lookahead). The budget grows
// with the bytes consumed. Error messages give no position: the caller knows
// where `src` is.
Parsed parse_json_prefix(ByteSource& src);

}  // namespace wasmrr::trace
