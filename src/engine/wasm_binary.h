// A small reader for the core WebAssembly binary format: just enough to learn
// a module's full import/export types, to find the constant expressions that
// SpiderMonkey 102 cannot compile (extended-const), and to name the proposals
// it lacks (tail calls, multi-memory, memory64). Everything else is left to
// SpiderMonkey's own validation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine/engine.h"

namespace wasmrr::engine::binary {

// A constant expression: its bytes [begin, end) in the module, including the
// final `end` opcode, and the type it produces.
struct ConstExpr {
  size_t begin = 0;
  size_t end = 0;
  CoreType type = CoreType::I32;
  bool extended = false;  // uses i32/i64 add, sub or mul (extended-const)
};

struct Section {
  uint8_t id = 0;
  size_t header_begin = 0;   // offset of the id byte
  size_t content_begin = 0;  // offset after the size field
  size_t end = 0;
};

struct ModuleInfo {
  std::vector<Section> sections;
  std::vector<CoreFuncType> types;
  std::vector<ExternDesc> imports;
  std::vector<ExternDesc> exports;
  std::vector<uint32_t> func_type_indices;  // per function, imported first
  std::vector<TableType> tables;            // imported first
  std::vector<MemoryType> memories;         // imported first
  std::vector<GlobalType> globals;          // imported first
  size_t imported_globals = 0;
  size_t imported_funcs = 0;
  std::vector<ConstExpr> global_inits;  // one per defined global
  // Every constant expression (globals, element and data segments) that uses
  // extended-const instructions and must be folded before compiling.
  std::vector<ConstExpr> extended_exprs;
  const Section* code_section() const;
};

// Parses the module's structure. Fails with an offset-bearing message on a
// malformed binary (util/byte_reader.h's format: "0x0000000a: unexpected end
// of ..."), or with a message naming an unsupported proposal
// (multi-memory, memory64) when the declarations already show it.
Result<ModuleInfo> parse_module(std::span<const uint8_t> bytes);

// A defined function's body, for the debugger: where its code is and the
// types of its locals (params first).
struct FunctionCode {
  uint32_t index = 0;  // in the function index space (imports first)
  size_t begin = 0;    // the body's bytes [begin, end) in the module
  size_t end = 0;
  size_t first_instruction = 0;  // after the local declarations
  std::vector<CoreType> locals;
};
Result<std::vector<FunctionCode>> function_code(std::span<const uint8_t> bytes, const ModuleInfo& info);

// The function names of the name section (index -> name); empty without one
// or when it cannot be read.
std::vector<std::pair<uint32_t, std::string>> function_names(std::span<const uint8_t> bytes, const ModuleInfo& info);

// Walks the function bodies looking for instructions of proposals that
// SpiderMonkey 102 lacks; returns a sentence naming the first one found.
// Only worth its cost after SpiderMonkey has rejected a module.
std::optional<std::string> find_unsupported_instruction(std::span<const uint8_t> bytes,
                                                        const ModuleInfo& info);

}  // namespace wasmrr::engine::binary
