// Packs (.wasmrr): a component and a trace in one tar archive, read back by
// the trace reader (streaming) and by read_packed_component.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "trace/pack.h"
#include "trace/reader.h"

namespace wasmrr::trace {
namespace {

namespace fs = std::filesystem;

class PackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / fs::path("wasm-rr-pack-test-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    trace_ = (dir_ / "t.json").string();
    write(trace_, "[{\"format\":\"wasm-rr-trace\",\"version\":1}\n,{\"fn\":\"f\",\"args\":[],\"results\":[1]}\n]\n");
  }
  void TearDown() override { fs::remove_all(dir_); }

  static void write(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }
  static std::string read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }
  PackManifest manifest() const { return {"app.wasm", "abc", "trace.json", "test"}; }
  std::string pack(const std::vector<uint8_t>& component) {
    std::string out = (dir_ / "p.wasmrr").string();
    auto r = write_pack(out, manifest(), component, trace_);
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return out;
  }

  fs::path dir_;
  std::string trace_;
};

TEST_F(PackTest, HoldsTheComponentAndTheTraceByteForByte) {
  std::vector<uint8_t> component(100000);
  for (size_t i = 0; i < component.size(); i++) component[i] = static_cast<uint8_t>(i * 7);
  std::string p = pack(component);
  EXPECT_TRUE(is_pack_file(p));
  EXPECT_FALSE(is_pack_file(trace_));
  auto packed = read_packed_component(p, 1 << 20);
  ASSERT_TRUE(packed) << packed.error().message;
  EXPECT_EQ(packed->bytes, component);
  EXPECT_EQ(packed->manifest.component, "app.wasm");
  EXPECT_EQ(packed->manifest.trace, "trace.json");

  auto reader = TraceReader::open(p);
  ASSERT_TRUE(reader) << reader.error().message;
  EXPECT_TRUE((*reader)->packed());
  EXPECT_EQ((*reader)->file_size(), read(trace_).size());
  auto header = (*reader)->next();
  ASSERT_TRUE(header && *header);
  EXPECT_EQ((**header)["format"], "wasm-rr-trace");
  auto event = (*reader)->next();
  ASSERT_TRUE(event && *event);
  EXPECT_EQ((**event)["fn"], "f");
  auto end = (*reader)->next();
  ASSERT_TRUE(end);
  EXPECT_FALSE(*end);
}

TEST_F(PackTest, AComponentLargerThanTheLimitIsRefused) {
  std::string p = pack(std::vector<uint8_t>(5000, 1));
  auto packed = read_packed_component(p, 4096);
  ASSERT_FALSE(packed);
  EXPECT_NE(packed.error().message.find("larger than"), std::string::npos) << packed.error().message;
}

TEST_F(PackTest, DamagedPacksAreErrorsThatSayWhat) {
  std::string p = pack(std::vector<uint8_t>(3000, 2));
  std::string bytes = read(p);
  // Cut in the component: the trace cannot be reached.
  std::string cut = (dir_ / "cut.wasmrr").string();
  write(cut, bytes.substr(0, 2000));
  auto reader = TraceReader::open(cut);
  EXPECT_FALSE(reader);
  // A manifest of another format.
  std::string bad = bytes;
  size_t at = bad.find("wasm-rr-pack\"");
  ASSERT_NE(at, std::string::npos);
  bad[at] = 'W';
  std::string bad_path = (dir_ / "bad.wasmrr").string();
  write(bad_path, bad);
  auto r = TraceReader::open(bad_path);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("manifest"), std::string::npos) << r.error().message;
}

TEST_F(PackTest, APackIsWrittenWholeOrNotAtAll) {
  std::string out = (dir_ / "p.wasmrr").string();
  write(out, "earlier");
  auto r = write_pack(out, manifest(), std::vector<uint8_t>(10, 0), (dir_ / "missing.json").string());
  EXPECT_FALSE(r);
  EXPECT_EQ(read(out), "earlier");
  size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir_)) files += e.is_regular_file();
  EXPECT_EQ(files, 2u);  // t.json and p.wasmrr: no temporary file left
}

}  // namespace
}  // namespace wasmrr::trace
