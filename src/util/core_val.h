// Core WebAssembly value types and values, shared by engine/ and abi/ so that
// flat canonical-ABI values cross into the engine with no conversion.
#pragma once

#include <bit>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace wasmrr {

enum class CoreType : uint8_t { I32, I64, F32, F64, V128, FuncRef, ExternRef };

std::string_view core_type_name(CoreType t);

// The core valtype encoded by `byte` in a binary (numtype, vectype, reftype
// shorthands), or nullopt for any other byte.
constexpr std::optional<CoreType> core_type_from_byte(uint8_t byte) {
  switch (byte) {
    case 0x7f: return CoreType::I32;
    case 0x7e: return CoreType::I64;
    case 0x7d: return CoreType::F32;
    case 0x7c: return CoreType::F64;
    case 0x7b: return CoreType::V128;
    case 0x70: return CoreType::FuncRef;
    case 0x6f: return CoreType::ExternRef;
    default: return std::nullopt;
  }
}

// One core value. The type is known from the signature, so only bits are kept.
// f32 is stored as its bit pattern in the low 32 bits (NaN payloads survive).
struct CoreVal {
  uint64_t bits = 0;

  static CoreVal i32(int32_t v) { return {static_cast<uint64_t>(static_cast<uint32_t>(v))}; }
  static CoreVal u32(uint32_t v) { return {v}; }
  static CoreVal i64(int64_t v) { return {static_cast<uint64_t>(v)}; }
  static CoreVal f32(float v) { return {std::bit_cast<uint32_t>(v)}; }
  static CoreVal f64(double v) { return {std::bit_cast<uint64_t>(v)}; }

  int32_t as_i32() const { return static_cast<int32_t>(static_cast<uint32_t>(bits)); }
  uint32_t as_u32() const { return static_cast<uint32_t>(bits); }
  int64_t as_i64() const { return static_cast<int64_t>(bits); }
  float as_f32() const { return std::bit_cast<float>(static_cast<uint32_t>(bits)); }
  double as_f64() const { return std::bit_cast<double>(bits); }
};

struct CoreFuncType {
  std::vector<CoreType> params;
  std::vector<CoreType> results;
  bool operator==(const CoreFuncType&) const = default;
};

inline std::string_view core_type_name(CoreType t) {
  switch (t) {
    case CoreType::I32: return "i32";
    case CoreType::I64: return "i64";
    case CoreType::F32: return "f32";
    case CoreType::F64: return "f64";
    case CoreType::V128: return "v128";
    case CoreType::FuncRef: return "funcref";
    case CoreType::ExternRef: return "externref";
  }
  return "?";
}

}  // namespace wasmrr
