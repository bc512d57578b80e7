#include "engine/wasm_binary.h"

#include <fmt/format.h>

#include <cstring>

namespace wasmrr::engine::binary {
namespace {

// Thrown inside this file only, and turned into an Error by its entry points;
// it never crosses an engine frame.
struct ParseError {
  std::string message;
};

enum SectionId : uint8_t {
  kCustom = 0, kType = 1, kImport = 2, kFunction = 3, kTable = 4, kMemory = 5,
  kGlobal = 6, kExport = 7, kStart = 8, kElement = 9, kCode = 10, kData = 11,
  kDataCount = 12, kTag = 13,
};

class Reader {
 public:
  Reader(std::span<const uint8_t> bytes, size_t pos, size_t end) : bytes_(bytes), pos_(pos), end_(end) {}

  size_t pos() const { return pos_; }
  size_t end() const { return end_; }
  bool at_end() const { return pos_ >= end_; }

  [[noreturn]] void fail(const std::string& what) const {
    throw ParseError{fmt::format("offset 0x{:x}: {}", pos_, what)};
  }

  uint8_t u8(const char* what) {
    if (pos_ >= end_) fail(fmt::format("unexpected end reading {}", what));
    return bytes_[pos_++];
  }

  void skip(size_t n, const char* what) {
    if (end_ - pos_ < n) fail(fmt::format("unexpected end reading {}", what));
    pos_ += n;
  }

  uint64_t uleb(const char* what, unsigned max_bits = 64) {
    uint64_t result = 0;
    for (unsigned shift = 0;; shift += 7) {
      if (shift >= max_bits + 7) fail(fmt::format("LEB128 too long: {}", what));
      uint8_t b = u8(what);
      if (shift < 64) result |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return result;
    }
  }
  uint32_t u32(const char* what) { return static_cast<uint32_t>(uleb(what, 32)); }

  int64_t sleb(const char* what, unsigned max_bits = 64) {
    int64_t result = 0;
    unsigned shift = 0;
    uint8_t b = 0;
    do {
      if (shift >= max_bits + 7) fail(fmt::format("LEB128 too long: {}", what));
      b = u8(what);
      if (shift < 64) result |= static_cast<int64_t>(static_cast<uint64_t>(b & 0x7f) << shift);
      shift += 7;
    } while (b & 0x80);
    if (shift < 64 && (b & 0x40)) result |= static_cast<int64_t>(~uint64_t{0} << shift);
    return result;
  }

  std::string name(const char* what) {
    uint32_t len = u32(what);
    size_t at = pos_;
    skip(len, what);
    return std::string(reinterpret_cast<const char*>(bytes_.data() + at), len);
  }

  CoreType valtype(const char* what) {
    uint8_t b = u8(what);
    if (auto t = core_type_from_byte(b)) return *t;
    --pos_;
    fail(fmt::format("unknown value type 0x{:02x} ({})", b, what));
  }

  Limits limits(bool is_memory, bool* shared) {
    uint8_t flags = u8("limits flags");
    if (flags & 0x04) {
      throw ParseError{"module uses the memory64 proposal (64-bit memory), "
                       "which SpiderMonkey 102 does not support"};
    }
    if (flags > (is_memory ? 0x03 : 0x01)) fail(fmt::format("bad limits flags 0x{:02x}", flags));
    if (shared) *shared = (flags & 0x02) != 0;
    Limits l;
    l.min = u32("limits minimum");
    l.has_max = (flags & 0x01) != 0;
    if (l.has_max) l.max = u32("limits maximum");
    return l;
  }

  TableType table_type() {
    TableType t;
    t.elem = valtype("table element type");
    t.limits = limits(false, nullptr);
    return t;
  }

  MemoryType memory_type() {
    MemoryType m;
    m.limits = limits(true, &m.shared);
    return m;
  }

  GlobalType global_type() {
    GlobalType g;
    g.type = valtype("global type");
    uint8_t m = u8("global mutability");
    if (m > 1) fail("bad global mutability");
    g.mutable_ = m == 1;
    return g;
  }

  // Reads a constant expression up to and including its `end` opcode.
  ConstExpr const_expr(CoreType type) {
    ConstExpr e{pos_, 0, type, false};
    for (;;) {
      uint8_t op = u8("constant expression opcode");
      switch (op) {
        case 0x0b: e.end = pos_; return e;
        case 0x41: sleb("i32.const", 32); break;
        case 0x42: sleb("i64.const", 64); break;
        case 0x43: skip(4, "f32.const"); break;
        case 0x44: skip(8, "f64.const"); break;
        case 0x23: u32("global.get index"); break;
        case 0xd0: u8("ref.null type"); break;
        case 0xd2: u32("ref.func index"); break;
        case 0xfd:
          if (u32("SIMD opcode") != 12) fail("unsupported SIMD instruction in constant expression");
          skip(16, "v128.const");
          break;
        case 0x6a: case 0x6b: case 0x6c:  // i32.add, i32.sub, i32.mul
        case 0x7c: case 0x7d: case 0x7e:  // i64.add, i64.sub, i64.mul
          e.extended = true;
          break;
        default:
          --pos_;
          fail(fmt::format("unsupported instruction 0x{:02x} in constant expression", op));
      }
    }
  }

 private:
  std::span<const uint8_t> bytes_;
  size_t pos_;
  size_t end_;
};

class ModuleParser {
 public:
  explicit ModuleParser(std::span<const uint8_t> bytes) : bytes_(bytes) {}

  ModuleInfo parse() {
    Reader r(bytes_, 0, bytes_.size());
    static const uint8_t kHeader[8] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
    if (bytes_.size() < 8 || std::memcmp(bytes_.data(), kHeader, 8) != 0) {
      r.fail("not a core WebAssembly module (bad magic or version)");
    }
    r.skip(8, "header");
    while (!r.at_end()) {
      Section s;
      s.header_begin = r.pos();
      s.id = r.u8("section id");
      uint32_t size = r.u32("section size");
      s.content_begin = r.pos();
      r.skip(size, "section contents");
      s.end = r.pos();
      info_.sections.push_back(s);
      Reader sr(bytes_, s.content_begin, s.end);
      parse_section(s.id, sr);
    }
    if (info_.memories.size() > 1) {
      throw ParseError{"module uses the multi-memory proposal (" + std::to_string(info_.memories.size()) +
                       " memories), which SpiderMonkey 102 does not support"};
    }
    return std::move(info_);
  }

 private:
  void parse_section(uint8_t id, Reader& r) {
    switch (id) {
      case kType: parse_types(r); break;
      case kImport: parse_imports(r); break;
      case kFunction: parse_functions(r); break;
      case kTable:
        for (uint32_t n = r.u32("table count"); n > 0; --n) info_.tables.push_back(r.table_type());
        break;
      case kMemory:
        for (uint32_t n = r.u32("memory count"); n > 0; --n) info_.memories.push_back(r.memory_type());
        break;
      case kGlobal: parse_globals(r); break;
      case kExport: parse_exports(r); break;
      case kElement: parse_elements(r); break;
      case kData: parse_data(r); break;
      default: break;  // custom, start, code, data count, tag: nothing to learn here
    }
  }

  void parse_types(Reader& r) {
    for (uint32_t n = r.u32("type count"); n > 0; --n) {
      uint8_t form = r.u8("type form");
      if (form != 0x60) r.fail(fmt::format("unsupported type form 0x{:02x} (GC proposal?)", form));
      CoreFuncType ft;
      for (uint32_t i = r.u32("param count"); i > 0; --i) ft.params.push_back(r.valtype("param type"));
      for (uint32_t i = r.u32("result count"); i > 0; --i) ft.results.push_back(r.valtype("result type"));
      info_.types.push_back(std::move(ft));
    }
  }

  const CoreFuncType& func_type(Reader& r, uint32_t type_index) {
    if (type_index >= info_.types.size()) r.fail(fmt::format("type index {} out of range", type_index));
    return info_.types[type_index];
  }

  void parse_imports(Reader& r) {
    for (uint32_t n = r.u32("import count"); n > 0; --n) {
      ExternDesc d;
      d.module = r.name("import module name");
      d.name = r.name("import field name");
      uint8_t kind = r.u8("import kind");
      switch (kind) {
        case 0x00: {
          uint32_t ti = r.u32("import type index");
          d.kind = ExternKind::Func;
          d.func = func_type(r, ti);
          info_.func_type_indices.push_back(ti);
          ++info_.imported_funcs;
          break;
        }
        case 0x01: d.kind = ExternKind::Table; d.table = r.table_type(); info_.tables.push_back(d.table); break;
        case 0x02: d.kind = ExternKind::Memory; d.memory = r.memory_type(); info_.memories.push_back(d.memory); break;
        case 0x03:
          d.kind = ExternKind::Global;
          d.global = r.global_type();
          info_.globals.push_back(d.global);
          ++info_.imported_globals;
          break;
        case 0x04: r.fail(fmt::format("tag import {}#{} is not supported", d.module, d.name));
        default: r.fail(fmt::format("unknown import kind 0x{:02x}", kind));
      }
      info_.imports.push_back(std::move(d));
    }
  }

  void parse_functions(Reader& r) {
    for (uint32_t n = r.u32("function count"); n > 0; --n) {
      uint32_t ti = r.u32("function type index");
      func_type(r, ti);
      info_.func_type_indices.push_back(ti);
    }
  }

  void parse_globals(Reader& r) {
    for (uint32_t n = r.u32("global count"); n > 0; --n) {
      GlobalType g = r.global_type();
      ConstExpr e = r.const_expr(g.type);
      info_.globals.push_back(g);
      info_.global_inits.push_back(e);
      if (e.extended) info_.extended_exprs.push_back(e);
    }
  }

  void parse_exports(Reader& r) {
    for (uint32_t n = r.u32("export count"); n > 0; --n) {
      ExternDesc d;
      d.name = r.name("export name");
      uint8_t kind = r.u8("export kind");
      uint32_t index = r.u32("export index");
      auto check = [&](size_t count) {
        if (index >= count) r.fail(fmt::format("export {} index {} out of range", d.name, index));
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
        default: r.fail(fmt::format("unknown export kind 0x{:02x}", kind));
      }
      info_.exports.push_back(std::move(d));
    }
  }

  void note(const ConstExpr& e) {
    if (e.extended) info_.extended_exprs.push_back(e);
  }

  void parse_elements(Reader& r) {
    for (uint32_t n = r.u32("element segment count"); n > 0; --n) {
      uint32_t flags = r.u32("element segment flags");
      if (flags > 7) r.fail(fmt::format("bad element segment flags {}", flags));
      bool passive_or_declared = flags & 0x01;
      bool explicit_table = flags & 0x02;
      bool uses_exprs = flags & 0x04;
      if (!passive_or_declared) {
        if (explicit_table) r.u32("element table index");
        note(r.const_expr(CoreType::I32));
      }
      if (passive_or_declared || explicit_table) {
        if (uses_exprs) r.valtype("element reference type");
        else r.u8("element kind");
      }
      for (uint32_t i = r.u32("element count"); i > 0; --i) {
        if (uses_exprs) note(r.const_expr(CoreType::FuncRef));
        else r.u32("element function index");
      }
    }
  }

  void parse_data(Reader& r) {
    for (uint32_t n = r.u32("data segment count"); n > 0; --n) {
      uint32_t flags = r.u32("data segment flags");
      if (flags > 2) r.fail(fmt::format("bad data segment flags {}", flags));
      if (flags == 2) r.u32("data memory index");
      if (flags != 1) note(r.const_expr(CoreType::I32));
      r.skip(r.u32("data segment size"), "data segment bytes");
    }
  }

  std::span<const uint8_t> bytes_;
  ModuleInfo info_;
};

// Skips the immediates of one instruction in a function body. Returns the
// name of an unsupported proposal's instruction if `op` is one.
class CodeScanner {
 public:
  explicit CodeScanner(Reader& r) : r_(r) {}

  std::optional<std::string> scan_body() {
    for (uint32_t n = r_.u32("local group count"); n > 0; --n) {
      r_.u32("local count");
      r_.valtype("local type");
    }
    while (!r_.at_end()) {
      if (auto found = instruction()) return found;
    }
    return std::nullopt;
  }

 private:
  void memarg() {
    uint32_t align = r_.u32("memarg alignment");
    if (align & 0x40) r_.u32("memarg memory index");
    r_.uleb("memarg offset");
  }

  std::optional<std::string> instruction() {
    uint8_t op = r_.u8("opcode");
    switch (op) {
      case 0x12: return "module uses the tail-call proposal (return_call), which SpiderMonkey 102 does not support";
      case 0x13:
        return "module uses the tail-call proposal (return_call_indirect), which SpiderMonkey 102 does not support";
      case 0x14: case 0x15:
        return "module uses the function-references proposal (call_ref), which SpiderMonkey 102 does not support";
      case 0x02: case 0x03: case 0x04: case 0x06: r_.sleb("block type", 33); break;
      case 0x07: case 0x08: case 0x09: case 0x0c: case 0x0d: case 0x10: case 0x18:
      case 0x20: case 0x21: case 0x22: case 0x23: case 0x24: case 0x25: case 0x26: case 0xd2:
        r_.u32("index");
        break;
      case 0x0e:
        for (uint32_t n = r_.u32("br_table count"); n > 0; --n) r_.u32("br_table label");
        r_.u32("br_table default");
        break;
      case 0x11: r_.u32("type index"); r_.u32("table index"); break;
      case 0x1c: for (uint32_t n = r_.u32("select type count"); n > 0; --n) r_.valtype("select type"); break;
      case 0x3f: case 0x40: {
        uint32_t mem = r_.u32("memory index");
        if (mem != 0) return multi_memory();
        break;
      }
      case 0x41: r_.sleb("i32.const", 32); break;
      case 0x42: r_.sleb("i64.const", 64); break;
      case 0x43: r_.skip(4, "f32.const"); break;
      case 0x44: r_.skip(8, "f64.const"); break;
      case 0xd0: r_.u8("ref.null type"); break;
      case 0xfc: return prefixed_fc();
      case 0xfd: simd(); break;
      case 0xfe: atomic(); break;
      default:
        if (op >= 0x28 && op <= 0x3e) {
          memarg();
        } else if (!(op <= 0x01 || op == 0x05 || op == 0x0b || op == 0x0f || op == 0x19 || op == 0x1a ||
                     op == 0x1b || (op >= 0x45 && op <= 0xc4) || op == 0xd1)) {
          r_.fail(fmt::format("unknown opcode 0x{:02x}", op));
        }
    }
    return std::nullopt;
  }

  static std::string multi_memory() {
    return "module uses the multi-memory proposal (memory index > 0), which SpiderMonkey 102 does not support";
  }

  std::optional<std::string> prefixed_fc() {
    uint32_t sub = r_.u32("0xfc opcode");
    switch (sub) {
      case 8: r_.u32("data index"); if (r_.u32("memory index")) return multi_memory(); break;
      case 10: if (r_.u32("memory index") | r_.u32("memory index")) return multi_memory(); break;
      case 11: if (r_.u32("memory index")) return multi_memory(); break;
      case 12: case 14: r_.u32("index"); r_.u32("index"); break;
      case 9: case 13: case 15: case 16: case 17: r_.u32("index"); break;
      default: if (sub > 17) r_.fail(fmt::format("unknown opcode 0xfc {}", sub));
    }
    return std::nullopt;
  }

  void simd() {
    uint32_t sub = r_.u32("SIMD opcode");
    if (sub <= 11 || sub == 92 || sub == 93) {
      memarg();
    } else if (sub == 12 || sub == 13) {
      r_.skip(16, "v128 immediate");
    } else if (sub >= 21 && sub <= 34) {
      r_.u8("lane index");
    } else if (sub >= 84 && sub <= 91) {
      memarg();
      r_.u8("lane index");
    }
  }

  void atomic() {
    uint32_t sub = r_.u32("atomic opcode");
    if (sub == 3) r_.u8("atomic.fence flags");
    else memarg();
  }

  Reader& r_;
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
  } catch (const ParseError& e) {
    return make_error(e.message);
  }
}

std::optional<std::string> find_unsupported_instruction(std::span<const uint8_t> bytes, const ModuleInfo& info) {
  const Section* code = info.code_section();
  if (!code) return std::nullopt;
  try {
    Reader r(bytes, code->content_begin, code->end);
    for (uint32_t n = r.u32("function body count"); n > 0; --n) {
      uint32_t size = r.u32("function body size");
      Reader body(bytes, r.pos(), r.pos() + size);
      r.skip(size, "function body");
      try {
        if (auto found = CodeScanner(body).scan_body()) return found;
      } catch (const ParseError&) {
        // An instruction this scanner does not know: SpiderMonkey's own
        // message will have to do for this body; keep looking in the others.
      }
    }
  } catch (const ParseError&) {
  }
  return std::nullopt;
}

std::optional<uint64_t> read_uleb(std::span<const uint8_t> bytes, size_t& pos) {
  try {
    Reader r(bytes, pos, bytes.size());
    uint64_t v = r.uleb("LEB128");
    pos = r.pos();
    return v;
  } catch (const ParseError&) {
    return std::nullopt;
  }
}

std::optional<int64_t> read_sleb(std::span<const uint8_t> bytes, size_t& pos) {
  try {
    Reader r(bytes, pos, bytes.size());
    int64_t v = r.sleb("LEB128");
    pos = r.pos();
    return v;
  } catch (const ParseError&) {
    return std::nullopt;
  }
}

void write_uleb(std::vector<uint8_t>& out, uint64_t v) {
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    if (v) b |= 0x80;
    out.push_back(b);
  } while (v);
}

void write_sleb(std::vector<uint8_t>& out, int64_t v) {
  for (;;) {
    uint8_t b = v & 0x7f;
    v >>= 7;  // arithmetic shift
    bool done = (v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40));
    if (!done) b |= 0x80;
    out.push_back(b);
    if (done) return;
  }
}

}  // namespace wasmrr::engine::binary
