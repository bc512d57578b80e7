// Source locations from the DWARF a core module carries (clang -g, rustc
// -g): the .debug_* custom sections, read with LLVM's DebugInfo library.
// A frame's code offset becomes file:line:column and the source function,
// with the functions inlined at that point. A module without DWARF simply
// has no locations. Reading is lazy: nothing is parsed until asked.
//
// For source-level debugging it also answers what a gdb-like debugger asks:
// where a line or function begins (breakpoints), which line and function
// an offset is in (stepping), the variables in scope and their values read
// from a paused frame through DWARF location expressions, and `print EXPR`
// for a C-like expression, formatted as gdb formats it.
//
// Every offset here is a module offset: a byte offset into the core wasm
// module binary (DWARF's addresses count from the code section instead).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/result.h"

namespace wasmrr::debuginfo {

struct SourceLocation {
  std::string function;  // the source function (demangled where DWARF names it so)
  std::string file;      // as DWARF gives it: absolute, or relative to the compilation directory
  uint32_t line = 0;     // 0: no line (compiler-generated code)
  uint32_t column = 0;
};

// break FILE:LINE: the offsets where `line` of `file` begins (one per
// function or inlined copy that has code for it). `file` and `line` are
// the ones found: the line-table path and, when the asked line has no code,
// the next line of the same function that has.
struct LineBreakpoint {
  std::string file;
  uint32_t line = 0;
  std::vector<uint32_t> offsets;
};

// break FUNCTION: where a function's body begins, past its prologue.
struct FunctionBreakpoint {
  std::string name;  // qualified where DWARF nests it ("rust_debug_loop::step")
  std::string file;
  uint32_t line = 0;  // the line at `offset`
  uint32_t offset = 0;
};

// The line-table row covering an offset.
struct LineRow {
  std::string file;
  uint32_t line = 0;  // 0: compiler-generated code
  uint32_t column = 0;
  bool is_stmt = false;
};

// What a debugger reads from a paused frame. Locals are the wasm
// function's locals (parameters first) as raw bits, i32 zero-extended;
// globals by index in the module's global index space; memory is the
// frame's linear memory 0. Anything unavailable: nullopt / false.
class FrameAccess {
 public:
  virtual ~FrameAccess() = default;
  virtual std::optional<uint64_t> local(uint32_t index) = 0;
  virtual std::optional<uint64_t> global(uint32_t index) = 0;
  virtual bool read_memory(uint64_t address, std::span<uint8_t> out) = 0;
};

// A value shown to a user (gdb style), possibly with parts a UI can expand.
struct ShownValue {
  std::string name;        // variable or member name, "[3]", "*p"
  std::string type;        // as DWARF names it: "int", "struct point *", "&mut rust_debug_loop::Point"
  std::string value;       // "42", "{x = 1, y = 2}", "0x11ff8", "\"hi\"", "RED", "<optimized out>"
  std::string expression;  // what evaluate() takes to give this value again ("p.x", "(*p).x", "a[3]")
  bool expandable = false; // children() has something: members, elements, a pointer's pointee
};

// A variable in scope at an offset.
struct VariableEntry {
  ShownValue shown;
  bool is_parameter = false;
};

// A line of a source file, for `list`.
struct SourceLine {
  std::string path;  // the path it was read from
  std::string text;  // without the line end
};

// A C++ or Rust symbol (_ZN..., _R...) as source code names it; anything
// else as it is.
std::string demangle(const std::string& symbol);

struct DwarfData;  // the parsed DWARF (internal.h)

class ModuleDebugInfo {
 public:
  // `module` (a core wasm binary) must outlive this object.
  explicit ModuleDebugInfo(std::span<const uint8_t> module);
  ~ModuleDebugInfo();
  ModuleDebugInfo(const ModuleDebugInfo&) = delete;
  ModuleDebugInfo& operator=(const ModuleDebugInfo&) = delete;

  bool has_dwarf();
  // Where the code at byte `offset` of the module comes from: the innermost
  // (inlined) function first, the function whose body it is last. Empty
  // without DWARF for that code.
  std::vector<SourceLocation> locate(uint32_t offset);

  // --- Lines and functions (lines.cpp) ---
  // `file` matches a line-table path equal to it or ending in "/" + file.
  // A line without code moves to the next line with code in the same
  // function (as gdb does); nullopt: no such file, or no code for the line.
  std::optional<LineBreakpoint> find_line(std::string_view file, uint32_t line);
  // Functions whose name, linkage name (mangled or demangled) or qualified
  // name is `name`, or whose qualified name ends with "::" + name.
  std::vector<FunctionBreakpoint> find_function(std::string_view name);
  // The line-table row covering `offset`; nullopt: none.
  std::optional<LineRow> line_at(uint32_t offset);
  // [begin, end) of the function containing `offset` (the range of its
  // code that holds offset, when it has several); nullopt: none.
  std::optional<std::pair<uint32_t, uint32_t>> function_range(uint32_t offset);

  // --- Variables and values (variables.cpp, expression.cpp) ---
  // Parameters and variables of the function at `offset` and of every
  // lexical block and inlined subroutine around it that contains offset:
  // innermost scope first, a shadowed name only once (its innermost one).
  // Values are formatted as gdb's `info locals` does (pointers without
  // their type in front).
  std::vector<VariableEntry> variables(uint32_t offset, FrameAccess& frame);
  // print EXPR: a C-like expression (see expression.cpp) over the
  // variables in scope at `offset`, then the module's globals, formatted
  // as gdb's `print` formats it.
  Result<ShownValue> evaluate(std::string_view expression, uint32_t offset, FrameAccess& frame);
  // The parts of an expandable value: members, array elements (up to 1000),
  // a pointer's pointee; each with its own `expression`.
  Result<std::vector<ShownValue>> children(std::string_view expression, uint32_t offset, FrameAccess& frame);
  // The linear-memory address of what `expression` designates (a variable,
  // "p->y", "a[2]"), as `&expression` gives it; an error when it is not in
  // memory (a wasm local, a constant) or cannot be evaluated.
  Result<uint64_t> address_of(std::string_view expression, uint32_t offset, FrameAccess& frame);

  // --- Sources (source_file.cpp) ---
  // Line `line` of the line-table file matching `file` (as find_line
  // matches), read from its path (relative ones resolved against the
  // unit's DW_AT_comp_dir, then as they are); nullopt: unreadable.
  std::optional<SourceLine> source_line(std::string_view file, uint32_t line);

 private:
  DwarfData& load();
  std::span<const uint8_t> module_;
  std::unique_ptr<DwarfData> loaded_;
};

}  // namespace wasmrr::debuginfo
