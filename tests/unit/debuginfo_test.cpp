// debuginfo::ModuleDebugInfo on real modules: the -g guest's core module
// (tests/guests/c_debug/debug_loop.c, built by the suite), a module without
// DWARF, and broken bytes.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "debuginfo/dwarf.h"

namespace wasmrr::debuginfo {
namespace {

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << "missing " << path;
  return {std::istreambuf_iterator<char>(in), {}};
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

}  // namespace
}  // namespace wasmrr::debuginfo
