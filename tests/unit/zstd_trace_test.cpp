// Compressed traces (.json.zst, .cbor.zst: trace/zstd.h): written with a zstd
// block ended at every flush, so that what was flushed reads without the
// frame's end; read streaming, recognised by the zstd magic.
#include <gtest/gtest.h>

#include "temp_files.h"
#include "trace_reading.h"
#include <unistd.h>
#include <zstd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "trace/reader.h"
#include "trace/writer.h"
#include "trace/zstd.h"

namespace wasmrr {
namespace {

using test::slurp;
using test::spit;
using test::temp_path;
using test::read_all;

using trace::Compression;
using trace::Format;
using trace::Json;
using trace::TraceFormat;

const TraceFormat kJsonZst{Format::Json, Compression::Zstd};
const TraceFormat kCborZst{Format::Cbor, Compression::Zstd};

std::string name_of(TraceFormat f) { return trace::trace_format_name(f); }

// A header, `n` clock events, an event with bytes, an end.
std::vector<Json> elements(int n) {
  std::vector<Json> out{trace::to_json(test::test_header())};
  uint64_t now = 3'600'000'000'000;  // a monotonic clock an hour after boot, as real traces hold
  for (int i = 0; i < n; i++) {
    now += 700 + (static_cast<uint64_t>(i) * 7919) % 300;
    out.push_back(trace::to_json(trace::Event{"wasi:clocks/monotonic-clock@0.2.0#now", Json::array(), Json::array({now})}));
  }
  out.push_back(trace::to_json(trace::Event{"wasi:io/streams@0.2.0#[method]input-stream.read",
                                            Json::array({Json{{"handle", 1}}, 4096}),
                                            Json::array({Json{{"ok", Json::binary({0, 1, 2, 255})}}})}));
  out.push_back(trace::to_json(trace::End{}));
  return out;
}

// Writes `els`, flushing (a zstd block ends there) after every `flush_every`-th element, if given.
void write_all(const std::string& path, TraceFormat f, const std::vector<Json>& els, size_t flush_every = 0) {
  auto w = trace::TraceWriter::create(path, f);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ((*w)->compression(), f.compression);
  for (size_t i = 0; i < els.size(); i++) {
    (*w)->write(els[i]);
    if (flush_every && i % flush_every == 0) (*w)->flush();
  }
  ASSERT_TRUE((*w)->close().ok());
}

std::string decompress(const std::string& z) {
  std::string out(ZSTD_getFrameContentSize(z.data(), z.size()) == ZSTD_CONTENTSIZE_UNKNOWN ? z.size() * 64 + 4096
                                                                                            : ZSTD_getFrameContentSize(z.data(), z.size()),
                  '\0');
  size_t n = ZSTD_decompress(out.data(), out.size(), z.data(), z.size());
  EXPECT_FALSE(ZSTD_isError(n)) << ZSTD_getErrorName(n);
  out.resize(ZSTD_isError(n) ? 0 : n);
  return out;
}

TEST(ZstdTraceFormat, NamesAndExtensions) {
  EXPECT_EQ(name_of(kJsonZst), "json.zst");
  EXPECT_EQ(name_of(kCborZst), "cbor.zst");
  EXPECT_EQ(name_of(TraceFormat{}), "json");
  for (const char* n : {"json", "cbor", "json.zst", "cbor.zst"}) {
    auto f = trace::format_from_name(n);
    ASSERT_TRUE(f.ok()) << n;
    EXPECT_EQ(name_of(*f), n);
  }
  EXPECT_FALSE(trace::format_from_name("zst").ok());
  EXPECT_FALSE(trace::format_from_name("zstd").ok());
  EXPECT_EQ(*trace::format_from_path("a/run.json.zst"), kJsonZst);
  EXPECT_EQ(*trace::format_from_path("run.cbor.zst"), kCborZst);
  EXPECT_EQ(*trace::format_from_path("run.cbor"), (TraceFormat{Format::Cbor, Compression::None}));
  EXPECT_FALSE(trace::format_from_path("run.zst").ok());
  EXPECT_FALSE(trace::format_from_path("run.json.gz").ok());
}

// The compressed file decompresses to exactly the uncompressed trace, and
// reads back as the same elements, through next() and next_text().
TEST(ZstdTrace, RoundTripsAndDecompressesToThePlainBytes) {
  auto els = elements(500);
  for (TraceFormat f : {kJsonZst, kCborZst}) {
    std::string plain = temp_path("plain." + std::string(trace::format_name(f.format)));
    std::string packed = temp_path("rt." + name_of(f));
    write_all(plain, TraceFormat{f.format}, els);
    write_all(packed, f, els);
    std::string z = slurp(packed);
    ASSERT_GE(z.size(), 4u);
    EXPECT_TRUE(trace::looks_like_zstd(z.substr(0, 4)));
    EXPECT_EQ(decompress(z), slurp(plain)) << name_of(f);
    EXPECT_LT(z.size() * 4, slurp(plain).size()) << name_of(f);
    for (bool text : {false, true}) {
      auto got = test::read_trace(packed, text);
      EXPECT_EQ(got.error, "") << name_of(f);
      EXPECT_FALSE(got.truncated) << name_of(f);
      EXPECT_TRUE(got.elements == els) << name_of(f) << (text ? " text" : "");
    }
    auto r = trace::TraceReader::open(packed);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ((*r)->compression(), Compression::Zstd);
    EXPECT_EQ((*r)->format(), f.format);
    EXPECT_EQ((*r)->file_size(), z.size());
  }
}

TEST(ZstdTrace, AnEmptyTraceIsAFrameToo) {
  std::string path = temp_path("empty.json.zst");
  write_all(path, kJsonZst, {});
  EXPECT_EQ(decompress(slurp(path)), "[]\n");
  auto got = read_all(path);
  EXPECT_EQ(got.error, "");
  EXPECT_TRUE(got.elements.empty());
  EXPECT_FALSE(got.truncated);
}

// The crash-safety promise: what the file holds at each flush, without the
// frame's end (the recorder was killed there), reads up to that flush and
// then says it is cut short.
TEST(ZstdTrace, EveryFlushIsReadableWithoutTheFrameEnd) {
  auto els = elements(200);
  for (TraceFormat f : {kJsonZst, kCborZst}) {
    std::string path = temp_path("flushes." + name_of(f));
    auto w = trace::TraceWriter::create(path, f);
    ASSERT_TRUE(w.ok());
    size_t written = 0;
    for (size_t i = 0; i < els.size(); i++) {
      (*w)->write(els[i]);
      if (i % 17 != 3 && i + 1 != els.size()) continue;
      (*w)->flush();
      written = i + 1;
      std::string snapshot = slurp(path);
      EXPECT_EQ((*w)->bytes_written(), snapshot.size());
      std::string cut = temp_path("flushed." + name_of(f));
      spit(cut, snapshot);
      auto got = read_all(cut);
      ASSERT_EQ(got.error, "") << name_of(f) << " after element " << i;
      EXPECT_TRUE(got.truncated) << name_of(f) << " after element " << i;
      ASSERT_EQ(got.elements.size(), written) << name_of(f) << " after element " << i;
      EXPECT_TRUE(std::equal(got.elements.begin(), got.elements.end(), els.begin()));
    }
    ASSERT_TRUE((*w)->close().ok());
    auto got = read_all(path);
    EXPECT_FALSE(got.truncated);
    EXPECT_EQ(got.elements.size(), els.size());
  }
}

// A compressed trace cut at any byte reads, without an error, a prefix of
// its elements; all of them only when nothing is missing.
TEST(ZstdTrace, CutAtAnyByteReadsAPrefix) {
  auto els = elements(20);
  for (TraceFormat f : {kJsonZst, kCborZst}) {
    std::string path = temp_path("whole." + name_of(f));
    write_all(path, f, els, /*flush_every=*/5);  // many blocks
    std::string z = slurp(path);
    std::string cut = temp_path("cut." + name_of(f));
    size_t last = 0;
    for (size_t n = 4; n <= z.size(); n++) {
      spit(cut, std::string_view(z).substr(0, n));
      auto got = read_all(cut);
      if (got.error.find("is empty") != std::string::npos) continue;  // nothing decodable yet
      ASSERT_EQ(got.error, "") << name_of(f) << " cut at " << n << " of " << z.size();
      ASSERT_LE(got.elements.size(), els.size());
      EXPECT_TRUE(std::equal(got.elements.begin(), got.elements.end(), els.begin())) << n;
      EXPECT_GE(got.elements.size(), last) << n;
      last = got.elements.size();
      EXPECT_EQ(got.truncated, n < z.size()) << name_of(f) << " cut at " << n;
    }
    EXPECT_EQ(last, els.size());
  }
}

// Damage is an error that says so, never a crash, a hang or wrong elements
// passed off as the trace (the frame's checksum is checked at its end).
TEST(ZstdTrace, CorruptDataIsAnError) {
  auto els = elements(100);
  std::string path = temp_path("good.json.zst");
  write_all(path, kJsonZst, els);
  std::string z = slurp(path);
  std::string bad = temp_path("bad.json.zst");
  int errors = 0;
  for (size_t pos = 4; pos < z.size(); pos += 3) {
    std::string c = z;
    c[pos] = static_cast<char>(c[pos] ^ 0x5a);
    spit(bad, c);
    auto got = read_all(bad);
    if (!got.error.empty()) {
      errors++;
      continue;
    }
    // Accepted: then it must be the trace itself, or a prefix said to be cut short.
    ASSERT_LE(got.elements.size(), els.size()) << pos;
    EXPECT_TRUE(std::equal(got.elements.begin(), got.elements.end(), els.begin())) << pos;
  }
  EXPECT_GT(errors, 0);

  spit(bad, z + "garbage!");
  auto got = read_all(bad);
  EXPECT_NE(got.error.find("invalid zstd data"), std::string::npos) << got.error;

  spit(bad, z.substr(0, 4) + std::string(64, '\xff'));
  got = read_all(bad);
  EXPECT_NE(got.error.find("zstd"), std::string::npos) << got.error;
}

// A trace compressed by other means (the zstd tool: one frame, its size
// declared) reads the same; so does a compressed trace from a pipe.
TEST(ZstdTrace, OtherFramesAndPipes) {
  auto els = elements(300);
  std::string plain_path = temp_path("other.json");
  write_all(plain_path, TraceFormat{}, els);
  std::string plain = slurp(plain_path);
  std::string z(ZSTD_compressBound(plain.size()), '\0');
  z.resize(ZSTD_compress(z.data(), z.size(), plain.data(), plain.size(), 19));
  std::string path = temp_path("other.json.zst");
  spit(path, z);
  auto got = read_all(path);
  EXPECT_EQ(got.error, "");
  EXPECT_FALSE(got.truncated);
  EXPECT_TRUE(got.elements == els);

  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  std::thread feeder([&] {
    for (size_t off = 0; off < z.size(); off += 7) {  // dribbled, a few bytes at a time
      size_t n = std::min<size_t>(7, z.size() - off);
      if (::write(fds[1], z.data() + off, n) != static_cast<ssize_t>(n)) break;
    }
    ::close(fds[1]);
  });
  got = read_all("/dev/fd/" + std::to_string(fds[0]));
  feeder.join();
  ::close(fds[0]);
  EXPECT_EQ(got.error, "");
  EXPECT_FALSE(got.truncated);
  EXPECT_TRUE(got.elements == els);
}

// The size goal (issue 14): at most 4 bytes per clock event, here with the
// time advancing by irregular steps, flushed as often as a busy recorder does.
TEST(ZstdTrace, ClockEventsTakeAFewBytes) {
  constexpr int kEvents = 200000;
  auto els = elements(kEvents);
  for (TraceFormat f : {kJsonZst, kCborZst}) {
    std::string path = temp_path("clock." + name_of(f));
    write_all(path, f, els, /*flush_every=*/2000);
    double per_event = static_cast<double>(std::filesystem::file_size(path)) / kEvents;
    EXPECT_LE(per_event, 4.0) << name_of(f);
    RecordProperty(name_of(f) + "_bytes_per_event", std::to_string(per_event));
  }
}

}  // namespace
}  // namespace wasmrr
