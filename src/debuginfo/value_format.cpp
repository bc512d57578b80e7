// Values as gdb prints them ("42", "97 'a'", "{x = 1, y = 2}", "(struct
// point *) 0x11ff8", "0x400 \"step\""), Rust values as gdb's Rust mode does
// ("Point {x: 1, y: 2}", "[1, 2]", "\"text\"" for &str), and the children a
// UI shows when a value is expanded. Everything is capped: depth, elements,
// characters, total text.
#include <cstring>

#include <fmt/format.h>
#include <llvm/BinaryFormat/Dwarf.h>

#include "debuginfo/values.h"
#include "util/utf8.h"

namespace wasmrr::debuginfo {

namespace {

namespace dw = llvm::dwarf;
using unicode::append_utf8;
using unicode::is_scalar_value;
using unicode::next_utf8;
constexpr int kMaxFormatDepth = 12;
constexpr size_t kRepeatThreshold = 10;  // gdb's `set print repeats`
// Parts formatted for one value: nested arrays of arrays would otherwise
// multiply kMaxShownElements at every level.
constexpr size_t kMaxFormatWork = 5000;

std::string error_text(const Error& e) { return "<error: " + e.message + ">"; }

// One character inside quotes, gdb style: escapes, octal for the rest.
void append_escaped(std::string& out, uint32_t c, char quote) {
  switch (c) {
    case '\n': out += "\\n"; return;
    case '\t': out += "\\t"; return;
    case '\r': out += "\\r"; return;
    case '\a': out += "\\a"; return;
    case '\b': out += "\\b"; return;
    case '\f': out += "\\f"; return;
    case '\v': out += "\\v"; return;
    case '\\': out += "\\\\"; return;
    case 033: out += "\\033"; return;
    default: break;
  }
  if (c == static_cast<uint32_t>(quote)) {
    out += '\\';
    out += quote;
  } else if (c < 0x20 || c == 0x7f) {
    out += fmt::format("\\{:03o}", c);
  } else {
    append_utf8(out, c);
  }
}

// Bytes as a quoted string: well-formed UTF-8 kept, other bytes in octal.
std::string quoted(const std::vector<uint8_t>& bytes, bool cut) {
  std::string out = "\"";
  for (size_t i = 0; i < bytes.size();) {
    uint32_t c;
    if (next_utf8(bytes.data(), bytes.size(), i, c)) {
      append_escaped(out, c, '"');
    } else {
      out += fmt::format("\\{:03o}", bytes[i]);
      i++;
    }
  }
  out += "\"";
  if (cut) out += "...";
  return out;
}

bool is_c_char(const TypeRef& t) { return t && t->kind == TypeKind::Char && !t->is_utf && t->size == 1; }

bool is_rust_tuple_member(const std::string& name) {
  return name.size() > 2 && name.starts_with("__") && std::all_of(name.begin() + 2, name.end(), [](char c) { return c >= '0' && c <= '9'; });
}

llvm::DWARFDie variant_part_of(const Type& t) {
  if (t.kind != TypeKind::Aggregate || !t.die) return {};
  for (llvm::DWARFDie child : t.die.children()) {
    if (child.getTag() == dw::DW_TAG_variant_part) return child;
  }
  return {};
}

class Formatter {
 public:
  explicit Formatter(Context& ctx) : ctx_(ctx) {}

  std::string format(const Value& v, bool top, int depth) {
    if (v.where == Value::Where::Unavailable) return v.why;
    if (depth > kMaxFormatDepth || ++work_ > kMaxFormatWork) return "...";
    const Type& t = *v.type;
    switch (t.kind) {
      case TypeKind::Int: return integer(v);
      case TypeKind::Char: return character(v);
      case TypeKind::Bool: return boolean(v);
      case TypeKind::Float: return floating(v);
      case TypeKind::Enum: return enumeration(v);
      case TypeKind::Pointer: return pointer(v, top);
      case TypeKind::Reference: return reference(v, top, depth);
      case TypeKind::Aggregate: return aggregate(v, depth);
      case TypeKind::Array: return array(v, depth);
      case TypeKind::Function:
        return v.where == Value::Where::Memory ? fmt::format("{{{}}} 0x{:x}", t.name, v.address) : "{" + t.name + "}";
      case TypeKind::Void: return "void";
      case TypeKind::Unsupported: return "<unsupported type " + t.name + ">";
    }
    return "<unsupported type>";
  }

  // A C string at `address`, up to its NUL or kMaxStringChars.
  std::string c_string(uint64_t address) {
    std::vector<uint8_t> bytes;
    for (size_t i = 0; i < kMaxStringChars; i++) {
      uint8_t c;
      if (!ctx_.frame.read_memory((address + i) & ctx_.address_mask(), std::span<uint8_t>(&c, 1))) {
        if (i == 0) return "<error: " + memory_error(address) + ">";
        return quoted(bytes, true);
      }
      if (c == 0) return quoted(bytes, false);
      bytes.push_back(c);
    }
    return quoted(bytes, true);
  }

 private:
  std::string integer(const Value& v) {
    if (v.type->size == 0 && !v.bit_size) return v.type->language == Language::Rust ? "()" : "<zero-sized>";
    if (v.type->size > 8 && !v.bit_size) {
      auto bytes = read_bytes(ctx_, v, 0, std::min<uint64_t>(v.type->size, 64));
      if (!bytes) return error_text(bytes.error());
      std::string hex = "0x";
      for (size_t i = bytes->size(); i-- > 0;) hex += fmt::format("{:02x}", (*bytes)[i]);
      return hex;
    }
    auto n = read_signed(ctx_, v);
    if (!n) return error_text(n.error());
    return v.type->is_signed ? fmt::format("{}", *n) : fmt::format("{}", static_cast<uint64_t>(*n));
  }

  std::string character(const Value& v) {
    auto n = read_signed(ctx_, v);
    if (!n) return error_text(n.error());
    std::string out = v.type->is_signed ? fmt::format("{} '", *n) : fmt::format("{} '", static_cast<uint64_t>(*n));
    uint32_t c = v.type->is_utf ? static_cast<uint32_t>(*n) : static_cast<uint8_t>(*n);
    if (v.type->is_utf && !is_scalar_value(c)) {
      out += fmt::format("\\u{{{:x}}}", c);
    } else if (!v.type->is_utf && c >= 0x80) {
      out += fmt::format("\\{:03o}", c);
    } else {
      append_escaped(out, c, '\'');
    }
    return out + "'";
  }

  std::string boolean(const Value& v) {
    auto n = read_bits(ctx_, v);
    if (!n) return error_text(n.error());
    return *n == 0 ? "false" : *n == 1 ? "true" : fmt::format("{}", *n);
  }

  std::string floating(const Value& v) {
    auto n = read_bits(ctx_, v);
    if (!n) return error_text(n.error());
    if (v.type->size == 4) {
      float f;
      uint32_t bits = static_cast<uint32_t>(*n);
      std::memcpy(&f, &bits, 4);
      return fmt::format("{}", f);
    }
    if (v.type->size == 8) {
      double f;
      std::memcpy(&f, &*n, 8);
      return fmt::format("{}", f);
    }
    return fmt::format("<unsupported {}-byte float>", v.type->size);
  }

  std::string enumeration(const Value& v) {
    auto n = read_signed(ctx_, v);
    if (!n) return error_text(n.error());
    uint64_t mask = v.type->size >= 8 ? UINT64_MAX : (uint64_t{1} << (v.type->size * 8)) - 1;
    size_t seen = 0;
    for (llvm::DWARFDie e : v.type->die.children()) {
      if (++seen > kMaxMembers) break;
      if (e.getTag() != dw::DW_TAG_enumerator) continue;
      auto value = e.find(dw::DW_AT_const_value);
      if (!value) continue;
      uint64_t raw = value->getForm() == dw::DW_FORM_sdata ? static_cast<uint64_t>(value->getAsSignedConstant().getValueOr(0))
                                                          : value->getAsUnsignedConstant().getValueOr(0);
      if ((raw & mask) != (static_cast<uint64_t>(*n) & mask)) continue;
      std::string name = die_name(e);
      return v.type->language == Language::Rust ? v.type->name + "::" + name : name;
    }
    return v.type->is_signed ? fmt::format("{}", *n) : fmt::format("{}", static_cast<uint64_t>(*n) & mask);
  }

  std::string pointer(const Value& v, bool top) {
    auto bits = read_bits(ctx_, v);
    if (!bits) return error_text(bits.error());
    uint64_t address = *bits;
    std::string text = fmt::format("0x{:x}", address);
    TypeRef target = target_type(*v.type, ctx_.address_size);
    // gdb shows what a char pointer points to, and no type in front of it.
    if (is_c_char(target)) return address == 0 ? text : text + " " + c_string(address);
    return top ? "(" + v.type->name + ") " + text : text;
  }

  std::string reference(const Value& v, bool top, int depth) {
    auto bits = read_bits(ctx_, v);
    if (!bits) return error_text(bits.error());
    TypeRef target = target_type(*v.type, ctx_.address_size);
    std::string text = fmt::format("@0x{:x}", *bits);
    if (target && target->kind != TypeKind::Void) text += ": " + format(memory_value(target, *bits), false, depth + 1);
    return top ? "(" + v.type->name + ") " + text : text;
  }

  // Rust's &str and slices are {data_ptr, length} structs.
  std::optional<std::string> rust_slice(const Value& v, const std::vector<Member>& members, int depth) {
    if (v.type->language != Language::Rust || members.size() != 2 || members[0].name != "data_ptr" || members[1].name != "length") return std::nullopt;
    Value data = sub_value(v, resolve_type(type_of(members[0].die), ctx_.language, ctx_.address_size), members[0].offset);
    Value length = sub_value(v, resolve_type(type_of(members[1].die), ctx_.language, ctx_.address_size), members[1].offset);
    auto address = read_bits(ctx_, data);
    auto count = read_bits(ctx_, length);
    if (!address) return error_text(address.error());
    if (!count) return error_text(count.error());
    const std::string& name = v.type->name;
    if (name == "&str" || name == "&mut str") {
      Value bytes = memory_value(made_up_int(std::min<uint64_t>(*count, kMaxStringChars), false, "u8", Language::Rust), *address);
      auto text = read_bytes(ctx_, bytes, 0, bytes.type->size);
      if (!text) return error_text(text.error());
      return quoted(*text, *count > kMaxStringChars);
    }
    TypeRef element = target_type(*data.type, ctx_.address_size);
    if (!element || element->size == 0) return std::nullopt;
    return elements(memory_value(element, *address), element, *count, depth, "[", "]");
  }

  std::string variant(const Value& v, llvm::DWARFDie part, int depth) {
    // The discriminant member, then the variant whose value it has (or the default one).
    llvm::DWARFDie discr = part.getAttributeValueAsReferencedDie(dw::DW_AT_discr);
    std::optional<uint64_t> tag;
    if (discr) {
      auto offset = dw::toUnsigned(discr.find(dw::DW_AT_data_member_location));
      Value d = sub_value(v, resolve_type(type_of(discr), ctx_.language, ctx_.address_size), offset.getValueOr(0));
      auto bits = read_bits(ctx_, d);
      if (!bits) return error_text(bits.error());
      tag = *bits;
    }
    llvm::DWARFDie chosen;
    for (llvm::DWARFDie child : part.children()) {
      if (child.getTag() != dw::DW_TAG_variant) continue;
      auto value = child.find(dw::DW_AT_discr_value);
      if (!value) {
        if (!chosen) chosen = child;
        continue;
      }
      if (tag && value->getAsUnsignedConstant().getValueOr(~*tag) == *tag) {
        chosen = child;
        break;
      }
    }
    if (!chosen) return "<enum>";
    for (llvm::DWARFDie member : chosen.children()) {
      if (member.getTag() != dw::DW_TAG_member) continue;
      uint64_t offset = dw::toUnsigned(member.find(dw::DW_AT_data_member_location), 0);
      Value inner = sub_value(v, resolve_type(type_of(member), ctx_.language, ctx_.address_size), offset);
      // The variant's struct is named after the variant: "Option<i32>::Some(5)".
      std::string body = aggregate(inner, depth + 1);
      std::string variant_name = die_name(member);
      std::string prefix = v.type->name + "::" + variant_name;
      std::string inner_name = inner.type->name;
      if (body.starts_with(inner_name)) return prefix + body.substr(inner_name.size());
      return prefix + " " + body;
    }
    return "<enum>";
  }

  std::string aggregate(const Value& v, int depth) {
    std::vector<Member> members = members_of(*v.type);
    if (auto slice = rust_slice(v, members, depth)) return *slice;
    if (llvm::DWARFDie part = variant_part_of(*v.type)) return variant(v, part, depth);
    bool rust = v.type->language == Language::Rust;
    bool tuple = rust && !members.empty() &&
                 std::all_of(members.begin(), members.end(), [](const Member& m) { return is_rust_tuple_member(m.name); });
    std::string out;
    for (const Member& m : members) {
      if (out.size() > kMaxValueText) {
        out += ", ...";
        break;
      }
      Value inner = sub_value(v, resolve_type(type_of(m.die), ctx_.language, ctx_.address_size), m.offset);
      inner.bit_size = m.bit_size;
      inner.bit_offset = m.bit_offset;
      std::string text = format(inner, false, depth + 1);
      if (!out.empty()) out += ", ";
      if (m.is_base) {
        out += "<" + inner.type->name + "> = " + text;
      } else if (m.name.empty() || tuple) {
        out += text;
      } else {
        out += m.name + (rust ? ": " : " = ") + text;
      }
    }
    if (!rust) return members.empty() ? "{<No data fields>}" : "{" + out + "}";
    std::string name = v.type->name;
    if (tuple) return (name.starts_with("(") ? "" : name) + "(" + out + ")";
    return members.empty() ? name : name + " {" + out + "}";
  }

  std::string array(const Value& v, int depth) {
    TypeRef element = target_type(*v.type, ctx_.address_size);
    if (!element) return "<unsupported array>";
    uint64_t count = v.type->count;
    bool rust = v.type->language == Language::Rust;
    if (is_c_char(element) && !rust) {
      // gdb shows a char array as the string up to its NUL.
      size_t n = std::min<uint64_t>(count, kMaxStringChars);
      auto bytes = read_bytes(ctx_, v, 0, n);
      if (!bytes) return error_text(bytes.error());
      auto nul = std::find(bytes->begin(), bytes->end(), 0);
      bool cut = nul == bytes->end() && count > n;
      bytes->erase(nul, bytes->end());
      return quoted(*bytes, cut);
    }
    return elements(v, element, count, depth, rust ? "[" : "{", rust ? "]" : "}");
  }

  // `count` elements of `element` type from v's start, runs of equal ones
  // as "<repeats N times>", cut after kMaxShownElements.
  std::string elements(const Value& v, const TypeRef& element, uint64_t count, int depth, const char* open, const char* close) {
    if (element->size == 0 && count > 1) return "<unsupported array of zero-sized elements>";
    uint64_t shown = std::min<uint64_t>(count, kMaxShownElements);
    std::vector<std::string> texts;
    for (uint64_t i = 0; i < shown; i++) {
      texts.push_back(format(sub_value(v, element, i * element->size), false, depth + 1));
      if (texts.back().size() > kMaxValueText) break;
    }
    std::string out = open;
    for (size_t i = 0; i < texts.size();) {
      size_t run = 1;
      while (i + run < texts.size() && texts[i + run] == texts[i]) run++;
      if (i > 0) out += ", ";
      if (run >= kRepeatThreshold) {
        out += fmt::format("{} <repeats {} times>", texts[i], run);
        i += run;
        continue;
      }
      out += texts[i];
      i++;
      if (out.size() > kMaxValueText) break;
    }
    if (count > texts.size()) out += "...";
    return out + close;
  }

  Context& ctx_;
  size_t work_ = 0;
};

}  // namespace

std::string format_value(Context& ctx, const Value& v, bool top) { return Formatter(ctx).format(v, top, 0); }

bool is_expandable(Context& ctx, const Value& v) {
  if (v.where == Value::Where::Unavailable) return false;
  const Type& t = *v.type;
  if (t.kind == TypeKind::Array) return t.count > 0;
  if (t.kind == TypeKind::Aggregate) {
    std::vector<Member> members = members_of(t);
    bool rust_slice = t.language == Language::Rust && members.size() == 2 && members[0].name == "data_ptr";
    return !members.empty() && !rust_slice;
  }
  if (is_pointer_like(t)) {
    TypeRef target = target_type(t, ctx.address_size);
    return target && target->kind == TypeKind::Aggregate;
  }
  return false;
}

namespace {

// `expression` as the operand of a postfix operator: postfix chains and
// names as they are, anything else in parentheses.
std::string operand(const std::string& expression) {
  int brackets = 0;
  for (size_t i = 0; i < expression.size(); i++) {
    char c = expression[i];
    if (c == '[') brackets++;
    if (c == ']') brackets--;
    if (brackets > 0 || std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == ']' || c == ':' || c == '$') continue;
    if (c == '-' && i + 1 < expression.size() && expression[i + 1] == '>') {
      i++;
      continue;
    }
    return "(" + expression + ")";
  }
  return expression;
}

ShownValue shown(Context& ctx, std::string name, const Value& v, std::string expression) {
  ShownValue s;
  s.name = std::move(name);
  s.type = v.type->name;
  s.value = format_value(ctx, v, false);
  s.expression = std::move(expression);
  s.expandable = is_expandable(ctx, v);
  return s;
}

void add_members(Context& ctx, const Value& v, const std::string& base, std::vector<ShownValue>& out, int depth) {
  if (depth > kMaxTypeDepth) return;
  for (const Member& m : members_of(*v.type)) {
    if (out.size() >= kMaxChildren) return;
    Value inner = sub_value(v, resolve_type(type_of(m.die), ctx.language, ctx.address_size), m.offset);
    inner.bit_size = m.bit_size;
    inner.bit_offset = m.bit_offset;
    // Anonymous members and base classes: their members are reachable by name from here.
    if ((m.name.empty() || m.is_base) && inner.type->kind == TypeKind::Aggregate) {
      add_members(ctx, inner, base, out, depth + 1);
      continue;
    }
    if (m.name.empty()) continue;
    out.push_back(shown(ctx, m.name, inner, operand(base) + "." + m.name));
  }
}

}  // namespace

std::vector<ShownValue> value_children(Context& ctx, const Value& v, const std::string& expression) {
  std::vector<ShownValue> out;
  if (v.where == Value::Where::Unavailable) return out;
  const Type& t = *v.type;
  if (t.kind == TypeKind::Aggregate) add_members(ctx, v, expression, out, 0);
  if (t.kind == TypeKind::Array) {
    TypeRef element = target_type(t, ctx.address_size);
    uint64_t n = std::min<uint64_t>(t.count, kMaxChildren);
    for (uint64_t i = 0; element && i < n; i++) {
      out.push_back(shown(ctx, fmt::format("[{}]", i), sub_value(v, element, i * element->size), fmt::format("{}[{}]", operand(expression), i)));
    }
  }
  if (is_pointer_like(t)) {
    auto pointee = dereference(ctx, v, expression);
    if (pointee) {
      std::string e = "*" + operand(expression);
      out.push_back(shown(ctx, e, *pointee, e));
    }
  }
  return out;
}

}  // namespace wasmrr::debuginfo
