#include "trace/element_bytes.h"

#include <exception>

#include "trace/json_bytes.h"
#include "trace/value_sink.h"

namespace wasmrr::trace {
namespace {

// JSON text spells byte strings {"$bytes": base64}; the trace model holds them as binary.
Parsed to_trace_model(Parsed parsed, Format format) {
  if (format != Format::Json || parsed.status != Parsed::Status::Ok) return parsed;
  try {
    bytes_from_text_model(parsed.value);
  } catch (const std::exception& e) {
    parsed.status = Parsed::Status::Invalid;
    parsed.error = e.what();
  }
  return parsed;
}

}  // namespace

std::string further_key(Format format, std::string_view key) {
  std::string out;
  if (format == Format::Json) out += ',';
  make_byte_sink(format, out)->text(key);
  if (format == Format::Json) out += ':';
  return out;
}

std::string_view map_end(Format format) { return format == Format::Json ? "}" : ""; }

bool starts_end_record(std::string_view element, Format format) {
  if (format == Format::Json) return element.starts_with("{\"end\":");
  // A map head (major type 5), then the text "end" (major type 3, length 3).
  return element.size() > 4 && (static_cast<uint8_t>(element[0]) & 0xe0) == 0xa0 &&
         element.substr(1, 4) == "\x63" "end";
}

Parsed parse_element(std::string_view element, Format format, const CompactNames* names) {
  if (format == Format::Json) return to_trace_model(parse_json_text(element), format);
  if (!is_compact_event(element)) return parse_cbor_bytes(element);
  if (!names) {
    Parsed p;
    p.status = Parsed::Status::Invalid;
    p.error = "a compact event read without its trace's names";
    return p;
  }
  std::string scratch;
  return parse_compact_event(element, *names, scratch);
}

Parsed parse_last_value(std::string_view rest, Format format) {
  if (format == Format::Json) {
    if (!rest.ends_with('}')) {
      Parsed p;
      p.status = Parsed::Status::Invalid;
      p.error = "the element does not end its map";
      return p;
    }
    rest.remove_suffix(1);
  }
  // The results array: a value, not an element (in CBOR an array head
  // would otherwise read as a compact event).
  return to_trace_model(format == Format::Json ? parse_json_text(rest) : parse_cbor_bytes(rest), format);
}

}  // namespace wasmrr::trace
