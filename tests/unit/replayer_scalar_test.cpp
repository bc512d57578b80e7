// The replayer's fast path for scalar functions (Replayer::call_scalar):
// answers from the event where it lies in the reader's buffer (a JSON line, a
// compact CBOR event), and everything unusual (another function, other
// arguments, an observer, the trace's end, a value out of range or written
// otherwise) still goes through call(), which reports it. Every case runs on
// a JSON trace and on the same trace converted to CBOR.
#include <gtest/gtest.h>

#include <optional>

#include <fmt/format.h>

#include "abi/type.h"
#include "abi/value.h"
#include "rr/replayer.h"
#include "trace/reader.h"
#include "trace/trace.h"
#include "trace/writer.h"
#include "temp_files.h"
#include "trace_reading.h"

namespace wasmrr {
namespace {

using abi::Kind;
using abi::Type;
using abi::Value;

// now() -> u64, pick(n: u32) -> u32: two scalar functions.
struct Funcs {
  runtime::ImportedFunc now, pick;
  Funcs() {
    auto now_type = std::make_shared<abi::FuncType>();
    now_type->results.push_back({"", Type::primitive(Kind::U64)});
    now = {"now", now_type};
    auto pick_type = std::make_shared<abi::FuncType>();
    pick_type->params.push_back({"n", Type::primitive(Kind::U32)});
    pick_type->results.push_back({"", Type::primitive(Kind::U32)});
    pick = {"pick", pick_type};
  }
};

// A trace of `events` (JSON lines, each ending with `,`) and an exit, in
// `format`: CBOR is written from the JSON elements (compact events).
std::string trace_file(const std::string& name, const std::string& events, trace::Format format = trace::Format::Json) {
  std::string path = test::temp_path(name);
  test::spit(path, "[" + trace::to_json(test::test_header()).dump() + ",\n" + events + R"({"end":"exit","status":0}])" "\n");
  if (format == trace::Format::Json) return path;
  auto reader = trace::TraceReader::open(path);
  if (!reader) throw std::runtime_error(reader.error().message);
  std::string cbor_path = path + ".cbor";
  auto writer = trace::TraceWriter::create(cbor_path, trace::Format::Cbor);
  if (!writer) throw std::runtime_error(writer.error().message);
  while (true) {
    auto el = (*reader)->next();
    if (!el) throw std::runtime_error(el.error().message);
    if (!*el) break;
    (*writer)->write(**el);
  }
  if (auto closed = (*writer)->close(); !closed) throw std::runtime_error(closed.error().message);
  return cbor_path;
}

// name() -> result, or name() without a result.
runtime::ImportedFunc scalar_func(std::string name, std::optional<Kind> result) {
  auto type = std::make_shared<abi::FuncType>();
  if (result) type->results.push_back({"", Type::primitive(*result)});
  return runtime::ImportedFunc{std::move(name), type};
}

constexpr const char* kEvents =
    R"({"fn":"now","args":[],"results":[5]},)" "\n"
    R"({"fn":"now","args":[],"results":[7]},)" "\n"
    R"({"fn":"pick","args":[3],"results":[9]},)" "\n";

struct Replay {
  std::unique_ptr<trace::TraceReader> reader;
  std::unique_ptr<rr::Replayer> replayer;
  explicit Replay(const std::string& path) {
    auto r = trace::TraceReader::open(path);
    if (!r) throw std::runtime_error(r.error().message);
    reader = std::move(*r);
    replayer = std::make_unique<rr::Replayer>(*reader);
    if (!replayer->read_header()) throw std::runtime_error("no header");
    replayer->stop_if_stopped_here();  // as the CLI does before the guest starts: the first event is looked at
  }
};

class ReplayerScalar : public ::testing::TestWithParam<trace::Format> {
 protected:
  std::string trace(const std::string& name, const std::string& events) { return trace_file(name, events, GetParam()); }
};

TEST_P(ReplayerScalar, AnswersFromTheTraceInOrder) {
  Funcs f;
  Replay r(trace("scalar-order.json", kEvents));
  EXPECT_EQ(r.replayer->call_scalar(f.now, {}).num, 5u);
  EXPECT_EQ(r.replayer->call_scalar(f.now, {}).num, 7u);
  Value three = Value::u32(3);
  Value picked = r.replayer->call_scalar(f.pick, std::span(&three, 1));
  EXPECT_EQ(picked.kind, Kind::U32);
  EXPECT_EQ(picked.num, 9u);
  EXPECT_EQ(r.replayer->events_replayed(), 3u);
  EXPECT_NO_THROW(r.replayer->finish(runtime::Outcome{}));
}

// Signed results (negative ones sign-extended, as Value::s64 holds them),
// bools, and the largest u64.
TEST_P(ReplayerScalar, DecodesEveryIntegerFormAndBools) {
  runtime::ImportedFunc s64 = scalar_func("s64", Kind::S64), s8 = scalar_func("s8", Kind::S8),
                        flag = scalar_func("flag", Kind::Bool), u64 = scalar_func("u64", Kind::U64);
  Replay r(trace("scalar-forms.json",
                 R"({"fn":"s64","args":[],"results":[-5]},)" "\n"
                 R"({"fn":"s64","args":[],"results":[-9223372036854775808]},)" "\n"
                 R"({"fn":"s8","args":[],"results":[-128]},)" "\n"
                 R"({"fn":"s8","args":[],"results":[127]},)" "\n"
                 R"({"fn":"flag","args":[],"results":[true]},)" "\n"
                 R"({"fn":"flag","args":[],"results":[false]},)" "\n"
                 R"({"fn":"u64","args":[],"results":[18446744073709551615]},)" "\n"
                 R"({"fn":"u64","args":[],"results":[0]},)" "\n"));
  Value v = r.replayer->call_scalar(s64, {});
  EXPECT_EQ(v.kind, Kind::S64);
  EXPECT_EQ(static_cast<int64_t>(v.num), -5);
  EXPECT_EQ(static_cast<int64_t>(r.replayer->call_scalar(s64, {}).num), INT64_MIN);
  v = r.replayer->call_scalar(s8, {});
  EXPECT_EQ(v.kind, Kind::S8);
  EXPECT_EQ(static_cast<int64_t>(v.num), -128);
  EXPECT_EQ(r.replayer->call_scalar(s8, {}).num, 127u);
  v = r.replayer->call_scalar(flag, {});
  EXPECT_EQ(v.kind, Kind::Bool);
  EXPECT_EQ(v.num, 1u);
  EXPECT_EQ(r.replayer->call_scalar(flag, {}).num, 0u);
  EXPECT_EQ(r.replayer->call_scalar(u64, {}).num, UINT64_MAX);
  EXPECT_EQ(r.replayer->call_scalar(u64, {}).num, 0u);
  EXPECT_NO_THROW(r.replayer->finish(runtime::Outcome{}));
}

// Clock readings have 16 to 19 digits; a u64 can have 20.
TEST_P(ReplayerScalar, DecodesLongIntegers) {
  auto type = std::make_shared<abi::FuncType>();
  type->results.push_back({"", Type::primitive(Kind::U64)});
  runtime::ImportedFunc u64{"u64", type};
  Replay r(trace("scalar-long.json",
                 R"({"fn":"u64","args":[],"results":[1234567890123456789]},)" "\n"
                 R"({"fn":"u64","args":[],"results":[12345678901234567890]},)" "\n"
                 R"({"fn":"u64","args":[],"results":[9999999999999999999]},)" "\n"));
  EXPECT_EQ(r.replayer->call_scalar(u64, {}).num, 1234567890123456789u);
  EXPECT_EQ(r.replayer->call_scalar(u64, {}).num, 12345678901234567890u);
  EXPECT_EQ(r.replayer->call_scalar(u64, {}).num, 9999999999999999999u);
}

// Every length from 1 to 20 digits, with every digit in every place.
TEST_P(ReplayerScalar, DecodesIntegersOfEveryLength) {
  auto type = std::make_shared<abi::FuncType>();
  type->results.push_back({"", Type::primitive(Kind::U64)});
  runtime::ImportedFunc u64{"u64", type};
  std::vector<uint64_t> numbers;
  for (int digits = 1; digits <= 20; digits++)
    for (int first = 1; first <= 9; first += digits == 20 ? 9 : 1) {  // 20 digits: below 1.8e19
      uint64_t n = static_cast<uint64_t>(first);
      for (int i = 1; i < digits; i++) n = n * 10 + static_cast<uint64_t>((first + i * 7) % 10);
      numbers.push_back(n);
    }
  std::string events;
  for (uint64_t n : numbers) events += fmt::format(R"({{"fn":"u64","args":[],"results":[{}]}},)" "\n", n);
  Replay r(trace("scalar-lengths.json", events));
  for (uint64_t n : numbers) EXPECT_EQ(r.replayer->call_scalar(u64, {}).num, n);
  EXPECT_EQ(r.replayer->events_replayed(), numbers.size());
}

// A result out of its type's range is a bad trace, from the fast path too.
TEST_P(ReplayerScalar, AResultOutOfRangeIsABadTrace) {
  auto type = std::make_shared<abi::FuncType>();
  type->results.push_back({"", Type::primitive(Kind::S8)});
  runtime::ImportedFunc s8{"s8", type};
  for (const char* value : {"128", "-129", "true"}) {
    Replay r(trace("scalar-range.json", fmt::format(R"({{"fn":"s8","args":[],"results":[{}]}},)" "\n", value)));
    try {
      r.replayer->call_scalar(s8, {});
      FAIL() << value << " replayed as an s8";
    } catch (const rr::BadTrace& e) {
      EXPECT_NE(std::string(e.what()).find("event 0 (s8): results[0]"), std::string::npos) << e.what();
    }
  }
  auto u64_type = std::make_shared<abi::FuncType>();
  u64_type->results.push_back({"", Type::primitive(Kind::U64)});
  runtime::ImportedFunc u64{"u64", u64_type};
  for (const char* value : {"18446744073709551616", "100000000000000000000", "-1"}) {
    Replay r(trace("scalar-range.json", fmt::format(R"({{"fn":"u64","args":[],"results":[{}]}},)" "\n", value)));
    EXPECT_THROW(r.replayer->call_scalar(u64, {}), rr::BadTrace) << value;
  }
}

// A recording stopped from outside after an event stops the replay right
// there, when the event was answered on the fast path.
TEST_P(ReplayerScalar, AStopAfterAnEventIsSeenAtOnce) {
  Funcs f;
  std::string path = test::temp_path("scalar-stop.json");
  test::spit(path, "[" + trace::to_json(test::test_header()).dump() + ",\n" +
                       R"({"fn":"now","args":[],"results":[5]},)" "\n" R"({"end":"signal","signal":"SIGINT","number":2,"events":1}])" "\n");
  if (GetParam() == trace::Format::Cbor) {  // the same elements, through the CBOR writer
    auto reader = trace::TraceReader::open(path);
    auto writer = trace::TraceWriter::create(path + ".cbor", trace::Format::Cbor);
    ASSERT_TRUE(reader && writer);
    while (auto el = (*reader)->next()) {
      if (!*el) break;
      (*writer)->write(**el);
    }
    ASSERT_TRUE((*writer)->close());
    path += ".cbor";
  }
  Replay r(path);
  EXPECT_THROW(r.replayer->call_scalar(f.now, {}), rr::Stopped);
  EXPECT_EQ(r.replayer->events_replayed(), 1u);
}

TEST_P(ReplayerScalar, OtherArgumentsDiverge) {
  Funcs f;
  Replay r(trace("scalar-args.json", kEvents));
  r.replayer->call_scalar(f.now, {});
  r.replayer->call_scalar(f.now, {});
  Value four = Value::u32(4);
  try {
    r.replayer->call_scalar(f.pick, std::span(&four, 1));
    FAIL() << "pick(4) replayed where pick(3) was recorded";
  } catch (const rr::Divergence& e) {
    EXPECT_NE(std::string(e.what()).find("divergence at event 2: pick called with different arguments"),
              std::string::npos) << e.what();
    // The events answered on the fast path are in the report.
    EXPECT_NE(std::string(e.what()).find("#0 now() -> 5\n  #1 now() -> 7"), std::string::npos) << e.what();
  }
}

// The fast path keeps only the result of an event without arguments; a
// report writes it out again, for every kind of scalar result and none.
TEST_P(ReplayerScalar, ReportsShowTheResultsTheFastPathTook) {
  runtime::ImportedFunc s64 = scalar_func("s64", Kind::S64), s8 = scalar_func("s8", Kind::S8),
                        flag = scalar_func("flag", Kind::Bool), u64 = scalar_func("u64", Kind::U64),
                        tick = scalar_func("tick", std::nullopt);
  Funcs f;
  Replay r(trace("scalar-report.json",
                 R"({"fn":"s64","args":[],"results":[-9223372036854775808]},)" "\n"
                 R"({"fn":"s8","args":[],"results":[-128]},)" "\n"
                 R"({"fn":"flag","args":[],"results":[false]},)" "\n"
                 R"({"fn":"tick","args":[],"results":[]},)" "\n"
                 R"({"fn":"u64","args":[],"results":[18446744073709551615]},)" "\n"
                 R"({"fn":"pick","args":[3],"results":[9]},)" "\n"));
  for (const auto* fn : {&s64, &s8, &flag, &tick, &u64}) r.replayer->call_scalar(*fn, {});
  Value four = Value::u32(4);
  try {
    r.replayer->call_scalar(f.pick, std::span(&four, 1));
    FAIL() << "pick(4) replayed where pick(3) was recorded";
  } catch (const rr::Divergence& e) {
    EXPECT_NE(std::string(e.what()).find("#0 s64() -> -9223372036854775808\n  #1 s8() -> -128\n  #2 flag() -> false\n"
                                         "  #3 tick()\n  #4 u64() -> 18446744073709551615"),
              std::string::npos)
        << e.what();
  }
}

TEST_P(ReplayerScalar, AnotherFunctionDiverges) {
  Funcs f;
  Replay r(trace("scalar-fn.json", kEvents));
  Value one = Value::u32(1);
  try {
    r.replayer->call_scalar(f.pick, std::span(&one, 1));
    FAIL() << "pick replayed where now was recorded";
  } catch (const rr::Divergence& e) {
    EXPECT_NE(std::string(e.what()).find("divergence at event 0: wrong function"), std::string::npos) << e.what();
  }
}

TEST_P(ReplayerScalar, TheTraceEndingIsReported) {
  Funcs f;
  Replay r(trace("scalar-end.json", R"({"fn":"now","args":[],"results":[5]},)" "\n"));
  r.replayer->call_scalar(f.now, {});
  EXPECT_THROW(r.replayer->call_scalar(f.now, {}), rr::Divergence);  // the recording exited here
}

// An observer that looks at a function sees its scalar calls, as any call.
class CountingObserver final : public runtime::CallObserver {
 public:
  void on_call(uint64_t, const runtime::ImportedFunc& f, const runtime::Values&, const runtime::Values& results) override {
    if (f.name == "now" && results.size() == 1) seen.push_back(results[0].num);
  }
  std::vector<uint64_t> seen;
};

TEST_P(ReplayerScalar, ObserversStillSeeTheCalls) {
  Funcs f;
  Replay r(trace("scalar-observed.json", kEvents));
  CountingObserver observer;
  r.replayer->observe(observer);
  EXPECT_EQ(r.replayer->call_scalar(f.now, {}).num, 5u);
  EXPECT_EQ(r.replayer->call_scalar(f.now, {}).num, 7u);
  EXPECT_EQ(observer.seen, (std::vector<uint64_t>{5, 7}));
}

// JSON written otherwise than the recorder writes it (a hand-edited trace)
// is left to the general path, which reads or refuses it as it always has.
TEST(ReplayerScalarJson, NumbersWrittenOtherwiseTakeTheGeneralPath) {
  Funcs f;
  Replay spaced(trace_file("scalar-spaced.json", R"({"fn":"now","args":[],"results":[ 5 ]},)" "\n"));
  EXPECT_EQ(spaced.replayer->call_scalar(f.now, {}).num, 5u);
  Replay zeros(trace_file("scalar-zeros.json", R"({"fn":"now","args":[],"results":[007]},)" "\n"));
  EXPECT_THROW(zeros.replayer->call_scalar(f.now, {}), rr::BadTrace);  // not JSON
}

INSTANTIATE_TEST_SUITE_P(Formats, ReplayerScalar, ::testing::Values(trace::Format::Json, trace::Format::Cbor),
                         [](const auto& info) { return info.param == trace::Format::Json ? "Json" : "Cbor"; });

}  // namespace
}  // namespace wasmrr
