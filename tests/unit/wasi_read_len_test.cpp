// The `len` of input-stream.read / blocking-read / skip / blocking-skip and of
// descriptor.read is a maximum: a huge one (2^64 - 1) returns what is
// available, at most kMaxIoChunk bytes, and neither traps nor makes the host
// allocate `len` bytes. Stdin-like pipes and file streams here; TCP streams
// in sockets_test.cpp, HTTP bodies in http_test.cpp.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <thread>

#include "wasi/io/stream.h"
#include "wasi_test_util.h"

namespace wasmrr::wasi::testing {
namespace {

namespace fs = std::filesystem;
constexpr const char* kStreams = "wasi:io/streams";
constexpr uint64_t kHuge = std::numeric_limits<uint64_t>::max();

Value in_call(HostHarness& h, const char* method, uint32_t stream, uint64_t len) {
  return h.call1(kStreams, std::string("[method]input-stream.") + method, {Value::borrow(stream), Value::u64(len)});
}

Value bytes(std::string s) { return Value::ok(Value::byte_list(std::move(s))); }
Value count(uint64_t n) { return Value::ok(Value::u64(n)); }
const Value kClosed = Value::err(Value::variant(1));

TEST(WasiReadLength, HugeLengthsOnStdinReturnWhatIsAvailable) {
  Pipe in;
  WasiConfig c;
  c.stdin_fd = in.read_end;
  HostHarness h(c);
  uint32_t s = h.call1("wasi:cli/stdin", "get-stdin").rep();
  EXPECT_EQ(in_call(h, "read", s, kHuge), bytes(""));  // nothing yet
  ASSERT_EQ(::write(in.write_end, "abcdef", 6), 6);
  EXPECT_EQ(in_call(h, "read", s, kHuge), bytes("abcdef"));
  ASSERT_EQ(::write(in.write_end, "ghij", 4), 4);
  EXPECT_EQ(in_call(h, "skip", s, kHuge), count(4));
  ASSERT_EQ(::write(in.write_end, "xyz", 3), 3);
  EXPECT_EQ(in_call(h, "blocking-read", s, kHuge), bytes("xyz"));
  ASSERT_EQ(::write(in.write_end, "12", 2), 2);
  EXPECT_EQ(in_call(h, "blocking-skip", s, kHuge), count(2));
  // Just below and above 2^32, where a 32-bit length would wrap.
  ASSERT_EQ(::write(in.write_end, "four", 4), 4);
  EXPECT_EQ(in_call(h, "read", s, (uint64_t{1} << 32) + 2), bytes("four"));
  in.close_write();
  EXPECT_EQ(in_call(h, "read", s, kHuge), kClosed);
  EXPECT_EQ(in_call(h, "blocking-read", s, kHuge), kClosed);
  EXPECT_EQ(in_call(h, "skip", s, kHuge), kClosed);
  EXPECT_EQ(in_call(h, "blocking-skip", s, kHuge), kClosed);
}

// More than one chunk waiting: one read returns a bounded part of it.
TEST(WasiReadLength, HugeLengthReturnsAtMostOneChunk) {
  Pipe in;
  WasiConfig c;
  c.stdin_fd = in.read_end;
  HostHarness h(c);
  uint32_t s = h.call1("wasi:cli/stdin", "get-stdin").rep();
  const std::string data(3 * kMaxIoChunk, 'p');
  std::thread writer([&] {
    size_t done = 0;
    while (done < data.size()) {
      ssize_t n = ::write(in.write_end, data.data() + done, data.size() - done);
      if (n <= 0) return;
      done += static_cast<size_t>(n);
    }
    in.close_write();
  });
  uint64_t total = 0;
  for (;;) {
    Value r = in_call(h, "blocking-read", s, kHuge);
    if (!r.is_ok()) {
      EXPECT_EQ(r, kClosed);
      break;
    }
    EXPECT_GT(r.payload().str.size(), 0u);
    EXPECT_LE(r.payload().str.size(), kMaxIoChunk);
    total += r.payload().str.size();
  }
  writer.join();
  EXPECT_EQ(total, data.size());
}

class WasiReadLengthFile : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "wasmrr-readlen-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    content_.resize(2 * kMaxIoChunk + 10);
    for (size_t i = 0; i < content_.size(); ++i) content_[i] = static_cast<char>('a' + i % 26);
    std::ofstream(dir_ / "big.bin", std::ios::binary) << content_;
    WasiConfig c;
    c.preopens.push_back({dir_.string(), "/data", true});
    h_ = std::make_unique<HostHarness>(c);
    uint32_t root = h_->call1("wasi:filesystem/preopens", "get-directories").items.at(0).items.at(0).rep();
    Value f = h_->call1("wasi:filesystem/types", "[method]descriptor.open-at",
                        {Value::borrow(root), Value::flags({false}), Value::string("big.bin"),
                         Value::flags({false, false, false, false}),
                         Value::flags({true, false, false, false, false, false})});
    ASSERT_TRUE(f.is_ok());
    file_ = f.payload().rep();
  }
  void TearDown() override {
    h_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  Value descriptor(const std::string& method, Values rest) {
    rest.insert(rest.begin(), Value::borrow(file_));
    return h_->call1("wasi:filesystem/types", "[method]descriptor." + method, std::move(rest));
  }

  fs::path dir_;
  std::string content_;
  std::unique_ptr<HostHarness> h_;
  uint32_t file_ = 0;
};

TEST_F(WasiReadLengthFile, HugeLengthsOnAFileStreamReadChunks) {
  Value s = descriptor("read-via-stream", {Value::u64(0)});
  ASSERT_TRUE(s.is_ok());
  uint32_t in = s.payload().rep();
  EXPECT_EQ(in_call(*h_, "read", in, kHuge), bytes(content_.substr(0, kMaxIoChunk)));
  EXPECT_EQ(in_call(*h_, "skip", in, kHuge), count(kMaxIoChunk));
  EXPECT_EQ(in_call(*h_, "blocking-read", in, kHuge), bytes(content_.substr(2 * kMaxIoChunk)));  // the last 10
  EXPECT_EQ(in_call(*h_, "blocking-skip", in, kHuge), kClosed);
  // A stream starting near the end: what is left, then closed.
  Value tail = descriptor("read-via-stream", {Value::u64(content_.size() - 3)});
  ASSERT_TRUE(tail.is_ok());
  EXPECT_EQ(in_call(*h_, "blocking-skip", tail.payload().rep(), kHuge), count(3));
  EXPECT_EQ(in_call(*h_, "read", tail.payload().rep(), kHuge), kClosed);
}

TEST_F(WasiReadLengthFile, HugeLengthOnDescriptorReadIsAMaximum) {
  auto read_at = [&](uint64_t offset) { return descriptor("read", {Value::u64(kHuge), Value::u64(offset)}); };
  EXPECT_EQ(read_at(0),
            Value::ok(Value::tuple({Value::byte_list(content_.substr(0, kMaxIoChunk)), Value::boolean(false)})));
  EXPECT_EQ(read_at(content_.size() - 4),
            Value::ok(Value::tuple({Value::byte_list(content_.substr(content_.size() - 4)), Value::boolean(false)})));
  EXPECT_EQ(read_at(content_.size()), Value::ok(Value::tuple({Value::byte_list(""), Value::boolean(true)})));
}

}  // namespace
}  // namespace wasmrr::wasi::testing
