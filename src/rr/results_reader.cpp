#include "rr/results_reader.h"

#include <bit>
#include <charconv>
#include <cstring>
#include <limits>
#include <optional>

#include "trace/element_bytes.h"
#include "trace/parse.h"
#include "trace/value_reader.h"

namespace wasmrr::rr {

namespace {

using abi::Kind;
using abi::Type;
using abi::Value;

// The memory the values may take: the general path's bound (trace/parse.h),
// charged at what each value takes, so that a crafted element (millions of empty
// strings in a few megabytes) is declined here and refused there.
struct Budget {
  uint64_t left;
  const SameBytes* same = nullptr;  // and where references to bytes seen before are looked up
  bool charge(uint64_t bytes) {
    if (bytes > left) return false;
    left -= bytes;
    return true;
  }
};
constexpr uint64_t kValueCost = sizeof(Value);  // what a value takes in memory, + the bytes of a string or byte list

bool read_value(trace::ValueReader& r, const Type& t, Value& out, Budget& budget);

// Each read writes its value over `out` in place, as the Value factories
// (Value::u8(), Value::ok(v), ...) would make it, keeping the capacity of its
// string and item vector: a replay decodes each call's results into the
// storage of the same function's last results (Replayer::recycle_results),
// so that a call-heavy guest's replay allocates nothing per event.

// `out` made a value of `kind` with `num` and nothing else, its storage kept.
void set_scalar(Value& out, Kind kind, uint64_t num) {
  out.kind = kind;
  out.bytes = false;
  out.num = num;
  out.f64 = 0;
  out.str.clear();
  out.items.clear();
}

// `out` made a value of `kind` with `num` and `size` items (each left as it
// was, for the caller to read into).
void set_with_items(Value& out, Kind kind, uint64_t num, size_t size) {
  out.kind = kind;
  out.bytes = false;
  out.num = num;
  out.f64 = 0;
  out.str.clear();
  out.items.resize(size);
}

// The values of an integer kind.
struct IntRange {
  bool is_signed;
  int64_t min;
  uint64_t max;
};

inline std::optional<IntRange> int_range(Kind kind) {
  switch (kind) {
    case Kind::U8: return IntRange{false, 0, UINT8_MAX};
    case Kind::U16: return IntRange{false, 0, UINT16_MAX};
    case Kind::U32: return IntRange{false, 0, UINT32_MAX};
    case Kind::U64: return IntRange{false, 0, UINT64_MAX};
    case Kind::S8: return IntRange{true, INT8_MIN, INT8_MAX};
    case Kind::S16: return IntRange{true, INT16_MIN, INT16_MAX};
    case Kind::S32: return IntRange{true, INT32_MIN, INT32_MAX};
    case Kind::S64: return IntRange{true, INT64_MIN, INT64_MAX};
    default: return std::nullopt;
  }
}

bool read_unsigned(trace::ValueReader& r, uint64_t max, Kind kind, Value& out) {
  uint64_t v;
  if (!r.read_uint(v) || v > max) return false;
  set_scalar(out, kind, v);
  return true;
}

bool read_signed(trace::ValueReader& r, int64_t min, int64_t max, Kind kind, Value& out) {
  int64_t v;
  if (!r.read_sint(v) || v < min || v > max) return false;
  set_scalar(out, kind, static_cast<uint64_t>(v));  // signed kinds hold the value sign-extended
  return true;
}

// A list's items, as many as there are.
bool read_items(trace::ValueReader& r, const Type& elem, std::vector<Value>& items, Budget& budget) {
  if (!r.begin_array()) return false;
  size_t n = 0;
  while (r.more()) {
    if (n == items.size()) items.emplace_back();
    if (!read_value(r, elem, items[n++], budget)) return false;
  }
  items.resize(n);
  return r.end();
}

// A record: its fields in the type's order, as the writer writes them.
bool read_record(trace::ValueReader& r, const Type& t, Value& out, Budget& budget) {
  std::string_view key;
  if (!r.begin_map()) return false;
  set_with_items(out, Kind::Record, 0, t.fields.size());
  for (size_t i = 0; i < t.fields.size(); i++) {
    const abi::Field& f = t.fields[i];
    if (!r.more() || !r.read_key(key) || key != f.name || !read_value(r, *f.type, out.items[i], budget)) return false;
  }
  return r.end();
}

bool read_tuple(trace::ValueReader& r, const Type& t, Value& out, Budget& budget) {
  if (!r.begin_array()) return false;
  set_with_items(out, Kind::Tuple, 0, t.fields.size());
  for (size_t i = 0; i < t.fields.size(); i++)
    if (!r.more() || !read_value(r, *t.fields[i].type, out.items[i], budget)) return false;
  return r.end();
}

// {"ok": v} / {"err": e}, null for a case without a type.
bool read_result(trace::ValueReader& r, const Type& t, Value& out, Budget& budget) {
  std::string_view key;
  if (!r.begin_map() || !r.more() || !r.read_key(key)) return false;
  uint32_t index = key == "ok" ? 0 : key == "err" ? 1 : 2;
  if (index > 1 || index >= t.cases.size()) return false;
  if (const auto& payload_type = t.cases[index].type) {
    set_with_items(out, Kind::Result, index, 1);
    return read_value(r, *payload_type, out.items[0], budget) && r.end();
  }
  set_scalar(out, Kind::Result, index);
  return r.read_null() && r.end();
}

// An enum: its label, as text.
bool read_enum(trace::ValueReader& r, const Type& t, Value& out) {
  std::string label;
  if (!r.read_text(label)) return false;
  for (size_t i = 0; i < t.labels.size(); i++) {
    if (t.labels[i] != label) continue;
    set_scalar(out, Kind::Enum, i);
    return true;
  }
  return false;  // the general path says what is wrong
}

// A variant, as the writer writes one: a case without a payload as its name,
// one with a payload as {"name": payload}.
bool read_variant(trace::ValueReader& r, const Type& t, Value& out, Budget& budget) {
  auto case_named = [&t](std::string_view name) -> const abi::Case* {
    for (const auto& c : t.cases)
      if (c.name == name) return &c;
    return nullptr;
  };
  if (r.next_is_text()) {
    std::string name;
    if (!r.read_text(name)) return false;
    const abi::Case* c = case_named(name);
    if (!c || c->type) return false;
    set_scalar(out, Kind::Variant, static_cast<uint64_t>(c - t.cases.data()));
    return true;
  }
  std::string_view key;
  if (!r.begin_map() || !r.more() || !r.read_key(key)) return false;
  const abi::Case* c = case_named(key);
  if (!c || !c->type) return false;
  set_with_items(out, Kind::Variant, static_cast<uint64_t>(c - t.cases.data()), 1);
  return read_value(r, *c->type, out.items[0], budget) && r.end();
}

bool read_handle(trace::ValueReader& r, Kind kind, Value& out) {
  std::string_view key;
  uint64_t rep;
  if (!r.begin_map() || !r.more() || !r.read_key(key) || key != "handle" || !r.read_uint(rep) ||
      rep > std::numeric_limits<uint32_t>::max() || !r.end())
    return false;
  set_scalar(out, kind, rep);  // as Value::async_handle (Own, Borrow too: `num` is the rep)
  return true;
}

// A list of u8: its bytes, or a reference to bytes seen before.
bool read_byte_list(trace::ValueReader& r, Value& out, Budget& budget) {
  set_scalar(out, Kind::List, 0);
  out.bytes = true;
  std::string same;
  if (!r.read_bytes_or_same(out.str, same)) return false;
  if (!same.empty()) {
    const std::string* seen = budget.same ? (*budget.same)(same) : nullptr;
    if (!seen) return false;  // the general path says what is wrong
    out.str = *seen;
  }
  return budget.charge(out.str.size());
}

bool read_value(trace::ValueReader& r, const Type& t, Value& out, Budget& budget) {
  if (!budget.charge(kValueCost)) return false;
  switch (t.kind) {
    case Kind::Bool: {
      bool b;
      if (!r.read_bool(b)) return false;
      set_scalar(out, Kind::Bool, b ? 1 : 0);
      return true;
    }
    case Kind::U8: case Kind::U16: case Kind::U32: case Kind::U64: return read_unsigned(r, int_range(t.kind)->max, t.kind, out);
    case Kind::S8: case Kind::S16: case Kind::S32: case Kind::S64: {
      const IntRange range = *int_range(t.kind);
      return read_signed(r, range.min, static_cast<int64_t>(range.max), t.kind, out);
    }
    case Kind::String:
      set_scalar(out, Kind::String, 0);
      return r.read_text(out.str) && budget.charge(out.str.size());
    case Kind::List:
      if (t.is_byte_list()) return read_byte_list(r, out, budget);
      set_with_items(out, Kind::List, 0, out.items.size());
      return read_items(r, *t.elem, out.items, budget) && (!t.fixed_len || out.items.size() == *t.fixed_len);
    case Kind::Record: return read_record(r, t, out, budget);
    case Kind::Tuple: return read_tuple(r, t, out, budget);
    case Kind::Result: return read_result(r, t, out, budget);
    case Kind::Enum: return read_enum(r, t, out);
    case Kind::Variant: return read_variant(r, t, out, budget);
    case Kind::Option:
      if (t.elem->kind == Kind::Option) return false;  // {"some": ...}: the general path
      if (r.next_is_null()) {
        set_scalar(out, Kind::Option, 0);
        return r.read_null();
      }
      set_with_items(out, Kind::Option, 1, 1);
      return read_value(r, *t.elem, out.items[0], budget);
    case Kind::Own: case Kind::Borrow: case Kind::Stream: case Kind::Future: case Kind::ErrorContext:
      return read_handle(r, t.kind, out);
    default: return false;  // floats, char, flags
  }
}

// A compact event's outcome from the start of `bytes`: the one result as it
// is, or `undefined` for none. The bytes it takes, or 0 (then `results` is
// empty: the value goes in only once it is read whole); with `learnt_only`,
// also 0 if a map key is text (see read_compact_outcome_prefix). The memory
// the value takes is bounded by the outcome's own size, not by what follows.
size_t read_compact_outcome_at(std::string_view bytes, const std::vector<abi::Param>& types, std::vector<Value>& results,
                               const trace::CompactNames& names, const SameBytes* same, bool learnt_only) {
  if (types.size() != 1) {
    results.clear();
    if (types.empty()) return !bytes.empty() && static_cast<uint8_t>(bytes[0]) == trace::kCborUndefined ? 1 : 0;
    return 0;
  }
  trace::ValueReader r(bytes, trace::Format::Cbor, &names);
  const uint64_t allowed = trace::parse_budget(bytes.size());
  Budget budget{allowed, same};
  results.resize(1);
  if (!read_value(r, *types[0].type, results[0], budget) || (learnt_only && r.text_keys() > 0) ||
      allowed - budget.left > trace::parse_budget(r.position())) {
    results.clear();
    return 0;
  }
  return r.position();
}

// An event's results array from the start of `bytes` (JSON, or a plain CBOR
// map event's), the end of its map after it: the bytes both take, or 0.
size_t read_results_array_at(std::string_view bytes, trace::Format format, const std::vector<abi::Param>& types,
                             std::vector<Value>& results, const SameBytes* same) {
  trace::ValueReader r(bytes, format);
  const uint64_t allowed = trace::parse_budget(bytes.size());
  Budget budget{allowed, same};
  results.resize(types.size());
  if (!r.begin_array()) return 0;
  for (size_t i = 0; i < types.size(); i++)
    if (!r.more() || !read_value(r, *types[i].type, results[i], budget)) return 0;
  if (!r.end()) return 0;
  const std::string_view end = trace::map_end(format);
  const size_t size = r.position() + end.size();
  if (!bytes.substr(r.position()).starts_with(end) || allowed - budget.left > trace::parse_budget(size)) return 0;
  return size;
}

}  // namespace

bool read_results(std::string_view encoded, trace::Format format, const std::vector<abi::Param>& types,
                  std::vector<Value>& results, const trace::CompactNames* names, const SameBytes* same) {
  const size_t taken = names ? read_compact_outcome_at(encoded, types, results, *names, same, /*learnt_only=*/false)
                             : read_results_array_at(encoded, format, types, results, same);
  if (taken != 0 && taken == encoded.size()) return true;
  results.clear();
  return false;
}

size_t read_json_results_prefix(std::string_view bytes, const std::vector<abi::Param>& types,
                                std::vector<Value>& results, const SameBytes* same) {
  const size_t taken = read_results_array_at(bytes, trace::Format::Json, types, results, same);
  if (taken == 0) results.clear();
  return taken;
}

namespace {

// An integer of `kind` into a default Value: non-negative `arg`, or the
// negative -1 - arg (CBOR's two integer forms). False if it is out of range.
bool set_integer(Kind kind, bool negative, uint64_t arg, Value& result) {
  const std::optional<IntRange> range = int_range(kind);
  if (!range) return false;
  const bool fits = negative ? range->is_signed && arg <= static_cast<uint64_t>(-(range->min + 1)) : arg <= range->max;
  if (!fits) return false;
  result.kind = kind;  // as set_scalar() makes it, fields a default Value has already (this runs per replayed clock read)
  result.num = negative ? ~arg : arg;  // signed kinds hold the value sign-extended
  return true;
}

// The ASCII digits that start the eight bytes at p, 0 to 8 of them, and
// their value. The eight bytes are one little-endian word, so the first
// digit is its lowest byte. A byte is a digit if its high nibble is 3 and
// stays 3 after adding 6; a carry out of a byte that is not a digit only
// reaches later bytes, which are not looked at. The digits are moved to the
// word's top (the bytes below them count as leading zeros), then combined in
// pairs, then the pairs at once.
size_t leading_digits(const char* p, uint32_t& value) {
  constexpr uint64_t kHighNibbles = 0xf0f0f0f0f0f0f0f0, kZeros = 0x3030303030303030;
  uint64_t w;
  std::memcpy(&w, p, 8);
  if constexpr (std::endian::native == std::endian::big) w = __builtin_bswap64(w);
  const uint64_t not_digits = ((w & kHighNibbles) ^ kZeros) | (((w + 0x0606060606060606) & kHighNibbles) ^ kZeros);
  const size_t n = not_digits == 0 ? 8 : static_cast<size_t>(std::countr_zero(not_digits)) / 8;
  if (n == 0) return 0;
  w = (w - kZeros) << (8 * (8 - n));  // a borrow out of a later byte leaves with it
  w = w * 10 + (w >> 8);  // bytes 0, 2, 4, 6: the two-digit numbers d0d1, d2d3, d4d5, d6d7
  constexpr uint64_t kBytes0And4 = 0x000000ff000000ff;
  // In the high half: d0d1 * 10^6 + d4d5 * 10^2, plus d2d3 * 10^4 + d6d7.
  w = ((w & kBytes0And4) * (100 + (1000000ULL << 32)) + ((w >> 16) & kBytes0And4) * (1 + (10000ULL << 32))) >> 32;
  value = static_cast<uint32_t>(w);
  return n;
}

// JSON's plain integer: digits without a leading zero, `-` before a nonzero one.
// Up to 19 digits are read in the pass that finds them (below 2^64 for sure;
// a clock reading has 13 to 19, taken up to eight at a time); a longer number
// goes to from_chars.
size_t read_json_integer(std::string_view s, Kind kind, Value& result) {
  constexpr size_t kSafeDigits = 19;
  const bool negative = !s.empty() && s[0] == '-';
  const size_t start = negative ? 1 : 0;
  auto digit_at = [&](size_t i) { return i < s.size() && s[i] >= '0' && s[i] <= '9'; };
  size_t end = start;
  uint64_t magnitude = 0;
  constexpr uint32_t kPowersOf10[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};
  while (s.size() - end >= 8) {
    uint32_t digits = 0;
    const size_t n = leading_digits(s.data() + end, digits);
    if (n == 0 || end - start + n > kSafeDigits) break;
    magnitude = magnitude * kPowersOf10[n] + digits;
    end += n;
    if (n < 8) break;
  }
  for (; end - start < kSafeDigits && digit_at(end); end++) magnitude = magnitude * 10 + static_cast<uint64_t>(s[end] - '0');
  if (digit_at(end)) {
    while (digit_at(end)) end++;
    if (std::from_chars(s.data() + start, s.data() + end, magnitude).ec != std::errc()) return 0;  // too large
  }
  if (end == start || (s[start] == '0' && (end - start > 1 || negative))) return 0;
  return set_integer(kind, negative, negative ? magnitude - 1 : magnitude, result) ? end : 0;
}

}  // namespace


size_t read_compact_outcome_prefix(std::string_view bytes, const std::vector<abi::Param>& types,
                                   std::vector<Value>& results, const trace::CompactNames& names, const SameBytes* same) {
  return read_compact_outcome_at(bytes, types, results, names, same, /*learnt_only=*/true);  // results empty unless taken
}

size_t read_compact_scalar(std::string_view bytes, const abi::FuncType& type, abi::Value& result) {
  if (type.results.empty()) return !bytes.empty() && static_cast<uint8_t>(bytes[0]) == trace::kCborUndefined ? 1 : 0;
  if (type.results.size() != 1) return 0;
  const Kind kind = type.results[0].type->kind;
  if (kind == Kind::Bool) {  // false and true are simple values 20 and 21
    if (bytes.empty() || (static_cast<uint8_t>(bytes[0]) | 1) != 0xf5) return 0;
    result.kind = Kind::Bool;
    result.num = static_cast<uint8_t>(bytes[0]) == 0xf5;
    return 1;
  }
  size_t size = 0;
  uint8_t major;
  uint64_t arg;
  if (!trace::read_cbor_head(bytes, size, major, arg) || major > 1) return 0;
  return set_integer(kind, major == 1, arg, result) ? size : 0;
}

size_t read_json_scalar(std::string_view text, const abi::FuncType& type, abi::Value& result) {
  if (type.results.size() > 1 || !text.starts_with('[')) return 0;
  size_t size = 1;
  if (!type.results.empty()) {
    const std::string_view value = text.substr(1);
    const Kind kind = type.results[0].type->kind;
    size_t taken = 0;
    if (kind == Kind::Bool) {
      const bool b = value.starts_with("true");
      if (b || value.starts_with("false")) {
        result.kind = Kind::Bool;
        result.num = b;
        taken = b ? 4 : 5;
      }
    } else {
      taken = read_json_integer(value, kind, result);
    }
    if (taken == 0) return 0;
    size += taken;
  }
  return text.substr(size).starts_with("]}") ? size + 2 : 0;
}

}  // namespace wasmrr::rr
