// The replayer's fast path for scalar functions (Replayer::call_scalar):
// answers from the event looked at ahead, and everything unusual (another
// function, other arguments, an observer, the trace's end) still goes
// through call(), which reports it.
#include <gtest/gtest.h>

#include "abi/type.h"
#include "abi/value.h"
#include "rr/replayer.h"
#include "trace/reader.h"
#include "trace/trace.h"
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

std::string trace_file(const std::string& name, const std::string& events) {
  std::string path = test::temp_path(name);
  test::spit(path, "[" + trace::to_json(test::test_header()).dump() + ",\n" + events + R"({"end":"exit","status":0}])" "\n");
  return path;
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

TEST(ReplayerScalar, AnswersFromTheTraceInOrder) {
  Funcs f;
  Replay r(trace_file("scalar-order.json", kEvents));
  EXPECT_EQ(r.replayer->call_scalar(f.now, {}).num, 5u);
  EXPECT_EQ(r.replayer->call_scalar(f.now, {}).num, 7u);
  Value three = Value::u32(3);
  Value picked = r.replayer->call_scalar(f.pick, std::span(&three, 1));
  EXPECT_EQ(picked.kind, Kind::U32);
  EXPECT_EQ(picked.num, 9u);
  EXPECT_EQ(r.replayer->events_replayed(), 3u);
  EXPECT_NO_THROW(r.replayer->finish(runtime::Outcome{}));
}

TEST(ReplayerScalar, OtherArgumentsDiverge) {
  Funcs f;
  Replay r(trace_file("scalar-args.json", kEvents));
  r.replayer->call_scalar(f.now, {});
  r.replayer->call_scalar(f.now, {});
  Value four = Value::u32(4);
  try {
    r.replayer->call_scalar(f.pick, std::span(&four, 1));
    FAIL() << "pick(4) replayed where pick(3) was recorded";
  } catch (const rr::Divergence& e) {
    EXPECT_NE(std::string(e.what()).find("divergence at event 2: pick called with different arguments"),
              std::string::npos) << e.what();
  }
}

TEST(ReplayerScalar, AnotherFunctionDiverges) {
  Funcs f;
  Replay r(trace_file("scalar-fn.json", kEvents));
  Value one = Value::u32(1);
  try {
    r.replayer->call_scalar(f.pick, std::span(&one, 1));
    FAIL() << "pick replayed where now was recorded";
  } catch (const rr::Divergence& e) {
    EXPECT_NE(std::string(e.what()).find("divergence at event 0: wrong function"), std::string::npos) << e.what();
  }
}

TEST(ReplayerScalar, TheTraceEndingIsReported) {
  Funcs f;
  Replay r(trace_file("scalar-end.json", R"({"fn":"now","args":[],"results":[5]},)" "\n"));
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

TEST(ReplayerScalar, ObserversStillSeeTheCalls) {
  Funcs f;
  Replay r(trace_file("scalar-observed.json", kEvents));
  CountingObserver observer;
  r.replayer->observe(observer);
  EXPECT_EQ(r.replayer->call_scalar(f.now, {}).num, 5u);
  EXPECT_EQ(r.replayer->call_scalar(f.now, {}).num, 7u);
  EXPECT_EQ(observer.seen, (std::vector<uint64_t>{5, 7}));
}

}  // namespace
}  // namespace wasmrr
