#include "engine/wasm_binary.h"

#include <fmt/format.h>

#include <cstring>
#include <iterator>

#include "util/byte_reader.h"

namespace wasmrr::engine::binary {
namespace {

// A declaration of a proposal SpiderMonkey 102 lacks, found while parsing:
// thrown inside this file only, like ByteReadError, and turned into an Error
// by its entry points; neither crosses an engine frame.
struct Unsupported {
  std::string message;
};

enum SectionId : uint8_t {
  kCustom = 0, kType = 1, kImport = 2, kFunction = 3, kTable = 4, kMemory = 5,
  kGlobal = 6, kExport = 7, kStart = 8, kElement = 9, kCode = 10, kData = 11,
  kDataCount = 12, kTag = 13,
};

std::string section_scope(uint8_t id) {
  static constexpr const char* kNames[] = {"custom", "type",    "import", "function", "table",
                                           "memory", "global",  "export", "start",    "element",
                                           "code",   "data",    "data count", "tag"};
  if (id < std::size(kNames)) return fmt::format("section '{}'", kNames[id]);
  return fmt::format("section 0x{:02x}", id);
}

// The core-format readers on top of the shared ByteReader.

CoreType valtype(ByteReader& r, std::string_view what) {
  size_t start = r.pos();
  uint8_t b = r.read_u8(what);
  if (auto t = core_type_from_byte(b)) return *t;
  r.fail(start, fmt::format("unknown value type 0x{:02x} ({})", b, what));
}

Limits limits(ByteReader& r, bool is_memory, bool* shared) {
  uint8_t flags = r.read_u8("limits flags");
  if (flags & 0x04) {
    throw Unsupported{"module uses the memory64 proposal (64-bit memory), "
                      "which SpiderMonkey 102 does not support"};
  }
  if (flags > (is_memory ? 0x03 : 0x01)) r.fail_here(fmt::format("bad limits flags 0x{:02x}", flags));
  if (shared) *shared = (flags & 0x02) != 0;
  Limits l;
  l.min = r.read_u32_leb("limits minimum");
  l.has_max = (flags & 0x01) != 0;
  if (l.has_max) l.max = r.read_u32_leb("limits maximum");
  return l;
}

TableType table_type(ByteReader& r) {
  TableType t;
  t.elem = valtype(r, "table element type");
  t.limits = limits(r, false, nullptr);
  return t;
}

MemoryType memory_type(ByteReader& r) {
  MemoryType m;
  m.limits = limits(r, true, &m.shared);
  return m;
}

GlobalType global_type(ByteReader& r) {
  GlobalType g;
  g.type = valtype(r, "global type");
  uint8_t m = r.read_u8("global mutability");
  if (m > 1) r.fail_here("bad global mutability");
  g.mutable_ = m == 1;
  return g;
}

// Reads a constant expression up to and including its `end` opcode.
ConstExpr const_expr(ByteReader& r, CoreType type) {
  ConstExpr e{r.pos(), 0, type, false};
  for (;;) {
    size_t at = r.pos();
    uint8_t op = r.read_u8("constant expression opcode");
    switch (op) {
      case 0x0b: e.end = r.pos(); return e;
      case 0x41: r.read_sleb(32, "i32.const"); break;
      case 0x42: r.read_sleb(64, "i64.const"); break;
      case 0x43: r.skip(4, "f32.const"); break;
      case 0x44: r.skip(8, "f64.const"); break;
      case 0x23: r.read_u32_leb("global.get index"); break;
      case 0xd0: r.read_u8("ref.null type"); break;
      case 0xd2: r.read_u32_leb("ref.func index"); break;
      case 0xfd:
        if (r.read_u32_leb("SIMD opcode") != 12) r.fail_here("unsupported SIMD instruction in constant expression");
        r.skip(16, "v128.const");
        break;
      case 0x6a: case 0x6b: case 0x6c:  // i32.add, i32.sub, i32.mul
      case 0x7c: case 0x7d: case 0x7e:  // i64.add, i64.sub, i64.mul
        e.extended = true;
        break;
      default:
        r.fail(at, fmt::format("unsupported instruction 0x{:02x} in constant expression", op));
    }
  }
}

class ModuleParser {
 public:
  explicit ModuleParser(std::span<const uint8_t> bytes) : bytes_(bytes) {}

  ModuleInfo parse() {
    ByteReader r(bytes_);
    static const uint8_t kHeader[8] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
    if (bytes_.size() < 8 || std::memcmp(bytes_.data(), kHeader, 8) != 0) {
      r.fail_here("not a core WebAssembly module (bad magic or version)");
    }
    r.skip(8, "header");
    while (!r.at_end()) {
      Section s;
      s.header_begin = r.pos();
      s.id = r.read_u8("section id");
      uint32_t size = r.read_u32_leb("section size");
      ByteReader content = r.sub(size, section_scope(s.id));
      s.content_begin = content.pos();
      s.end = content.end();
      info_.sections.push_back(s);
      parse_section(s.id, content);
    }
    if (info_.memories.size() > 1) {
      throw Unsupported{"module uses the multi-memory proposal (" + std::to_string(info_.memories.size()) +
                       " memories), which SpiderMonkey 102 does not support"};
    }
    return std::move(info_);
  }

 private:
  void parse_section(uint8_t id, ByteReader& r) {
    switch (id) {
      case kType: parse_types(r); break;
      case kImport: parse_imports(r); break;
      case kFunction: parse_functions(r); break;
      case kTable:
        for (uint32_t n = r.read_u32_leb("table count"); n > 0; --n) info_.tables.push_back(table_type(r));
        break;
      case kMemory:
        for (uint32_t n = r.read_u32_leb("memory count"); n > 0; --n) info_.memories.push_back(memory_type(r));
        break;
      case kGlobal: parse_globals(r); break;
      case kExport: parse_exports(r); break;
      case kElement: parse_elements(r); break;
      case kData: parse_data(r); break;
      default: break;  // custom, start, code, data count, tag: nothing to learn here
    }
  }

  void parse_types(ByteReader& r) {
    for (uint32_t n = r.read_u32_leb("type count"); n > 0; --n) {
      uint8_t form = r.read_u8("type form");
      if (form != 0x60) r.fail_here(fmt::format("unsupported type form 0x{:02x} (GC proposal?)", form));
      CoreFuncType ft;
      for (uint32_t i = r.read_u32_leb("param count"); i > 0; --i) ft.params.push_back(valtype(r, "param type"));
      for (uint32_t i = r.read_u32_leb("result count"); i > 0; --i) ft.results.push_back(valtype(r, "result type"));
      info_.types.push_back(std::move(ft));
    }
  }

  const CoreFuncType& func_type(ByteReader& r, uint32_t type_index) {
    if (type_index >= info_.types.size()) r.fail_here(fmt::format("type index {} out of range", type_index));
    return info_.types[type_index];
  }

  void parse_imports(ByteReader& r) {
    for (uint32_t n = r.read_u32_leb("import count"); n > 0; --n) {
      ExternDesc d;
      d.module = r.read_name("import module name");
      d.name = r.read_name("import field name");
      uint8_t kind = r.read_u8("import kind");
      switch (kind) {
        case 0x00: {
          uint32_t ti = r.read_u32_leb("import type index");
          d.kind = ExternKind::Func;
          d.func = func_type(r, ti);
          info_.func_type_indices.push_back(ti);
          ++info_.imported_funcs;
          break;
        }
        case 0x01: d.kind = ExternKind::Table; d.table = table_type(r); info_.tables.push_back(d.table); break;
        case 0x02: d.kind = ExternKind::Memory; d.memory = memory_type(r); info_.memories.push_back(d.memory); break;
        case 0x03:
          d.kind = ExternKind::Global;
          d.global = global_type(r);
          info_.globals.push_back(d.global);
          ++info_.imported_globals;
          break;
        case 0x04: r.fail_here(fmt::format("tag import {}#{} is not supported", d.module, d.name));
        default: r.fail_here(fmt::format("unknown import kind 0x{:02x}", kind));
      }
      info_.imports.push_back(std::move(d));
    }
  }

  void parse_functions(ByteReader& r) {
    for (uint32_t n = r.read_u32_leb("function count"); n > 0; --n) {
      uint32_t ti = r.read_u32_leb("function type index");
      func_type(r, ti);
      info_.func_type_indices.push_back(ti);
    }
  }

  void parse_globals(ByteReader& r) {
    for (uint32_t n = r.read_u32_leb("global count"); n > 0; --n) {
      GlobalType g = global_type(r);
      ConstExpr e = const_expr(r, g.type);
      info_.globals.push_back(g);
      info_.global_inits.push_back(e);
      if (e.extended) info_.extended_exprs.push_back(e);
    }
  }

  void parse_exports(ByteReader& r) {
    for (uint32_t n = r.read_u32_leb("export count"); n > 0; --n) {
      ExternDesc d;
      d.name = r.read_name("export name");
      uint8_t kind = r.read_u8("export kind");
      uint32_t index = r.read_u32_leb("export index");
      auto check = [&](size_t count) {
        if (index >= count) r.fail_here(fmt::format("export {} index {} out of range", d.name, index));
      };
      switch (kind) {
        case 0x00:
          check(info_.func_type_indices.size());
          d.kind = ExternKind::Func;
          d.func = info_.types[info_.func_type_indices[index]];
          break;
        case 0x01: check(info_.tables.size()); d.kind = ExternKind::Table; d.table = info_.tables[index]; break;
        case 0x02: check(info_.memories.size()); d.kind = ExternKind::Memory; d.memory = info_.memories[index]; break;
        case 0x03: check(info_.globals.size()); d.kind = ExternKind::Global; d.global = info_.globals[index]; break;
        case 0x04: continue;  // exception tags have no Extern counterpart; not exposed
        default: r.fail_here(fmt::format("unknown export kind 0x{:02x}", kind));
      }
      info_.exports.push_back(std::move(d));
    }
  }

  void note(const ConstExpr& e) {
    if (e.extended) info_.extended_exprs.push_back(e);
  }

  void parse_elements(ByteReader& r) {
    for (uint32_t n = r.read_u32_leb("element segment count"); n > 0; --n) {
      uint32_t flags = r.read_u32_leb("element segment flags");
      if (flags > 7) r.fail_here(fmt::format("bad element segment flags {}", flags));
      bool passive_or_declared = flags & 0x01;
      bool explicit_table = flags & 0x02;
      bool uses_exprs = flags & 0x04;
      if (!passive_or_declared) {
        if (explicit_table) r.read_u32_leb("element table index");
        note(const_expr(r, CoreType::I32));
      }
      if (passive_or_declared || explicit_table) {
        if (uses_exprs) valtype(r, "element reference type");
        else r.read_u8("element kind");
      }
      for (uint32_t i = r.read_u32_leb("element count"); i > 0; --i) {
        if (uses_exprs) note(const_expr(r, CoreType::FuncRef));
        else r.read_u32_leb("element function index");
      }
    }
  }

  void parse_data(ByteReader& r) {
    for (uint32_t n = r.read_u32_leb("data segment count"); n > 0; --n) {
      uint32_t flags = r.read_u32_leb("data segment flags");
      if (flags > 2) r.fail_here(fmt::format("bad data segment flags {}", flags));
      if (flags == 2) r.read_u32_leb("data memory index");
      if (flags != 1) note(const_expr(r, CoreType::I32));
      r.skip(r.read_u32_leb("data segment size"), "data segment bytes");
    }
  }

  std::span<const uint8_t> bytes_;
  ModuleInfo info_;
};

// Skips the immediates of one instruction in a function body. Returns the
// name of an unsupported proposal's instruction if `op` is one.
class CodeScanner {
 public:
  explicit CodeScanner(ByteReader& r) : r_(r) {}

  std::optional<std::string> scan_body() {
    for (uint32_t n = r_.read_u32_leb("local group count"); n > 0; --n) {
      r_.read_u32_leb("local count");
      valtype(r_, "local type");
    }
    while (!r_.at_end()) {
      if (auto found = instruction()) return found;
    }
    return std::nullopt;
  }

 private:
  void memarg() {
    uint32_t align = r_.read_u32_leb("memarg alignment");
    if (align & 0x40) r_.read_u32_leb("memarg memory index");
    r_.read_u64_leb("memarg offset");
  }

  std::optional<std::string> instruction() {
    uint8_t op = r_.read_u8("opcode");
    switch (op) {
      case 0x12: return "module uses the tail-call proposal (return_call), which SpiderMonkey 102 does not support";
      case 0x13:
        return "module uses the tail-call proposal (return_call_indirect), which SpiderMonkey 102 does not support";
      case 0x14: case 0x15:
        return "module uses the function-references proposal (call_ref), which SpiderMonkey 102 does not support";
      case 0x02: case 0x03: case 0x04: case 0x06: r_.read_sleb(33, "block type"); break;
      case 0x07: case 0x08: case 0x09: case 0x0c: case 0x0d: case 0x10: case 0x18:
      case 0x20: case 0x21: case 0x22: case 0x23: case 0x24: case 0x25: case 0x26: case 0xd2:
        r_.read_u32_leb("index");
        break;
      case 0x0e:
        for (uint32_t n = r_.read_u32_leb("br_table count"); n > 0; --n) r_.read_u32_leb("br_table label");
        r_.read_u32_leb("br_table default");
        break;
      case 0x11: r_.read_u32_leb("type index"); r_.read_u32_leb("table index"); break;
      case 0x1c: for (uint32_t n = r_.read_u32_leb("select type count"); n > 0; --n) valtype(r_, "select type"); break;
      case 0x3f: case 0x40: {
        uint32_t mem = r_.read_u32_leb("memory index");
        if (mem != 0) return multi_memory();
        break;
      }
      case 0x41: r_.read_sleb(32, "i32.const"); break;
      case 0x42: r_.read_sleb(64, "i64.const"); break;
      case 0x43: r_.skip(4, "f32.const"); break;
      case 0x44: r_.skip(8, "f64.const"); break;
      case 0xd0: r_.read_u8("ref.null type"); break;
      case 0xfc: return prefixed_fc();
      case 0xfd: simd(); break;
      case 0xfe: atomic(); break;
      default:
        if (op >= 0x28 && op <= 0x3e) {
          memarg();
        } else if (!(op <= 0x01 || op == 0x05 || op == 0x0b || op == 0x0f || op == 0x19 || op == 0x1a ||
                     op == 0x1b || (op >= 0x45 && op <= 0xc4) || op == 0xd1)) {
          r_.fail_here(fmt::format("unknown opcode 0x{:02x}", op));
        }
    }
    return std::nullopt;
  }

  static std::string multi_memory() {
    return "module uses the multi-memory proposal (memory index > 0), which SpiderMonkey 102 does not support";
  }

  std::optional<std::string> prefixed_fc() {
    uint32_t sub = r_.read_u32_leb("0xfc opcode");
    switch (sub) {
      case 8: r_.read_u32_leb("data index"); if (r_.read_u32_leb("memory index")) return multi_memory(); break;
      case 10: if (r_.read_u32_leb("memory index") | r_.read_u32_leb("memory index")) return multi_memory(); break;
      case 11: if (r_.read_u32_leb("memory index")) return multi_memory(); break;
      case 12: case 14: r_.read_u32_leb("index"); r_.read_u32_leb("index"); break;
      case 9: case 13: case 15: case 16: case 17: r_.read_u32_leb("index"); break;
      default: if (sub > 17) r_.fail_here(fmt::format("unknown opcode 0xfc {}", sub));
    }
    return std::nullopt;
  }

  void simd() {
    uint32_t sub = r_.read_u32_leb("SIMD opcode");
    if (sub <= 11 || sub == 92 || sub == 93) {
      memarg();
    } else if (sub == 12 || sub == 13) {
      r_.skip(16, "v128 immediate");
    } else if (sub >= 21 && sub <= 34) {
      r_.read_u8("lane index");
    } else if (sub >= 84 && sub <= 91) {
      memarg();
      r_.read_u8("lane index");
    }
  }

  void atomic() {
    uint32_t sub = r_.read_u32_leb("atomic opcode");
    if (sub == 3) r_.read_u8("atomic.fence flags");
    else memarg();
  }

  ByteReader& r_;
};

}  // namespace

const Section* ModuleInfo::code_section() const {
  for (const Section& s : sections) {
    if (s.id == kCode) return &s;
  }
  return nullptr;
}

Result<ModuleInfo> parse_module(std::span<const uint8_t> bytes) {
  try {
    return ModuleParser(bytes).parse();
  } catch (const ByteReadError& e) {
    return make_error(e.text());
  } catch (const Unsupported& e) {
    return make_error(e.message);
  }
}

std::optional<std::string> find_unsupported_instruction(std::span<const uint8_t> bytes, const ModuleInfo& info) {
  const Section* code = info.code_section();
  if (!code) return std::nullopt;
  try {
    ByteReader r(bytes.data(), code->content_begin, code->end, section_scope(kCode));
    for (uint32_t n = r.read_u32_leb("function body count"); n > 0; --n) {
      uint32_t size = r.read_u32_leb("function body size");
      ByteReader body = r.sub(size, "function body");
      try {
        if (auto found = CodeScanner(body).scan_body()) return found;
      } catch (const ByteReadError&) {
        // An instruction this scanner does not know: SpiderMonkey's own
        // message will have to do for this body; keep looking in the others.
      }
    }
  } catch (const ByteReadError&) {
  }
  return std::nullopt;
}

Result<std::vector<FunctionCode>> function_code(std::span<const uint8_t> bytes, const ModuleInfo& info) {
  std::vector<FunctionCode> out;
  const Section* code = info.code_section();
  if (!code) return out;
  try {
    ByteReader r(bytes.data(), code->content_begin, code->end, section_scope(kCode));
    uint32_t count = r.read_u32_leb("function body count");
    for (uint32_t n = 0; n < count; n++) {
      FunctionCode f;
      f.index = static_cast<uint32_t>(info.imported_funcs + n);
      size_t size = r.read_u32_leb("function body size");
      ByteReader body = r.sub(size, "function body");
      f.begin = body.pos();
      f.end = body.end();
      if (f.index < info.func_type_indices.size() && info.func_type_indices[f.index] < info.types.size())
        f.locals = info.types[info.func_type_indices[f.index]].params;
      for (uint32_t groups = body.read_u32_leb("local group count"); groups > 0; --groups) {
        uint32_t same = body.read_u32_leb("local count");
        CoreType t = valtype(body, "local type");
        // Validation (SpiderMonkey's, already passed) bounds a function to 50 000 locals.
        if (f.locals.size() + same > 50'000) body.fail_here("too many locals");
        f.locals.insert(f.locals.end(), same, t);
      }
      f.first_instruction = body.pos();
      out.push_back(std::move(f));
    }
  } catch (const ByteReadError& e) {
    return make_error(e.text());
  }
  return out;
}

std::vector<std::pair<uint32_t, std::string>> function_names(std::span<const uint8_t> bytes, const ModuleInfo& info) {
  std::vector<std::pair<uint32_t, std::string>> out;
  constexpr uint8_t kFunctionNames = 1;  // the name section's subsection of function names
  for (const Section& s : info.sections) {
    if (s.id != kCustom) continue;
    try {
      ByteReader r(bytes.data(), s.content_begin, s.end, section_scope(kCustom));
      if (r.read_name("custom section name") != "name") continue;
      while (!r.at_end()) {
        uint8_t id = r.read_u8("name subsection id");
        ByteReader sub = r.sub(r.read_u32_leb("name subsection size"), "name subsection");
        if (id != kFunctionNames) continue;
        for (uint32_t n = sub.read_u32_leb("function name count"); n > 0; --n) {
          uint32_t index = sub.read_u32_leb("function index");
          out.emplace_back(index, sub.read_name("function name"));
        }
      }
    } catch (const ByteReadError&) {
      // A broken name section costs names only.
    }
  }
  return out;
}

}  // namespace wasmrr::engine::binary
