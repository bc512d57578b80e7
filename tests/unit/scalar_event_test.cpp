// A JSON trace's scalar events staged as numbers (TraceWriter::
// write_scalar_event) and made text on the flusher's side
// (trace/scalar_event.h): they read back as the events they stand for, in
// order among elements written as text, whatever the buffers' hand-overs,
// and what a flush wrote reads without the rest, compressed or not (the
// crash-safety promise). That the text is byte for byte the encoder's is
// recorder_scalar_test's.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <span>

#include "temp_files.h"
#include "trace/scalar_event.h"
#include "trace/trace.h"
#include "trace/writer.h"
#include "trace_reading.h"

namespace wasmrr {
namespace {

using trace::Json;
using trace::ScalarEventShape;
using trace::ScalarKind;
using trace::TraceFormat;

const TraceFormat kJson{trace::Format::Json}, kJsonZst{trace::Format::Json, trace::Compression::Zstd};

// `fn`'s events, with parameters `params` and result `result`.
ScalarEventShape shape_of(const std::string& fn, std::vector<ScalarKind> params, std::optional<ScalarKind> result) {
  std::string head = R"({"fn":")" + fn + R"(","args":)";
  if (params.empty()) head += "[]";
  return {.head = head, .params = std::move(params), .results_key = R"(,"results":)", .result = result};
}

Json json_of(ScalarKind kind, uint64_t v) {
  switch (kind) {
    case ScalarKind::Bool: return Json(v != 0);
    case ScalarKind::Signed: return Json(static_cast<int64_t>(v));
    case ScalarKind::Unsigned: break;
  }
  return Json(v);
}

// The event `numbers` stand for, as a reader gives it.
Json event_of(const std::string& fn, const ScalarEventShape& shape, const std::vector<uint64_t>& numbers) {
  Json args = Json::array(), results = Json::array();
  for (size_t i = 0; i < shape.params.size(); i++) args.push_back(json_of(shape.params[i], numbers[i]));
  if (shape.result) results.push_back(json_of(*shape.result, numbers.back()));
  return Json{{"fn", fn}, {"args", args}, {"results", results}};
}

// Writes a header, then `count` events: scalar ones of three shapes, and
// every 97th a text element. Calls `after(i, elements so far)` after each;
// without it, the events are made first and written in one tight loop, as
// fast as a guest reading the clock, so that the buffers fill.
std::vector<Json> write_events(trace::TraceWriter& w, size_t count,
                               const std::function<void(size_t, std::span<const Json>)>& after = {}) {
  const std::string now = "wasi:clocks/monotonic-clock@0.2.12#now", pick = "pkg:i/f@0.2.0#pick",
                    set = "pkg:i/f@0.2.0#set";
  const ScalarEventShape* shapes[] = {
      w.add_scalar_shape(shape_of(now, {}, ScalarKind::Unsigned)),
      w.add_scalar_shape(shape_of(pick, {ScalarKind::Signed, ScalarKind::Bool, ScalarKind::Unsigned}, ScalarKind::Signed)),
      w.add_scalar_shape(shape_of(set, {ScalarKind::Unsigned}, std::nullopt)),
  };
  const std::string names[] = {now, pick, set};
  for (const auto* s : shapes) EXPECT_NE(s, nullptr);
  struct Planned {
    size_t shape;  // 3: a text element
    std::vector<uint64_t> numbers;
    Json text;
  };
  std::vector<Planned> plan(count);
  std::vector<Json> written = {trace::to_json(test::test_header())};
  std::mt19937_64 rng(41);
  for (size_t i = 0; i < count; i++) {
    Planned& p = plan[i];
    if (i % 97 == 50) {
      p.shape = 3;
      p.text = Json{{"fn", "pkg:i/f@0.2.0#text"}, {"args", Json::array({i})}, {"results", Json::array()}};
      written.push_back(p.text);
      continue;
    }
    p.shape = rng() % 3;
    p.numbers.resize(shapes[p.shape]->values());
    for (uint64_t& n : p.numbers) n = rng() >> (rng() % 64);
    if (p.shape == 1) p.numbers[1] &= 1;  // a bool's 0 or 1
    written.push_back(event_of(names[p.shape], *shapes[p.shape], p.numbers));
  }
  w.write(written[0]);
  for (size_t i = 0; i < count; i++) {
    if (plan[i].shape == 3) w.write(plan[i].text);
    else w.write_scalar_event(*shapes[plan[i].shape], plan[i].numbers.data());
    if (after) after(i, std::span(written).first(i + 2));
  }
  return written;
}

class ScalarEvents : public ::testing::TestWithParam<TraceFormat> {};

// Enough for the buffer to be handed over many times, for the flusher to
// wait for room, and for the text of one hand-over to be written in pieces.
TEST_P(ScalarEvents, ReadBackInOrderAcrossHandOvers) {
  std::string path = test::temp_path("many." + trace::trace_format_name(GetParam()));
  auto w = trace::TraceWriter::create(path, GetParam());
  ASSERT_TRUE(w.ok());
  std::vector<Json> written = write_events(**w, 200000);
  ASSERT_TRUE((*w)->close().ok());
  test::ReadResult got = test::read_all(path);
  EXPECT_EQ(got.error, "");
  EXPECT_FALSE(got.truncated);
  ASSERT_EQ(got.elements.size(), written.size());
  for (size_t i = 0; i < written.size(); i++) ASSERT_EQ(got.elements[i], written[i]) << "element " << i;
  if (GetParam().compression == trace::Compression::None) {
    EXPECT_TRUE(Json::parse(test::slurp(path)).is_array());
  }
}

// What the file holds after each flush reads up to there, as a recording
// killed there would: the staged events were made text by the flush.
TEST_P(ScalarEvents, WhatAFlushWroteReadsWithoutTheRest) {
  const std::string ext = trace::trace_format_name(GetParam());
  std::string path = test::temp_path("flushes." + ext);
  auto w = trace::TraceWriter::create(path, GetParam());
  ASSERT_TRUE(w.ok());
  size_t checks = 0;
  write_events(**w, 3000, [&](size_t i, std::span<const Json> written) {
    if (i % 701 != 5) return;
    (*w)->flush();
    std::string cut = test::temp_path("flushed." + ext);
    test::spit(cut, test::slurp(path));
    test::ReadResult got = test::read_all(cut);
    ASSERT_EQ(got.error, "") << "after event " << i;
    EXPECT_TRUE(got.truncated) << "after event " << i;
    ASSERT_TRUE(std::equal(got.elements.begin(), got.elements.end(), written.begin(), written.end())) << "after event " << i;
    checks++;
  });
  EXPECT_EQ(checks, 5u);
  ASSERT_TRUE((*w)->close().ok());
}

INSTANTIATE_TEST_SUITE_P(Formats, ScalarEvents, ::testing::Values(kJson, kJsonZst),
                         [](const auto& info) { return test::format_test_name(info.param); });

// An element JSON cannot hold (text that is not UTF-8) is refused, and
// leaves nothing behind: the elements around it make a whole file.
TEST(StagedElements, AnElementThatIsNotUtf8LeavesTheFileWhole) {
  std::string path = test::temp_path("not-utf8.json");
  auto w = trace::TraceWriter::create(path, trace::Format::Json);
  ASSERT_TRUE(w.ok());
  const Json good = Json{{"fn", "pkg:i/f@0.2.0#ok"}, {"args", Json::array()}, {"results", Json::array({1})}};
  (*w)->write(good);
  EXPECT_ANY_THROW((*w)->write(Json{{"fn", std::string("bad\xff")}}));
  (*w)->write(good);
  ASSERT_TRUE((*w)->close().ok());
  EXPECT_EQ(Json::parse(test::slurp(path)), Json::array({good, good}));
}

// A CBOR trace's events are encoded as they come: it keeps no shapes.
TEST(ScalarEventShapes, OnlyAJsonTraceKeepsThem) {
  auto cbor = trace::TraceWriter::create(test::temp_path("shapes.cbor"), trace::Format::Cbor);
  ASSERT_TRUE(cbor.ok());
  EXPECT_EQ((*cbor)->add_scalar_shape(shape_of("f", {}, ScalarKind::Bool)), nullptr);
  auto json = trace::TraceWriter::create(test::temp_path("shapes.json"), trace::Format::Json);
  ASSERT_TRUE(json.ok());
  EXPECT_NE((*json)->add_scalar_shape(shape_of("f", {}, ScalarKind::Bool)), nullptr);
  std::vector<ScalarKind> nine(9, ScalarKind::Unsigned);
  EXPECT_EQ((*json)->add_scalar_shape(shape_of("g", nine, std::nullopt)), nullptr) << "more numbers than kMaxValues";
}

}  // namespace
}  // namespace wasmrr
