// Component-model values, as lifted from and lowered into a guest. A Value does
// not carry its full type (the function signature supplies it) but it does
// carry its kind so that mistakes are caught and messages are clear.
//
// Representation by kind:
//   Bool, S8..U64, Char  -> `num` (signed kinds sign-extended; Char = code point)
//   F32, F64             -> `f64` (F32 widened; canonical NaN handling per spec)
//   String               -> `str` (UTF-8)
//   List                 -> `items`; a list<u8> keeps its bytes in `str` instead
//                           (`bytes` == true) so I/O buffers move as one block
//   Record, Tuple        -> `items` in field order
//   Variant, Enum        -> `num` = case index; `items` holds the payload (0 or 1)
//   Option               -> `num` = 0 none / 1 some; payload in `items`
//   Result               -> `num` = 0 ok / 1 err; payload in `items` (0 or 1)
//   Flags                -> `items` of Bool, one per label
//   Own, Borrow          -> `num` = the resource's rep at the host boundary
//   Stream, Future,      -> `num` = the runtime's id of the shared stream,
//   ErrorContext            future or error context at the host boundary
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "abi/type.h"

namespace wasmrr::abi {

struct Value {
  Kind kind = Kind::Bool;
  bool bytes = false;  // List of u8 stored in `str`
  uint64_t num = 0;
  double f64 = 0;
  std::string str;
  std::vector<Value> items;

  static Value boolean(bool b) { return scalar(Kind::Bool, b ? 1 : 0); }
  static Value s8(int8_t v) { return scalar(Kind::S8, static_cast<uint64_t>(static_cast<int64_t>(v))); }
  static Value u8(uint8_t v) { return scalar(Kind::U8, v); }
  static Value s16(int16_t v) { return scalar(Kind::S16, static_cast<uint64_t>(static_cast<int64_t>(v))); }
  static Value u16(uint16_t v) { return scalar(Kind::U16, v); }
  static Value s32(int32_t v) { return scalar(Kind::S32, static_cast<uint64_t>(static_cast<int64_t>(v))); }
  static Value u32(uint32_t v) { return scalar(Kind::U32, v); }
  static Value s64(int64_t v) { return scalar(Kind::S64, static_cast<uint64_t>(v)); }
  static Value u64(uint64_t v) { return scalar(Kind::U64, v); }
  static Value f32(float v) { Value x; x.kind = Kind::F32; x.f64 = v; return x; }
  static Value f64_(double v) { Value x; x.kind = Kind::F64; x.f64 = v; return x; }
  static Value char_(char32_t c) { return scalar(Kind::Char, c); }
  static Value string(std::string s) { Value x; x.kind = Kind::String; x.str = std::move(s); return x; }
  static Value list(std::vector<Value> items) { Value x; x.kind = Kind::List; x.items = std::move(items); return x; }
  static Value byte_list(std::string bytes) { Value x; x.kind = Kind::List; x.bytes = true; x.str = std::move(bytes); return x; }
  static Value record(std::vector<Value> fields) { Value x; x.kind = Kind::Record; x.items = std::move(fields); return x; }
  static Value tuple(std::vector<Value> elems) { Value x; x.kind = Kind::Tuple; x.items = std::move(elems); return x; }
  static Value variant(uint32_t case_index) { return scalar(Kind::Variant, case_index); }
  static Value variant(uint32_t case_index, Value payload) { return with_payload(Kind::Variant, case_index, std::move(payload)); }
  static Value enum_(uint32_t case_index) { return scalar(Kind::Enum, case_index); }
  static Value none() { return scalar(Kind::Option, 0); }
  static Value some(Value v) { return with_payload(Kind::Option, 1, std::move(v)); }
  static Value ok() { return scalar(Kind::Result, 0); }
  static Value ok(Value v) { return with_payload(Kind::Result, 0, std::move(v)); }
  static Value err() { return scalar(Kind::Result, 1); }
  static Value err(Value v) { return with_payload(Kind::Result, 1, std::move(v)); }
  static Value flags(std::vector<bool> set) {
    Value x; x.kind = Kind::Flags;
    for (bool b : set) x.items.push_back(boolean(b));
    return x;
  }
  static Value own(uint32_t rep) { return scalar(Kind::Own, rep); }
  static Value borrow(uint32_t rep) { return scalar(Kind::Borrow, rep); }
  // A handle-like value of an async kind (Stream, Future, ErrorContext).
  static Value async_handle(Kind k, uint32_t id) { return scalar(k, id); }

  // Accessors (no checks beyond an assert on kind in debug builds).
  bool as_bool() const { return num != 0; }
  int64_t as_s64() const { return static_cast<int64_t>(num); }
  uint64_t as_u64() const { return num; }
  uint32_t as_u32() const { return static_cast<uint32_t>(num); }
  int32_t as_s32() const { return static_cast<int32_t>(num); }
  uint32_t case_index() const { return static_cast<uint32_t>(num); }
  bool has_payload() const { return !items.empty(); }
  const Value& payload() const { return items.at(0); }
  bool is_some() const { return num == 1; }
  bool is_ok() const { return num == 0; }
  uint32_t rep() const { return static_cast<uint32_t>(num); }

  bool operator==(const Value& o) const = default;

 private:
  static Value scalar(Kind k, uint64_t n) { Value x; x.kind = k; x.num = n; return x; }
  static Value with_payload(Kind k, uint32_t idx, Value p) {
    Value x; x.kind = k; x.num = idx; x.items.push_back(std::move(p)); return x;
  }
};

// WIT-like text of a value, for divergence reports and errors.
std::string to_string(const Value& v, const Type& t);

}  // namespace wasmrr::abi
