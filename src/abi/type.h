// Component-model value types, resolved: every type index of the binary has
// been replaced by the type it names. Mirrors the ValType classes of the
// Canonical ABI reference (definitions.py): Bool, S8..U64, F32, F64, Char,
// String, ListType, RecordType, TupleType, VariantType, EnumType, OptionType,
// ResultType, FlagsType, OwnType, BorrowType, and the async types StreamType,
// FutureType and ErrorContextType.
//
// Types are immutable and shared. ABI facts (size, alignment, flattening) are
// computed once when a type is made (type.cpp), never per call.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "util/core_val.h"

namespace wasmrr::abi {

enum class Kind : uint8_t {
  Bool, S8, U8, S16, U16, S32, U32, S64, U64, F32, F64, Char, String,
  List, Record, Tuple, Variant, Enum, Option, Result, Flags, Own, Borrow,
  Stream, Future, ErrorContext,  // component-model async: i32 handles
};

std::string_view kind_name(Kind k);

struct Type;
using TypePtr = std::shared_ptr<const Type>;

// A resource type's identity. Two handles have the same resource type iff they
// point to the same ResourceType object. Who implements it (host or a component
// instance) is recorded so lower_borrow and resource.drop can follow the spec.
struct ResourceType {
  std::string name;             // e.g. "output-stream" (for messages and traces)
  const void* owner = nullptr;  // the component instance that defined it; nullptr = host
  // Destructor: for host resources, called with the rep when the last own
  // handle is dropped; for guest resources, the core dtor function (if any).
  std::shared_ptr<void> impl;   // opaque to abi/, set by runtime/
};
using ResourceTypePtr = std::shared_ptr<ResourceType>;

struct Field {
  std::string name;   // empty for tuple elements
  TypePtr type;
};

struct Case {
  std::string name;
  TypePtr type;       // nullptr: no payload
};

struct Type {
  Kind kind = Kind::Bool;
  TypePtr elem;                     // List, Option; Stream, Future (nullptr: no payload)
  std::optional<uint32_t> fixed_len;  // List with a fixed length (list<T, N>)
  std::vector<Field> fields;        // Record, Tuple
  std::vector<Case> cases;          // Variant; also Result (ok, err) and Option (none, some)
  std::vector<std::string> labels;  // Enum, Flags
  ResourceTypePtr resource;         // Own, Borrow

  // Canonical ABI facts, computed by the constructors below (type.cpp).
  uint32_t size = 0;        // elem_size
  uint32_t align = 1;       // alignment
  std::vector<CoreType> flat;  // flatten_type

  // Constructors that also compute the ABI facts.
  static TypePtr primitive(Kind k);
  static TypePtr list(TypePtr elem, std::optional<uint32_t> fixed_len = std::nullopt);
  static TypePtr record(std::vector<Field> fields);
  static TypePtr tuple(std::vector<TypePtr> elems);
  static TypePtr variant(std::vector<Case> cases);
  static TypePtr enum_(std::vector<std::string> labels);
  static TypePtr option(TypePtr elem);
  static TypePtr result(TypePtr ok, TypePtr err);  // either may be nullptr
  static TypePtr flags(std::vector<std::string> labels);
  static TypePtr own(ResourceTypePtr rt);
  static TypePtr borrow(ResourceTypePtr rt);
  static TypePtr stream(TypePtr elem);  // elem may be nullptr: (stream)
  static TypePtr future(TypePtr elem);  // elem may be nullptr: (future)

  bool is_byte_list() const { return kind == Kind::List && elem && elem->kind == Kind::U8; }
};

// Human-readable WIT-like spelling, e.g. "result<list<u8>, stream-error>" (for errors).
std::string to_string(const Type& t);

struct Param {
  std::string name;
  TypePtr type;
};

// A component function type: named params, zero or one result (older binaries
// may name several results; they are kept in order).
struct FuncType {
  std::vector<Param> params;
  std::vector<Param> results;  // name empty for the single unnamed result
  bool async_ = false;         // (func async ...): callers may not block on it synchronously
};
using FuncTypePtr = std::shared_ptr<const FuncType>;

std::string to_string(const FuncType& f);

}  // namespace wasmrr::abi
