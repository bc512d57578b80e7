// One trace element's bytes as the writer frames them, for code that works
// on encoded elements without the reader: the recorder assembling events
// from cached parts (rr/event_encoder.h), and the replayer's look-ahead and
// fast path (rr/replayer.h), which compare bytes before they parse. Every
// format difference those need is here, so rr/ never asks which format it
// has.
#pragma once

#include <string>
#include <string_view>

#include "trace/compact.h"
#include "trace/parse.h"
#include "trace/trace.h"

namespace wasmrr::trace {

// The bytes of one more key of an open map (`,"key":` in JSON) and of a
// map's end (`}` in JSON; nothing in CBOR, whose maps have a length).
std::string further_key(Format format, std::string_view key);
std::string_view map_end(Format format);

// Whether an element, as the recorder writes it, is an end record: it starts
// {"end": in JSON; in CBOR it is a map whose first key is "end".
bool starts_end_record(std::string_view element, Format format);

// Parses a whole element into the trace model (byte strings as binary, in
// both formats). A compact CBOR event needs the names its trace had defined
// by then, or later (trace/compact.h): `names` (null: it is an error).
Parsed parse_element(std::string_view element, Format format, const CompactNames* names = nullptr);

// Parses the value that ends an element: `rest` is what follows the map's
// last key, up to the end of the element (the map's end included).
Parsed parse_last_value(std::string_view rest, Format format);

}  // namespace wasmrr::trace
