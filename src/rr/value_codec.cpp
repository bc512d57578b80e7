#include "rr/value_codec.h"

#include <cfloat>
#include <cmath>
#include <cstdint>

#include <fmt/format.h>

#include "abi/unicode.h"
#include "rr/redactor.h"
#include "trace/readable.h"
#include "trace/sha256.h"
#include "trace/value_diff.h"
#include "trace/value_sink.h"

namespace wasmrr::rr {

using abi::Kind;
using trace::sha256_hex;
using abi::Type;
using abi::Value;

namespace {

Json digest_of(std::string_view bytes) { return Json{{"$len", bytes.size()}, {"$sha256", sha256_hex(bytes)}}; }

}  // namespace

void digest_large_bytes(Json& j) {
  if (j.is_binary()) {
    const auto& b = j.get_binary();
    if (b.size() > kDigestThreshold) j = digest_of(std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
  } else if (j.is_structured()) {
    for (auto& child : j) digest_large_bytes(child);
  }
}

Json encode_value(const Value& v, const Type& t, const EncodeOptions& opts) {
  trace::JsonDomSink sink;
  write_value(sink, v, t, opts.digest_large_bytes);
  return sink.take();
}

namespace {

// A trace value for an error message. dump() throws on a string that is not
// valid UTF-8 (possible in CBOR); that must not replace the DecodeError.
std::string show_json(const Json& j, size_t max = 80) {
  std::string s = j.dump(-1, ' ', false, Json::error_handler_t::replace);
  return s.size() > max ? s.substr(0, max) + "..." : s;
}

[[noreturn]] void mismatch(const std::string& path, const char* expected, const Json& j) {
  throw DecodeError(path, fmt::format("expected {}, found {}", expected, show_json(j)));
}

uint64_t decode_unsigned(const Json& j, uint64_t max, const std::string& path) {
  if (!j.is_number_unsigned() && !(j.is_number_integer() && j.get<int64_t>() >= 0)) mismatch(path, "an unsigned integer", j);
  uint64_t n = j.get<uint64_t>();
  if (n > max) throw DecodeError(path, fmt::format("{} is out of range (max {})", n, max));
  return n;
}

int64_t decode_signed(const Json& j, int64_t min, int64_t max, const std::string& path) {
  if (!j.is_number_integer()) mismatch(path, "an integer", j);
  if (j.is_number_unsigned() && j.get<uint64_t>() > static_cast<uint64_t>(max))
    throw DecodeError(path, fmt::format("{} is out of range", show_json(j)));
  int64_t n = j.get<int64_t>();
  if (n < min || n > max) throw DecodeError(path, fmt::format("{} is out of range [{}, {}]", n, min, max));
  return n;
}

// Throws DecodeError if an integer or handle inside `j`, a recorded value of
// type t, is out of its type's range (which a cast would wrap); other
// differences of shape are for the comparison to report.
void check_integers(const Json& j, const Type& t, const std::string& path);

double decode_float(const Json& j, const std::string& path) {
  if (j.is_number()) return j.get<double>();
  if (j == "nan") return std::nan("");
  if (j == "inf") return INFINITY;
  if (j == "-inf") return -INFINITY;
  mismatch(path, "a number", j);
}

size_t case_by_name(const Type& t, const std::string& name, const std::string& path) {
  for (size_t i = 0; i < t.cases.size(); i++)
    if (t.cases[i].name == name) return i;
  throw DecodeError(path, fmt::format("`{}` is not a case of {}", name, abi::to_string(t)));
}

size_t label_index(const std::vector<std::string>& labels, const std::string& name, const Type& t, const std::string& path) {
  for (size_t i = 0; i < labels.size(); i++)
    if (labels[i] == name) return i;
  throw DecodeError(path, fmt::format("`{}` is not a label of {}", name, abi::to_string(t)));
}

Value decode_case(const Json& j, const Type& t, const std::string& path, Kind kind) {
  std::string name;
  const Json* payload = nullptr;
  if (j.is_string()) {
    name = j.get<std::string>();
  } else if (j.is_object() && j.size() == 1) {
    name = j.begin().key();
    payload = &j.begin().value();
  } else {
    mismatch(path, "a case name or {\"case\": payload}", j);
  }
  size_t idx = case_by_name(t, name, path);
  const abi::Case& c = t.cases[idx];
  Value v;
  v.kind = kind;
  v.num = idx;
  if (c.type) {
    if (!payload) throw DecodeError(path, fmt::format("case `{}` needs a payload", name));
    v.items.push_back(decode_value(*payload, *c.type, path + "." + name));
  } else if (payload && !payload->is_null()) {
    throw DecodeError(path, fmt::format("case `{}` has no payload", name));
  }
  return v;
}

}  // namespace

Value decode_value(const Json& j, const Type& t, const std::string& path) {
  switch (t.kind) {
    case Kind::Bool:
      if (!j.is_boolean()) mismatch(path, "true or false", j);
      return Value::boolean(j.get<bool>());
    case Kind::U8: return Value::u8(static_cast<uint8_t>(decode_unsigned(j, UINT8_MAX, path)));
    case Kind::U16: return Value::u16(static_cast<uint16_t>(decode_unsigned(j, UINT16_MAX, path)));
    case Kind::U32: return Value::u32(static_cast<uint32_t>(decode_unsigned(j, UINT32_MAX, path)));
    case Kind::U64: return Value::u64(decode_unsigned(j, UINT64_MAX, path));
    case Kind::S8: return Value::s8(static_cast<int8_t>(decode_signed(j, INT8_MIN, INT8_MAX, path)));
    case Kind::S16: return Value::s16(static_cast<int16_t>(decode_signed(j, INT16_MIN, INT16_MAX, path)));
    case Kind::S32: return Value::s32(static_cast<int32_t>(decode_signed(j, INT32_MIN, INT32_MAX, path)));
    case Kind::S64: return Value::s64(decode_signed(j, INT64_MIN, INT64_MAX, path));
    case Kind::F32: {
      double d = decode_float(j, path);
      if (std::isfinite(d) && std::fabs(d) > FLT_MAX)
        throw DecodeError(path, fmt::format("{} is out of range for an f32", show_json(j)));
      return Value::f32(static_cast<float>(d));
    }
    case Kind::F64: return Value::f64_(decode_float(j, path));
    case Kind::Char: {
      if (!j.is_string()) mismatch(path, "a one-character string", j);
      const auto& s = j.get_ref<const std::string&>();
      size_t i = 0;
      uint32_t c = 0;
      if (s.empty() || !abi::unicode::next_utf8(reinterpret_cast<const uint8_t*>(s.data()), s.size(), i, c) || i != s.size())
        throw DecodeError(path, fmt::format("expected a single Unicode character, found {}", show_json(j)));
      return Value::char_(c);
    }
    case Kind::String:
      if (!j.is_string()) mismatch(path, "a string", j);
      return Value::string(j.get<std::string>());
    case Kind::List: {
      if (t.is_byte_list()) {
        if (!j.is_binary()) mismatch(path, "bytes", j);
        const auto& bin = j.get_binary();
        return Value::byte_list(std::string(bin.begin(), bin.end()));
      }
      if (!j.is_array()) mismatch(path, "an array", j);
      if (t.fixed_len && j.size() != *t.fixed_len)
        throw DecodeError(path, fmt::format("expected {} elements, found {}", *t.fixed_len, j.size()));
      std::vector<Value> items;
      items.reserve(j.size());
      for (size_t i = 0; i < j.size(); i++) items.push_back(decode_value(j[i], *t.elem, fmt::format("{}[{}]", path, i)));
      return Value::list(std::move(items));
    }
    case Kind::Record: {
      if (!j.is_object()) mismatch(path, "an object", j);
      std::vector<Value> fields;
      for (const auto& f : t.fields) {
        auto it = j.find(f.name);
        if (it == j.end()) throw DecodeError(path, fmt::format("missing field `{}`", f.name));
        fields.push_back(decode_value(*it, *f.type, path + "." + f.name));
      }
      if (j.size() != t.fields.size()) throw DecodeError(path, fmt::format("unexpected fields in {}", show_json(j)));
      return Value::record(std::move(fields));
    }
    case Kind::Tuple: {
      if (!j.is_array() || j.size() != t.fields.size()) mismatch(path, "an array of the tuple's length", j);
      std::vector<Value> elems;
      for (size_t i = 0; i < t.fields.size(); i++) elems.push_back(decode_value(j[i], *t.fields[i].type, fmt::format("{}[{}]", path, i)));
      return Value::tuple(std::move(elems));
    }
    case Kind::Variant: return decode_case(j, t, path, Kind::Variant);
    case Kind::Result: {
      if (!j.is_object() || j.size() != 1) mismatch(path, "{\"ok\": ...} or {\"err\": ...}", j);
      return decode_case(j, t, path, Kind::Result);
    }
    case Kind::Enum:
      if (!j.is_string()) mismatch(path, "an enum case name", j);
      return Value::enum_(static_cast<uint32_t>(label_index(t.labels, j.get<std::string>(), t, path)));
    case Kind::Option: {
      if (j.is_null()) return Value::none();
      if (t.elem->kind == Kind::Option) {
        if (!j.is_object() || j.size() != 1 || !j.contains("some")) mismatch(path, "null or {\"some\": ...}", j);
        return Value::some(decode_value(j["some"], *t.elem, path + ".some"));
      }
      return Value::some(decode_value(j, *t.elem, path));
    }
    case Kind::Flags: {
      if (!j.is_array()) mismatch(path, "an array of flag names", j);
      std::vector<bool> set(t.labels.size(), false);
      for (const auto& name : j) {
        if (!name.is_string()) mismatch(path, "a flag name", name);
        set[label_index(t.labels, name.get<std::string>(), t, path)] = true;
      }
      return Value::flags(std::move(set));
    }
    case Kind::Own: case Kind::Borrow: {
      if (!j.is_object() || !j.contains("handle")) mismatch(path, "{\"handle\": n}", j);
      uint32_t rep = static_cast<uint32_t>(decode_unsigned(j["handle"], UINT32_MAX, path + ".handle"));
      return t.kind == Kind::Own ? Value::own(rep) : Value::borrow(rep);
    }
    case Kind::Stream: case Kind::Future: case Kind::ErrorContext: {
      if (!j.is_object() || !j.contains("handle")) mismatch(path, "{\"handle\": n}", j);
      uint32_t id = static_cast<uint32_t>(decode_unsigned(j["handle"], UINT32_MAX, path + ".handle"));
      return Value::async_handle(t.kind, id);
    }
  }
  throw DecodeError(path, "unsupported type");
}

namespace {

void check_integers(const Json& j, const Type& t, const std::string& path) {
  switch (t.kind) {
    case Kind::U8: case Kind::U16: case Kind::U32: case Kind::U64:
    case Kind::S8: case Kind::S16: case Kind::S32: case Kind::S64:
      if (j.is_number_integer()) (void)decode_value(j, t, path);
      return;
    case Kind::Own: case Kind::Borrow: case Kind::Stream: case Kind::Future: case Kind::ErrorContext:
      if (j.is_object() && j.contains("handle") && j["handle"].is_number_integer())
        (void)decode_unsigned(j["handle"], UINT32_MAX, path + ".handle");
      return;
    case Kind::List:
      if (!t.is_byte_list() && j.is_array())
        for (size_t i = 0; i < j.size(); i++) check_integers(j[i], *t.elem, fmt::format("{}[{}]", path, i));
      return;
    case Kind::Record:
      if (j.is_object())
        for (const auto& f : t.fields)
          if (auto it = j.find(f.name); it != j.end()) check_integers(*it, *f.type, path + "." + f.name);
      return;
    case Kind::Tuple:
      if (j.is_array() && j.size() == t.fields.size())
        for (size_t i = 0; i < t.fields.size(); i++) check_integers(j[i], *t.fields[i].type, fmt::format("{}[{}]", path, i));
      return;
    case Kind::Variant: case Kind::Result:
      if (j.is_object() && j.size() == 1)
        for (const auto& c : t.cases)
          if (c.type && c.name == j.begin().key()) check_integers(j.begin().value(), *c.type, path + "." + c.name);
      return;
    case Kind::Option:
      if (j.is_null()) return;
      if (t.elem->kind != Kind::Option) return check_integers(j, *t.elem, path);
      if (j.is_object() && j.size() == 1 && j.contains("some")) check_integers(j["some"], *t.elem, path + ".some");
      return;
    default: return;
  }
}

// Two byte strings, where they part: the first differing offset (or where
// the shorter ends) and a few bytes around it on each side, as text or hex.
std::string bytes_difference(const std::string& path, const std::vector<uint8_t>& recorded, const std::vector<uint8_t>& now) {
  auto view = [](const std::vector<uint8_t>& b) { return std::string_view(reinterpret_cast<const char*>(b.data()), b.size()); };
  trace::BytesDifference d = trace::bytes_difference(view(recorded), view(now));
  return fmt::format("{}: {} bytes recorded, {} now; they differ from offset {}: recorded {}, now {}", path,
                     recorded.size(), now.size(), d.offset, d.a, d.b);
}

std::string compare_checked(const Json& recorded, const Value& actual, const Type& t, const std::string& path);

}  // namespace

std::string compare_value(const Json& recorded, const Value& actual, const Type& t, const std::string& path) {
  check_integers(recorded, t, path);
  return compare_checked(recorded, actual, t, path);
}

namespace {

std::string compare_checked(const Json& recorded, const Value& actual, const Type& t, const std::string& path) {
  Json now;
  if (t.is_byte_list() && recorded.is_object() && recorded.contains("$sha256")) {
    std::string scratch;
    std::string_view bytes = byte_list_view(actual, scratch);
    const Json& len = recorded.contains("$len") ? recorded["$len"] : Json();
    bool same_len = len.is_number_unsigned() && len.get<uint64_t>() == bytes.size();
    if (same_len && recorded["$sha256"] == sha256_hex(bytes)) return "";
    return fmt::format("{}: recorded {} bytes with SHA-256 {}, now {} bytes with SHA-256 {}", path, show_json(len),
                       show_json(recorded["$sha256"]), bytes.size(), sha256_hex(bytes));
  }
  now = encode_value(actual, t);
  if (now == recorded) return "";
  if (contains_redacted(recorded) && matches_redacted(recorded, now)) return "";
  // Narrow the difference down to the innermost differing part.
  if ((t.kind == Kind::Record || t.kind == Kind::Tuple) && recorded.is_structured() && recorded.size() == t.fields.size()) {
    for (size_t i = 0; i < t.fields.size(); i++) {
      const Json& r = t.kind == Kind::Record ? recorded.value(t.fields[i].name, Json()) : recorded[i];
      std::string sub = t.kind == Kind::Record ? path + "." + t.fields[i].name : fmt::format("{}[{}]", path, i);
      std::string d = compare_checked(r, actual.items.at(i), *t.fields[i].type, sub);
      if (!d.empty()) return d;
    }
  }
  if (t.kind == Kind::List && !t.is_byte_list() && recorded.is_array() && recorded.size() == actual.items.size()) {
    for (size_t i = 0; i < actual.items.size(); i++) {
      std::string d = compare_checked(recorded[i], actual.items[i], *t.elem, fmt::format("{}[{}]", path, i));
      if (!d.empty()) return d;
    }
  }
  if (recorded.is_binary() && now.is_binary()) return bytes_difference(path, recorded.get_binary(), now.get_binary());
  auto show = [](const Json& j) {
    std::string s = j.is_binary() ? trace::readable(j, 64) : show_json(j, SIZE_MAX);
    return s.size() > 200 ? s.substr(0, 200) + "..." : s;
  };
  return fmt::format("{}: recorded {}, now {}", path, show(recorded), show(now));
}

}  // namespace

}  // namespace wasmrr::rr
