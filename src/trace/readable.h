// Trace values for people (inspect --events, reports): the JSON model of
// trace.h written compactly, except that bytes read as what they are: text
// (valid UTF-8 whose only control characters are line ends, tabs and
// escapes) as b"..." (backslashes and quotes escaped, then as util/printable.h escapes),
// anything else as hex x"0a1b...". Long bytes are cut, with
// their length said. Output is printable: no control character reaches it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "trace/trace.h"

namespace wasmrr::trace {

// Bytes as b"text" or x"hex", at most `limit` bytes shown.
std::string readable_bytes(std::string_view bytes, size_t limit = 256);

// A value (an event's args or results, a whole event element) in the text
// model ({"$bytes": base64}) or the binary one.
std::string readable(const Json& value, size_t bytes_limit = 256);

}  // namespace wasmrr::trace
