// DWARF types as the evaluator and the formatter see them: kind, size,
// signedness and the name a user reads.
#include <fmt/format.h>
#include <llvm/BinaryFormat/Dwarf.h>

#include "debuginfo/values.h"

namespace wasmrr::debuginfo {

namespace {

using llvm::DWARFDie;
namespace dw = llvm::dwarf;

bool is_qualifier(dw::Tag tag) {
  return tag == dw::DW_TAG_typedef || tag == dw::DW_TAG_const_type || tag == dw::DW_TAG_volatile_type ||
         tag == dw::DW_TAG_restrict_type || tag == dw::DW_TAG_atomic_type || tag == dw::DW_TAG_immutable_type;
}

// The type under typedefs and qualifiers (invalid: void).
DWARFDie strip(DWARFDie die) {
  for (int i = 0; i < kMaxTypeDepth && die && is_qualifier(die.getTag()); i++) die = type_of(die);
  return die && is_qualifier(die.getTag()) ? DWARFDie() : die;
}

std::optional<uint64_t> byte_size(DWARFDie die) {
  auto size = dw::toUnsigned(die.find(dw::DW_AT_byte_size));
  return size ? std::optional<uint64_t>(*size) : std::nullopt;
}

std::vector<DWARFDie> subranges(DWARFDie array) {
  std::vector<DWARFDie> out;
  for (DWARFDie child : array.children()) {
    if (child.getTag() == dw::DW_TAG_subrange_type) out.push_back(child);
    if (out.size() >= 16) break;  // no real array has more dimensions
  }
  return out;
}

// Elements of one dimension: DW_AT_count, or the bounds (lower defaults to 0
// in C and Rust). Bounds given as expressions (VLAs) are unknown: 0.
uint64_t subrange_count(DWARFDie subrange) {
  if (auto count = dw::toUnsigned(subrange.find(dw::DW_AT_count))) return *count;
  auto upper = subrange.find(dw::DW_AT_upper_bound);
  if (!upper || !upper->isFormClass(llvm::DWARFFormValue::FC_Constant)) return 0;
  int64_t lower = dw::toSigned(subrange.find(dw::DW_AT_lower_bound), 0);
  auto up = upper->getAsSignedConstant();
  if (!up || *up < lower) return 0;  // -1 upper bound: an array of unknown size
  return static_cast<uint64_t>(*up - lower) + 1;
}

uint64_t type_size(DWARFDie die, uint8_t address_size, int depth);

uint64_t array_size(DWARFDie array, unsigned dimension, uint8_t address_size, int depth) {
  std::vector<DWARFDie> dims = subranges(array);
  uint64_t size = type_size(type_of(array), address_size, depth + 1);
  for (size_t i = dimension; i < dims.size(); i++) {
    uint64_t count = subrange_count(dims[i]);
    if (count != 0 && size > UINT64_MAX / count) return UINT64_MAX;
    size *= count;
  }
  return size;
}

uint64_t type_size(DWARFDie die, uint8_t address_size, int depth) {
  if (!die || depth > kMaxTypeDepth) return 0;
  if (auto size = byte_size(die)) return *size;
  dw::Tag tag = die.getTag();
  if (is_qualifier(tag)) return type_size(type_of(die), address_size, depth + 1);
  if (tag == dw::DW_TAG_pointer_type || tag == dw::DW_TAG_reference_type || tag == dw::DW_TAG_rvalue_reference_type ||
      tag == dw::DW_TAG_ptr_to_member_type)
    return address_size;
  if (tag == dw::DW_TAG_array_type) return array_size(die, 0, address_size, depth);
  if (tag == dw::DW_TAG_enumeration_type) return type_size(type_of(die), address_size, depth + 1);
  return 0;
}

std::string aggregate_keyword(dw::Tag tag) {
  switch (tag) {
    case dw::DW_TAG_structure_type: return "struct";
    case dw::DW_TAG_class_type: return "class";
    case dw::DW_TAG_union_type: return "union";
    case dw::DW_TAG_enumeration_type: return "enum";
    default: return "";
  }
}

std::string dimensions_suffix(DWARFDie array, unsigned from) {
  std::string out;
  std::vector<DWARFDie> dims = subranges(array);
  for (size_t i = from; i < dims.size(); i++) {
    uint64_t count = subrange_count(dims[i]);
    out += count ? fmt::format("[{}]", count) : "[]";
  }
  return out;
}

std::string parameters(DWARFDie function, Language language, int depth) {
  std::string out;
  for (DWARFDie child : function.children()) {
    if (child.getTag() == dw::DW_TAG_unspecified_parameters) out += out.empty() ? "..." : ", ...";
    if (child.getTag() != dw::DW_TAG_formal_parameter) continue;
    if (!out.empty()) out += ", ";
    out += type_name(type_of(child), language, depth + 1);
  }
  return out.empty() && language != Language::Rust ? "void" : out;
}

// A declarator around `target`: "int *", "char **", "int (*)[3]", "int (*)(int)".
std::string decorate(DWARFDie target, const std::string& op, Language language, int depth) {
  DWARFDie t = strip(target);
  if (t && t == target && t.getTag() == dw::DW_TAG_subroutine_type) {
    return fmt::format("{} ({})({})", type_name(type_of(t), language, depth + 1), op, parameters(t, language, depth));
  }
  if (t && t == target && t.getTag() == dw::DW_TAG_array_type) {
    return fmt::format("{} ({}){}", type_name(type_of(t), language, depth + 1), op, dimensions_suffix(t, 0));
  }
  std::string base = type_name(target, language, depth + 1);
  return base.ends_with("*") || base.ends_with("&") ? base + op : base + " " + op;
}

}  // namespace

std::string type_name(DWARFDie die, Language language, int depth) {
  if (!die) return "void";
  if (depth > kMaxTypeDepth) return "...";
  dw::Tag tag = die.getTag();
  std::string own = die_name(die);
  switch (tag) {
    case dw::DW_TAG_base_type:
    case dw::DW_TAG_unspecified_type:
      return own.empty() ? "<unnamed type>" : own;
    case dw::DW_TAG_typedef:
      return language == Language::C ? own : qualified_name(die);
    case dw::DW_TAG_structure_type:
    case dw::DW_TAG_class_type:
    case dw::DW_TAG_union_type:
    case dw::DW_TAG_enumeration_type:
      if (own.empty()) return language == Language::Rust ? "<anonymous>" : aggregate_keyword(tag) + " {...}";
      if (language == Language::C) return aggregate_keyword(tag) + " " + own;
      return qualified_name(die);
    case dw::DW_TAG_pointer_type:
      // Rust names its pointers and references ("&mut Point", "*const u8").
      if (!own.empty()) return own;
      return decorate(type_of(die), "*", language, depth);
    case dw::DW_TAG_reference_type:
      return own.empty() ? decorate(type_of(die), "&", language, depth) : own;
    case dw::DW_TAG_rvalue_reference_type:
      return own.empty() ? decorate(type_of(die), "&&", language, depth) : own;
    case dw::DW_TAG_const_type:
    case dw::DW_TAG_volatile_type:
    case dw::DW_TAG_restrict_type:
    case dw::DW_TAG_atomic_type:
    case dw::DW_TAG_immutable_type: {
      std::string word = tag == dw::DW_TAG_const_type      ? "const"
                         : tag == dw::DW_TAG_volatile_type ? "volatile"
                         : tag == dw::DW_TAG_restrict_type ? "restrict"
                         : tag == dw::DW_TAG_atomic_type   ? "_Atomic"
                                                           : "immutable";
      DWARFDie target = type_of(die);
      DWARFDie t = strip(target);
      bool pointer = t && (t.getTag() == dw::DW_TAG_pointer_type || t.getTag() == dw::DW_TAG_reference_type);
      // "char *const" qualifies the pointer; "const char" what it points to.
      if (pointer) return type_name(target, language, depth + 1) + " " + word;
      return word + " " + type_name(target, language, depth + 1);
    }
    case dw::DW_TAG_array_type: {
      if (!own.empty()) return own;
      std::string elem = type_name(type_of(die), language, depth + 1);
      return elem + " " + dimensions_suffix(die, 0);
    }
    case dw::DW_TAG_subroutine_type:
      return fmt::format("{} ({})", type_name(type_of(die), language, depth + 1), parameters(die, language, depth));
    default:
      return own.empty() ? fmt::format("<unsupported type {}>", dw::TagString(tag).str()) : own;
  }
}

TypeRef resolve_type(DWARFDie die, Language language, uint8_t address_size) {
  auto t = std::make_shared<Type>();
  t->language = language;
  t->name = type_name(die, language);
  DWARFDie s = strip(die);
  t->die = s;
  if (!s) {
    t->kind = TypeKind::Void;
    return t;
  }
  t->size = type_size(s, address_size, 0);
  switch (s.getTag()) {
    case dw::DW_TAG_base_type: {
      uint64_t encoding = dw::toUnsigned(s.find(dw::DW_AT_encoding), 0);
      switch (encoding) {
        case dw::DW_ATE_signed: t->kind = TypeKind::Int; t->is_signed = true; break;
        case dw::DW_ATE_unsigned: t->kind = TypeKind::Int; break;
        case dw::DW_ATE_signed_char: t->kind = TypeKind::Char; t->is_signed = true; break;
        case dw::DW_ATE_unsigned_char: t->kind = TypeKind::Char; break;
        case dw::DW_ATE_UTF: t->kind = TypeKind::Char; t->is_utf = true; break;
        case dw::DW_ATE_boolean: t->kind = TypeKind::Bool; break;
        case dw::DW_ATE_float: t->kind = TypeKind::Float; t->is_signed = true; break;
        default: t->kind = TypeKind::Unsupported; break;
      }
      // A char wider than a byte is a character type only for UTF; 8-byte "chars" are ints.
      if (t->kind == TypeKind::Char && !t->is_utf && t->size != 1) t->kind = TypeKind::Int;
      break;
    }
    case dw::DW_TAG_enumeration_type: {
      t->kind = TypeKind::Enum;
      TypeRef base = resolve_type(type_of(s), language, address_size);
      // Without an underlying type: signed unless an enumerator says otherwise (unsigned forms).
      t->is_signed = type_of(s) ? base->is_signed : true;
      break;
    }
    case dw::DW_TAG_pointer_type:
    case dw::DW_TAG_ptr_to_member_type:
      t->kind = TypeKind::Pointer;
      break;
    case dw::DW_TAG_reference_type:
    case dw::DW_TAG_rvalue_reference_type:
      t->kind = TypeKind::Reference;
      break;
    case dw::DW_TAG_structure_type:
    case dw::DW_TAG_class_type:
    case dw::DW_TAG_union_type:
      t->kind = TypeKind::Aggregate;
      break;
    case dw::DW_TAG_array_type: {
      t->kind = TypeKind::Array;
      std::vector<DWARFDie> dims = subranges(s);
      t->count = dims.empty() ? 0 : subrange_count(dims[0]);
      break;
    }
    case dw::DW_TAG_subroutine_type:
    case dw::DW_TAG_subprogram:
      t->kind = TypeKind::Function;
      break;
    case dw::DW_TAG_unspecified_type:  // C++ nullptr_t: pointer sized
      t->kind = TypeKind::Pointer;
      break;
    default:
      t->kind = TypeKind::Unsupported;
      break;
  }
  return t;
}

TypeRef target_type(const Type& type, uint8_t address_size) {
  if (type.target) return type.target;
  if (!type.die) return nullptr;
  if (type.kind == TypeKind::Pointer || type.kind == TypeKind::Reference) {
    if (type.die.getTag() == dw::DW_TAG_unspecified_type) return nullptr;
    return resolve_type(type_of(type.die), type.language, address_size);
  }
  if (type.kind != TypeKind::Array) return nullptr;
  std::vector<DWARFDie> dims = subranges(type.die);
  if (type.dimension + 1 >= dims.size()) return resolve_type(type_of(type.die), type.language, address_size);
  // The element of a multi-dimensional array is the array of the remaining dimensions.
  auto sub = std::make_shared<Type>(type);
  sub->dimension = type.dimension + 1;
  sub->count = subrange_count(dims[sub->dimension]);
  sub->size = array_size(type.die, sub->dimension, address_size, 0);
  sub->name = type_name(type_of(type.die), type.language) + " " + dimensions_suffix(type.die, sub->dimension);
  return sub;
}

TypeRef made_up_int(uint64_t size, bool is_signed, std::string name, Language language) {
  auto t = std::make_shared<Type>();
  t->kind = TypeKind::Int;
  t->size = size;
  t->is_signed = is_signed;
  t->name = std::move(name);
  t->language = language;
  return t;
}

TypeRef made_up_bool(Language language) {
  auto t = std::make_shared<Type>();
  t->kind = TypeKind::Bool;
  t->size = 1;
  t->name = "bool";
  t->language = language;
  return t;
}

TypeRef pointer_to(const TypeRef& target, Language language, uint8_t address_size) {
  auto t = std::make_shared<Type>();
  t->kind = TypeKind::Pointer;
  t->size = address_size;
  t->target = target;
  t->language = language;
  if (language == Language::Rust) {
    t->name = "*mut " + target->name;
  } else {
    bool declarator = target->kind == TypeKind::Array || target->kind == TypeKind::Function;
    if (declarator && target->die) {
      t->name = decorate(target->die, "*", language, 0);
    } else {
      t->name = target->name.ends_with("*") ? target->name + "*" : target->name + " *";
    }
  }
  return t;
}

bool is_integral(const Type& t) {
  return t.kind == TypeKind::Int || t.kind == TypeKind::Bool || t.kind == TypeKind::Char || t.kind == TypeKind::Enum;
}

bool is_pointer_like(const Type& t) { return t.kind == TypeKind::Pointer || t.kind == TypeKind::Reference; }

namespace {

std::optional<Member> member_from(DWARFDie child) {
  dw::Tag tag = child.getTag();
  if (tag != dw::DW_TAG_member && tag != dw::DW_TAG_inheritance) return std::nullopt;
  // C++ static members are declarations (DWARF 4) with no storage here.
  if (child.find(dw::DW_AT_external) || child.find(dw::DW_AT_declaration)) return std::nullopt;
  Member m;
  m.die = child;
  m.name = die_name(child);
  m.is_base = tag == dw::DW_TAG_inheritance;
  auto location = child.find(dw::DW_AT_data_member_location);
  if (location && location->isFormClass(llvm::DWARFFormValue::FC_Constant)) {
    m.offset = location->getAsUnsignedConstant().getValueOr(0);
  } else if (location) {
    // DWARF 2 style: an expression, in practice DW_OP_plus_uconst N.
    auto block = location->getAsBlock();
    if (!block || block->size() < 2 || (*block)[0] != dw::DW_OP_plus_uconst) return std::nullopt;
    uint64_t value = 0;
    unsigned shift = 0;
    for (size_t i = 1; i < block->size() && shift < 64; i++, shift += 7) {
      value |= uint64_t((*block)[i] & 0x7f) << shift;
      if (!((*block)[i] & 0x80)) break;
    }
    m.offset = value;
  }
  if (auto bits = dw::toUnsigned(child.find(dw::DW_AT_bit_size))) {
    m.bit_size = static_cast<uint32_t>(std::min<uint64_t>(*bits, 64));
    if (auto data_bit = dw::toUnsigned(child.find(dw::DW_AT_data_bit_offset))) {
      m.offset = *data_bit / 8;
      m.bit_offset = static_cast<uint32_t>(*data_bit % 8);
    } else if (auto bit_offset = dw::toUnsigned(child.find(dw::DW_AT_bit_offset))) {
      // DWARF 2/3: counted from the most significant bit of the storage unit.
      uint64_t storage = dw::toUnsigned(child.find(dw::DW_AT_byte_size), 4) * 8;
      if (*bit_offset + *bits <= storage) m.bit_offset = static_cast<uint32_t>(storage - *bit_offset - *bits);
    }
  }
  return m;
}

}  // namespace

std::vector<Member> members_of(const Type& aggregate) {
  std::vector<Member> out;
  if (aggregate.kind != TypeKind::Aggregate || !aggregate.die) return out;
  for (DWARFDie child : aggregate.die.children()) {
    if (out.size() >= kMaxMembers) break;
    if (std::optional<Member> m = member_from(child)) out.push_back(std::move(*m));
  }
  return out;
}

}  // namespace wasmrr::debuginfo
