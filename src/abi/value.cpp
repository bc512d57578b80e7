// WIT-like text of values, for divergence reports and error messages. It never
// fails: a value that does not match its type is printed as what it is.
#include "abi/value.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "abi/unicode.h"

namespace wasmrr::abi {
namespace {

constexpr size_t kBytesShown = 16;  // list<u8> shows its length and this many bytes

void append_value(std::string& out, const Value& v, const Type& t);

void append_escaped(std::string& out, std::string_view s, char quote) {
  out += quote;
  for (unsigned char c : s) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c == static_cast<unsigned char>(quote)) {
          out += '\\';
          out += static_cast<char>(c);
        } else if (c < 0x20 || c == 0x7F) {
          out += fmt::format("\\u{{{:x}}}", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += quote;
}

void append_char(std::string& out, uint64_t code_point) {
  if (code_point > 0x10FFFF || !unicode::is_scalar_value(static_cast<uint32_t>(code_point))) {
    out += fmt::format("'\\u{{{:x}}}'", code_point);
    return;
  }
  std::string utf8;
  unicode::append_utf8(utf8, static_cast<uint32_t>(code_point));
  append_escaped(out, utf8, '\'');
}

void append_float(std::string& out, double d, bool single) {
  if (std::isnan(d)) {
    out += "nan";
  } else if (std::isinf(d)) {
    out += d < 0 ? "-inf" : "inf";
  } else if (single) {
    out += fmt::format("{}", static_cast<float>(d));
  } else {
    out += fmt::format("{}", d);
  }
}

void append_bytes(std::string& out, const std::string& bytes) {
  out += fmt::format("<{} bytes", bytes.size());
  if (!bytes.empty()) {
    out += ": ";
    const size_t shown = std::min(bytes.size(), kBytesShown);
    for (size_t i = 0; i < shown; ++i) out += fmt::format("{:02x}", static_cast<uint8_t>(bytes[i]));
    if (shown < bytes.size()) out += "...";
  }
  out += '>';
}

void append_list(std::string& out, const Value& v, const Type& t) {
  if (v.bytes) {
    append_bytes(out, v.str);
    return;
  }
  out += '[';
  for (size_t i = 0; i < v.items.size(); ++i) {
    if (i) out += ", ";
    append_value(out, v.items[i], *t.elem);
  }
  out += ']';
}

void append_record(std::string& out, const Value& v, const Type& t) {
  const bool tuple = t.kind == Kind::Tuple;
  out += tuple ? '(' : '{';
  for (size_t i = 0; i < v.items.size(); ++i) {
    if (i) out += ", ";
    if (i >= t.fields.size()) {
      out += "<extra field>";
      continue;
    }
    if (!tuple) out += t.fields[i].name + ": ";
    append_value(out, v.items[i], *t.fields[i].type);
  }
  out += tuple ? ')' : '}';
}

// Variant, option and result: `name` or `name(payload)`.
void append_case(std::string& out, const Value& v, std::string_view name, const TypePtr& payload_type) {
  out += name;
  if (v.has_payload()) {
    out += '(';
    if (payload_type) {
      append_value(out, v.payload(), *payload_type);
    } else {
      out += "<unexpected payload>";
    }
    out += ')';
  }
}

void append_variant(std::string& out, const Value& v, const Type& t) {
  const uint64_t i = v.num;
  if (t.kind == Kind::Enum) {
    out += i < t.labels.size() ? t.labels[i] : fmt::format("<case {}>", i);
    return;
  }
  if (i >= t.cases.size()) {
    out += fmt::format("<case {}>", i);
    return;
  }
  std::string_view name = t.cases[i].name;
  if (t.kind == Kind::Option) name = i == 0 ? "none" : "some";
  if (t.kind == Kind::Result) name = i == 0 ? "ok" : "err";
  append_case(out, v, name, t.cases[i].type);
}

void append_flags(std::string& out, const Value& v, const Type& t) {
  out += '{';
  bool first = true;
  for (size_t i = 0; i < v.items.size(); ++i) {
    if (!v.items[i].as_bool()) continue;
    if (!first) out += ", ";
    first = false;
    out += i < t.labels.size() ? t.labels[i] : fmt::format("<flag {}>", i);
  }
  out += '}';
}

void append_handle(std::string& out, const Value& v, const Type& t) {
  const std::string name = t.resource && !t.resource->name.empty() ? t.resource->name : "resource";
  out += fmt::format("{}<{}>#{}", kind_name(t.kind), name, v.num);
}

void append_value(std::string& out, const Value& v, const Type& t) {
  if (v.kind != t.kind) {
    out += fmt::format("<{} value where {} expected>", kind_name(v.kind), to_string(t));
    return;
  }
  switch (t.kind) {
    case Kind::Bool: out += v.as_bool() ? "true" : "false"; break;
    case Kind::S8: case Kind::S16: case Kind::S32: case Kind::S64:
      out += fmt::format("{}", v.as_s64());
      break;
    case Kind::U8: case Kind::U16: case Kind::U32: case Kind::U64:
      out += fmt::format("{}", v.as_u64());
      break;
    case Kind::F32: append_float(out, v.f64, true); break;
    case Kind::F64: append_float(out, v.f64, false); break;
    case Kind::Char: append_char(out, v.num); break;
    case Kind::String: append_escaped(out, v.str, '"'); break;
    case Kind::List: append_list(out, v, t); break;
    case Kind::Record: case Kind::Tuple: append_record(out, v, t); break;
    case Kind::Variant: case Kind::Enum: case Kind::Option: case Kind::Result:
      append_variant(out, v, t);
      break;
    case Kind::Flags: append_flags(out, v, t); break;
    case Kind::Own: case Kind::Borrow: append_handle(out, v, t); break;
    case Kind::Stream: case Kind::Future: case Kind::ErrorContext:
      out += fmt::format("{}#{}", to_string(t), v.num);
      break;
  }
}

}  // namespace

std::string to_string(const Value& v, const Type& t) {
  std::string out;
  append_value(out, v, t);
  return out;
}

}  // namespace wasmrr::abi
