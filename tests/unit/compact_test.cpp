// Compact CBOR events (trace/compact.h): the same trace model as JSON, so
// JSON -> CBOR -> JSON and CBOR -> JSON -> CBOR give back the same bytes;
// clock and random events in at most 16 bytes; and a hostile compact event is
// an error naming what is wrong, never a crash or a memory blow-up.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "temp_files.h"
#include "trace/compact.h"
#include "trace/reader.h"
#include "trace/writer.h"
#include "trace_reading.h"

namespace wasmrr {
namespace {

using test::slurp;
using test::spit;
using test::temp_path;
using trace::Format;
using trace::Json;

Json header() { return trace::to_json(test::test_header({"x.wasm", "a b"})); }

Json event(const std::string& fn, Json args, Json results) {
  return trace::to_json(trace::Event{fn, std::move(args), std::move(results)});
}

const std::string kMonotonic = "wasi:clocks/monotonic-clock@0.2.12#now";
const std::string kWall = "wasi:clocks/wall-clock@0.2.12#now";
const std::string kRandomU64 = "wasi:random/random@0.2.12#get-random-u64";
const std::string kRandomBytes = "wasi:random/random@0.2.12#get-random-bytes";

Json wall(uint64_t s, uint32_t ns) { return Json{{"seconds", s}, {"nanoseconds", ns}}; }

// Every shape of event a trace holds, and some it may hold when written by
// hand: each function and key more than once, so that names get numbers.
std::vector<Json> sample() {
  std::vector<Json> out{header()};
  for (int i = 0; i < 3; i++) {
    out.push_back(event(kMonotonic, Json::array(), Json::array({3'600'000'000'000ull + 977 * i})));
    out.push_back(event(kWall, Json::array(), Json::array({wall(1'796'000'000 + i, 123'456'789u + i)})));
    out.push_back(event(kRandomU64, Json::array(), Json::array({18'446'744'073'709'551'615ull - i})));
    out.push_back(event(kRandomBytes, Json::array({8}), Json::array({Json::binary({1, 2, 3, 4, 5, 6, 7, static_cast<uint8_t>(i)})})));
  }
  out.push_back(event("wasi:io/streams@0.2.12#[method]input-stream.read", Json::array({Json{{"handle", 1}}, 4096}),
                      Json::array({Json{{"ok", Json::binary({0, 255})}}})));
  out.push_back(event("wasi:io/streams@0.2.12#[method]input-stream.read", Json::array({Json{{"handle", 1}}, 4096}),
                      Json::array({Json{{"err", "closed"}}})));
  out.push_back(event("wasi:io/streams@0.2.12#[resource-drop]input-stream", Json::array({Json{{"handle", 1}}}),
                      Json::array()));
  out.push_back(event("x:y/z#float", Json::array({-1, -9'223'372'036'854'775'807ll - 1}), Json::array({1.5})));
  out.push_back(event("x:y/z#digest", Json::array({Json{{"$len", 300}, {"$sha256", std::string(64, 'b')}}}),
                      Json::array({nullptr})));
  out.push_back(event("x:y/z#same", Json::array(), Json::array({Json{{"ok", Json{{"$same", std::string(64, 'c')}}}}})));
  out.push_back(event("x:y/z#same", Json::array({Json{{"$sha256", std::string(64, 'C')}}}),  // not lowercase: text
                      Json::array({Json{{"$same", Json::binary(std::vector<uint8_t>(32, 7))}}})));  // bytes: a plain map
  out.push_back(event("x:y/z#two", Json::array(), Json::array({true, "x"})));  // results no WIT function has
  Json odd = event("x:y/z#odd", Json::array(), Json::array());
  odd["note"] = "a key no event has";  // not an event's shape: written as a plain map
  out.push_back(odd);
  Json ex = event("wasi:cli/exit@0.2.12#exit", Json::array({Json{{"err", nullptr}}}), Json::array());
  ex.erase("results");
  ex["exit"] = 1;
  out.push_back(ex);
  Json tr = event("x:y/z#trap", Json::array(), Json::array());
  tr.erase("results");
  tr["trap"] = "unknown handle";
  out.push_back(tr);
  out.push_back(trace::to_json(trace::End{}));
  return out;
}

void write_all(const std::string& path, Format f, const std::vector<Json>& els) {
  auto w = trace::TraceWriter::create(path, f);
  ASSERT_TRUE(w.ok());
  for (const auto& e : els) (*w)->write(e);
  ASSERT_TRUE((*w)->close().ok());
}

// What `convert` does: every element read, and written in the other format.
void convert(const std::string& in, const std::string& out, Format f) {
  auto got = test::read_trace(in, false);
  ASSERT_EQ(got.error, "");
  write_all(out, f, got.elements);
}

TEST(CompactEvents, ReadBackAsTheSameElements) {
  auto els = sample();
  std::string path = temp_path("sample.cbor");
  write_all(path, Format::Cbor, els);
  for (bool text : {false, true}) {
    auto got = test::read_trace(path, text);
    EXPECT_EQ(got.error, "");
    EXPECT_FALSE(got.truncated);
    ASSERT_EQ(got.elements.size(), els.size());
    for (size_t i = 0; i < els.size(); i++) EXPECT_EQ(got.elements[i], els[i]) << "element " << i << (text ? " (text)" : "");
  }
  // Events are arrays; the header, the odd event and the end stay maps.
  std::string bytes = slurp(path);
  EXPECT_EQ(static_cast<uint8_t>(bytes[0]) >> 5, 5);
  EXPECT_NE(bytes.find("a key no event has"), std::string::npos);
}

TEST(CompactEvents, ConvertGivesBackTheSameBytesBothWays) {
  auto els = sample();
  std::string json = temp_path("rt.json"), cbor = temp_path("rt.cbor");
  std::string json2 = temp_path("rt2.json"), cbor2 = temp_path("rt2.cbor");
  write_all(json, Format::Json, els);
  convert(json, cbor, Format::Cbor);
  convert(cbor, json2, Format::Json);
  EXPECT_EQ(slurp(json2), slurp(json));
  convert(json2, cbor2, Format::Cbor);
  EXPECT_EQ(slurp(cbor2), slurp(cbor));
  // JSON keeps the full names; CBOR writes each function's name once.
  std::string j = slurp(json), c = slurp(cbor);
  size_t in_json = 0, in_cbor = 0;
  for (size_t at = 0; (at = j.find(kWall, at)) != std::string::npos; at++) in_json++;
  for (size_t at = 0; (at = c.find(kWall, at)) != std::string::npos; at++) in_cbor++;
  EXPECT_EQ(in_json, 3u);
  EXPECT_EQ(in_cbor, 1u);
}

// The size goal (issue 14): a clock or random event in at most 16 bytes.
TEST(CompactEvents, ClockAndRandomEventsTakeAtMost16Bytes) {
  std::string path = temp_path("sizes.cbor");
  write_all(path, Format::Cbor, sample());
  auto r = trace::TraceReader::open(path);
  ASSERT_TRUE(r.ok());
  std::map<std::string, std::vector<uint64_t>> sizes;
  while (true) {
    auto el = (*r)->next();
    ASSERT_TRUE(el.ok());
    if (!*el) break;
    if ((**el).contains("fn")) sizes[(**el)["fn"].get<std::string>()].push_back(*(*r)->cbor_element_size());
  }
  for (const auto& fn : {kMonotonic, kWall, kRandomU64, kRandomBytes}) {
    ASSERT_EQ(sizes[fn].size(), 3u) << fn;
    EXPECT_GT(sizes[fn][0], fn.size()) << fn;  // the first one names the function
    EXPECT_LE(sizes[fn][1], 16u) << fn;
    EXPECT_EQ(sizes[fn][2], sizes[fn][1]) << fn;
  }
  EXPECT_EQ(sizes[kMonotonic][1], 11u);  // array head, function number, 64-bit integer
}

// Past the table's bounds names stay text, for the writer and every reader alike.
TEST(CompactEvents, NamesPastTheBoundsStayText) {
  std::vector<Json> els{header()};
  for (size_t i = 0; i < trace::CompactNames::kMaxNames + 10; i++)
    els.push_back(event("f#" + std::to_string(i), Json::array(), Json::array({i})));
  for (int i = 0; i < 2; i++) els.push_back(event("f#" + std::to_string(trace::CompactNames::kMaxNames + 5), Json::array(), Json::array({i})));
  els.push_back(event("f#0", Json::array(), Json::array({0})));
  std::string long_key(trace::CompactNames::kMaxNameBytes + 1, 'k');
  for (int i = 0; i < 2; i++) els.push_back(event("f#1", Json::array(), Json::array({Json{{long_key, i}}})));
  els.push_back(trace::to_json(trace::End{}));
  std::string json = temp_path("many.json"), cbor = temp_path("many.cbor"), json2 = temp_path("many2.json");
  write_all(json, Format::Json, els);
  convert(json, cbor, Format::Cbor);
  convert(cbor, json2, Format::Json);
  EXPECT_EQ(slurp(json2), slurp(json));
  std::string c = slurp(cbor);
  EXPECT_NE(c.find(long_key), c.rfind(long_key));  // written out both times
}

// A CBOR trace of a header and then `event` (hand-made bytes).
std::string trace_with(const std::string& event) {
  std::string bytes;
  Json::to_cbor(header(), bytes);
  return bytes + event;
}

std::string read_error(const std::string& bytes) {
  std::string path = temp_path("hostile.cbor");
  spit(path, bytes);
  for (bool text : {false, true}) {
    auto got = test::read_trace(path, text);
    if (got.error.empty()) return "";
  }
  return test::read_trace(path, false).error;
}

TEST(CompactEvents, HostileEventsAreErrorsThatSayWhy) {
  // [0x82 ...]: an array of two items, the function and the outcome.
  EXPECT_NE(read_error(trace_with("\x82\x05\x01")).find("function number 5 is not defined"), std::string::npos);
  EXPECT_NE(read_error(trace_with("\x82\x61" "f" "\xa1\x03\x01")).find("key number 3 is not defined"), std::string::npos);
  EXPECT_NE(read_error(trace_with(std::string("\x82\x61" "f" "\xd9\x01\x00\x01", 7))).find("unknown tag 256"), std::string::npos);
  EXPECT_NE(read_error(trace_with("\x9f\x61" "f" "\x01\xff")).find("definite lengths"), std::string::npos);
  EXPECT_NE(read_error(trace_with("\x82\x61" "f" "\xa1\x41" "k" "\x01")).find("a map key must be a name"), std::string::npos);
  EXPECT_NE(read_error(trace_with("\x81\x61" "f")).find("at least 2 items"), std::string::npos);
  EXPECT_NE(read_error(trace_with("\x82\xf6\x01")).find("a name or a name's number"), std::string::npos);
  std::string nested = "\x82\x61" "f" + std::string(300, '\x81') + "\x01";
  EXPECT_NE(read_error(trace_with(nested)).find("nested more than"), std::string::npos);
}

// Numbers standing for long names cannot make a small element large: a
// 1 KiB key named once, then referred to by number a million times.
TEST(CompactEvents, AnExpansionBombIsRefused) {
  std::string key(trace::CompactNames::kMaxNameBytes, 'k');
  std::string define;  // ["f", {key: 1}]
  Json::to_cbor(Json::array({"f", Json{{key, 1}}}), define);
  std::string bomb("\x82\x00\x9a", 3);  // [0, [ {0: 1} x 2^20 ]]
  uint32_t n = 1u << 20;
  for (int i = 3; i >= 0; i--) bomb += static_cast<char>((n >> (8 * i)) & 0xff);
  for (uint32_t i = 0; i < n; i++) bomb += std::string("\xa1\x00\x01", 3);
  std::string err = read_error(trace_with(define + bomb));
  EXPECT_NE(err.find("would take more than"), std::string::npos) << err;
}

}  // namespace
}  // namespace wasmrr
