// JSON text has no byte strings. In memory (and in CBOR) bytes are binary
// values; in JSON text they are objects {"$bytes": "<base64>"} (WIT names
// cannot start with `$`, so the key never collides with a record field).
#pragma once

#include <string>
#include <string_view>

#include "trace/trace.h"

namespace wasmrr::trace {

void bytes_to_text_model(Json& j);    // binary -> {"$bytes": ...}, in place
void bytes_from_text_model(Json& j);  // {"$bytes": ...} -> binary, in place; throws on bad base64

std::string base64_encode(std::string_view bytes);
void base64_append(std::string& out, std::string_view bytes);  // out += base64_encode(bytes)
bool base64_decode(std::string_view text, std::string& out);

}  // namespace wasmrr::trace
