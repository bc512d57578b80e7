// Line tables and functions for breakpoints and stepping: where a line or a
// function's body begins, which row and function hold an offset.
#include <algorithm>
#include <map>
#include <set>

#include <llvm/BinaryFormat/Dwarf.h>
#include <llvm/DebugInfo/DWARF/DWARFDebugLine.h>

#include "debuginfo/internal.h"

namespace wasmrr::debuginfo {

namespace {

using LineTable = llvm::DWARFDebugLine::LineTable;
constexpr auto kAbsolute = llvm::DILineInfoSpecifier::FileLineInfoKind::AbsoluteFilePath;

std::string_view without_dot_slash(std::string_view path) {
  while (path.starts_with("./")) path.remove_prefix(2);
  return path;
}

}  // namespace

bool file_matches(std::string_view path, std::string_view file) {
  file = without_dot_slash(file);
  if (file.empty()) return false;
  std::string_view p = without_dot_slash(path);
  return p == file || (p.size() > file.size() && p.ends_with(file) && p[p.size() - file.size() - 1] == '/');
}

std::string file_name(const LineTable& table, llvm::DWARFUnit* unit, uint64_t index) {
  std::string out;
  const char* comp_dir = unit->getCompilationDir();
  if (!table.getFileNameByIndex(index, comp_dir ? comp_dir : "", kAbsolute, out)) return {};
  return out;
}

std::vector<LineTableFile> line_table_files(DwarfData& d) {
  std::vector<LineTableFile> out;
  if (!d.dwarf) return out;
  for (const auto& unit : d.dwarf->compile_units()) {
    const LineTable* table = d.dwarf->getLineTableForUnit(unit.get());
    if (!table) continue;
    // DWARF 5 counts files from 0, earlier versions from 1.
    for (uint64_t i = 0; i <= table->Prologue.FileNames.size(); i++) {
      if (!table->hasFileAtIndex(i)) continue;
      out.push_back({unit.get(), table, i, file_name(*table, unit.get(), i)});
    }
  }
  return out;
}

llvm::DWARFDie subprogram_at(DwarfData& d, uint64_t address) {
  if (!d.dwarf) return {};
  llvm::DWARFDie die = d.dwarf->getDIEsForAddress(address).FunctionDIE;
  // The innermost subroutine may be an inlined one: its function is the
  // subprogram around it.
  for (int i = 0; i < kMaxTypeDepth && die && die.getTag() != llvm::dwarf::DW_TAG_subprogram; i++) die = die.getParent();
  return die && die.getTag() == llvm::dwarf::DW_TAG_subprogram ? die : llvm::DWARFDie();
}

namespace {

struct Hit {
  uint64_t address;
  uint32_t line;
  const LineTableFile* file;
};

// The is_stmt rows at or after `line` of the files matching `file`.
std::vector<Hit> rows_from_line(DwarfData& d, const std::vector<LineTableFile>& files, std::string_view file, uint32_t line) {
  std::vector<Hit> out;
  for (const LineTableFile& f : files) {
    if (!file_matches(f.path, file)) continue;
    for (const llvm::DWARFDebugLine::Row& row : f.table->Rows) {
      if (row.File != f.index || row.Line < line || !row.IsStmt || row.EndSequence) continue;
      if (!d.is_code(row.Address.Address)) continue;
      out.push_back({row.Address.Address, row.Line, &f});
    }
  }
  return out;
}

// The function or inlined copy the code at `address` belongs to (its DIE
// offset), so that each copy of a line gets one breakpoint.
uint64_t copy_of(llvm::DWARFUnit* unit, uint64_t address) {
  llvm::SmallVector<llvm::DWARFDie, 4> chain;
  unit->getInlinedChainForAddress(address, chain);
  return chain.empty() ? UINT64_MAX : chain.front().getOffset();
}

// gdb does not move a breakpoint from a line outside any function into the
// next function: the moved-to line's function must begin at or before it.
bool moved_within_function(DwarfData& d, uint64_t address, uint32_t asked) {
  llvm::DWARFDie function = subprogram_at(d, address);
  if (!function) return false;
  uint64_t decl_line = function.getDeclLine();
  return decl_line != 0 && decl_line <= asked;
}

}  // namespace

std::optional<LineBreakpoint> ModuleDebugInfo::find_line(std::string_view file, uint32_t line) {
  DwarfData& d = load();
  std::vector<LineTableFile> files = line_table_files(d);
  std::vector<Hit> hits = rows_from_line(d, files, file, line);
  if (hits.empty()) return std::nullopt;
  // The first line with code; of the files matching, the one that has it.
  auto best = std::min_element(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
    return a.line != b.line ? a.line < b.line : a.address < b.address;
  });
  LineBreakpoint out{best->file->path, best->line, {}};
  if (best->line != line && !moved_within_function(d, best->address, line)) return std::nullopt;
  std::map<uint64_t, uint64_t> lowest;  // copy -> its lowest address for the line
  for (const Hit& h : hits) {
    if (h.line != out.line || h.file->path != out.file) continue;
    uint64_t copy = copy_of(h.file->unit, h.address);
    auto [it, inserted] = lowest.try_emplace(copy, h.address);
    if (!inserted) it->second = std::min(it->second, h.address);
  }
  std::set<uint32_t> offsets;
  for (const auto& [copy, address] : lowest) offsets.insert(d.to_module(address));
  out.offsets.assign(offsets.begin(), offsets.end());
  return out;
}

namespace {

// Rust's legacy mangling ends in a hash ("::h930d4780d70b3f68") no one types.
std::string without_rust_hash(std::string name) {
  size_t at = name.rfind("::h");
  if (at == std::string::npos || name.size() - at != 19) return name;
  bool hex = std::all_of(name.begin() + static_cast<long>(at) + 3, name.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
  if (hex) name.resize(at);
  return name;
}

bool function_matches(const FunctionIndexEntry& f, std::string_view name) {
  if (name.empty()) return false;
  if (f.name == name || f.qualified == name || (!f.linkage.empty() && f.linkage == name)) return true;
  if (!f.demangled.empty() && (f.demangled == name || without_rust_hash(f.demangled) == name)) return true;
  std::string suffix = "::" + std::string(name);
  return f.qualified.ends_with(suffix);
}

// The rows of a function's first range, in address order.
std::vector<const llvm::DWARFDebugLine::Row*> function_rows(const LineTable& table, uint64_t low, uint64_t high) {
  std::vector<const llvm::DWARFDebugLine::Row*> out;
  std::vector<uint32_t> indices;
  if (high <= low || !table.lookupAddressRange({low, llvm::object::SectionedAddress::UndefSection}, high - low, indices)) return out;
  for (uint32_t i : indices) {
    if (i < table.Rows.size() && !table.Rows[i].EndSequence) out.push_back(&table.Rows[i]);
  }
  std::stable_sort(out.begin(), out.end(), [](auto* a, auto* b) { return a->Address.Address < b->Address.Address; });
  return out;
}

// Where gdb stops for `break FUNCTION`: the row the compiler marks as the
// prologue's end, else the first row of the second line, else the start.
const llvm::DWARFDebugLine::Row* after_prologue(const std::vector<const llvm::DWARFDebugLine::Row*>& rows) {
  if (rows.empty()) return nullptr;
  for (const llvm::DWARFDebugLine::Row* r : rows) {
    if (r->PrologueEnd) return r;
  }
  for (const llvm::DWARFDebugLine::Row* r : rows) {
    if (r->Line != 0 && r->Line != rows.front()->Line) return r;
  }
  return rows.front();
}

std::optional<std::pair<uint64_t, uint64_t>> first_range(llvm::DWARFDie die) {
  auto ranges = die.getAddressRanges();
  if (!ranges) {
    llvm::consumeError(ranges.takeError());
    return std::nullopt;
  }
  std::optional<std::pair<uint64_t, uint64_t>> out;
  for (const llvm::DWARFAddressRange& r : *ranges) {
    if (r.LowPC < r.HighPC && (!out || r.LowPC < out->first)) out = std::pair{r.LowPC, r.HighPC};
  }
  return out;
}

}  // namespace

std::vector<FunctionBreakpoint> ModuleDebugInfo::find_function(std::string_view name) {
  DwarfData& d = load();
  std::vector<FunctionBreakpoint> out;
  std::set<uint32_t> seen;
  for (const FunctionIndexEntry& f : d.function_index()) {
    if (!function_matches(f, name)) continue;
    auto range = first_range(f.die);
    if (!range) continue;
    FunctionBreakpoint b;
    b.name = f.qualified.empty() ? f.name : f.qualified;
    b.offset = d.to_module(range->first);
    b.line = static_cast<uint32_t>(f.die.getDeclLine());
    b.file = f.die.getDeclFile(kAbsolute);
    llvm::DWARFUnit* unit = f.die.getDwarfUnit();
    if (const LineTable* table = d.dwarf->getLineTableForUnit(unit)) {
      if (const llvm::DWARFDebugLine::Row* row = after_prologue(function_rows(*table, range->first, range->second))) {
        b.offset = d.to_module(row->Address.Address);
        b.line = row->Line;
        b.file = file_name(*table, unit, row->File);
      }
    }
    if (seen.insert(b.offset).second) out.push_back(std::move(b));
  }
  return out;
}

std::optional<LineRow> ModuleDebugInfo::line_at(uint32_t offset) {
  DwarfData& d = load();
  std::optional<uint64_t> address = d.to_dwarf(offset);
  if (!d.dwarf || !address) return std::nullopt;
  llvm::DWARFCompileUnit* unit = d.dwarf->getCompileUnitForAddress(*address);
  if (!unit) return std::nullopt;
  const LineTable* table = d.dwarf->getLineTableForUnit(unit);
  if (!table) return std::nullopt;
  uint32_t index = table->lookupAddress({*address, llvm::object::SectionedAddress::UndefSection});
  if (index == UINT32_MAX || index >= table->Rows.size()) return std::nullopt;
  const llvm::DWARFDebugLine::Row& row = table->Rows[index];
  return LineRow{file_name(*table, unit, row.File), row.Line, row.Column, row.IsStmt != 0};
}

std::optional<std::pair<uint32_t, uint32_t>> ModuleDebugInfo::function_range(uint32_t offset) {
  DwarfData& d = load();
  std::optional<uint64_t> address = d.to_dwarf(offset);
  if (!d.dwarf || !address) return std::nullopt;
  llvm::DWARFDie function = subprogram_at(d, *address);
  if (!function) return std::nullopt;
  auto ranges = function.getAddressRanges();
  if (!ranges) {
    llvm::consumeError(ranges.takeError());
    return std::nullopt;
  }
  for (const llvm::DWARFAddressRange& r : *ranges) {
    if (r.LowPC <= *address && *address < r.HighPC) return std::pair{d.to_module(r.LowPC), d.to_module(r.HighPC)};
  }
  return std::nullopt;
}

}  // namespace wasmrr::debuginfo
