// Reading ahead on a thread (trace/prefetch.h): every byte comes once and in
// order, then the end or the source's error; a reader that stops early does
// not wait for the rest. And a trace large enough to be read ahead (a file
// of more than one chunk) reads exactly as before, in every format, with an
// element larger than a chunk in the middle, whole or cut short.
#include <gtest/gtest.h>

#include <sys/types.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "temp_files.h"
#include "trace/prefetch.h"
#include "trace/raw_input.h"
#include "trace/reader.h"
#include "trace/writer.h"
#include "trace_reading.h"

namespace wasmrr {
namespace {

using trace::Compression;
using trace::Format;
using trace::Json;
using trace::Prefetcher;
using trace::TraceFormat;

// `size` bytes of a pattern, handed out `step` at a time, then the end, or a
// failure if `fail`.
class PatternInput final : public trace::RawInput {
 public:
  PatternInput(uint64_t size, size_t step, bool fail) : size_(size), step_(step), fail_(fail) {}
  static char byte_at(uint64_t i) { return static_cast<char>((i * 131 + i / 4099) & 0xff); }
  ssize_t read(char* buf, size_t n) override {
    if (pos_ == size_) return fail_ ? -1 : 0;
    size_t take = std::min<uint64_t>({n, step_, size_ - pos_});
    for (size_t i = 0; i < take; i++) buf[i] = byte_at(pos_ + i);
    pos_ += take;
    return static_cast<ssize_t>(take);
  }
  std::string error() const override { return fail_ ? "the disk is on fire" : ""; }
  uint64_t handed_out() const { return pos_; }  // only once the prefetcher's thread has ended

 private:
  uint64_t size_, pos_ = 0;
  size_t step_;
  bool fail_;
};

// Everything the prefetcher hands out, in order, with the buffers given back.
std::string take_all(Prefetcher& p) {
  std::string out;
  while (true) {
    Prefetcher::Chunk c = p.next();
    if (c.size == 0) return out;
    EXPECT_LE(c.size, Prefetcher::kChunkBytes);
    out.append(c.buffer.get() + Prefetcher::kHeadroom, c.size);
    p.recycle(std::move(c.buffer));
  }
}

TEST(Prefetcher, HandsOutEveryByteInOrderThenTheEnd) {
  for (uint64_t size : {uint64_t{0}, uint64_t{1}, uint64_t{Prefetcher::kChunkBytes}, 3 * uint64_t{Prefetcher::kChunkBytes} + 12345}) {
    SCOPED_TRACE(size);
    PatternInput in(size, 7777, /*fail=*/false);
    Prefetcher p(in);
    std::string got = take_all(p);
    ASSERT_EQ(got.size(), size);
    for (uint64_t i = 0; i < size; i += 997) ASSERT_EQ(got[i], PatternInput::byte_at(i)) << i;
    EXPECT_EQ(p.error(), "");
    EXPECT_FALSE(p.cut_short());
    EXPECT_EQ(p.next().size, 0u);  // and stays at the end
  }
}

TEST(Prefetcher, TheBytesBeforeAFailureComeFirst) {
  const uint64_t size = 2 * uint64_t{Prefetcher::kChunkBytes} + 100;
  PatternInput in(size, 65536, /*fail=*/true);
  Prefetcher p(in);
  std::string got = take_all(p);
  EXPECT_EQ(got.size(), size);
  EXPECT_EQ(p.error(), "the disk is on fire");
}

// The reader gives up early: the destructor stops the thread, which has read
// no more than its buffers hold, not the rest (4 GiB here).
TEST(Prefetcher, StopsWhenTheReaderStopsEarly) {
  PatternInput in(uint64_t{4} << 30, 1 << 20, /*fail=*/false);
  {
    Prefetcher p(in);
    Prefetcher::Chunk c = p.next();
    EXPECT_EQ(c.size, Prefetcher::kChunkBytes);
  }
  EXPECT_LE(in.handed_out(), Prefetcher::kChunks * uint64_t{Prefetcher::kChunkBytes});
}

// A header, clock events around one event whose bytes are larger than a
// chunk (and than the headroom), an end: a few megabytes.
std::vector<Json> large_trace() {
  std::vector<Json> out{trace::to_json(test::test_header())};
  uint64_t now = 3'600'000'000'000;
  auto clock_events = [&](int n) {
    for (int i = 0; i < n; i++) {
      now += 700 + (static_cast<uint64_t>(i) * 7919) % 300;
      out.push_back(trace::to_json(trace::Event{"wasi:clocks/monotonic-clock@0.2.0#now", Json::array(), Json::array({now})}));
    }
  };
  clock_events(30000);
  std::vector<uint8_t> bytes(Prefetcher::kChunkBytes + Prefetcher::kChunkBytes / 2);
  uint64_t state = 0x9e3779b97f4a7c15;  // xorshift: bytes that do not compress, so a .zst is large too
  for (uint8_t& b : bytes) {
    state ^= state << 13, state ^= state >> 7, state ^= state << 17;
    b = static_cast<uint8_t>(state);
  }
  out.push_back(trace::to_json(trace::Event{"wasi:io/streams@0.2.0#[method]input-stream.read",
                                            Json::array({Json{{"handle", 1}}, bytes.size()}),
                                            Json::array({Json{{"ok", Json::binary(bytes)}}})}));
  clock_events(30000);
  out.push_back(trace::to_json(trace::End{}));
  return out;
}

class PrefetchedTrace : public ::testing::TestWithParam<TraceFormat> {};

TEST_P(PrefetchedTrace, ReadsAsEveryTraceDoes) {
  const TraceFormat f = GetParam();
  const std::vector<Json> els = large_trace();
  const std::string path = test::temp_path("prefetched." + trace::trace_format_name(f));
  {
    auto w = trace::TraceWriter::create(path, f);
    ASSERT_TRUE(w.ok());
    for (const Json& el : els) (*w)->write(el);
    ASSERT_TRUE((*w)->close().ok());
  }
  const std::string whole = test::slurp(path);
  ASSERT_GT(whole.size(), Prefetcher::kChunkBytes);  // read ahead
  for (bool as_text : {false, true}) {
    test::ReadResult got = test::read_trace(path, as_text);
    ASSERT_EQ(got.error, "");
    EXPECT_FALSE(got.truncated);
    ASSERT_EQ(got.elements.size(), els.size());
    EXPECT_TRUE(got.elements == els);
  }
  // Cut short anywhere (inside the large element too): a prefix, said to be cut.
  const std::string cut = test::temp_path("prefetched-cut." + trace::trace_format_name(f));
  for (size_t at : {whole.size() / 3, whole.size() / 2, whole.size() * 2 / 3, whole.size() - 10}) {
    SCOPED_TRACE(at);
    test::spit(cut, std::string_view(whole).substr(0, at));
    if (at <= Prefetcher::kChunkBytes) continue;  // a small file: read without a thread
    test::ReadResult got = test::read_all(cut);
    ASSERT_EQ(got.error, "");
    EXPECT_TRUE(got.truncated);
    ASSERT_LT(got.elements.size(), els.size());
    EXPECT_TRUE(std::equal(got.elements.begin(), got.elements.end(), els.begin()));
  }
}

INSTANTIATE_TEST_SUITE_P(Formats, PrefetchedTrace,
                         ::testing::Values(TraceFormat{Format::Json}, TraceFormat{Format::Cbor},
                                           TraceFormat{Format::Json, Compression::Zstd},
                                           TraceFormat{Format::Cbor, Compression::Zstd}),
                         [](const auto& info) { return test::format_test_name(info.param); });

}  // namespace
}  // namespace wasmrr
