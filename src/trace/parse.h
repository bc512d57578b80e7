// Parsing one trace element from untrusted bytes, with two guarantees that
// nlohmann's own parse/from_cbor do not give: nesting deeper than kMaxNesting
// is an error (the parser, bytes_from_text_model, dump() and decode_value all
// recurse, so a file of a million `[` would otherwise overflow the stack), and
// every CBOR text string is valid UTF-8 (RFC 8949 §3.1; nlohmann does not check
// it, and dump() later throws on it). JSON text is checked by the lexer.
#pragma once

#include <cstddef>
#include <istream>
#include <string>
#include <string_view>

#include "trace/trace.h"

namespace wasmrr::trace {

// Deeper than any WIT value a real component passes (nested records, options
// and variants a few dozen levels deep at most); small enough to recurse on.
constexpr size_t kMaxNesting = 200;

struct Parsed {
  enum class Status : uint8_t { Ok, Invalid, EndOfInput };
  Status status = Status::Ok;
  Json value;
  std::string error;  // for Invalid and EndOfInput: what was wrong, and where
};

// One JSON value that must fill `text` (a line of a trace).
Parsed parse_json_text(std::string_view text);
// One JSON value that must fill the rest of `in` (a whole, pretty-printed trace).
Parsed parse_json_stream(std::istream& in);
// The next item of a CBOR sequence; `in` is left just after it.
Parsed parse_cbor_item(std::istream& in);
// One CBOR item that must fill `bytes`.
Parsed parse_cbor_bytes(std::string_view bytes);

}  // namespace wasmrr::trace
