#include "rr/results_reader.h"

#include <limits>

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

// An integer of this kind, as Value::u8() ... Value::s64() make it.
Value of_kind(Kind kind, uint64_t bits) {
  Value v = Value::u64(bits);
  v.kind = kind;
  return v;
}

bool read_unsigned(trace::ValueReader& r, uint64_t max, Kind kind, Value& out) {
  uint64_t v;
  if (!r.read_uint(v) || v > max) return false;
  out = of_kind(kind, v);
  return true;
}

bool read_signed(trace::ValueReader& r, int64_t min, int64_t max, Kind kind, Value& out) {
  int64_t v;
  if (!r.read_sint(v) || v < min || v > max) return false;
  out = of_kind(kind, static_cast<uint64_t>(v));  // signed kinds hold the value sign-extended
  return true;
}

bool read_items(trace::ValueReader& r, const Type& elem, std::vector<Value>& items, Budget& budget) {
  if (!r.begin_array()) return false;
  while (r.more()) {
    Value v;
    if (!read_value(r, elem, v, budget)) return false;
    items.push_back(std::move(v));
  }
  return r.end();
}

// A record: its fields in the type's order, as the writer writes them.
bool read_record(trace::ValueReader& r, const Type& t, Value& out, Budget& budget) {
  std::vector<Value> fields;
  fields.reserve(t.fields.size());
  std::string_view key;
  if (!r.begin_map()) return false;
  for (const auto& f : t.fields) {
    Value v;
    if (!r.more() || !r.read_key(key) || key != f.name || !read_value(r, *f.type, v, budget)) return false;
    fields.push_back(std::move(v));
  }
  if (!r.end()) return false;
  out = Value::record(std::move(fields));
  return true;
}

bool read_tuple(trace::ValueReader& r, const Type& t, Value& out, Budget& budget) {
  std::vector<Value> elems;
  elems.reserve(t.fields.size());
  if (!r.begin_array()) return false;
  for (const auto& f : t.fields) {
    Value v;
    if (!r.more() || !read_value(r, *f.type, v, budget)) return false;
    elems.push_back(std::move(v));
  }
  if (!r.end()) return false;
  out = Value::tuple(std::move(elems));
  return true;
}

// {"ok": v} / {"err": e}, null for a case without a type.
bool read_result(trace::ValueReader& r, const Type& t, Value& out, Budget& budget) {
  std::string_view key;
  if (!r.begin_map() || !r.more() || !r.read_key(key)) return false;
  uint32_t index = key == "ok" ? 0 : key == "err" ? 1 : 2;
  if (index > 1 || index >= t.cases.size()) return false;
  const auto& payload_type = t.cases[index].type;
  if (payload_type) {
    Value payload;
    if (!read_value(r, *payload_type, payload, budget) || !r.end()) return false;
    out = index == 0 ? Value::ok(std::move(payload)) : Value::err(std::move(payload));
    return true;
  }
  if (!r.read_null() || !r.end()) return false;
  out = index == 0 ? Value::ok() : Value::err();
  return true;
}

bool read_handle(trace::ValueReader& r, Kind kind, Value& out) {
  std::string_view key;
  uint64_t rep;
  if (!r.begin_map() || !r.more() || !r.read_key(key) || key != "handle" || !r.read_uint(rep) ||
      rep > std::numeric_limits<uint32_t>::max() || !r.end())
    return false;
  out = Value::async_handle(kind, static_cast<uint32_t>(rep));  // Own, Borrow too: `num` is the rep
  return true;
}

bool read_value(trace::ValueReader& r, const Type& t, Value& out, Budget& budget) {
  if (!budget.charge(kValueCost)) return false;
  switch (t.kind) {
    case Kind::Bool: {
      bool b;
      if (!r.read_bool(b)) return false;
      out = Value::boolean(b);
      return true;
    }
    case Kind::U8: return read_unsigned(r, UINT8_MAX, t.kind, out);
    case Kind::U16: return read_unsigned(r, UINT16_MAX, t.kind, out);
    case Kind::U32: return read_unsigned(r, UINT32_MAX, t.kind, out);
    case Kind::U64: return read_unsigned(r, UINT64_MAX, t.kind, out);
    case Kind::S8: return read_signed(r, INT8_MIN, INT8_MAX, t.kind, out);
    case Kind::S16: return read_signed(r, INT16_MIN, INT16_MAX, t.kind, out);
    case Kind::S32: return read_signed(r, INT32_MIN, INT32_MAX, t.kind, out);
    case Kind::S64: return read_signed(r, INT64_MIN, INT64_MAX, t.kind, out);
    case Kind::String: {
      std::string s;
      if (!r.read_text(s) || !budget.charge(s.size())) return false;
      out = Value::string(std::move(s));
      return true;
    }
    case Kind::List: {
      if (t.is_byte_list()) {
        std::string b, same;
        if (!r.read_bytes_or_same(b, same)) return false;
        if (!same.empty()) {
          const std::string* seen = budget.same ? (*budget.same)(same) : nullptr;
          if (!seen) return false;  // the general path says what is wrong
          b = *seen;
        }
        if (!budget.charge(b.size())) return false;
        out = Value::byte_list(std::move(b));
        return true;
      }
      std::vector<Value> items;
      if (!read_items(r, *t.elem, items, budget) || (t.fixed_len && items.size() != *t.fixed_len)) return false;
      out = Value::list(std::move(items));
      return true;
    }
    case Kind::Record: return read_record(r, t, out, budget);
    case Kind::Tuple: return read_tuple(r, t, out, budget);
    case Kind::Result: return read_result(r, t, out, budget);
    case Kind::Option: {
      if (t.elem->kind == Kind::Option) return false;  // {"some": ...}: the general path
      if (r.next_is_null()) {
        if (!r.read_null()) return false;
        out = Value::none();
        return true;
      }
      Value v;
      if (!read_value(r, *t.elem, v, budget)) return false;
      out = Value::some(std::move(v));
      return true;
    }
    case Kind::Own: case Kind::Borrow: case Kind::Stream: case Kind::Future: case Kind::ErrorContext:
      return read_handle(r, t.kind, out);
    default: return false;  // floats, char, enum, variant, flags
  }
}

// A compact event's outcome: the one result as it is, or `undefined` for none.
bool read_compact_outcome(std::string_view encoded, const std::vector<abi::Param>& types, std::vector<Value>& results,
                          const trace::CompactNames& names, const SameBytes* same) {
  results.clear();
  if (types.empty()) return encoded.size() == 1 && static_cast<uint8_t>(encoded[0]) == trace::kCborUndefined;
  if (types.size() != 1) return false;
  trace::ValueReader r(encoded, trace::Format::Cbor, &names);
  Budget budget{trace::parse_budget(encoded.size()), same};
  Value v;
  if (!read_value(r, *types[0].type, v, budget) || !r.at_end()) return false;
  results.push_back(std::move(v));
  return true;
}

}  // namespace

bool read_results(std::string_view encoded, trace::Format format, const std::vector<abi::Param>& types,
                  std::vector<Value>& results, const trace::CompactNames* names, const SameBytes* same) {
  if (names) return read_compact_outcome(encoded, types, results, *names, same);
  std::string_view end = trace::map_end(format);
  if (!encoded.ends_with(end)) return false;
  encoded.remove_suffix(end.size());
  trace::ValueReader r(encoded, format);
  Budget budget{trace::parse_budget(encoded.size()), same};
  results.clear();
  results.reserve(types.size());
  if (!r.begin_array()) return false;
  for (const auto& p : types) {
    Value v;
    if (!r.more() || !read_value(r, *p.type, v, budget)) return false;
    results.push_back(std::move(v));
  }
  return r.end() && r.at_end();
}

}  // namespace wasmrr::rr
