// debuginfo::ModuleDebugInfo on real modules: the -g guests' core modules
// (tests/guests/c_debug/debug_loop.c and debug_types.c, rust_debug/
// rust_debug_loop.rs, built by the suite), a module without DWARF, and
// broken bytes. Values are read from a fake frame: every wasm local holds
// the same frame base, and a byte buffer is the linear memory, filled at
// the addresses the DWARF gives (found through address_of()).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "debuginfo/dwarf.h"
#include "debuginfo/source_file.h"

namespace wasmrr::debuginfo {
namespace {

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << "missing " << path;
  return {std::istreambuf_iterator<char>(in), {}};
}

std::string fmt_hex(const std::string& prefix, uint64_t value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(value));
  return prefix + buf;
}

TEST(ModuleDebugInfo, LocatesTheLinesOfADebugBuild) {
  std::vector<uint8_t> module = read_file(std::string(WASMRR_GUEST_DIR) + "/core/debug_loop.core.wasm");
  ASSERT_FALSE(module.empty());
  ModuleDebugInfo info(module);
  ASSERT_TRUE(info.has_dwarf());
  // Every line of `step` (lines 13 to 17 of debug_loop.c) has code, found by
  // walking all offsets; nothing maps outside the file's lines.
  std::set<uint32_t> step_lines;
  for (uint32_t offset = 0; offset < module.size(); offset++) {
    for (const SourceLocation& l : info.locate(offset)) {
      if (l.file.ends_with("tests/guests/c_debug/debug_loop.c") && l.function == "step") step_lines.insert(l.line);
    }
  }
  EXPECT_TRUE(step_lines.count(14)) << "p->x += i;";
  EXPECT_TRUE(step_lines.count(15)) << "p->y = p->y * 2 + 1;";
  EXPECT_TRUE(step_lines.count(16)) << "return p->x + p->y;";
  for (uint32_t line : step_lines) {
    EXPECT_GE(line, 13u);
    EXPECT_LE(line, 17u);
  }
}

TEST(ModuleDebugInfo, AModuleWithoutDwarfHasNoLocations) {
  std::vector<uint8_t> module = read_file(std::string(WASMRR_TEST_DATA_DIR) + "/engine/basic.wasm");
  ModuleDebugInfo info(module);
  EXPECT_FALSE(info.has_dwarf());
  EXPECT_TRUE(info.locate(40).empty());
}

TEST(ModuleDebugInfo, BrokenBytesHaveNoLocations) {
  std::vector<uint8_t> module = read_file(std::string(WASMRR_GUEST_DIR) + "/core/debug_loop.core.wasm");
  ASSERT_GT(module.size(), 1000u);
  // Cut in the middle of the debug sections, and plain garbage: no crash, at most fewer locations.
  std::vector<uint8_t> cut(module.begin(), module.begin() + static_cast<long>(module.size() * 3 / 4));
  ModuleDebugInfo cut_info(cut);
  for (uint32_t offset = 0; offset < 4096; offset += 7) (void)cut_info.locate(offset);
  std::vector<uint8_t> garbage(4096, 0xff);
  ModuleDebugInfo garbage_info(garbage);
  EXPECT_FALSE(garbage_info.has_dwarf());
  EXPECT_TRUE(garbage_info.locate(100).empty());
}

// --- Lines and functions ------------------------------------------------------

std::vector<uint8_t> guest(const std::string& name) { return read_file(std::string(WASMRR_GUEST_DIR) + "/core/" + name + ".core.wasm"); }

uint32_t line_of(ModuleDebugInfo& info, uint32_t offset) {
  std::optional<LineRow> row = info.line_at(offset);
  return row ? row->line : 0;
}

TEST(ModuleDebugInfoLines, BreakAtALineFindsItsCode) {
  std::vector<uint8_t> module = guest("debug_loop");
  ModuleDebugInfo info(module);
  std::optional<LineBreakpoint> b = info.find_line("debug_loop.c", 14);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->line, 14u);
  EXPECT_TRUE(b->file.ends_with("tests/guests/c_debug/debug_loop.c")) << b->file;
  ASSERT_EQ(b->offsets.size(), 1u);
  std::vector<SourceLocation> at = info.locate(b->offsets[0]);
  ASSERT_FALSE(at.empty());
  EXPECT_EQ(at[0].line, 14u);
  EXPECT_EQ(at[0].function, "step");
  std::optional<LineRow> row = info.line_at(b->offsets[0]);
  ASSERT_TRUE(row);
  EXPECT_EQ(row->line, 14u);
  EXPECT_TRUE(row->is_stmt);
  // The line begins there: the byte before is another line.
  EXPECT_NE(line_of(info, b->offsets[0] - 1), 14u);
  // A longer path suffix matches too; a partial file name does not.
  std::optional<LineBreakpoint> full = info.find_line("tests/guests/c_debug/debug_loop.c", 14);
  ASSERT_TRUE(full);
  EXPECT_EQ(full->offsets, b->offsets);
  EXPECT_FALSE(info.find_line("loop.c", 14));
  EXPECT_FALSE(info.find_line("nosuch.c", 14));
}

TEST(ModuleDebugInfoLines, ALineWithoutCodeMovesToTheNextOneInItsFunction) {
  std::vector<uint8_t> module = guest("debug_loop");
  ModuleDebugInfo info(module);
  // Line 28 declares `struct timespec ts;`: no code; line 29 has.
  std::optional<LineBreakpoint> b = info.find_line("debug_loop.c", 28);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->line, 29u);
  ASSERT_EQ(b->offsets.size(), 1u);
  EXPECT_EQ(line_of(info, b->offsets[0]), 29u);
  // Line 18 is blank between two functions: gdb does not slide into the next one.
  EXPECT_FALSE(info.find_line("debug_loop.c", 18));
  // Past the end of the file.
  EXPECT_FALSE(info.find_line("debug_loop.c", 1000));
  // The for loop's line has code in three places (init, test, increment): one breakpoint, at its start.
  std::optional<LineBreakpoint> loop = info.find_line("debug_loop.c", 27);
  ASSERT_TRUE(loop);
  ASSERT_EQ(loop->offsets.size(), 1u);
  std::optional<LineBreakpoint> before = info.find_line("debug_loop.c", 26);
  ASSERT_TRUE(before);
  EXPECT_LT(before->offsets[0], loop->offsets[0]);
}

TEST(ModuleDebugInfoLines, BreakAtAFunctionSkipsItsPrologue) {
  std::vector<uint8_t> module = guest("debug_loop");
  ModuleDebugInfo info(module);
  std::vector<FunctionBreakpoint> step = info.find_function("step");
  ASSERT_EQ(step.size(), 1u);
  EXPECT_EQ(step[0].name, "step");
  EXPECT_EQ(step[0].line, 14u) << "the first line of the body";
  EXPECT_EQ(line_of(info, step[0].offset), 14u);
  EXPECT_TRUE(step[0].file.ends_with("debug_loop.c"));
  auto range = info.function_range(step[0].offset);
  ASSERT_TRUE(range);
  EXPECT_LT(range->first, step[0].offset) << "past the prologue";
  EXPECT_LT(step[0].offset, range->second);
  EXPECT_EQ(info.locate(range->first).at(0).function, "step");
  EXPECT_EQ(info.function_range(range->first), range);
  EXPECT_NE(info.function_range(range->second), range);

  std::vector<FunctionBreakpoint> main_fn = info.find_function("main");
  ASSERT_EQ(main_fn.size(), 1u);
  EXPECT_EQ(main_fn[0].line, 25u);
  // By linkage name too (clang names C's main(argc, argv) so).
  std::vector<FunctionBreakpoint> by_linkage = info.find_function("__main_argc_argv");
  ASSERT_EQ(by_linkage.size(), 1u);
  EXPECT_EQ(by_linkage[0].offset, main_fn[0].offset);
  EXPECT_TRUE(info.find_function("nosuch").empty());
  EXPECT_TRUE(info.find_function("").empty());
  EXPECT_FALSE(info.function_range(0));
  EXPECT_FALSE(info.line_at(0));
}

TEST(ModuleDebugInfoLines, RustFunctionsByShortAndQualifiedName) {
  std::vector<uint8_t> module = guest("rust_debug_loop");
  if (module.empty()) GTEST_SKIP() << "no Rust guests";
  ModuleDebugInfo info(module);
  std::vector<FunctionBreakpoint> qualified = info.find_function("rust_debug_loop::step");
  ASSERT_EQ(qualified.size(), 1u);
  EXPECT_EQ(qualified[0].name, "rust_debug_loop::step");
  EXPECT_EQ(qualified[0].line, 12u);
  EXPECT_EQ(line_of(info, qualified[0].offset), 12u);
  std::vector<FunctionBreakpoint> by_name = info.find_function("step");
  auto same = std::find_if(by_name.begin(), by_name.end(), [&](const FunctionBreakpoint& f) { return f.offset == qualified[0].offset; });
  EXPECT_NE(same, by_name.end());
  std::vector<FunctionBreakpoint> main_fn = info.find_function("rust_debug_loop::main");
  ASSERT_EQ(main_fn.size(), 1u);
  EXPECT_EQ(main_fn[0].line, 25u);
  std::optional<LineBreakpoint> b = info.find_line("rust_debug_loop.rs", 13);
  ASSERT_TRUE(b);
  ASSERT_FALSE(b->offsets.empty());
  EXPECT_EQ(line_of(info, b->offsets[0]), 13u);
}

// --- Values --------------------------------------------------------------------

// A paused frame: every local is `frame_base`, globals are `global_value`,
// memory is a buffer from address 0.
class FakeFrame : public FrameAccess {
 public:
  static constexpr uint64_t kFrameBase = 0x10000;
  std::vector<uint8_t> memory = std::vector<uint8_t>(0x20000);
  std::optional<uint64_t> local(uint32_t) override { return kFrameBase; }
  std::optional<uint64_t> global(uint32_t) override { return kFrameBase; }
  bool read_memory(uint64_t address, std::span<uint8_t> out) override {
    if (address > memory.size() || out.size() > memory.size() - address) return false;
    std::memcpy(out.data(), memory.data() + address, out.size());
    return true;
  }
  template <typename T>
  void put(uint64_t address, T value) {
    ASSERT_LE(address + sizeof(T), memory.size());
    std::memcpy(memory.data() + address, &value, sizeof(T));
  }
  void put_string(uint64_t address, const std::string& s) {
    ASSERT_LE(address + s.size() + 1, memory.size());
    std::memcpy(memory.data() + address, s.c_str(), s.size() + 1);
  }
};

// Where `expression` is in memory at `offset`; fails the test if it is not.
uint64_t address(ModuleDebugInfo& info, const std::string& expression, uint32_t offset, FrameAccess& frame) {
  Result<uint64_t> a = info.address_of(expression, offset, frame);
  EXPECT_TRUE(a.ok()) << expression << ": " << (a.ok() ? "" : a.error().message);
  return a.ok() ? *a : 0;
}

std::string print(ModuleDebugInfo& info, const std::string& expression, uint32_t offset, FrameAccess& frame) {
  Result<ShownValue> v = info.evaluate(expression, offset, frame);
  return v.ok() ? v->value : "error: " + v.error().message;
}

std::string type_of(ModuleDebugInfo& info, const std::string& expression, uint32_t offset, FrameAccess& frame) {
  Result<ShownValue> v = info.evaluate(expression, offset, frame);
  return v.ok() ? v->type : "error: " + v.error().message;
}

struct CStep {
  std::vector<uint8_t> module = guest("debug_loop");
  ModuleDebugInfo info{module};
  FakeFrame frame;
  uint32_t offset = 0;
  static constexpr uint32_t kPoint = 0x2000;

  // step(p, i) paused at its first line with p = &{5, 7} and i = 3.
  CStep() {
    std::vector<FunctionBreakpoint> f = info.find_function("step");
    if (f.size() != 1) return;
    offset = f[0].offset;
    frame.put<uint32_t>(address(info, "p", offset, frame), kPoint);
    frame.put<int32_t>(address(info, "i", offset, frame), 3);
    frame.put<int32_t>(kPoint, 5);
    frame.put<int32_t>(kPoint + 4, 7);
  }
};

TEST(ModuleDebugInfoValues, TheParametersOfAPausedCFunction) {
  CStep c;
  ASSERT_NE(c.offset, 0u);
  // clang -O0: the frame base is a wasm local, variables are DW_OP_fbreg offsets from it.
  EXPECT_EQ(address(c.info, "p", c.offset, c.frame), FakeFrame::kFrameBase + 12);
  EXPECT_EQ(address(c.info, "i", c.offset, c.frame), FakeFrame::kFrameBase + 8);
  std::vector<VariableEntry> vars = c.info.variables(c.offset, c.frame);
  ASSERT_EQ(vars.size(), 2u);
  EXPECT_EQ(vars[0].shown.name, "p");
  EXPECT_EQ(vars[0].shown.type, "struct point *");
  EXPECT_EQ(vars[0].shown.value, "0x2000");
  EXPECT_EQ(vars[0].shown.expression, "p");
  EXPECT_TRUE(vars[0].shown.expandable);
  EXPECT_TRUE(vars[0].is_parameter);
  EXPECT_EQ(vars[1].shown.name, "i");
  EXPECT_EQ(vars[1].shown.type, "int");
  EXPECT_EQ(vars[1].shown.value, "3");
  EXPECT_FALSE(vars[1].shown.expandable);
}

TEST(ModuleDebugInfoValues, PrintsCExpressionsAsGdbDoes) {
  CStep c;
  ASSERT_NE(c.offset, 0u);
  auto p = [&](const std::string& e) { return print(c.info, e, c.offset, c.frame); };
  EXPECT_EQ(p("p->x"), "5");
  EXPECT_EQ(p("p->y"), "7");
  EXPECT_EQ(p("*p"), "{x = 5, y = 7}");
  EXPECT_EQ(type_of(c.info, "*p", c.offset, c.frame), "struct point");
  EXPECT_EQ(p("p"), "(struct point *) 0x2000");
  EXPECT_EQ(p("p->x + p->y * 2"), "19");
  EXPECT_EQ(p("(p->x + p->y) * 2"), "24");
  EXPECT_EQ(p("&p->y"), "(int *) 0x2004");
  EXPECT_EQ(p("&*p"), "(struct point *) 0x2000");
  EXPECT_EQ(p("i"), "3");
  EXPECT_EQ(p("-i"), "-3");
  EXPECT_EQ(p("~i"), "-4");
  EXPECT_EQ(p("!i"), "0");
  EXPECT_EQ(p("p + 1"), "(struct point *) 0x2008") << "scaled by sizeof(struct point)";
  EXPECT_EQ(p("p + 1 - 1"), "(struct point *) 0x2000");
  EXPECT_EQ(p("(p + 3) - p"), "3");
  EXPECT_EQ(p("p[0].y"), "7");
  EXPECT_EQ(p("(*p).x"), "5");
  EXPECT_EQ(p("p.x"), "5") << "gdb looks through a pointer for `.`";
  EXPECT_EQ(p("i << 4 | 1"), "49");
  EXPECT_EQ(p("p->y / 2 + p->y % 2"), "4");
  EXPECT_EQ(p("i == 3 && p->x > 4"), "1");
  EXPECT_EQ(p("i != 3 || p->x <= 4"), "0");
  EXPECT_EQ(p("0x10 + 010 + 1u"), "25");
  EXPECT_EQ(p("-1 >> 1"), "-1");
  EXPECT_EQ(p("0xffffffffu + 1"), "0") << "unsigned int wraps";
  EXPECT_EQ(p("0xffffffff + 1"), "4294967296") << "a literal that does not fit int is long long";
  EXPECT_EQ(p("'a'"), "97 'a'");
  EXPECT_EQ(p("'\\n'"), "10 '\\n'");
  EXPECT_EQ(p("p == &*p"), "1");
  EXPECT_EQ(p("  i  "), "3");
  Result<ShownValue> shown = c.info.evaluate("p->x + 1", c.offset, c.frame);
  ASSERT_TRUE(shown.ok());
  EXPECT_EQ(shown->type, "int");
  EXPECT_EQ(shown->expression, "p->x + 1");
  EXPECT_FALSE(shown->expandable);
  EXPECT_TRUE(c.info.evaluate("*p", c.offset, c.frame)->expandable);
}

TEST(ModuleDebugInfoValues, ErrorsSayWhatIsWrong) {
  CStep c;
  ASSERT_NE(c.offset, 0u);
  auto p = [&](const std::string& e) { return print(c.info, e, c.offset, c.frame); };
  EXPECT_EQ(p("nosuch"), "error: no symbol `nosuch` in the current context");
  EXPECT_EQ(p("p->nosuch"), "error: there is no member named `nosuch` in `struct point`");
  EXPECT_EQ(p("*i"), "error: `i` is not a pointer");
  EXPECT_EQ(p("i->x"), "error: `i` is not a pointer");
  EXPECT_EQ(p("i.x"), "error: `i` is not a structure or union");
  EXPECT_EQ(p("i / 0"), "error: division by zero");
  EXPECT_EQ(p("i % (p->x - 5)"), "error: division by zero");
  EXPECT_EQ(p("i # 2"), "error: syntax error at `# 2`");
  EXPECT_EQ(p("p->"), "error: syntax error at the end of the expression");
  EXPECT_EQ(p("(i"), "error: syntax error at the end of the expression");
  EXPECT_EQ(p("i)"), "error: syntax error at `)`");
  EXPECT_EQ(p(""), "error: empty expression");
  EXPECT_EQ(p("p * 2"), "error: invalid operands to binary `*` (`struct point *` and `int`)");
  EXPECT_EQ(p("&i + &i"), "error: invalid operands to binary `+` (`int *` and `int *`)");
  EXPECT_EQ(p("&(i + 1)"), "error: cannot take the address of `i + 1`: it is not in memory");
  EXPECT_EQ(p("99999999999999999999999"), "error: integer literal too large: `99999999999999999999999`");
  // A pointer into nowhere: gdb's "Cannot access memory".
  c.frame.put<uint32_t>(address(c.info, "p", c.offset, c.frame), 0x7ffffff0);
  EXPECT_EQ(p("*p"), "error: cannot read memory at 0x7ffffff0");
  EXPECT_EQ(p("p->y"), "error: cannot read memory at 0x7ffffff4");
  EXPECT_EQ(p("p"), "(struct point *) 0x7ffffff0") << "the pointer itself is fine";
  c.frame.put<uint32_t>(address(c.info, "p", c.offset, c.frame), CStep::kPoint);
  EXPECT_EQ(p("p[100000000].x"), "error: cannot read memory at 0x2faf2800");
  // The address space is 32-bit: an index that wraps comes back around.
  EXPECT_EQ(p("p[0x20000000].x"), "5");
}

TEST(ModuleDebugInfoValues, ChildrenExpandPointersAndStructs) {
  CStep c;
  ASSERT_NE(c.offset, 0u);
  Result<std::vector<ShownValue>> pointee = c.info.children("p", c.offset, c.frame);
  ASSERT_TRUE(pointee.ok());
  ASSERT_EQ(pointee->size(), 1u);
  EXPECT_EQ((*pointee)[0].name, "*p");
  EXPECT_EQ((*pointee)[0].value, "{x = 5, y = 7}");
  EXPECT_EQ((*pointee)[0].type, "struct point");
  EXPECT_TRUE((*pointee)[0].expandable);
  Result<std::vector<ShownValue>> members = c.info.children((*pointee)[0].expression, c.offset, c.frame);
  ASSERT_TRUE(members.ok());
  ASSERT_EQ(members->size(), 2u);
  EXPECT_EQ((*members)[0].name, "x");
  EXPECT_EQ((*members)[0].expression, "(*p).x");
  EXPECT_EQ((*members)[1].value, "7");
  // Each child's expression gives it again.
  EXPECT_EQ(print(c.info, (*members)[1].expression, c.offset, c.frame), "7");
  EXPECT_TRUE(c.info.children("i", c.offset, c.frame)->empty());
  EXPECT_FALSE(c.info.children("nosuch", c.offset, c.frame).ok());
}

TEST(ModuleDebugInfoValues, ScopesOfMainInnermostFirst) {
  std::vector<uint8_t> module = guest("debug_loop");
  ModuleDebugInfo info(module);
  FakeFrame frame;
  std::optional<LineBreakpoint> b = info.find_line("debug_loop.c", 30);  // total += step(&p, i); inside the loop
  ASSERT_TRUE(b);
  std::vector<std::string> names;
  for (const VariableEntry& v : info.variables(b->offsets[0], frame)) names.push_back(v.shown.name);
  EXPECT_EQ(names, (std::vector<std::string>{"ts", "i", "argc", "argv", "p", "total"}));
  frame.put<int32_t>(address(info, "p.x", b->offsets[0], frame), 4);
  frame.put<int32_t>(address(info, "p.y", b->offsets[0], frame), 9);
  EXPECT_EQ(print(info, "p", b->offsets[0], frame), "{x = 4, y = 9}");
  EXPECT_EQ(type_of(info, "argv", b->offsets[0], frame), "char **");
  EXPECT_EQ(type_of(info, "ts.tv_sec", b->offsets[0], frame), "time_t");
  // Before the loop, its variables are not in scope.
  std::vector<FunctionBreakpoint> main_fn = info.find_function("main");
  ASSERT_EQ(main_fn.size(), 1u);
  EXPECT_EQ(print(info, "i", main_fn[0].offset, frame), "error: no symbol `i` in the current context");
  EXPECT_EQ(info.variables(main_fn[0].offset, frame).size(), 4u);
}

struct CTypes {
  std::vector<uint8_t> module = guest("debug_types");
  ModuleDebugInfo info{module};
  FakeFrame frame;
  uint32_t offset = 0;
  static constexpr uint32_t kShape = 0x4000, kList = 0x4100, kName = 0x5000, kGreeting = 0x5100;

  // inspect(s, list, 'a') paused at its first line, with the shape main() makes.
  CTypes() {
    std::vector<FunctionBreakpoint> f = info.find_function("inspect");
    if (f.size() != 1) return;
    offset = f[0].offset;
    auto at = [&](const std::string& e) { return address(info, e, offset, frame); };
    frame.put<uint32_t>(at("s"), kShape);
    frame.put<uint32_t>(at("list"), kList);
    frame.put<char>(at("c"), 'a');
    uint64_t first = at("first"), second = at("second");
    frame.put<uint32_t>(kList, static_cast<uint32_t>(first));
    frame.put<int32_t>(first, 1);
    frame.put<uint32_t>(first + 4, static_cast<uint32_t>(second));
    frame.put<int32_t>(second, 2);
    frame.put<uint32_t>(second + 4, 0);
    frame.put<int32_t>(at("counter"), 7);
    frame.put<uint32_t>(at("greeting"), kGreeting);
    frame.put_string(kGreeting, "hello");
    frame.put<uint32_t>(at("op"), 1);  // a function pointer is a table index in wasm
    frame.put<uint32_t>(at("s->color"), 6);
    for (int i = 0; i < 3; i++) frame.put<int32_t>(at("s->corners") + 4 * i, i + 1);
    frame.put_string(at("s->label"), "tri");
    frame.put<uint32_t>(at("s->name"), kName);
    frame.put_string(kName, "triangle");
    frame.put<double>(at("s->scale"), 1.5);
    frame.put<uint8_t>(at("s->visible"), 1);
    frame.put<int32_t>(at("s->n"), 65);
    frame.put<uint32_t>(at("s->bits"), 1 | 5 << 1);  // flag = 1, level = 5
    frame.put<int32_t>(at("s->bits.rest"), -2);
    for (int i = 0; i < 6; i++) frame.put<int32_t>(at("s->grid") + 4 * i, i + 1);
  }
  std::string p(const std::string& e) { return print(info, e, offset, frame); }
};

TEST(ModuleDebugInfoValues, FormatsCTypesAsGdbDoes) {
  CTypes t;
  ASSERT_NE(t.offset, 0u);
  EXPECT_EQ(t.p("s->color"), "BLUE");
  EXPECT_EQ(t.p("s->color == BLUE"), "1");
  EXPECT_EQ(t.p("GREEN"), "GREEN");
  EXPECT_EQ(t.p("GREEN + 1"), "6");
  EXPECT_EQ(t.p("s->corners"), "{1, 2, 3}");
  EXPECT_EQ(type_of(t.info, "s->corners", t.offset, t.frame), "int [3]");
  EXPECT_EQ(t.p("s->corners[1]"), "2");
  EXPECT_EQ(t.p("*s->corners"), "1");
  EXPECT_EQ(t.p("&s->corners[2] - &s->corners[0]"), "2");
  EXPECT_EQ(t.p("s->corners + 1"), "(int *) 0x4008");
  EXPECT_EQ(t.p("s->label"), "\"tri\"");
  EXPECT_EQ(t.p("s->label[1]"), "114 'r'");
  EXPECT_EQ(t.p("s->name"), "0x5000 \"triangle\"");
  EXPECT_EQ(type_of(t.info, "s->name", t.offset, t.frame), "const char *");
  EXPECT_EQ(t.p("s->scale"), "1.5");
  EXPECT_EQ(t.p("s->scale * 2"), "3");
  EXPECT_EQ(t.p("s->visible"), "true");
  EXPECT_EQ(t.p("s->n"), "{i = 65, f = 9.1e-44, bytes = \"A\"}");
  EXPECT_EQ(t.p("s->bits"), "{flag = 1, level = 5, rest = -2}");
  EXPECT_EQ(type_of(t.info, "s->bits", t.offset, t.frame), "bits_t");
  EXPECT_EQ(t.p("s->bits.level * 2"), "10");
  EXPECT_EQ(t.p("s->grid"), "{{1, 2, 3}, {4, 5, 6}}");
  EXPECT_EQ(type_of(t.info, "s->grid[1]", t.offset, t.frame), "int [3]");
  EXPECT_EQ(t.p("s->grid[1][2]"), "6");
  EXPECT_EQ(t.p("c"), "97 'a'");
  EXPECT_EQ(t.p("c + 1"), "98");
  EXPECT_EQ(t.p("list"), "(struct node **) 0x4100");
  uint64_t first = address(t.info, "first", t.offset, t.frame);
  uint64_t second = address(t.info, "second", t.offset, t.frame);
  EXPECT_EQ(t.p("*list"), fmt_hex("(struct node *) ", first));
  EXPECT_EQ(t.p("**list"), fmt_hex("{value = 1, next = ", second) + "}");
  EXPECT_EQ(t.p("(*list)->next->value"), "2");
  EXPECT_EQ(t.p("list[0][0].next->next"), "(struct node *) 0x0");
  EXPECT_EQ(t.p("counter"), "7");
  EXPECT_EQ(t.p("greeting"), "0x5100 \"hello\"");
  EXPECT_EQ(t.p("op"), "(int (*)(int, int)) 0x1");
  std::string shape = t.p("*s");
  EXPECT_EQ(shape.rfind("{color = BLUE, corners = {1, 2, 3}, label = \"tri\", name = 0x5000 \"triangle\", scale = 1.5, visible = true, ", 0), 0u) << shape;
  EXPECT_EQ(t.p("s->corners[100000000]"), "error: cannot read memory at 0x17d7c404");
  EXPECT_EQ(t.p("s->bits.flag + &s->bits.flag"), "error: cannot take the address of `s->bits.flag`: it is not in memory");
}

TEST(ModuleDebugInfoValues, LongArraysAreCut) {
  CTypes t;
  ASSERT_NE(t.offset, 0u);
  EXPECT_EQ(t.p("table"), "{0 <repeats 200 times>...}");
  uint64_t table = address(t.info, "table", t.offset, t.frame);
  for (int i = 0; i < 300; i++) t.frame.put<int32_t>(table + 4 * i, i);
  std::string shown = t.p("table");
  EXPECT_TRUE(shown.starts_with("{0, 1, 2, 3, ")) << shown;
  EXPECT_TRUE(shown.ends_with(", 198, 199...}")) << shown;
  EXPECT_EQ(t.p("table[299]"), "299");
  Result<std::vector<ShownValue>> children = t.info.children("table", t.offset, t.frame);
  ASSERT_TRUE(children.ok());
  ASSERT_EQ(children->size(), 300u);
  EXPECT_EQ(children->back().expression, "table[299]");
  EXPECT_EQ(children->back().value, "299");
}

TEST(ModuleDebugInfoValues, ChildrenOfArraysAndStructs) {
  CTypes t;
  ASSERT_NE(t.offset, 0u);
  Result<std::vector<ShownValue>> grid = t.info.children("s->grid", t.offset, t.frame);
  ASSERT_TRUE(grid.ok());
  ASSERT_EQ(grid->size(), 2u);
  EXPECT_EQ((*grid)[1].name, "[1]");
  EXPECT_EQ((*grid)[1].expression, "s->grid[1]");
  EXPECT_EQ((*grid)[1].value, "{4, 5, 6}");
  EXPECT_TRUE((*grid)[1].expandable);
  Result<std::vector<ShownValue>> members = t.info.children("*s", t.offset, t.frame);
  ASSERT_TRUE(members.ok());
  ASSERT_EQ(members->size(), 9u);
  EXPECT_EQ((*members)[0].expression, "(*s).color");
  EXPECT_EQ((*members)[0].value, "BLUE");
  EXPECT_EQ((*members)[3].value, "0x5000 \"triangle\"");
  for (const ShownValue& m : *members) EXPECT_EQ(print(t.info, m.expression, t.offset, t.frame), m.value) << m.expression;
}

TEST(ModuleDebugInfoValues, AnInnerVariableShadowsAnOuterOne) {
  CTypes t;
  ASSERT_NE(t.offset, 0u);
  // Line 53 opens a block (no code): the breakpoint is on its first line.
  std::optional<LineBreakpoint> b = t.info.find_line("debug_types.c", 53);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->line, 54u);
  std::optional<LineBreakpoint> inner = t.info.find_line("debug_types.c", 55);
  ASSERT_TRUE(inner);
  std::vector<VariableEntry> vars = t.info.variables(inner->offsets[0], t.frame);
  std::vector<std::string> names;
  for (const VariableEntry& v : vars) names.push_back(v.shown.name);
  EXPECT_EQ(names, (std::vector<std::string>{"sum", "s", "list", "c"}));
  EXPECT_FALSE(vars[0].is_parameter);
  EXPECT_TRUE(vars[1].is_parameter);
  uint64_t inner_sum = address(t.info, "sum", inner->offsets[0], t.frame);
  uint64_t outer_sum = address(t.info, "sum", t.offset, t.frame);
  EXPECT_NE(inner_sum, outer_sum);
}

struct RustStep {
  std::vector<uint8_t> module = guest("rust_debug_loop");
  ModuleDebugInfo info{module};
  FakeFrame frame;
  uint32_t offset = 0;
  static constexpr uint32_t kPoint = 0x3000;

  RustStep() {
    if (module.empty()) return;
    std::vector<FunctionBreakpoint> f = info.find_function("rust_debug_loop::step");
    if (f.size() != 1) return;
    offset = f[0].offset;
    frame.put<uint32_t>(address(info, "p", offset, frame), kPoint);
    frame.put<int64_t>(address(info, "i", offset, frame), 3);
    frame.put<int64_t>(kPoint, 5);
    frame.put<int64_t>(kPoint + 8, 7);
  }
};

TEST(ModuleDebugInfoValues, PrintsRustValues) {
  RustStep r;
  if (r.module.empty()) GTEST_SKIP() << "no Rust guests";
  ASSERT_NE(r.offset, 0u);
  auto p = [&](const std::string& e) { return print(r.info, e, r.offset, r.frame); };
  EXPECT_EQ(p("p->x"), "5");
  EXPECT_EQ(p("(*p).x"), "5");
  EXPECT_EQ(p("p.y"), "7");
  EXPECT_EQ(p("*p"), "rust_debug_loop::Point {x: 5, y: 7}");
  EXPECT_EQ(p("p"), "(&mut rust_debug_loop::Point) 0x3000");
  EXPECT_EQ(p("p->x + p->y * 2"), "19");
  EXPECT_EQ(type_of(r.info, "p->x + p->y * 2", r.offset, r.frame), "i64");
  EXPECT_EQ(p("i"), "3");
  EXPECT_EQ(p("i == 3"), "true");
  EXPECT_EQ(p("&p->y"), "(*mut i64) 0x3008");
  EXPECT_EQ(p("p + 1"), "(&mut rust_debug_loop::Point) 0x3010");
  EXPECT_EQ(p("nosuch"), "error: no symbol `nosuch` in the current context");
  std::vector<VariableEntry> vars = r.info.variables(r.offset, r.frame);
  ASSERT_EQ(vars.size(), 2u);
  EXPECT_EQ(vars[0].shown.name, "p");
  EXPECT_EQ(vars[0].shown.type, "&mut rust_debug_loop::Point");
  EXPECT_EQ(vars[0].shown.value, "0x3000");
  EXPECT_TRUE(vars[0].shown.expandable);
  EXPECT_EQ(vars[1].shown.type, "i64");
  EXPECT_EQ(vars[1].shown.value, "3");
  Result<std::vector<ShownValue>> members = r.info.children("*p", r.offset, r.frame);
  ASSERT_TRUE(members.ok());
  ASSERT_EQ(members->size(), 2u);
  EXPECT_EQ((*members)[1].expression, "(*p).y");
  EXPECT_EQ((*members)[1].value, "7");
}

// --- Hostile inputs ------------------------------------------------------------

TEST(ModuleDebugInfoHostile, NoDwarfIsAClearError) {
  std::vector<uint8_t> module = read_file(std::string(WASMRR_TEST_DATA_DIR) + "/engine/basic.wasm");
  ModuleDebugInfo info(module);
  FakeFrame frame;
  Result<ShownValue> v = info.evaluate("x", 40, frame);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().message, "no debugging information (DWARF) in this module");
  EXPECT_TRUE(info.variables(40, frame).empty());
  EXPECT_FALSE(info.children("x", 40, frame).ok());
  EXPECT_FALSE(info.find_line("a.c", 1));
  EXPECT_TRUE(info.find_function("main").empty());
  EXPECT_FALSE(info.line_at(40));
  EXPECT_FALSE(info.function_range(40));
  EXPECT_FALSE(info.source_line("a.c", 1));
}

TEST(ModuleDebugInfoHostile, DeepExpressionsAreErrorsNotCrashes) {
  CStep c;
  ASSERT_NE(c.offset, 0u);
  std::string parens = std::string(10000, '(') + "i" + std::string(10000, ')');
  EXPECT_EQ(print(c.info, parens, c.offset, c.frame), "error: expression nested too deeply");
  EXPECT_EQ(print(c.info, std::string(10000, '-') + "i", c.offset, c.frame), "error: expression nested too deeply");
  EXPECT_EQ(print(c.info, std::string(10000, '*') + "p", c.offset, c.frame), "error: expression nested too deeply");
  std::string sum = "i";
  for (int k = 0; k < 5000; k++) sum += "+i";
  EXPECT_EQ(print(c.info, sum, c.offset, c.frame), "error: expression too complex");
  EXPECT_EQ(print(c.info, std::string(50, '(') + "i" + std::string(50, ')'), c.offset, c.frame), "3");
  std::string long_sum = "i";
  for (int k = 0; k < 100; k++) long_sum += "+i";
  EXPECT_EQ(print(c.info, long_sum, c.offset, c.frame), "303");
  EXPECT_FALSE(c.info.evaluate(std::string(1, '\0'), c.offset, c.frame).ok());
  EXPECT_FALSE(c.info.evaluate("\xff\xfe", c.offset, c.frame).ok());
}

TEST(ModuleDebugInfoHostile, UnreadableFramesAndBrokenModules) {
  // A frame that has nothing: values are unavailable, nothing crashes.
  class EmptyFrame : public FrameAccess {
   public:
    std::optional<uint64_t> local(uint32_t) override { return std::nullopt; }
    std::optional<uint64_t> global(uint32_t) override { return std::nullopt; }
    bool read_memory(uint64_t, std::span<uint8_t>) override { return false; }
  } empty;
  CStep c;
  ASSERT_NE(c.offset, 0u);
  std::vector<VariableEntry> vars = c.info.variables(c.offset, empty);
  ASSERT_EQ(vars.size(), 2u);
  EXPECT_EQ(vars[0].shown.value, "<unavailable: no frame base>");
  EXPECT_FALSE(vars[0].shown.expandable);
  EXPECT_FALSE(c.info.evaluate("*p", c.offset, empty).ok());
  // Every offset of a cut module: no crash.
  std::vector<uint8_t> module = guest("debug_types");
  std::vector<uint8_t> cut(module.begin(), module.begin() + static_cast<long>(module.size() * 2 / 3));
  ModuleDebugInfo cut_info(cut);
  FakeFrame frame;
  for (uint32_t offset = 0; offset < cut.size(); offset += 3) {
    for (const VariableEntry& v : cut_info.variables(offset, frame)) (void)cut_info.children(v.shown.expression, offset, frame);
    (void)cut_info.evaluate("s->grid[1]", offset, frame);
    (void)cut_info.line_at(offset);
  }
  (void)cut_info.find_line("debug_types.c", 50);
  (void)cut_info.find_function("inspect");
  // Memory full of 0xff: pointers everywhere and nowhere.
  CTypes t;
  ASSERT_NE(t.offset, 0u);
  std::fill(t.frame.memory.begin() + CTypes::kShape, t.frame.memory.begin() + CTypes::kShape + 0x100, 0xff);
  EXPECT_EQ(t.p("s->name"), "0xffffffff <error: cannot read memory at 0xffffffff>");
  EXPECT_EQ(t.p("s->color"), "4294967295");
  for (const VariableEntry& v : t.info.variables(t.offset, t.frame)) (void)t.info.children(v.shown.expression, t.offset, t.frame);
}

TEST(SourceFiles, ReadsOneLine) {
  std::string path = testing::TempDir() + "/debuginfo_source.c";
  {
    std::ofstream out(path);
    out << "first\nsecond\r\n\nfourth";
  }
  EXPECT_EQ(read_source_line(path, 1), "first");
  EXPECT_EQ(read_source_line(path, 2), "second");
  EXPECT_EQ(read_source_line(path, 3), "");
  EXPECT_EQ(read_source_line(path, 4), "fourth");
  EXPECT_FALSE(read_source_line(path, 5));
  EXPECT_FALSE(read_source_line(path, 0));
  EXPECT_FALSE(read_source_line(path + ".missing", 1));
  std::remove(path.c_str());
}

}  // namespace
}  // namespace wasmrr::debuginfo
