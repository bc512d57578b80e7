// Source locations from the DWARF a core module carries (clang -g, rustc
// -g): the .debug_* custom sections, read with LLVM's DebugInfo library.
// A frame's code offset becomes file:line:column and the source function,
// with the functions inlined at that point. A module without DWARF simply
// has no locations. Reading is lazy: nothing is parsed until asked.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace wasmrr::debuginfo {

struct SourceLocation {
  std::string function;  // the source function (demangled where DWARF names it so)
  std::string file;      // as DWARF gives it: absolute, or relative to the compilation directory
  uint32_t line = 0;     // 0: no line (compiler-generated code)
  uint32_t column = 0;
};

// A C++ or Rust symbol (_ZN..., _R...) as source code names it; anything
// else as it is.
std::string demangle(const std::string& symbol);

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

 private:
  struct Loaded;
  Loaded& load();
  std::span<const uint8_t> module_;
  std::unique_ptr<Loaded> loaded_;
};

}  // namespace wasmrr::debuginfo
