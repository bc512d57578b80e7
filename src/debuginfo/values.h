// Types, values and their formatting for variables(), evaluate() and
// children(): internal to the debuginfo sources (includes LLVM headers).
//
// A Type is a DWARF type with its typedefs and qualifiers looked through
// (they stay in its name), or a type the expression evaluator makes up
// (literals' int, `&x`'s pointer). A Value is where a typed value is: in
// linear memory (an lvalue), in bytes already known (a wasm local, a
// constant, a computed result), or unavailable (optimized out).
#pragma once

#include <llvm/DebugInfo/DWARF/DWARFDie.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "debuginfo/dwarf.h"
#include "debuginfo/internal.h"
#include "util/result.h"

namespace wasmrr::debuginfo {

enum class TypeKind { Void, Int, Bool, Char, Float, Enum, Pointer, Reference, Aggregate, Array, Function, Unsupported };

struct Type;
using TypeRef = std::shared_ptr<const Type>;

struct Type {
  TypeKind kind = TypeKind::Unsupported;
  std::string name;           // as a user reads it: "const int", "struct point *", "&mut Point"
  uint64_t size = 0;          // bytes
  bool is_signed = false;
  bool is_utf = false;        // Char: a code point (Rust char, char32_t), not a C char
  llvm::DWARFDie die;         // the type looked through typedefs and qualifiers; invalid: made up
  unsigned dimension = 0;     // Array: which subrange of `die` this (sub)array is
  uint64_t count = 0;         // Array: elements in this dimension
  TypeRef target;             // made-up pointers: what they point to
  Language language = Language::C;
};

// The type DIE `die` names (invalid: void). Never fails: what cannot be
// understood becomes an Unsupported type that formats as such.
TypeRef resolve_type(llvm::DWARFDie die, Language language, uint8_t address_size);
// Pointee of a pointer/reference, element of an array; null otherwise.
TypeRef target_type(const Type& type, uint8_t address_size);
TypeRef made_up_int(uint64_t size, bool is_signed, std::string name, Language language);
TypeRef made_up_bool(Language language);
TypeRef pointer_to(const TypeRef& target, Language language, uint8_t address_size);
// The name a type DIE has as a user reads it (C declarator syntax, Rust's own names).
std::string type_name(llvm::DWARFDie die, Language language, int depth = 0);
bool is_integral(const Type& t);  // Int, Bool, Char, Enum
bool is_pointer_like(const Type& t);  // Pointer, Reference

// The members of an aggregate that hold data, in order (not static members,
// not variant parts). A Rust enum's active variant is found by variant().
struct Member {
  std::string name;          // "" for an anonymous struct/union member
  llvm::DWARFDie die;        // DW_TAG_member or DW_TAG_inheritance
  uint64_t offset = 0;       // bytes from the aggregate's start
  uint32_t bit_size = 0;     // bit field: its width (0: not one)
  uint32_t bit_offset = 0;   // bit field: bits from `offset`, little-endian
  bool is_base = false;      // DW_TAG_inheritance
};
std::vector<Member> members_of(const Type& aggregate);

struct Value {
  enum class Where { Memory, Bytes, Unavailable };
  TypeRef type;
  Where where = Where::Unavailable;
  uint64_t address = 0;        // Memory
  std::vector<uint8_t> bytes;  // Bytes (little-endian, may be shorter than the type: the rest is unknown)
  std::string why = "<optimized out>";  // Unavailable
  uint32_t bit_size = 0;       // a bit field: width, and bits from `address` / bytes[0]
  uint32_t bit_offset = 0;
};

// What every evaluation step needs: the DWARF, the paused frame, the code
// address (DWARF's) and the language of the unit there.
struct Context {
  DwarfData& d;
  FrameAccess& frame;
  uint64_t pc = 0;
  llvm::DWARFUnit* unit = nullptr;
  Language language = Language::C;
  uint8_t address_size = 4;
  uint64_t address_mask() const { return address_size >= 8 ? UINT64_MAX : (uint64_t{1} << (address_size * 8)) - 1; }
};

std::string memory_error(uint64_t address);
// `n` bytes of `v` from byte `offset` on.
Result<std::vector<uint8_t>> read_bytes(Context& ctx, const Value& v, uint64_t offset, size_t n);
// The value of a scalar (at most 8 bytes) as raw bits, zero-extended; bit fields extracted.
Result<uint64_t> read_bits(Context& ctx, const Value& v);
// read_bits sign-extended when the type is signed.
Result<int64_t> read_signed(Context& ctx, const Value& v);
Value bytes_value(TypeRef type, uint64_t bits);
Value memory_value(TypeRef type, uint64_t address);
// The part of `v` at byte `offset` with type `type` (a member, an element).
Value sub_value(const Value& v, TypeRef type, uint64_t offset);
// *v for a pointer or reference value.
Result<Value> dereference(Context& ctx, const Value& v, const std::string& text);
// The member called `name` of an aggregate, looking into anonymous members and base classes.
std::optional<Value> find_member(Context& ctx, const Value& v, std::string_view name, int depth = 0);

// --- location.cpp ---
// Where a variable (DW_TAG_variable / formal_parameter) is at ctx.pc.
Value variable_value(Context& ctx, llvm::DWARFDie variable);

// --- value_format.cpp ---
// gdb's text for a value: `top` as `print` shows a whole value ("(int *)
// 0x10"), else as inside an aggregate or in `info locals` ("0x10").
std::string format_value(Context& ctx, const Value& v, bool top);
bool is_expandable(Context& ctx, const Value& v);
// The parts of an expandable value, `expression` being the value's own.
std::vector<ShownValue> value_children(Context& ctx, const Value& v, const std::string& expression);

}  // namespace wasmrr::debuginfo
