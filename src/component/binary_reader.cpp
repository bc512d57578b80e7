// Decoder for the component binary format (design/mvp/Binary.md of the
// component model). It transcribes the grammar into the AST of ast.h and
// validates only what decoding needs; index spaces are built later.
//
// Structure: Reader (binary_reader.h) reads named primitives and bounds every
// read by the enclosing section; Parser has one method per grammar rule, named
// after it. Errors are thrown as ParseError and turned into Result at the top.
#include "component/binary_reader.h"

#include <array>
#include <fmt/format.h>
#include <limits>
#include <new>

#include "component/ast.h"

namespace wasmrr::component {

std::string_view sort_name(Sort s) {
  switch (s) {
    case Sort::CoreFunc: return "core func";
    case Sort::CoreTable: return "core table";
    case Sort::CoreMemory: return "core memory";
    case Sort::CoreGlobal: return "core global";
    case Sort::CoreType: return "core type";
    case Sort::CoreModule: return "core module";
    case Sort::CoreInstance: return "core instance";
    case Sort::Func: return "func";
    case Sort::Value: return "value";
    case Sort::Type: return "type";
    case Sort::Component: return "component";
    case Sort::Instance: return "instance";
  }
  return "?";
}

namespace {

using binary::ParseError;
using binary::Reader;

// Nested components and nested component/instance/module types recurse; a
// hostile binary must not exhaust the stack.
constexpr int kMaxNesting = 100;

constexpr std::array<std::string_view, 13> kSectionNames = {
    "custom", "core module", "core instance", "core type", "component", "instance", "alias",
    "type",   "canon",       "start",         "import",    "export",    "value",
};

// What follows a canon built-in's opcode in Binary.md's `canon ::=`.
enum class Imm : uint8_t {
  None,
  Type,          // t:<typeidx>
  TypeOpts,      // t:<typeidx> opts:<opts>
  TypeAsync,     // t:<typeidx> async?:<async?>
  Async,         // async?:<async?>
  Opts,          // opts:<opts>
  Cancel,        // cancel?:<cancel?>
  CancelMemory,  // cancel?:<cancel?> m:<core:memoryidx>
  Context,       // t:<core:valtype> i:<u32>
  TaskReturn,    // rs:<resultlist> opts:<opts>
};

// A canon definition other than lift and lower: each defines one core func.
struct CanonBuiltin {
  uint8_t opcode;
  CanonDef::Kind kind;
  std::string_view name;
  Imm imm;
};

// The MVP resource built-ins and the async ones (🔀, 📝), in Binary.md's order.
constexpr CanonBuiltin kCanonBuiltins[] = {
    {0x02, CanonDef::Kind::ResourceNew, "resource.new", Imm::Type},
    {0x03, CanonDef::Kind::ResourceDrop, "resource.drop", Imm::Type},
    {0x04, CanonDef::Kind::ResourceRep, "resource.rep", Imm::Type},
    {0x24, CanonDef::Kind::BackpressureInc, "backpressure.inc", Imm::None},
    {0x25, CanonDef::Kind::BackpressureDec, "backpressure.dec", Imm::None},
    {0x09, CanonDef::Kind::TaskReturn, "task.return", Imm::TaskReturn},
    {0x05, CanonDef::Kind::TaskCancel, "task.cancel", Imm::None},
    {0x0a, CanonDef::Kind::ContextGet, "context.get", Imm::Context},
    {0x0b, CanonDef::Kind::ContextSet, "context.set", Imm::Context},
    {0x06, CanonDef::Kind::SubtaskCancel, "subtask.cancel", Imm::Async},
    {0x0d, CanonDef::Kind::SubtaskDrop, "subtask.drop", Imm::None},
    {0x0e, CanonDef::Kind::StreamNew, "stream.new", Imm::Type},
    {0x0f, CanonDef::Kind::StreamRead, "stream.read", Imm::TypeOpts},
    {0x10, CanonDef::Kind::StreamWrite, "stream.write", Imm::TypeOpts},
    {0x11, CanonDef::Kind::StreamCancelRead, "stream.cancel-read", Imm::TypeAsync},
    {0x12, CanonDef::Kind::StreamCancelWrite, "stream.cancel-write", Imm::TypeAsync},
    {0x13, CanonDef::Kind::StreamDropReadable, "stream.drop-readable", Imm::Type},
    {0x14, CanonDef::Kind::StreamDropWritable, "stream.drop-writable", Imm::Type},
    {0x15, CanonDef::Kind::FutureNew, "future.new", Imm::Type},
    {0x16, CanonDef::Kind::FutureRead, "future.read", Imm::TypeOpts},
    {0x17, CanonDef::Kind::FutureWrite, "future.write", Imm::TypeOpts},
    {0x18, CanonDef::Kind::FutureCancelRead, "future.cancel-read", Imm::TypeAsync},
    {0x19, CanonDef::Kind::FutureCancelWrite, "future.cancel-write", Imm::TypeAsync},
    {0x1a, CanonDef::Kind::FutureDropReadable, "future.drop-readable", Imm::Type},
    {0x1b, CanonDef::Kind::FutureDropWritable, "future.drop-writable", Imm::Type},
    {0x1c, CanonDef::Kind::ErrorContextNew, "error-context.new", Imm::Opts},
    {0x1d, CanonDef::Kind::ErrorContextDebugMessage, "error-context.debug-message", Imm::Opts},
    {0x1e, CanonDef::Kind::ErrorContextDrop, "error-context.drop", Imm::None},
    {0x1f, CanonDef::Kind::WaitableSetNew, "waitable-set.new", Imm::None},
    {0x20, CanonDef::Kind::WaitableSetWait, "waitable-set.wait", Imm::CancelMemory},
    {0x21, CanonDef::Kind::WaitableSetPoll, "waitable-set.poll", Imm::CancelMemory},
    {0x22, CanonDef::Kind::WaitableSetDrop, "waitable-set.drop", Imm::None},
    {0x23, CanonDef::Kind::WaitableJoin, "waitable.join", Imm::None},
    {0x0c, CanonDef::Kind::ThreadYield, "thread.yield", Imm::Cancel},
};

const CanonBuiltin* find_canon_builtin(uint8_t op) {
  for (const CanonBuiltin& b : kCanonBuiltins)
    if (b.opcode == op) return &b;
  return nullptr;
}

// The threads built-ins (🧵, 🧵②), which wasm-rr does not implement; named so
// that the error says which one a component uses.
std::string_view canon_thread_builtin_name(uint8_t op) {
  switch (op) {
    case 0x26: return "thread.index";
    case 0x27: return "thread.new-indirect";
    case 0x28: return "thread.resume-later";
    case 0x29: return "thread.suspend";
    case 0x2a: return "thread.suspend-then-resume";
    case 0x2b: return "thread.yield-then-resume";
    case 0x2c: return "thread.suspend-then-promote";
    case 0x2d: return "thread.yield-then-promote";
    case 0x40: return "thread.spawn-ref";
    case 0x41: return "thread.spawn-indirect";
    case 0x42: return "thread.available-parallelism";
    default: return "";
  }
}

// primvaltype ::= 0x7f bool ... 0x73 string | 0x64 error-context; abi::Kind
// lists bool..string in that order.
bool is_primvaltype(uint8_t b) { return (b >= 0x73 && b <= 0x7f) || b == 0x64; }
abi::Kind primvaltype_kind(uint8_t b) {
  return b == 0x64 ? abi::Kind::ErrorContext : static_cast<abi::Kind>(0x7f - b);
}

// Import/export names with their attributes (nameattributes).
struct NameAttributes {
  std::string name, implements, version_suffix;
};

class Parser {
 public:
  explicit Parser(std::shared_ptr<const std::vector<uint8_t>> bytes) : bytes_(std::move(bytes)) {}

  // component ::= preamble section*
  std::shared_ptr<Component> read_component(Reader& r) {
    Nest nest(*this, r, "component");
    auto c = std::make_shared<Component>();
    c->bytes = bytes_;
    read_preamble(r);
    while (!r.at_end()) read_section(r, *c);
    return c;
  }

 private:
  // Counts recursion depth for the lifetime of one nested construct.
  struct Nest {
    Nest(Parser& p, const Reader& r, std::string_view what) : p_(p) {
      if (++p_.depth_ > kMaxNesting)
        r.fail_here(fmt::format("{} nested too deeply (limit {})", what, kMaxNesting));
    }
    ~Nest() { --p_.depth_; }
    Parser& p_;
  };

  // --- Preamble and sections ---

  static uint16_t read_u16(Reader& r, std::string_view what) {
    uint8_t lo = r.read_u8(what);
    uint8_t hi = r.read_u8(what);
    return static_cast<uint16_t>(lo | (hi << 8));
  }

  void read_preamble(Reader& r) {
    size_t start = r.pos();
    static constexpr uint8_t kMagic[4] = {0x00, 0x61, 0x73, 0x6d};
    for (uint8_t m : kMagic) {
      if (r.read_u8("magic number") != m) r.fail(start, "bad magic number (expected \\0asm: 00 61 73 6d)");
    }
    size_t version_at = r.pos();
    uint16_t version = read_u16(r, "version");
    uint16_t layer = read_u16(r, "layer");
    if (layer == 0) {
      if (version == 1) r.fail(version_at, "this is a core WebAssembly module, not a component");
      r.fail(version_at, fmt::format("this is a core WebAssembly module (version {}), not a component", version));
    }
    if (layer != 1) r.fail(version_at + 2, fmt::format("unknown layer {} (expected 1, a component)", layer));
    if (version != 0x0d)
      r.fail(version_at, fmt::format("unsupported component binary version 0x{:02x}; supported: 0x0d "
                                     "(the pre-standard component model)",
                                     version));
  }

  void read_section(Reader& r, Component& c) {
    size_t start = r.pos();
    uint8_t id = r.read_u8("section id");
    if (id >= kSectionNames.size()) r.fail(start, fmt::format("invalid section id 0x{:02x}", id));
    std::string_view name = kSectionNames[id];
    uint32_t size = r.read_u32_leb("section size");
    if (size > r.remaining())
      r.fail(start, fmt::format("section '{}' declared {} bytes but only {} remain", name, size, r.remaining()));
    Reader s = r.sub(size, fmt::format("section '{}'", name));
    size_t content_start = s.pos();
    read_section_contents(id, s, c);
    if (!s.at_end())
      s.fail_here(fmt::format("section '{}' declared {} bytes but its contents end after {}", name, size,
                              s.pos() - content_start));
  }

  void read_section_contents(uint8_t id, Reader& s, Component& c) {
    switch (id) {
      case 0: return read_custom_section(s, c);
      case 1: return read_core_module_section(s, c);
      case 2: return read_vec_section(s, c, "core instance", Definition::Kind::CoreInstance,
                                      [&](Definition& d) { d.core_instance = read_core_instance(s); });
      case 3: return read_vec_section(s, c, "core type", Definition::Kind::CoreType,
                                      [&](Definition& d) { d.core_type = read_core_type(s); });
      case 4: return read_component_section(s, c);
      case 5: return read_vec_section(s, c, "instance", Definition::Kind::Instance,
                                      [&](Definition& d) { d.instance = read_instance(s); });
      case 6: return read_vec_section(s, c, "alias", Definition::Kind::Alias,
                                      [&](Definition& d) { d.alias = read_alias(s); });
      case 7: return read_vec_section(s, c, "type", Definition::Kind::Type,
                                      [&](Definition& d) { d.type = read_type(s); });
      case 8: return read_vec_section(s, c, "canon", Definition::Kind::Canon,
                                      [&](Definition& d) { d.canon = read_canon(s); });
      case 9: return read_start_section(s, c);
      case 10: return read_vec_section(s, c, "import", Definition::Kind::Import,
                                       [&](Definition& d) { d.import = read_import(s); });
      case 11: return read_vec_section(s, c, "export", Definition::Kind::Export,
                                       [&](Definition& d) { d.export_ = read_export(s); });
      case 12: s.fail_here("value definitions are not supported (section 'value')");
    }
  }

  // A section holding vec(<definition>): each element becomes one Definition.
  template <typename F>
  void read_vec_section(Reader& s, Component& c, std::string_view what, Definition::Kind kind, F&& read_one) {
    uint32_t n = s.read_count(fmt::format("{} definitions", what));
    for (uint32_t i = 0; i < n; ++i) {
      Definition& d = c.definitions.emplace_back();
      d.kind = kind;
      d.offset = static_cast<uint32_t>(s.pos());
      read_one(d);
    }
  }

  void read_custom_section(Reader& s, Component& c) {
    CustomSection cs;
    cs.name = s.read_name("custom section name");
    cs.offset = static_cast<uint32_t>(s.pos());
    cs.size = static_cast<uint32_t>(s.remaining());
    s.skip(s.remaining(), "custom section payload");
    c.custom_sections.push_back(std::move(cs));
  }

  // The module is kept as a view into the shared bytes; the engine decodes it.
  void read_core_module_section(Reader& s, Component& c) {
    Definition& d = c.definitions.emplace_back();
    d.kind = Definition::Kind::CoreModule;
    d.offset = static_cast<uint32_t>(s.pos());
    d.module_offset = d.offset;
    d.module_size = static_cast<uint32_t>(s.remaining());
    s.skip(s.remaining(), "core module");
  }

  void read_component_section(Reader& s, Component& c) {
    Definition& d = c.definitions.emplace_back();
    d.kind = Definition::Kind::Component;
    d.offset = static_cast<uint32_t>(s.pos());
    d.component = read_component(s);
  }

  // start ::= f:<funcidx> arg*:vec(<valueidx>) r:<u32>
  void read_start_section(Reader& s, Component& c) {
    Definition& d = c.definitions.emplace_back();
    d.kind = Definition::Kind::Start;
    d.offset = static_cast<uint32_t>(s.pos());
    d.start.func = s.read_u32_leb("start function index");
    d.start.args = s.read_vec("start arguments", [&] { return s.read_u32_leb("value index"); });
    d.start.results = s.read_u32_leb("start result count");
  }

  // --- Shared pieces ---

  // <T>? ::= 0x00 | 0x01 t:<T>
  template <typename F>
  auto read_optional(Reader& r, std::string_view what, F&& read_one) -> std::optional<decltype(read_one())> {
    size_t start = r.pos();
    uint8_t flag = r.read_u8(fmt::format("presence flag of {}", what));
    if (flag == 0x00) return std::nullopt;
    if (flag != 0x01)
      r.fail(start, fmt::format("invalid presence flag 0x{:02x} for {} (expected 0x00 or 0x01)", flag, what));
    return read_one();
  }

  // core:sort
  static Sort read_core_sort(Reader& r) {
    size_t start = r.pos();
    uint8_t b = r.read_u8("core sort");
    switch (b) {
      case 0x00: return Sort::CoreFunc;
      case 0x01: return Sort::CoreTable;
      case 0x02: return Sort::CoreMemory;
      case 0x03: return Sort::CoreGlobal;
      case 0x04: r.fail(start, "core sort 'tag' (exception handling) is not supported");
      case 0x10: return Sort::CoreType;
      case 0x11: return Sort::CoreModule;
      case 0x12: return Sort::CoreInstance;
      default: r.fail(start, fmt::format("invalid core sort 0x{:02x}", b));
    }
  }

  // sort ::= 0x00 core:sort | 0x01 func | 0x02 value | 0x03 type | 0x04 component | 0x05 instance
  static Sort read_sort(Reader& r) {
    size_t start = r.pos();
    uint8_t b = r.read_u8("sort");
    switch (b) {
      case 0x00: return read_core_sort(r);
      case 0x01: return Sort::Func;
      case 0x02: return Sort::Value;
      case 0x03: return Sort::Type;
      case 0x04: return Sort::Component;
      case 0x05: return Sort::Instance;
      default: r.fail(start, fmt::format("invalid sort 0x{:02x}", b));
    }
  }

  static SortIdx read_sortidx(Reader& r) {
    SortIdx si;
    si.sort = read_sort(r);
    si.idx = r.read_u32_leb(fmt::format("{} index", sort_name(si.sort)));
    return si;
  }

  static SortIdx read_core_sortidx(Reader& r) {
    SortIdx si;
    si.sort = read_core_sort(r);
    si.idx = r.read_u32_leb(fmt::format("{} index", sort_name(si.sort)));
    return si;
  }

  // nameattributes ::= 0x00 len en | 0x01 len en | 0x02 len en a*:vec(<attribute>)
  NameAttributes read_nameattributes(Reader& r, std::string_view what) {
    size_t start = r.pos();
    uint8_t b = r.read_u8(fmt::format("{} name kind", what));
    if (b > 0x02) r.fail(start, fmt::format("invalid {} name kind 0x{:02x} (expected 0x00, 0x01 or 0x02)", what, b));
    NameAttributes na;
    na.name = r.read_name(fmt::format("{} name", what));
    if (b == 0x02) {
      uint32_t n = r.read_count(fmt::format("{} name attributes", what));
      for (uint32_t i = 0; i < n; ++i) read_attribute(r, na);
    }
    return na;
  }

  // attribute ::= 0x00 implements | 0x01 versionsuffix | 0x02 external-id
  static void read_attribute(Reader& r, NameAttributes& na) {
    size_t start = r.pos();
    uint8_t b = r.read_u8("name attribute");
    switch (b) {
      case 0x00: na.implements = r.read_name("implements interface name"); break;
      case 0x01: na.version_suffix = r.read_name("version suffix"); break;
      case 0x02: (void)r.read_name("external id"); break;
      default: r.fail(start, fmt::format("invalid name attribute 0x{:02x}", b));
    }
  }

  // valtype ::= i:<typeidx> | pvt:<primvaltype>, with indices as non-negative s33.
  static ValType read_valtype(Reader& r, std::string_view what = "valtype") {
    size_t start = r.pos();
    uint8_t b = r.peek_u8(what);
    ValType vt;
    if (is_primvaltype(b)) {
      r.read_u8(what);
      vt.prim = primvaltype_kind(b);
      return vt;
    }
    int64_t v = r.read_s33(what);
    if (v < 0) r.fail(start, fmt::format("invalid valtype 0x{:02x}", b));
    vt.is_index = true;
    vt.index = static_cast<uint32_t>(v);
    return vt;
  }

  // labelvaltype ::= l:<labellit> t:<valtype>
  static NamedValType read_labelvaltype(Reader& r, std::string_view what) {
    NamedValType nv;
    nv.name = r.read_name(fmt::format("{} label", what));
    nv.type = read_valtype(r, fmt::format("{} type", what));
    return nv;
  }

  // --- Core types (section 3, and inside component/instance types) ---

  static CoreType read_core_valtype(Reader& r, std::string_view what) {
    size_t start = r.pos();
    uint8_t b = r.read_u8(what);
    if (auto t = core_type_from_byte(b)) return *t;
    switch (b) {
      case 0x63: case 0x64: case 0x65: case 0x66: case 0x67: case 0x68: case 0x69:
      case 0x6a: case 0x6b: case 0x6c: case 0x6d: case 0x6e: case 0x71: case 0x72: case 0x73: case 0x74:
        r.fail(start, fmt::format("unsupported core valtype 0x{:02x} (GC reference types)", b));
      default: r.fail(start, fmt::format("invalid core valtype 0x{:02x}", b));
    }
  }

  std::shared_ptr<CoreTypeDef> read_core_type(Reader& r) {
    Nest nest(*this, r, "core type");
    size_t start = r.pos();
    uint8_t b = r.read_u8("core type");
    auto t = std::make_shared<CoreTypeDef>();
    switch (b) {
      case 0x60:
        t->kind = CoreTypeDef::Kind::Func;
        t->func.params = r.read_vec("core function parameters", [&] { return read_core_valtype(r, "param type"); });
        t->func.results = r.read_vec("core function results", [&] { return read_core_valtype(r, "result type"); });
        return t;
      case 0x50:
        t->kind = CoreTypeDef::Kind::Module;
        t->module_decls = r.read_vec("module type declarations", [&] { return read_core_moduledecl(r); });
        return t;
      case 0x00: case 0x4e: case 0x4f: case 0x5e: case 0x5f:
        r.fail(start, fmt::format("unsupported core type 0x{:02x} (GC rec/sub/struct/array types)", b));
      default: r.fail(start, fmt::format("invalid core type 0x{:02x} (expected 0x60 func or 0x50 module)", b));
    }
  }

  // core:moduledecl ::= 0x00 import | 0x01 type | 0x02 alias | 0x03 exportdecl
  CoreModuleDecl read_core_moduledecl(Reader& r) {
    size_t start = r.pos();
    uint8_t b = r.read_u8("module type declaration");
    CoreModuleDecl d;
    switch (b) {
      case 0x00:
        d.kind = CoreModuleDecl::Kind::Import;
        d.module = r.read_name("import module name");
        d.name = r.read_name("import field name");
        read_core_externtype(r, d);
        return d;
      case 0x01:
        d.kind = CoreModuleDecl::Kind::Type;
        d.type = read_core_type(r);
        return d;
      case 0x02:
        d.kind = CoreModuleDecl::Kind::Alias;
        r.expect_u8(0x10, "core alias sort 'type'");
        r.expect_u8(0x01, "core alias target 'outer'");
        d.outer_count = r.read_u32_leb("outer alias count");
        d.outer_index = r.read_u32_leb("outer alias index");
        return d;
      case 0x03:
        d.kind = CoreModuleDecl::Kind::Export;
        d.name = r.read_name("export name");
        read_core_externtype(r, d);
        return d;
      default: r.fail(start, fmt::format("invalid module type declaration 0x{:02x}", b));
    }
  }

  // core:externtype: func, table, memory, global, tag. Only a func's (or
  // tag's) type index is kept; the other descriptors are decoded and dropped.
  static void read_core_externtype(Reader& r, CoreModuleDecl& d) {
    size_t start = r.pos();
    d.extern_kind = r.read_u8("core extern kind");
    switch (d.extern_kind) {
      case 0x00: d.func_type_index = r.read_u32_leb("function type index"); return;
      case 0x01:
        read_core_valtype(r, "table element type");
        read_limits(r, "table limits");
        return;
      case 0x02: read_limits(r, "memory limits"); return;
      case 0x03: {
        read_core_valtype(r, "global type");
        size_t at = r.pos();
        uint8_t mut = r.read_u8("global mutability");
        if (mut > 1) r.fail(at, fmt::format("invalid global mutability 0x{:02x}", mut));
        return;
      }
      case 0x04:
        r.expect_u8(0x00, "tag attribute");
        d.func_type_index = r.read_u32_leb("tag type index");
        return;
      default: r.fail(start, fmt::format("invalid core extern kind 0x{:02x}", d.extern_kind));
    }
  }

  // limits: flags bit 0 = has max, bit 1 = shared, bit 2 = 64-bit.
  static void read_limits(Reader& r, std::string_view what) {
    size_t start = r.pos();
    uint8_t flags = r.read_u8(fmt::format("{} flags", what));
    if (flags > 0x07) r.fail(start, fmt::format("invalid {} flags 0x{:02x}", what, flags));
    bool is64 = flags & 0x04;
    auto read_bound = [&](std::string_view bound) {
      if (is64) r.read_u64_leb(fmt::format("{} {}", what, bound));
      else r.read_u32_leb(fmt::format("{} {}", what, bound));
    };
    read_bound("minimum");
    if (flags & 0x01) read_bound("maximum");
  }

  // --- Instances and aliases ---

  // core:instanceexpr ::= 0x00 m:<moduleidx> arg*:vec(<core:instantiatearg>) | 0x01 e*:vec(<core:inlineexport>)
  static CoreInstanceDef read_core_instance(Reader& r) {
    size_t start = r.pos();
    uint8_t b = r.read_u8("core instance kind");
    CoreInstanceDef ci;
    if (b == 0x00) {
      ci.module = r.read_u32_leb("core module index");
      ci.args = r.read_vec("core instantiate arguments", [&] {
        CoreInstantiateArg a;
        a.name = r.read_name("core instantiate argument name");
        r.expect_u8(0x12, "core sort 'instance' of an instantiate argument");
        a.instance = r.read_u32_leb("core instance index");
        return a;
      });
    } else if (b == 0x01) {
      ci.is_instantiate = false;
      ci.exports = r.read_vec("core inline exports", [&] {
        CoreInlineExport e;
        e.name = r.read_name("core inline export name");
        e.item = read_core_sortidx(r);
        return e;
      });
    } else {
      r.fail(start, fmt::format("invalid core instance kind 0x{:02x} (expected 0x00 or 0x01)", b));
    }
    return ci;
  }

  // instanceexpr ::= 0x00 c:<componentidx> arg*:vec(<instantiatearg>) | 0x01 e*:vec(<inlineexport>)
  InstanceDef read_instance(Reader& r) {
    size_t start = r.pos();
    uint8_t b = r.read_u8("instance kind");
    InstanceDef inst;
    if (b == 0x00) {
      inst.component = r.read_u32_leb("component index");
      inst.args = r.read_vec("instantiate arguments", [&] {
        InstantiateArg a;
        a.name = r.read_name("instantiate argument name");
        a.item = read_sortidx(r);
        return a;
      });
    } else if (b == 0x01) {
      inst.is_instantiate = false;
      inst.exports = r.read_vec("inline exports", [&] {
        InstantiateArg e;
        e.name = read_nameattributes(r, "inline export").name;
        e.item = read_sortidx(r);
        return e;
      });
    } else {
      r.fail(start, fmt::format("invalid instance kind 0x{:02x} (expected 0x00 or 0x01)", b));
    }
    return inst;
  }

  // alias ::= s:<sort> (0x00 i n | 0x01 i n | 0x02 ct idx)
  static Alias read_alias(Reader& r) {
    Alias a;
    a.sort = read_sort(r);
    size_t start = r.pos();
    uint8_t b = r.read_u8("alias target");
    switch (b) {
      case 0x00:
        a.target = Alias::Target::InstanceExport;
        a.instance = r.read_u32_leb("instance index");
        a.name = r.read_name("alias export name");
        break;
      case 0x01:
        a.target = Alias::Target::CoreInstanceExport;
        a.instance = r.read_u32_leb("core instance index");
        a.name = r.read_name("alias core export name");
        break;
      case 0x02:
        a.target = Alias::Target::Outer;
        a.outer_count = r.read_u32_leb("outer alias count");
        a.outer_index = r.read_u32_leb("outer alias index");
        break;
      default: r.fail(start, fmt::format("invalid alias target 0x{:02x}", b));
    }
    return a;
  }

  // --- Types (section 7, and inside component/instance types) ---

  std::shared_ptr<TypeDef> read_type(Reader& r) {
    size_t start = r.pos();
    uint8_t b = r.peek_u8("type");
    auto t = std::make_shared<TypeDef>();
    switch (b) {
      case 0x40: r.read_u8("type"); t->def = read_functype(r, /*async_=*/false); break;
      case 0x41: {
        Nest nest(*this, r, "component type");
        r.read_u8("type");
        t->def = ComponentTypeDef{read_decls(r, true)};
        break;
      }
      case 0x42: {
        Nest nest(*this, r, "instance type");
        r.read_u8("type");
        t->def = InstanceTypeDef{read_decls(r, false)};
        break;
      }
      case 0x3f: r.read_u8("type"); t->def = read_resourcetype(r); break;
      case 0x43: r.read_u8("type"); t->def = read_functype(r, /*async_=*/true); break;
      // A resource with an async destructor: an earlier draft's encoding, no
      // longer in Binary.md.
      case 0x3e: r.fail(start, "async resource type (0x3e, a resource with an async destructor) is not supported: "
                               "it is no longer part of the component model");
      default: t->def = read_defvaltype(r);
    }
    return t;
  }

  // functype ::= 0x40 ps:<paramlist> rs:<resultlist> | 0x43 ps rs (func async ps rs)
  static FuncTypeDef read_functype(Reader& r, bool async_) {
    FuncTypeDef f;
    f.async_ = async_;
    f.params = r.read_vec("function parameters", [&] { return read_labelvaltype(r, "parameter"); });
    f.results = read_resultlist(r);
    return f;
  }

  // resultlist ::= 0x00 t:<valtype> | 0x01 0x00; older binaries use 0x01
  // vec(<labelvaltype>), of which 0x01 0x00 is the empty case.
  static std::vector<NamedValType> read_resultlist(Reader& r) {
    size_t start = r.pos();
    uint8_t b = r.read_u8("result list kind");
    if (b == 0x00) return {NamedValType{"", read_valtype(r, "result type")}};
    if (b != 0x01) r.fail(start, fmt::format("invalid result list kind 0x{:02x} (expected 0x00 or 0x01)", b));
    return r.read_vec("named function results", [&] { return read_labelvaltype(r, "result"); });
  }

  // resourcetype ::= 0x3f t:<core:valtype> f?:<core:funcidx>?
  ResourceTypeDef read_resourcetype(Reader& r) {
    size_t start = r.pos();
    uint8_t rep = r.read_u8("resource representation");
    if (rep != 0x7f) r.fail(start, fmt::format("unsupported resource representation 0x{:02x} (expected 0x7f i32)", rep));
    ResourceTypeDef rt;
    rt.dtor = read_optional(r, "resource destructor", [&] { return r.read_u32_leb("destructor core func index"); });
    return rt;
  }

  DefValType read_defvaltype(Reader& r) {
    size_t start = r.pos();
    uint8_t b = r.read_u8("defvaltype");
    DefValType t;
    if (is_primvaltype(b)) {
      t.kind = primvaltype_kind(b);
      return t;
    }
    switch (b) {
      case 0x72:
        t.kind = abi::Kind::Record;
        t.fields = r.read_vec("record fields", [&] { return read_labelvaltype(r, "record field"); });
        break;
      case 0x71:
        t.kind = abi::Kind::Variant;
        t.cases = r.read_vec("variant cases", [&] { return read_case(r); });
        break;
      case 0x70:
        t.kind = abi::Kind::List;
        t.elem = read_valtype(r, "list element type");
        break;
      case 0x67:
        t.kind = abi::Kind::List;
        t.elem = read_valtype(r, "list element type");
        t.fixed_len = r.read_u32_leb("fixed list length");
        break;
      case 0x6f:
        t.kind = abi::Kind::Tuple;
        t.elems = r.read_vec("tuple elements", [&] { return read_valtype(r, "tuple element type"); });
        break;
      case 0x6e:
        t.kind = abi::Kind::Flags;
        t.labels = r.read_vec("flags labels", [&] { return r.read_name("flag label"); });
        break;
      case 0x6d:
        t.kind = abi::Kind::Enum;
        t.labels = r.read_vec("enum labels", [&] { return r.read_name("enum label"); });
        break;
      case 0x6b:
        t.kind = abi::Kind::Option;
        t.elem = read_valtype(r, "option element type");
        break;
      case 0x6a:
        t.kind = abi::Kind::Result;
        t.ok = read_optional(r, "result ok type", [&] { return read_valtype(r, "result ok type"); });
        t.err = read_optional(r, "result error type", [&] { return read_valtype(r, "result error type"); });
        break;
      case 0x69:
        t.kind = abi::Kind::Own;
        t.resource = r.read_u32_leb("own resource type index");
        break;
      case 0x68:
        t.kind = abi::Kind::Borrow;
        t.resource = r.read_u32_leb("borrow resource type index");
        break;
      case 0x66:
        t.kind = abi::Kind::Stream;
        t.elem = read_optional(r, "stream element type", [&] { return read_valtype(r, "stream element type"); });
        break;
      case 0x65:
        t.kind = abi::Kind::Future;
        t.elem = read_optional(r, "future element type", [&] { return read_valtype(r, "future element type"); });
        break;
      case 0x63: r.fail(start, "map type (0x63) is not supported");
      default: r.fail(start, fmt::format("invalid type opcode 0x{:02x}", b));
    }
    return t;
  }

  // case ::= l:<labellit> t?:<valtype>? 0x00
  static CaseDef read_case(Reader& r) {
    CaseDef c;
    c.name = r.read_name("variant case label");
    size_t start = r.pos();
    uint8_t flag = r.read_u8("presence flag of variant case type");
    if (flag == 0x01) c.type = read_valtype(r, "variant case type");
    else if (flag != 0x00)
      r.fail(start, fmt::format("invalid presence flag 0x{:02x} for variant case type (expected 0x00 or 0x01)", flag));
    r.expect_u8(0x00, "end of variant case (refinements are not supported)");
    return c;
  }

  // componentdecl ::= 0x03 importdecl | instancedecl
  // instancedecl  ::= 0x00 core:type | 0x01 type | 0x02 alias | 0x04 exportdecl
  std::vector<Decl> read_decls(Reader& r, bool in_component_type) {
    std::string_view what = in_component_type ? "component type declarations" : "instance type declarations";
    return r.read_vec(what, [&] {
      size_t start = r.pos();
      uint8_t b = r.read_u8("declaration kind");
      Decl d;
      switch (b) {
        case 0x00: d.kind = Decl::Kind::CoreType; d.core_type = read_core_type(r); break;
        case 0x01: d.kind = Decl::Kind::Type; d.type = read_type(r); break;
        case 0x02: d.kind = Decl::Kind::Alias; d.alias = std::make_shared<Alias>(read_alias(r)); break;
        case 0x03:
          if (!in_component_type) r.fail(start, "import declaration (0x03) inside an instance type");
          d.kind = Decl::Kind::Import;
          read_decl_name_and_type(r, d, "import");
          break;
        case 0x04: d.kind = Decl::Kind::Export; read_decl_name_and_type(r, d, "export"); break;
        default: r.fail(start, fmt::format("invalid declaration kind 0x{:02x}", b));
      }
      return d;
    });
  }

  void read_decl_name_and_type(Reader& r, Decl& d, std::string_view what) {
    NameAttributes na = read_nameattributes(r, what);
    d.name = std::move(na.name);
    d.implements = std::move(na.implements);
    d.version_suffix = std::move(na.version_suffix);
    d.desc = read_externtype(r);
  }

  // externtype ::= 0x00 0x11 i | 0x01 i | 0x02 valuebound | 0x03 typebound | 0x04 i | 0x05 i
  static ExternDesc read_externtype(Reader& r) {
    size_t start = r.pos();
    uint8_t b = r.read_u8("externtype");
    ExternDesc e;
    switch (b) {
      case 0x00:
        e.kind = ExternDesc::Kind::CoreModule;
        r.expect_u8(0x11, "core sort 'module' of an externtype");
        e.index = r.read_u32_leb("core module type index");
        break;
      case 0x01: e.kind = ExternDesc::Kind::Func; e.index = r.read_u32_leb("func type index"); break;
      case 0x02: read_valuebound(r, e); break;
      case 0x03: read_typebound(r, e); break;
      case 0x04: e.kind = ExternDesc::Kind::Component; e.index = r.read_u32_leb("component type index"); break;
      case 0x05: e.kind = ExternDesc::Kind::Instance; e.index = r.read_u32_leb("instance type index"); break;
      default: r.fail(start, fmt::format("invalid externtype 0x{:02x}", b));
    }
    return e;
  }

  // Binary.md writes `0x02 valuebound` (0x00 i | 0x01 t), but wasm-tools, the
  // producer of real binaries, writes a bare valtype after 0x02; the two are
  // ambiguous (0x00 is also type index 0), so follow the binaries.
  static void read_valuebound(Reader& r, ExternDesc& e) {
    e.kind = ExternDesc::Kind::Value;
    e.value_type = read_valtype(r, "value type");
  }

  // typebound ::= 0x00 i:<typeidx> (eq i) | 0x01 (sub resource)
  static void read_typebound(Reader& r, ExternDesc& e) {
    e.kind = ExternDesc::Kind::Type;
    size_t start = r.pos();
    uint8_t b = r.read_u8("type bound");
    if (b == 0x00) {
      e.type_eq = true;
      e.index = r.read_u32_leb("type index");
    } else if (b != 0x01) {
      r.fail(start, fmt::format("invalid type bound 0x{:02x}", b));
    }
  }

  // --- Canonical definitions (section 8) ---

  static CanonDef read_canon(Reader& r) {
    size_t start = r.pos();
    uint8_t op = r.read_u8("canon opcode");
    CanonDef c;
    switch (op) {
      case 0x00:
        c.kind = CanonDef::Kind::Lift;
        r.expect_u8(0x00, "core sort 'func' of canon lift");
        c.func = r.read_u32_leb("core func index");
        c.opts = read_canonopts(r);
        c.type = r.read_u32_leb("func type index");
        break;
      case 0x01:
        c.kind = CanonDef::Kind::Lower;
        r.expect_u8(0x00, "sort 'func' of canon lower");
        c.func = r.read_u32_leb("func index");
        c.opts = read_canonopts(r);
        break;
      default: read_canon_builtin(r, start, op, c);
    }
    return c;
  }

  // Every other canon definition: a built-in named by kCanonBuiltins, or one
  // that wasm-rr rejects by name.
  static void read_canon_builtin(Reader& r, size_t start, uint8_t op, CanonDef& c) {
    const CanonBuiltin* b = find_canon_builtin(op);
    if (!b) reject_canon(r, start, op);
    c.kind = b->kind;
    read_canon_immediates(r, *b, c);
  }

  [[noreturn]] static void reject_canon(Reader& r, size_t start, uint8_t op) {
    if (std::string_view name = canon_thread_builtin_name(op); !name.empty())
      r.fail(start, fmt::format("canonical function 0x{:02x} ({}): component-model threads are not supported", op, name));
    // Encodings that earlier drafts of the async proposal used.
    if (op == 0x07)
      r.fail(start, "canonical function 0x07 (resource.drop async) is not supported: "
                    "it is no longer part of the component model");
    if (op == 0x08)
      r.fail(start, "canonical function 0x08 (backpressure.set) is not supported: it was replaced by "
                    "backpressure.inc (0x24) and backpressure.dec (0x25)");
    r.fail(start, fmt::format("unknown canonical function 0x{:02x}", op));
  }

  static void read_canon_immediates(Reader& r, const CanonBuiltin& b, CanonDef& c) {
    auto type_index = [&] { c.type = r.read_u32_leb(fmt::format("{} type index", b.name)); };
    switch (b.imm) {
      case Imm::None: break;
      case Imm::Type: type_index(); break;
      case Imm::TypeOpts: type_index(); c.opts = read_canonopts(r); break;
      case Imm::TypeAsync: type_index(); c.async_ = read_flag(r, "async", b.name); break;
      case Imm::Async: c.async_ = read_flag(r, "async", b.name); break;
      case Imm::Opts: c.opts = read_canonopts(r); break;
      case Imm::Cancel: c.cancellable = read_flag(r, "cancel", b.name); break;
      case Imm::CancelMemory:
        c.cancellable = read_flag(r, "cancel", b.name);
        c.memory = r.read_u32_leb(fmt::format("{} core memory index", b.name));
        break;
      case Imm::Context:
        c.context_type = read_core_valtype(r, fmt::format("{} value type", b.name));
        c.context_index = r.read_u32_leb(fmt::format("{} slot index", b.name));
        break;
      case Imm::TaskReturn:
        c.results = read_resultlist(r);
        c.opts = read_canonopts(r);
        break;
    }
  }

  // async? ::= 0x00 | 0x01 (async); cancel? ::= 0x00 | 0x01 (cancellable)
  static bool read_flag(Reader& r, std::string_view flag, std::string_view builtin) {
    size_t start = r.pos();
    uint8_t v = r.read_u8(fmt::format("{}? of {}", flag, builtin));
    if (v > 0x01)
      r.fail(start, fmt::format("invalid {}? 0x{:02x} of {} (expected 0x00 or 0x01)", flag, v, builtin));
    return v == 0x01;
  }

  static std::vector<CanonOpt> read_canonopts(Reader& r) {
    return r.read_vec("canonical options", [&] {
      size_t start = r.pos();
      uint8_t b = r.read_u8("canonical option");
      CanonOpt o;
      switch (b) {
        case 0x00: o.kind = CanonOpt::Kind::Utf8; break;
        case 0x01: o.kind = CanonOpt::Kind::Utf16; break;
        case 0x02: o.kind = CanonOpt::Kind::Latin1Utf16; break;
        case 0x03: o.kind = CanonOpt::Kind::Memory; o.index = r.read_u32_leb("core memory index"); break;
        case 0x04: o.kind = CanonOpt::Kind::Realloc; o.index = r.read_u32_leb("realloc core func index"); break;
        case 0x05: o.kind = CanonOpt::Kind::PostReturn; o.index = r.read_u32_leb("post-return core func index"); break;
        case 0x06: o.kind = CanonOpt::Kind::Async; break;
        case 0x07: o.kind = CanonOpt::Kind::Callback; o.index = r.read_u32_leb("callback core func index"); break;
        default: r.fail(start, fmt::format("invalid canonical option 0x{:02x}", b));
      }
      return o;
    });
  }

  // --- Imports and exports (sections 10, 11) ---

  ImportDef read_import(Reader& r) {
    NameAttributes na = read_nameattributes(r, "import");
    ImportDef d;
    d.name = std::move(na.name);
    d.implements = std::move(na.implements);
    d.version_suffix = std::move(na.version_suffix);
    d.desc = read_externtype(r);
    return d;
  }

  // export ::= na:<nameattributes> si:<sortidx> et?:<externtype>?
  ExportDef read_export(Reader& r) {
    NameAttributes na = read_nameattributes(r, "export");
    ExportDef d;
    d.name = std::move(na.name);
    d.implements = std::move(na.implements);
    d.version_suffix = std::move(na.version_suffix);
    d.item = read_sortidx(r);
    d.desc = read_optional(r, "export type ascription", [&] { return read_externtype(r); });
    return d;
  }

  std::shared_ptr<const std::vector<uint8_t>> bytes_;
  int depth_ = 0;
};

}  // namespace

std::string_view canon_kind_name(CanonDef::Kind k) {
  if (k == CanonDef::Kind::Lift) return "lift";
  if (k == CanonDef::Kind::Lower) return "lower";
  for (const CanonBuiltin& b : kCanonBuiltins)
    if (b.kind == k) return b.name;
  return "?";
}

Result<std::shared_ptr<Component>> parse_component(std::shared_ptr<const std::vector<uint8_t>> bytes) {
  if (!bytes) return make_error("no component bytes given");
  if (bytes->size() > std::numeric_limits<uint32_t>::max())
    return make_error(fmt::format("component binary too large ({} bytes; the limit is 4 GiB)", bytes->size()));
  try {
    Reader r(bytes->data(), 0, bytes->size());
    Parser p(bytes);
    return p.read_component(r);
  } catch (const ParseError& e) {
    return make_error(e.text());
  } catch (const std::bad_alloc&) {
    return make_error("out of memory while parsing the component");
  }
}

}  // namespace wasmrr::component
