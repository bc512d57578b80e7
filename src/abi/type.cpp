// Type constructors compute the Canonical ABI facts once (alignment,
// elem_size, flatten_type of definitions.py), so lifting and lowering never
// recompute them per call.
#include "abi/type.h"

#include <algorithm>
#include <cassert>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace wasmrr::abi {
namespace {

// spec: align_to
uint32_t align_to(uint32_t ptr, uint32_t alignment) {
  return (ptr + alignment - 1) / alignment * alignment;
}

// spec: join (the widening rule of flatten_variant)
CoreType join(CoreType a, CoreType b) {
  if (a == b) return a;
  if ((a == CoreType::I32 && b == CoreType::F32) || (a == CoreType::F32 && b == CoreType::I32)) {
    return CoreType::I32;
  }
  return CoreType::I64;
}

// spec: discriminant_type, as its byte size (u8, u16 or u32).
uint32_t discriminant_size(size_t num_cases) {
  if (num_cases <= (1u << 8)) return 1;
  if (num_cases <= (1u << 16)) return 2;
  return 4;
}

// The record rules (alignment_record, elem_size_record, flatten_record).
void layout_record(Type& t) {
  uint32_t size = 0;
  uint32_t align = 1;
  for (const Field& f : t.fields) {
    assert(f.type);
    size = align_to(size, f.type->align) + f.type->size;
    align = std::max(align, f.type->align);
    t.flat.insert(t.flat.end(), f.type->flat.begin(), f.type->flat.end());
  }
  t.align = align;
  t.size = align_to(size, align);
}

// The variant rules (alignment_variant, elem_size_variant, flatten_variant).
// Enum, Option and Result despecialize to variants and use this too.
void layout_variant(Type& t, size_t num_cases) {
  const uint32_t disc = discriminant_size(num_cases);
  uint32_t max_case_align = 1;
  uint32_t max_case_size = 0;
  std::vector<CoreType> payload;
  for (const Case& c : t.cases) {
    if (!c.type) continue;
    max_case_align = std::max(max_case_align, c.type->align);
    max_case_size = std::max(max_case_size, c.type->size);
    const auto& cf = c.type->flat;
    for (size_t i = 0; i < cf.size(); ++i) {
      if (i < payload.size()) {
        payload[i] = join(payload[i], cf[i]);
      } else {
        payload.push_back(cf[i]);
      }
    }
  }
  t.align = std::max(disc, max_case_align);
  t.size = align_to(align_to(disc, max_case_align) + max_case_size, t.align);
  t.flat.clear();
  t.flat.push_back(CoreType::I32);
  t.flat.insert(t.flat.end(), payload.begin(), payload.end());
}

std::shared_ptr<Type> make(Kind k) {
  auto t = std::make_shared<Type>();
  t->kind = k;
  return t;
}

std::vector<Case> labels_as_cases(const std::vector<std::string>& labels) {
  std::vector<Case> cases;
  cases.reserve(labels.size());
  for (const auto& l : labels) cases.push_back(Case{l, nullptr});
  return cases;
}

}  // namespace

std::string_view kind_name(Kind k) {
  switch (k) {
    case Kind::Bool: return "bool";
    case Kind::S8: return "s8";
    case Kind::U8: return "u8";
    case Kind::S16: return "s16";
    case Kind::U16: return "u16";
    case Kind::S32: return "s32";
    case Kind::U32: return "u32";
    case Kind::S64: return "s64";
    case Kind::U64: return "u64";
    case Kind::F32: return "f32";
    case Kind::F64: return "f64";
    case Kind::Char: return "char";
    case Kind::String: return "string";
    case Kind::List: return "list";
    case Kind::Record: return "record";
    case Kind::Tuple: return "tuple";
    case Kind::Variant: return "variant";
    case Kind::Enum: return "enum";
    case Kind::Option: return "option";
    case Kind::Result: return "result";
    case Kind::Flags: return "flags";
    case Kind::Own: return "own";
    case Kind::Borrow: return "borrow";
    case Kind::Stream: return "stream";
    case Kind::Future: return "future";
    case Kind::ErrorContext: return "error-context";
  }
  return "?";
}

// spec: alignment / elem_size / flatten_type of the primitive types.
TypePtr Type::primitive(Kind k) {
  auto t = make(k);
  switch (k) {
    case Kind::Bool: case Kind::S8: case Kind::U8:
      t->size = t->align = 1; t->flat = {CoreType::I32}; break;
    case Kind::S16: case Kind::U16:
      t->size = t->align = 2; t->flat = {CoreType::I32}; break;
    case Kind::S32: case Kind::U32: case Kind::Char: case Kind::ErrorContext:
      t->size = t->align = 4; t->flat = {CoreType::I32}; break;
    case Kind::S64: case Kind::U64:
      t->size = t->align = 8; t->flat = {CoreType::I64}; break;
    case Kind::F32:
      t->size = t->align = 4; t->flat = {CoreType::F32}; break;
    case Kind::F64:
      t->size = t->align = 8; t->flat = {CoreType::F64}; break;
    case Kind::String:
      t->size = 8; t->align = 4; t->flat = {CoreType::I32, CoreType::I32}; break;
    default:
      assert(false && "Type::primitive called with a compound kind");
  }
  return t;
}

// spec: alignment_list / elem_size_list / flatten_list
TypePtr Type::list(TypePtr elem, std::optional<uint32_t> fixed_len) {
  assert(elem);
  auto t = make(Kind::List);
  t->fixed_len = fixed_len;
  if (fixed_len) {
    t->align = elem->align;
    t->size = *fixed_len * elem->size;
    t->flat.reserve(elem->flat.size() * *fixed_len);
    for (uint32_t i = 0; i < *fixed_len; ++i) {
      t->flat.insert(t->flat.end(), elem->flat.begin(), elem->flat.end());
    }
  } else {
    t->align = 4;
    t->size = 8;
    t->flat = {CoreType::I32, CoreType::I32};
  }
  t->elem = std::move(elem);
  return t;
}

TypePtr Type::record(std::vector<Field> fields) {
  auto t = make(Kind::Record);
  t->fields = std::move(fields);
  layout_record(*t);
  return t;
}

// spec: despecialize(TupleType) = a record of the elements.
TypePtr Type::tuple(std::vector<TypePtr> elems) {
  auto t = make(Kind::Tuple);
  t->fields.reserve(elems.size());
  for (auto& e : elems) t->fields.push_back(Field{"", std::move(e)});
  layout_record(*t);
  return t;
}

TypePtr Type::variant(std::vector<Case> cases) {
  auto t = make(Kind::Variant);
  t->cases = std::move(cases);
  layout_variant(*t, t->cases.size());
  return t;
}

// spec: despecialize(EnumType) = a variant of payload-less cases.
TypePtr Type::enum_(std::vector<std::string> labels) {
  auto t = make(Kind::Enum);
  t->cases = labels_as_cases(labels);
  t->labels = std::move(labels);
  layout_variant(*t, t->cases.size());
  t->cases.clear();  // enums keep only labels; the layout is all that was needed
  return t;
}

// spec: despecialize(OptionType) = variant { none, some(T) }.
TypePtr Type::option(TypePtr elem) {
  assert(elem);
  auto t = make(Kind::Option);
  t->cases = {Case{"none", nullptr}, Case{"some", elem}};
  t->elem = std::move(elem);
  layout_variant(*t, 2);
  return t;
}

// spec: despecialize(ResultType) = variant { ok(T), error(E) }.
TypePtr Type::result(TypePtr ok, TypePtr err) {
  auto t = make(Kind::Result);
  t->cases = {Case{"ok", std::move(ok)}, Case{"err", std::move(err)}};
  layout_variant(*t, 2);
  return t;
}

// spec: alignment_flags / elem_size_flags. The current spec caps flags at 32
// labels; wider flags follow the earlier revision (num_i32_flags): as many
// i32s as needed, in memory and flattened.
TypePtr Type::flags(std::vector<std::string> labels) {
  auto t = make(Kind::Flags);
  const size_t n = labels.size();
  t->labels = std::move(labels);
  if (n == 0) {
    t->size = 0;
    t->align = 1;
  } else if (n <= 8) {
    t->size = t->align = 1;
  } else if (n <= 16) {
    t->size = t->align = 2;
  } else {
    t->align = 4;
    t->size = static_cast<uint32_t>(4 * ((n + 31) / 32));
  }
  t->flat.assign(n == 0 ? 0 : (n + 31) / 32, CoreType::I32);
  return t;
}

namespace {

// spec: own, borrow, stream and future are all an i32 handle (alignment 4,
// elem_size 4, flatten_type [i32]).
std::shared_ptr<Type> handle_type(Kind k) {
  auto t = make(k);
  t->size = t->align = 4;
  t->flat = {CoreType::I32};
  return t;
}

}  // namespace

TypePtr Type::own(ResourceTypePtr rt) {
  auto t = handle_type(Kind::Own);
  t->resource = std::move(rt);
  return t;
}

TypePtr Type::borrow(ResourceTypePtr rt) {
  auto t = handle_type(Kind::Borrow);
  t->resource = std::move(rt);
  return t;
}

TypePtr Type::stream(TypePtr elem) {
  auto t = handle_type(Kind::Stream);
  t->elem = std::move(elem);
  return t;
}

TypePtr Type::future(TypePtr elem) {
  auto t = handle_type(Kind::Future);
  t->elem = std::move(elem);
  return t;
}

namespace {

std::string opt_to_string(const TypePtr& t) { return t ? to_string(*t) : "_"; }

std::string resource_name(const Type& t) {
  return t.resource && !t.resource->name.empty() ? t.resource->name : "resource";
}

}  // namespace

std::string to_string(const Type& t) {
  switch (t.kind) {
    case Kind::List:
      if (t.fixed_len) return fmt::format("list<{}, {}>", opt_to_string(t.elem), *t.fixed_len);
      return fmt::format("list<{}>", opt_to_string(t.elem));
    case Kind::Record: {
      std::string s = "record { ";
      for (size_t i = 0; i < t.fields.size(); ++i) {
        if (i) s += ", ";
        s += fmt::format("{}: {}", t.fields[i].name, opt_to_string(t.fields[i].type));
      }
      return s + " }";
    }
    case Kind::Tuple: {
      std::string s = "tuple<";
      for (size_t i = 0; i < t.fields.size(); ++i) {
        if (i) s += ", ";
        s += opt_to_string(t.fields[i].type);
      }
      return s + ">";
    }
    case Kind::Variant: {
      std::string s = "variant { ";
      for (size_t i = 0; i < t.cases.size(); ++i) {
        if (i) s += ", ";
        s += t.cases[i].name;
        if (t.cases[i].type) s += fmt::format("({})", to_string(*t.cases[i].type));
      }
      return s + " }";
    }
    case Kind::Enum:
    case Kind::Flags:
      return fmt::format("{} {{ {} }}", kind_name(t.kind), fmt::join(t.labels, ", "));
    case Kind::Option:
      return fmt::format("option<{}>", opt_to_string(t.elem));
    case Kind::Result: {
      const TypePtr& ok = t.cases.at(0).type;
      const TypePtr& err = t.cases.at(1).type;
      if (!ok && !err) return "result";
      if (!err) return fmt::format("result<{}>", to_string(*ok));
      return fmt::format("result<{}, {}>", opt_to_string(ok), to_string(*err));
    }
    case Kind::Own:
      return fmt::format("own<{}>", resource_name(t));
    case Kind::Borrow:
      return fmt::format("borrow<{}>", resource_name(t));
    case Kind::Stream:
    case Kind::Future:
      if (!t.elem) return std::string(kind_name(t.kind));
      return fmt::format("{}<{}>", kind_name(t.kind), to_string(*t.elem));
    default:
      return std::string(kind_name(t.kind));
  }
}

namespace {

std::string params_to_string(const std::vector<Param>& ps) {
  std::string s;
  for (size_t i = 0; i < ps.size(); ++i) {
    if (i) s += ", ";
    if (!ps[i].name.empty()) s += ps[i].name + ": ";
    s += opt_to_string(ps[i].type);
  }
  return s;
}

}  // namespace

std::string to_string(const FuncType& f) {
  std::string s = std::string(f.async_ ? "async " : "") + "func(" + params_to_string(f.params) + ")";
  if (f.results.size() == 1 && f.results[0].name.empty()) {
    s += " -> " + opt_to_string(f.results[0].type);
  } else if (!f.results.empty()) {
    s += " -> (" + params_to_string(f.results) + ")";
  }
  return s;
}

}  // namespace wasmrr::abi
