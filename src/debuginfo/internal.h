// What the debuginfo sources share and nobody else sees: the parsed DWARF
// of one module (ModuleDebugInfo::Loaded), the conversion between module
// offsets and DWARF addresses, and DIE helpers. Includes LLVM headers: never
// include it from a public header.
#pragma once

#include <llvm/DebugInfo/DWARF/DWARFContext.h>
#include <llvm/DebugInfo/DWARF/DWARFDebugLine.h>
#include <llvm/DebugInfo/DWARF/DWARFDie.h>
#include <llvm/DebugInfo/DWARF/DWARFUnit.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "debuginfo/dwarf.h"

namespace wasmrr::debuginfo {

// Caps that keep hostile DWARF or memory from hanging or exhausting us.
inline constexpr int kMaxTypeDepth = 32;          // typedef/const/pointer chains, nested aggregates
inline constexpr size_t kMaxShownElements = 200;  // array elements in one printed value
inline constexpr size_t kMaxChildren = 1000;      // children() of one value
inline constexpr size_t kMaxStringChars = 200;    // characters of a string shown
inline constexpr size_t kMaxMembers = 1000;       // members of one aggregate looked at
inline constexpr size_t kMaxValueText = 64 * 1024;  // one formatted value

enum class Language { C, Cpp, Rust, Other };

// A function with code, for break FUNCTION (built once, on first use).
struct FunctionIndexEntry {
  llvm::DWARFDie die;
  std::string name;       // DW_AT_name
  std::string qualified;  // namespaces and types around it: "rust_debug_loop::step", "ns::f"
  std::string linkage;    // DW_AT_linkage_name as is
  std::string demangled;  // linkage name demangled ("" when none)
};

// A variable outside functions (DW_TAG_variable of a unit or namespace).
struct GlobalIndexEntry {
  llvm::DWARFDie die;
  std::string name;
  std::string qualified;
};

struct DwarfData {
  std::unique_ptr<llvm::DWARFContext> dwarf;  // null: no DWARF
  size_t code_begin = 0;  // DWARF addresses count from the code section's content
  size_t code_size = 0;
  std::optional<std::vector<FunctionIndexEntry>> functions;
  std::optional<std::vector<GlobalIndexEntry>> globals;

  // DWARF address of a module offset; nullopt outside the code section.
  std::optional<uint64_t> to_dwarf(uint32_t offset) const {
    if (offset < code_begin || offset - code_begin >= code_size) return std::nullopt;
    return offset - code_begin;
  }
  uint32_t to_module(uint64_t address) const { return static_cast<uint32_t>(address + code_begin); }
  // Addresses of code dropped by the linker are tombstones (0xffffffff, or 0
  // for some linkers) or lie past the code: not real code.
  bool is_code(uint64_t address) const { return address < code_size; }

  const std::vector<FunctionIndexEntry>& function_index();
  const std::vector<GlobalIndexEntry>& global_index();
};

Language unit_language(llvm::DWARFUnit* unit);
// The names of the namespaces, types and functions around `die` ("a::b"),
// following DW_AT_specification / DW_AT_abstract_origin to the declaration.
std::string qualified_name(llvm::DWARFDie die);
// DW_AT_name (through specification / abstract origin); "" when none.
std::string die_name(llvm::DWARFDie die);
// The DIE that DW_AT_type refers to (invalid when none).
llvm::DWARFDie type_of(llvm::DWARFDie die);
// Whether `die`'s address ranges contain the DWARF address.
bool die_contains(llvm::DWARFDie die, uint64_t address);
// The lowest DWARF address of `die` (low_pc or its lowest range).
std::optional<uint64_t> die_low_pc(llvm::DWARFDie die);

// --- lines.cpp ---
// A file of a unit's line table.
struct LineTableFile {
  llvm::DWARFUnit* unit;
  const llvm::DWARFDebugLine::LineTable* table;
  uint64_t index;
  std::string path;  // with the unit's directories, as locate() gives it
};
std::vector<LineTableFile> line_table_files(DwarfData& d);
// `path` is `file`, or ends with "/" + file (leading "./" ignored).
bool file_matches(std::string_view path, std::string_view file);
std::string file_name(const llvm::DWARFDebugLine::LineTable& table, llvm::DWARFUnit* unit, uint64_t index);
// The subprogram (not an inlined copy) whose code holds the DWARF address.
llvm::DWARFDie subprogram_at(DwarfData& d, uint64_t address);

}  // namespace wasmrr::debuginfo
