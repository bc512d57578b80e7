// Variables in scope at a code offset, and the public entry points that
// evaluate over them: variables(), evaluate(), children(), address_of().
#include <set>

#include <fmt/format.h>
#include <llvm/BinaryFormat/Dwarf.h>

#include "debuginfo/expression.h"
#include "debuginfo/values.h"

namespace wasmrr::debuginfo {

namespace {

namespace dw = llvm::dwarf;

struct ScopeVariable {
  llvm::DWARFDie die;
  std::string name;
  bool is_parameter = false;
};

bool is_scope(dw::Tag tag) { return tag == dw::DW_TAG_lexical_block || tag == dw::DW_TAG_inlined_subroutine; }

// The function at pc, then each lexical block / inlined subroutine inside
// the previous one that contains pc: outermost first.
std::vector<llvm::DWARFDie> scopes_at(DwarfData& d, uint64_t pc) {
  std::vector<llvm::DWARFDie> out;
  llvm::DWARFDie current = subprogram_at(d, pc);
  while (current && out.size() < static_cast<size_t>(kMaxTypeDepth)) {
    out.push_back(current);
    llvm::DWARFDie inner;
    for (llvm::DWARFDie child : current.children()) {
      if (is_scope(child.getTag()) && die_contains(child, pc)) {
        inner = child;
        break;
      }
    }
    current = inner;
  }
  return out;
}

// Innermost scope first; a name shadowed by an inner scope only once.
std::vector<ScopeVariable> variables_at(DwarfData& d, uint64_t pc) {
  std::vector<ScopeVariable> out;
  std::set<std::string> seen;
  std::vector<llvm::DWARFDie> scopes = scopes_at(d, pc);
  for (auto scope = scopes.rbegin(); scope != scopes.rend(); ++scope) {
    size_t looked = 0;
    for (llvm::DWARFDie child : scope->children()) {
      if (++looked > kMaxMembers) break;
      dw::Tag tag = child.getTag();
      if (tag != dw::DW_TAG_formal_parameter && tag != dw::DW_TAG_variable) continue;
      if (child.find(dw::DW_AT_declaration)) continue;  // `extern int x;` inside a function: the global has it
      std::string name = die_name(child);
      if (name.empty() || !seen.insert(name).second) continue;
      out.push_back({child, name, tag == dw::DW_TAG_formal_parameter});
    }
  }
  return out;
}

Result<Context> context_at(DwarfData& d, FrameAccess& frame, uint32_t offset) {
  if (!d.dwarf) return make_error("no debugging information (DWARF) in this module");
  Context ctx{d, frame};
  std::optional<uint64_t> pc = d.to_dwarf(offset);
  ctx.pc = pc.value_or(UINT64_MAX);
  ctx.unit = pc ? d.dwarf->getCompileUnitForAddress(*pc) : nullptr;
  ctx.language = unit_language(ctx.unit);
  ctx.address_size = ctx.unit ? ctx.unit->getAddressByteSize() : 4;
  if (ctx.address_size != 4 && ctx.address_size != 8) ctx.address_size = 4;
  return ctx;
}

// An enumerator of the unit at pc called `name` ("RED"), as a value of its enum.
std::optional<Value> enumerator(Context& ctx, const std::string& name) {
  if (!ctx.unit) return std::nullopt;
  for (const llvm::DWARFDebugInfoEntry& entry : ctx.unit->dies()) {
    llvm::DWARFDie die(ctx.unit, &entry);
    if (die.getTag() != dw::DW_TAG_enumerator || die_name(die) != name) continue;
    auto value = die.find(dw::DW_AT_const_value);
    if (!value) continue;
    TypeRef type = resolve_type(die.getParent(), ctx.language, ctx.address_size);
    uint64_t bits = value->getForm() == dw::DW_FORM_sdata ? static_cast<uint64_t>(value->getAsSignedConstant().getValueOr(0))
                                                         : value->getAsUnsignedConstant().getValueOr(0);
    return bytes_value(type, bits);
  }
  return std::nullopt;
}

// A global variable called `name` (plain or qualified), preferring the unit at pc.
std::optional<Value> global(Context& ctx, const std::string& name) {
  const GlobalIndexEntry* found = nullptr;
  for (const GlobalIndexEntry& g : ctx.d.global_index()) {
    if (g.name != name && g.qualified != name) continue;
    if (!found || g.die.getDwarfUnit() == ctx.unit) found = &g;
    if (g.die.getDwarfUnit() == ctx.unit) break;
  }
  if (!found) return std::nullopt;
  return variable_value(ctx, found->die);
}

struct Evaluated {
  Context ctx;
  Value value;
  std::string text;
};

Result<Evaluated> evaluate_at(DwarfData& d, std::string_view expression, uint32_t offset, FrameAccess& frame) {
  auto ctx = context_at(d, frame, offset);
  if (!ctx) return ctx.error();
  std::vector<ScopeVariable> scope = variables_at(d, ctx->pc);
  Context& c = *ctx;
  NameLookup lookup = [&](const std::string& name) -> std::optional<Value> {
    for (const ScopeVariable& v : scope) {
      if (v.name == name) return variable_value(c, v.die);
    }
    if (auto g = global(c, name)) return g;
    return enumerator(c, name);
  };
  auto value = evaluate_expression(c, expression, lookup);
  if (!value) return value.error();
  std::string text(expression);
  size_t begin = text.find_first_not_of(" \t\n");
  size_t end = text.find_last_not_of(" \t\n");
  text = begin == std::string::npos ? "" : text.substr(begin, end - begin + 1);
  return Evaluated{c, std::move(*value), std::move(text)};
}

}  // namespace

std::vector<VariableEntry> ModuleDebugInfo::variables(uint32_t offset, FrameAccess& frame) {
  std::vector<VariableEntry> out;
  DwarfData& d = load();
  auto ctx = context_at(d, frame, offset);
  if (!ctx || ctx->pc == UINT64_MAX) return out;
  for (const ScopeVariable& v : variables_at(d, ctx->pc)) {
    Value value = variable_value(*ctx, v.die);
    VariableEntry e;
    e.shown.name = v.name;
    e.shown.type = value.type->name;
    e.shown.value = format_value(*ctx, value, false);
    e.shown.expression = v.name;
    e.shown.expandable = is_expandable(*ctx, value);
    e.is_parameter = v.is_parameter;
    out.push_back(std::move(e));
  }
  return out;
}

Result<ShownValue> ModuleDebugInfo::evaluate(std::string_view expression, uint32_t offset, FrameAccess& frame) {
  auto e = evaluate_at(load(), expression, offset, frame);
  if (!e) return e.error();
  Value& v = e->value;
  // gdb refuses to print a value it cannot read at all; a part it cannot
  // read (a string a pointer points to) shows as <error: ...> inside.
  if (v.where == Value::Where::Memory && v.type->size > 0 && v.type->kind != TypeKind::Function) {
    auto probe = read_bytes(e->ctx, v, 0, std::min<uint64_t>(v.type->size, 64));
    if (!probe) return probe.error();
  }
  ShownValue s;
  s.name = e->text;
  s.type = v.type->name;
  s.value = format_value(e->ctx, v, true);
  s.expression = e->text;
  s.expandable = is_expandable(e->ctx, v);
  return s;
}

Result<std::vector<ShownValue>> ModuleDebugInfo::children(std::string_view expression, uint32_t offset, FrameAccess& frame) {
  auto e = evaluate_at(load(), expression, offset, frame);
  if (!e) return e.error();
  return value_children(e->ctx, e->value, e->text);
}

Result<uint64_t> ModuleDebugInfo::address_of(std::string_view expression, uint32_t offset, FrameAccess& frame) {
  auto e = evaluate_at(load(), expression, offset, frame);
  if (!e) return e.error();
  if (e->value.where != Value::Where::Memory || e->value.bit_size) {
    if (e->value.where == Value::Where::Unavailable) return make_error(fmt::format("`{}` is {}", e->text, e->value.why));
    return make_error(fmt::format("`{}` is not in memory", e->text));
  }
  return e->value.address;
}

}  // namespace wasmrr::debuginfo
