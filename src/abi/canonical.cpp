// The Canonical ABI, following design/mvp/canonical-abi/definitions.py of
// WebAssembly/component-model. Each function names the spec function it
// mirrors. Strings are in strings.cpp, handles in handles.cpp, shared helpers
// in canonical_detail.h. Differences from the reference, and why:
//  - The host side of every string is UTF-8 (Value::str), so lowering only
//    ever transcodes from UTF-8.
//  - Lowering a NaN uses the spec's DETERMINISTIC_PROFILE (canonical NaN),
//    never random NaN bits: a recorded run must replay bit for bit.
//  - Flags wider than 32 labels (dropped by the current spec) keep the earlier
//    revision's layout: one i32 per 32 labels, in memory and flattened.
//  - Values lowered from the host are checked against their type: a mismatch
//    is a Trap that names both, never undefined behaviour.
//  - Flat values of a variant are "coerced" (the spec's CoerceValueIter) for
//    free: CoreVal keeps f32 as its bits in the low 32 bits and i32 zero-
//    extended, so wrap_i64_to_i32 and the i32<->f32 / i64<->f64 bit
//    reinterpretations are exactly what reading the low bits does.
#include "abi/canonical.h"

#include <cassert>
#include <cmath>

#include "abi/canonical_detail.h"
#include "abi/unicode.h"

namespace wasmrr::abi {

using namespace detail;

namespace {

// spec: discriminant_type, as a byte size.
uint32_t discriminant_size(size_t num_cases) {
  if (num_cases <= (1u << 8)) return 1;
  if (num_cases <= (1u << 16)) return 2;
  return 4;
}

// Variants, enums, options and results all despecialize to variants.
size_t num_cases(const Type& t) { return t.kind == Kind::Enum ? t.labels.size() : t.cases.size(); }

const Type* case_type(const Type& t, size_t i) {
  return t.kind == Kind::Enum ? nullptr : t.cases[i].type.get();
}

// align_to(disc_size, max_case_alignment) of load_variant / store_variant.
// Alignments are powers of two, so aligning to the whole variant's alignment
// gives the same offset without scanning the cases.
uint32_t payload_offset(const Type& t) {
  return static_cast<uint32_t>(align_to(discriminant_size(num_cases(t)), t.align));
}

// --- Floats and chars ---

// spec: canonicalize_nan32 / decode_i32_as_float
float decode_i32_as_float(uint32_t bits) {
  float f = std::bit_cast<float>(bits);
  return std::isnan(f) ? std::bit_cast<float>(CANONICAL_FLOAT32_NAN) : f;
}

// spec: canonicalize_nan64 / decode_i64_as_float
double decode_i64_as_float(uint64_t bits) {
  double d = std::bit_cast<double>(bits);
  return std::isnan(d) ? std::bit_cast<double>(CANONICAL_FLOAT64_NAN) : d;
}

// spec: encode_float_as_i32 (maybe_scramble_nan32, deterministic profile)
uint32_t encode_float_as_i32(double widened) {
  const float f = static_cast<float>(widened);
  return std::isnan(f) ? CANONICAL_FLOAT32_NAN : std::bit_cast<uint32_t>(f);
}

// spec: encode_float_as_i64 (maybe_scramble_nan64, deterministic profile)
uint64_t encode_float_as_i64(double d) {
  return std::isnan(d) ? CANONICAL_FLOAT64_NAN : std::bit_cast<uint64_t>(d);
}

// spec: convert_i32_to_char
uint32_t convert_i32_to_char(uint32_t i) {
  if (i >= 0x110000) trap("char value {:#x} is above U+10FFFF", i);
  if (i >= 0xD800 && i <= 0xDFFF) trap("char value {:#x} is a surrogate, not a Unicode scalar value", i);
  return i;
}

// spec: char_to_i32 (an assert there; here the host may get it wrong)
uint32_t char_to_i32(const Value& v, const Type& t) {
  if (v.num > 0x10FFFF || !unicode::is_scalar_value(static_cast<uint32_t>(v.num))) {
    mismatch(fmt::format("char {:#x}, which is not a Unicode scalar value", v.num), t);
  }
  return static_cast<uint32_t>(v.num);
}

// --- Scalars in memory and as flat values ---

Value load_scalar(const uint8_t* p, Kind k) {
  switch (k) {
    case Kind::Bool: return Value::boolean(p[0] != 0);  // convert_int_to_bool
    case Kind::S8: return Value::s8(read<int8_t>(p));
    case Kind::U8: return Value::u8(p[0]);
    case Kind::S16: return Value::s16(read<int16_t>(p));
    case Kind::U16: return Value::u16(read<uint16_t>(p));
    case Kind::S32: return Value::s32(read<int32_t>(p));
    case Kind::U32: return Value::u32(read<uint32_t>(p));
    case Kind::S64: return Value::s64(read<int64_t>(p));
    case Kind::U64: return Value::u64(read<uint64_t>(p));
    case Kind::F32: return Value::f32(decode_i32_as_float(read<uint32_t>(p)));
    case Kind::F64: return Value::f64_(decode_i64_as_float(read<uint64_t>(p)));
    case Kind::Char: return Value::char_(convert_i32_to_char(read<uint32_t>(p)));
    default: assert(false); return {};
  }
}

void store_scalar(uint8_t* p, const Value& v, const Type& t) {
  check_kind(v, t);
  switch (t.kind) {
    case Kind::Bool: p[0] = v.num != 0; break;
    case Kind::S8: case Kind::U8: p[0] = static_cast<uint8_t>(v.num); break;
    case Kind::S16: case Kind::U16: write<uint16_t>(p, static_cast<uint16_t>(v.num)); break;
    case Kind::S32: case Kind::U32: write<uint32_t>(p, static_cast<uint32_t>(v.num)); break;
    case Kind::S64: case Kind::U64: write<uint64_t>(p, v.num); break;
    case Kind::F32: write<uint32_t>(p, encode_float_as_i32(v.f64)); break;
    case Kind::F64: write<uint64_t>(p, encode_float_as_i64(v.f64)); break;
    case Kind::Char: write<uint32_t>(p, char_to_i32(v, t)); break;
    default: assert(false);
  }
}

}  // namespace

// spec: lift_flat for the scalar types (lift_flat_unsigned / lift_flat_signed
// reduce modulo the type's width; i32 reads ignore the upper bits, which is
// wrap_i64_to_i32 when the slot is a joined i64).
Value lift_flat_scalar(CoreVal c, Kind k) {
  switch (k) {
    case Kind::Bool: return Value::boolean(c.as_u32() != 0);
    case Kind::S8: return Value::s8(static_cast<int8_t>(c.as_u32()));
    case Kind::U8: return Value::u8(static_cast<uint8_t>(c.as_u32()));
    case Kind::S16: return Value::s16(static_cast<int16_t>(c.as_u32()));
    case Kind::U16: return Value::u16(static_cast<uint16_t>(c.as_u32()));
    case Kind::S32: return Value::s32(c.as_i32());
    case Kind::U32: return Value::u32(c.as_u32());
    case Kind::S64: return Value::s64(c.as_i64());
    case Kind::U64: return Value::u64(c.bits);
    case Kind::F32: return Value::f32(decode_i32_as_float(c.as_u32()));
    case Kind::F64: return Value::f64_(decode_i64_as_float(c.bits));
    case Kind::Char: return Value::char_(convert_i32_to_char(c.as_u32()));
    default: assert(false); return {};
  }
}

// spec: lower_flat for the scalar types (lower_flat_signed: two's complement).
CoreVal lower_flat_scalar(const Value& v, const Type& t) {
  check_kind(v, t);
  switch (t.kind) {
    case Kind::Bool: return CoreVal::u32(v.num != 0);
    case Kind::S8: return CoreVal::i32(static_cast<int8_t>(v.num));
    case Kind::U8: return CoreVal::u32(static_cast<uint8_t>(v.num));
    case Kind::S16: return CoreVal::i32(static_cast<int16_t>(v.num));
    case Kind::U16: return CoreVal::u32(static_cast<uint16_t>(v.num));
    case Kind::S32: case Kind::U32: return CoreVal::u32(static_cast<uint32_t>(v.num));
    case Kind::S64: case Kind::U64: return CoreVal{v.num};
    case Kind::F32: return CoreVal::u32(encode_float_as_i32(v.f64));
    case Kind::F64: return CoreVal{encode_float_as_i64(v.f64)};
    case Kind::Char: return CoreVal::u32(char_to_i32(v, t));
    default: assert(false); return {};
  }
}

bool is_scalar_functype(const FuncType& ft) {
  if (ft.async_ || ft.params.size() > kMaxScalarParams || ft.results.size() > 1) return false;
  for (const auto* list : {&ft.params, &ft.results})
    for (const Param& p : *list)
      if (!is_scalar(p.type->kind)) return false;
  return true;
}

namespace {

// --- Load ---

Value load_at(LiftLowerContext& cx, uint64_t ptr, const Type& t);

// spec: load_list_from_valid_range. list<u8> is one memcpy; other scalars a
// tight loop over one data pointer (loading never runs guest code).
Value load_list_from_valid_range(LiftLowerContext& cx, uint64_t ptr, uint32_t length, const Type& elem) {
  if (elem.kind == Kind::U8) {
    const uint8_t* p = memory(cx).data() + ptr;
    return Value::byte_list(std::string(reinterpret_cast<const char*>(p), length));
  }
  Value list = Value::list({});
  list.items.reserve(length);
  if (is_scalar(elem.kind)) {
    const uint8_t* p = memory(cx).data() + ptr;
    for (uint32_t i = 0; i < length; ++i) list.items.push_back(load_scalar(p + uint64_t{i} * elem.size, elem.kind));
    return list;
  }
  for (uint32_t i = 0; i < length; ++i) list.items.push_back(load_at(cx, ptr + uint64_t{i} * elem.size, elem));
  return list;
}

// spec: load_list_from_range
Value load_list_from_range(LiftLowerContext& cx, uint32_t ptr, uint32_t length, const Type& elem) {
  const uint64_t byte_length = uint64_t{length} * elem.size;
  if (byte_length > MAX_LIST_BYTE_LENGTH) {
    trap("list of {} elements ({} bytes) exceeds the maximum of {} bytes", length, byte_length,
         MAX_LIST_BYTE_LENGTH);
  }
  check_range(cx, "list", ptr, byte_length, elem.align);
  return load_list_from_valid_range(cx, ptr, length, elem);
}

// spec: load_list
Value load_list(LiftLowerContext& cx, uint64_t ptr, const Type& t) {
  if (t.fixed_len) return load_list_from_valid_range(cx, ptr, *t.fixed_len, *t.elem);
  const auto begin = static_cast<uint32_t>(load_int(cx, ptr, 4));
  const auto length = static_cast<uint32_t>(load_int(cx, ptr + 4, 4));
  return load_list_from_range(cx, begin, length, *t.elem);
}

// spec: load_record (tuples despecialize to records)
Value load_record(LiftLowerContext& cx, uint64_t ptr, const Type& t) {
  Value v;
  v.kind = t.kind;
  v.items.reserve(t.fields.size());
  for (const Field& f : t.fields) {
    ptr = align_to(ptr, f.type->align);
    v.items.push_back(load_at(cx, ptr, *f.type));
    ptr += f.type->size;
  }
  return v;
}

[[noreturn]] void trap_bad_case(uint64_t case_index, const Type& t) {
  trap("{} discriminant {} out of range ({} cases) for {}", kind_name(t.kind), case_index, num_cases(t),
       to_string(t));
}

// spec: load_variant (also enum, option and result)
Value load_variant(LiftLowerContext& cx, uint64_t ptr, const Type& t) {
  const size_t n = num_cases(t);
  const uint64_t case_index = load_int(cx, ptr, discriminant_size(n));
  if (case_index >= n) trap_bad_case(case_index, t);
  Value v;
  v.kind = t.kind;
  v.num = case_index;
  if (const Type* ct = case_type(t, case_index)) v.items.push_back(load_at(cx, ptr + payload_offset(t), *ct));
  return v;
}

// spec: unpack_flags_from_int; label i is bit i of the little-endian bytes,
// which covers every width (1, 2, 4 bytes and multiples of 4).
Value unpack_flags(const uint8_t* bytes, size_t num_labels) {
  Value v;
  v.kind = Kind::Flags;
  v.items.reserve(num_labels);
  for (size_t i = 0; i < num_labels; ++i) v.items.push_back(Value::boolean((bytes[i / 8] >> (i % 8)) & 1));
  return v;
}

// spec: load_flags
Value load_flags(LiftLowerContext& cx, uint64_t ptr, const Type& t) {
  return unpack_flags(memory(cx).data() + ptr, t.labels.size());
}

// spec: load (without its entry asserts; callers checked the range)
Value load_at(LiftLowerContext& cx, uint64_t ptr, const Type& t) {
  if (is_scalar(t.kind)) return load_scalar(memory(cx).data() + ptr, t.kind);
  switch (t.kind) {
    case Kind::String: return load_string(cx, ptr);
    case Kind::List: return load_list(cx, ptr, t);
    case Kind::Record: case Kind::Tuple: return load_record(cx, ptr, t);
    case Kind::Variant: case Kind::Enum: case Kind::Option: case Kind::Result:
      return load_variant(cx, ptr, t);
    case Kind::Flags: return load_flags(cx, ptr, t);
    case Kind::Own: return Value::own(lift_own(cx, static_cast<uint32_t>(load_int(cx, ptr, 4)), t));
    case Kind::Borrow: return Value::borrow(lift_borrow(cx, static_cast<uint32_t>(load_int(cx, ptr, 4)), t));
    case Kind::Stream: case Kind::Future: case Kind::ErrorContext:
      return Value::async_handle(t.kind, lift_async_value(cx, static_cast<uint32_t>(load_int(cx, ptr, 4)), t));
    default: assert(false); return {};
  }
}

// --- Store ---

void store_at(LiftLowerContext& cx, const Value& v, const Type& t, uint64_t ptr);


// A list value must be bytes only for list<u8>, and have the fixed length if any.
void check_list(const Value& v, const Type& t) {
  check_kind(v, t);
  if (v.bytes && t.elem->kind != Kind::U8) mismatch(v, t);
  if (t.fixed_len && list_length(v) != *t.fixed_len) {
    mismatch(fmt::format("a list of {} elements", list_length(v)), t);
  }
}

// spec: store_list_into_valid_range. Bytes are one memcpy; other scalars a
// tight loop (storing scalars never calls realloc, so the data pointer holds).
void store_list_into_valid_range(LiftLowerContext& cx, const Value& v, uint64_t ptr, const Type& elem) {
  if (v.bytes) {
    if (!v.str.empty()) std::memcpy(memory(cx).data() + ptr, v.str.data(), v.str.size());
    return;
  }
  if (is_scalar(elem.kind)) {
    uint8_t* p = memory(cx).data() + ptr;
    for (const Value& e : v.items) {
      store_scalar(p, e, elem);
      p += elem.size;
    }
    return;
  }
  for (const Value& e : v.items) {
    store_at(cx, e, elem, ptr);
    ptr += elem.size;
  }
}

// spec: store_list_into_range
std::pair<uint32_t, uint32_t> store_list_into_range(LiftLowerContext& cx, const Value& v, const Type& elem) {
  const uint64_t byte_length = uint64_t{list_length(v)} * elem.size;
  const uint32_t ptr = allocate(cx, elem.align, byte_length);
  check_range(cx, "realloc result for list", ptr, byte_length, elem.align);
  store_list_into_valid_range(cx, v, ptr, elem);
  return {ptr, static_cast<uint32_t>(list_length(v))};
}

// spec: store_list
void store_list(LiftLowerContext& cx, const Value& v, uint64_t ptr, const Type& t) {
  check_list(v, t);
  if (t.fixed_len) {
    store_list_into_valid_range(cx, v, ptr, *t.elem);
    return;
  }
  const auto [begin, length] = store_list_into_range(cx, v, *t.elem);
  store_int(cx, begin, ptr, 4);
  store_int(cx, length, ptr + 4, 4);
}

void check_record(const Value& v, const Type& t) {
  check_kind(v, t);
  if (v.items.size() != t.fields.size()) {
    mismatch(fmt::format("a {} of {} fields", kind_name(v.kind), v.items.size()), t);
  }
}

// spec: store_record
void store_record(LiftLowerContext& cx, const Value& v, uint64_t ptr, const Type& t) {
  check_record(v, t);
  for (size_t i = 0; i < t.fields.size(); ++i) {
    const Type& ft = *t.fields[i].type;
    ptr = align_to(ptr, ft.align);
    store_at(cx, v.items[i], ft, ptr);
    ptr += ft.size;
  }
}

// spec: match_case, plus the checks a host value needs. Returns the payload type.
const Type* match_case(const Value& v, const Type& t) {
  check_kind(v, t);
  if (v.num >= num_cases(t)) mismatch(fmt::format("case index {}", v.num), t);
  const Type* ct = case_type(t, v.num);
  if (ct && !v.has_payload()) mismatch(fmt::format("case {} without its payload", v.num), t);
  if (!ct && v.has_payload()) mismatch(fmt::format("case {} with a payload", v.num), t);
  return ct;
}

// spec: store_variant
void store_variant(LiftLowerContext& cx, const Value& v, uint64_t ptr, const Type& t) {
  const Type* ct = match_case(v, t);
  store_int(cx, v.num, ptr, discriminant_size(num_cases(t)));
  if (ct) store_at(cx, v.payload(), *ct, ptr + payload_offset(t));
}

void check_flags(const Value& v, const Type& t) {
  check_kind(v, t);
  if (v.items.size() != t.labels.size()) mismatch(fmt::format("flags with {} bits", v.items.size()), t);
}

// spec: store_flags / pack_flags_into_int (bit i of the little-endian bytes)
void store_flags(LiftLowerContext& cx, const Value& v, uint64_t ptr, const Type& t) {
  check_flags(v, t);
  uint8_t* p = memory(cx).data() + ptr;
  std::memset(p, 0, t.size);
  for (size_t i = 0; i < v.items.size(); ++i) {
    if (v.items[i].as_bool()) p[i / 8] |= static_cast<uint8_t>(1u << (i % 8));
  }
}

void store_string(LiftLowerContext& cx, const Value& v, uint64_t ptr, const Type& t) {
  const StringRange r = store_string_into_range(cx, v, t);
  store_int(cx, r.ptr, ptr, 4);
  store_int(cx, r.tagged_code_units, ptr + 4, 4);
}

// spec: store (without its entry asserts; callers checked the range)
void store_at(LiftLowerContext& cx, const Value& v, const Type& t, uint64_t ptr) {
  if (is_scalar(t.kind)) {
    store_scalar(memory(cx).data() + ptr, v, t);
    return;
  }
  switch (t.kind) {
    case Kind::String: store_string(cx, v, ptr, t); break;
    case Kind::List: store_list(cx, v, ptr, t); break;
    case Kind::Record: case Kind::Tuple: store_record(cx, v, ptr, t); break;
    case Kind::Variant: case Kind::Enum: case Kind::Option: case Kind::Result:
      store_variant(cx, v, ptr, t);
      break;
    case Kind::Flags: store_flags(cx, v, ptr, t); break;
    case Kind::Own:
      check_kind(v, t);
      store_int(cx, lower_own(cx, v.rep(), t), ptr, 4);
      break;
    case Kind::Borrow:
      check_kind(v, t);
      store_int(cx, lower_borrow(cx, v.rep(), t), ptr, 4);
      break;
    case Kind::Stream: case Kind::Future: case Kind::ErrorContext:
      check_kind(v, t);
      store_int(cx, lower_async_value(cx, v.as_u32(), t), ptr, 4);
      break;
    default: assert(false);
  }
}

// --- Flat lifting ---

CoreVal next(CoreValueIter& vi) {
  assert(!vi.done());
  return vi.next();
}

// spec: lift_flat_list
Value lift_flat_list(LiftLowerContext& cx, CoreValueIter& vi, const Type& t) {
  if (!t.fixed_len) {
    const uint32_t ptr = next(vi).as_u32();
    const uint32_t length = next(vi).as_u32();
    return load_list_from_range(cx, ptr, length, *t.elem);
  }
  if (t.elem->kind == Kind::U8) {
    std::string bytes(*t.fixed_len, '\0');
    for (char& b : bytes) b = static_cast<char>(next(vi).as_u32());
    return Value::byte_list(std::move(bytes));
  }
  Value list = Value::list({});
  list.items.reserve(*t.fixed_len);
  for (uint32_t i = 0; i < *t.fixed_len; ++i) list.items.push_back(lift_flat(cx, vi, *t.elem));
  return list;
}

// spec: lift_flat_record
Value lift_flat_record(LiftLowerContext& cx, CoreValueIter& vi, const Type& t) {
  Value v;
  v.kind = t.kind;
  v.items.reserve(t.fields.size());
  for (const Field& f : t.fields) v.items.push_back(lift_flat(cx, vi, *f.type));
  return v;
}

// spec: lift_flat_variant. The payload is read straight from the joined slots
// (see the file comment on coercion), then the unused slots are skipped.
Value lift_flat_variant(LiftLowerContext& cx, CoreValueIter& vi, const Type& t) {
  const uint32_t case_index = next(vi).as_u32();
  if (case_index >= num_cases(t)) trap_bad_case(case_index, t);
  Value v;
  v.kind = t.kind;
  v.num = case_index;
  size_t used = 0;
  if (const Type* ct = case_type(t, case_index)) {
    v.items.push_back(lift_flat(cx, vi, *ct));
    used = ct->flat.size();
  }
  for (size_t i = used + 1; i < t.flat.size(); ++i) next(vi);
  return v;
}

// spec: lift_flat_flags (one i32 per 32 labels)
Value lift_flat_flags(CoreValueIter& vi, const Type& t) {
  std::vector<uint8_t> bytes(4 * t.flat.size());
  for (size_t w = 0; w < t.flat.size(); ++w) write<uint32_t>(bytes.data() + 4 * w, next(vi).as_u32());
  return unpack_flags(bytes.data(), t.labels.size());
}

// --- Flat lowering ---

// spec: lower_flat_variant. Payload slots need no coercion in CoreVal form;
// missing slots are padded with zeros up to the joined width.
void lower_flat_variant(LiftLowerContext& cx, const Value& v, const Type& t, std::vector<CoreVal>& out) {
  const Type* ct = match_case(v, t);
  out.push_back(CoreVal::u32(static_cast<uint32_t>(v.num)));
  const size_t end = out.size() + t.flat.size() - 1;
  if (ct) lower_flat(cx, v.payload(), *ct, out);
  out.resize(end);
}

// spec: lower_flat_list
void lower_flat_list(LiftLowerContext& cx, const Value& v, const Type& t, std::vector<CoreVal>& out) {
  check_list(v, t);
  if (!t.fixed_len) {
    const auto [ptr, length] = store_list_into_range(cx, v, *t.elem);
    out.push_back(CoreVal::u32(ptr));
    out.push_back(CoreVal::u32(length));
    return;
  }
  if (v.bytes) {
    for (char b : v.str) out.push_back(CoreVal::u32(static_cast<uint8_t>(b)));
    return;
  }
  for (const Value& e : v.items) lower_flat(cx, e, *t.elem, out);
}

// spec: lower_flat_flags
void lower_flat_flags(const Value& v, const Type& t, std::vector<CoreVal>& out) {
  check_flags(v, t);
  const size_t first = out.size();
  out.resize(first + t.flat.size());
  for (size_t i = 0; i < v.items.size(); ++i) {
    if (v.items[i].as_bool()) out[first + i / 32].bits |= uint64_t{1} << (i % 32);
  }
}

// The spec's TupleType(ts) of a parameter or result list, laid out on the fly
// (no Type is built per call).
struct TupleLayout {
  uint32_t size = 0;
  uint32_t align = 1;
  std::vector<uint32_t> offsets;
};

TupleLayout tuple_layout(const std::vector<Param>& ts) {
  TupleLayout l;
  uint64_t s = 0;
  l.offsets.reserve(ts.size());
  for (const Param& p : ts) {
    s = align_to(s, p.type->align);
    l.offsets.push_back(static_cast<uint32_t>(s));
    s += p.type->size;
    l.align = std::max(l.align, p.type->align);
  }
  l.size = static_cast<uint32_t>(align_to(s, l.align));
  return l;
}

size_t flat_count(const std::vector<Param>& ts) {
  size_t n = 0;
  for (const Param& p : ts) n += p.type->flat.size();
  return n;
}

std::string describe(const std::vector<Param>& ts, size_t i, std::string_view role) {
  if (ts[i].name.empty()) return fmt::format("{} {}", role, i);
  return fmt::format("{} '{}'", role, ts[i].name);
}

// Calls f(i) for every value, naming the value in a ValueMismatch.
template <typename F>
void for_each_value(const std::vector<Param>& ts, F&& f) {
  for (size_t i = 0; i < ts.size(); ++i) {
    try {
      f(i);
    } catch (const ValueMismatch& e) {
      throw ValueMismatch(fmt::format("{} (in {})", e.detail(), describe(ts, i, "value")));
    }
  }
}

// The lengths of flatten_functype's params and results, without building it
// (the whole-call entry points run on every host call).
size_t core_param_count(const FuncType& ft, FlattenContext context) {
  size_t n = flat_count(ft.params);
  if (n > MAX_FLAT_PARAMS) n = 1;
  if (context == FlattenContext::Lower && flat_count(ft.results) > MAX_FLAT_RESULTS) n += 1;
  return n;
}

size_t core_result_count(const FuncType& ft, FlattenContext context) {
  const size_t n = flat_count(ft.results);
  if (n <= MAX_FLAT_RESULTS) return n;
  return context == FlattenContext::Lift ? 1 : 0;
}

void check_core_count(std::string_view what, size_t have, size_t want) {
  if (have != want) trap("{} {} core values where the core signature has {}", what, have, want);
}

}  // namespace

// --- Type facts ---

uint32_t alignment(const Type& t) { return t.align; }
uint32_t elem_size(const Type& t) { return t.size; }
std::vector<CoreType> flatten_type(const Type& t) { return t.flat; }

// spec: flatten_functype (synchronous)
CoreFuncType flatten_functype(const FuncType& ft, FlattenContext context) {
  CoreFuncType core;
  for (const Param& p : ft.params) core.params.insert(core.params.end(), p.type->flat.begin(), p.type->flat.end());
  for (const Param& p : ft.results) {
    core.results.insert(core.results.end(), p.type->flat.begin(), p.type->flat.end());
  }
  if (core.params.size() > MAX_FLAT_PARAMS) core.params = {CoreType::I32};
  if (core.results.size() > MAX_FLAT_RESULTS) {
    if (context == FlattenContext::Lift) {
      core.results = {CoreType::I32};
    } else {
      core.params.push_back(CoreType::I32);
      core.results.clear();
    }
  }
  return core;
}

// --- load / store (spec: load, store; their asserts become traps here since
// callers outside abi/ may pass any pointer) ---

Value load(LiftLowerContext& cx, uint32_t ptr, const Type& t) {
  check_range(cx, "load", ptr, t.size, t.align);
  return load_at(cx, ptr, t);
}

void store(LiftLowerContext& cx, const Value& v, const Type& t, uint32_t ptr) {
  check_range(cx, "store", ptr, t.size, t.align);
  store_at(cx, v, t, ptr);
}

// --- lift_flat / lower_flat ---

// spec: lift_flat
Value lift_flat(LiftLowerContext& cx, CoreValueIter& vi, const Type& t) {
  if (is_scalar(t.kind)) return lift_flat_scalar(next(vi), t.kind);
  switch (t.kind) {
    case Kind::String: {
      const uint32_t ptr = next(vi).as_u32();
      const uint32_t packed_length = next(vi).as_u32();
      return load_string_from_range(cx, ptr, packed_length);
    }
    case Kind::List: return lift_flat_list(cx, vi, t);
    case Kind::Record: case Kind::Tuple: return lift_flat_record(cx, vi, t);
    case Kind::Variant: case Kind::Enum: case Kind::Option: case Kind::Result:
      return lift_flat_variant(cx, vi, t);
    case Kind::Flags: return lift_flat_flags(vi, t);
    case Kind::Own: return Value::own(lift_own(cx, next(vi).as_u32(), t));
    case Kind::Borrow: return Value::borrow(lift_borrow(cx, next(vi).as_u32(), t));
    case Kind::Stream: case Kind::Future: case Kind::ErrorContext:
      return Value::async_handle(t.kind, lift_async_value(cx, next(vi).as_u32(), t));
    default: assert(false); return {};
  }
}

// spec: lower_flat
void lower_flat(LiftLowerContext& cx, const Value& v, const Type& t, std::vector<CoreVal>& out) {
  if (is_scalar(t.kind)) {
    out.push_back(lower_flat_scalar(v, t));
    return;
  }
  switch (t.kind) {
    case Kind::String: {
      const StringRange r = store_string_into_range(cx, v, t);
      out.push_back(CoreVal::u32(r.ptr));
      out.push_back(CoreVal::u32(r.tagged_code_units));
      break;
    }
    case Kind::List: lower_flat_list(cx, v, t, out); break;
    case Kind::Record: case Kind::Tuple:
      check_record(v, t);
      for (size_t i = 0; i < t.fields.size(); ++i) lower_flat(cx, v.items[i], *t.fields[i].type, out);
      break;
    case Kind::Variant: case Kind::Enum: case Kind::Option: case Kind::Result:
      lower_flat_variant(cx, v, t, out);
      break;
    case Kind::Flags: lower_flat_flags(v, t, out); break;
    case Kind::Own:
      check_kind(v, t);
      out.push_back(CoreVal::u32(lower_own(cx, v.rep(), t)));
      break;
    case Kind::Borrow:
      check_kind(v, t);
      out.push_back(CoreVal::u32(lower_borrow(cx, v.rep(), t)));
      break;
    case Kind::Stream: case Kind::Future: case Kind::ErrorContext:
      check_kind(v, t);
      out.push_back(CoreVal::u32(lower_async_value(cx, v.as_u32(), t)));
      break;
    default: assert(false);
  }
}

// --- lift_flat_values / lower_flat_values ---

// spec: lift_flat_values
std::vector<Value> lift_flat_values(LiftLowerContext& cx, size_t max_flat, CoreValueIter& vi,
                                    const std::vector<Param>& ts) {
  std::vector<Value> vs;
  vs.reserve(ts.size());
  if (flat_count(ts) <= max_flat) {
    for (const Param& p : ts) vs.push_back(lift_flat(cx, vi, *p.type));
    return vs;
  }
  const uint32_t ptr = next(vi).as_u32();
  const TupleLayout l = tuple_layout(ts);
  check_range(cx, "spilled values", ptr, l.size, l.align);
  for (size_t i = 0; i < ts.size(); ++i) vs.push_back(load_at(cx, uint64_t{ptr} + l.offsets[i], *ts[i].type));
  return vs;
}

// spec: lower_flat_values
std::vector<CoreVal> lower_flat_values(LiftLowerContext& cx, size_t max_flat, const std::vector<Value>& vs,
                                       const std::vector<Param>& ts, const uint32_t* out_param) {
  if (vs.size() != ts.size()) {
    throw ValueMismatch(fmt::format("{} values where the function's type has {}", vs.size(), ts.size()));
  }
  std::vector<CoreVal> flat_vals;
  if (flat_count(ts) <= max_flat) {
    for_each_value(ts, [&](size_t i) { lower_flat(cx, vs[i], *ts[i].type, flat_vals); });
    return flat_vals;
  }
  const TupleLayout l = tuple_layout(ts);
  uint32_t ptr;
  if (out_param) {
    ptr = *out_param;
  } else {
    ptr = allocate(cx, l.align, l.size);
    flat_vals.push_back(CoreVal::u32(ptr));
  }
  check_range(cx, out_param ? "return area" : "realloc result for spilled values", ptr, l.size, l.align);
  for_each_value(ts, [&](size_t i) { store_at(cx, vs[i], *ts[i].type, uint64_t{ptr} + l.offsets[i]); });
  return flat_vals;
}

// --- Whole calls ---

// canon_lower's on_start: lift the guest's arguments to a host import.
std::vector<Value> lift_lowered_call_args(LiftLowerContext& cx, const FuncType& ft,
                                          std::span<const CoreVal> flat_args) {
  check_core_count("guest passed", flat_args.size(), core_param_count(ft, FlattenContext::Lower));
  CoreValueIter vi(flat_args);
  return lift_flat_values(cx, MAX_FLAT_PARAMS, vi, ft.params);
}

// canon_lower's on_resolve: lower the host's results, into flat results or
// the retptr that is the last flat argument.
void lower_lowered_call_results(LiftLowerContext& cx, const FuncType& ft, const std::vector<Value>& results,
                                std::span<const CoreVal> flat_args, std::span<CoreVal> flat_results) {
  check_core_count("guest passed", flat_args.size(), core_param_count(ft, FlattenContext::Lower));
  check_core_count("result buffer has room for", flat_results.size(),
                   core_result_count(ft, FlattenContext::Lower));
  const bool spilled = flat_count(ft.results) > MAX_FLAT_RESULTS;
  const uint32_t retptr = spilled ? flat_args.back().as_u32() : 0;
  const std::vector<CoreVal> flat =
      lower_flat_values(cx, MAX_FLAT_RESULTS, results, ft.results, spilled ? &retptr : nullptr);
  std::copy(flat.begin(), flat.end(), flat_results.begin());
}

// canon_lift's on_start: lower the host's arguments to a guest export.
std::vector<CoreVal> lower_lifted_call_args(LiftLowerContext& cx, const FuncType& ft,
                                            const std::vector<Value>& args) {
  try {
    return lower_flat_values(cx, MAX_FLAT_PARAMS, args, ft.params);
  } catch (const ValueMismatch& e) {
    throw Trap("host passed " + e.detail());
  }
}

// canon_lift's on_resolve: lift the guest export's results.
std::vector<Value> lift_lifted_call_results(LiftLowerContext& cx, const FuncType& ft,
                                            std::span<const CoreVal> flat_results) {
  check_core_count("guest returned", flat_results.size(), core_result_count(ft, FlattenContext::Lift));
  CoreValueIter vi(flat_results);
  return lift_flat_values(cx, MAX_FLAT_RESULTS, vi, ft.results);
}

}  // namespace wasmrr::abi
