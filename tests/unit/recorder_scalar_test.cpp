// The recorder's fast path for scalar calls (Recorder::call_scalar) writes
// bools and integers by hand (trace/scalar_bytes.h) instead of through the
// sinks. Its traces must be byte for byte the ones call() writes, which the
// sinks' own tests hold to the Json path: every case records the same calls
// once through call_scalar and once through call(), in JSON and CBOR.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <charconv>
#include <random>

#include "abi/type.h"
#include "abi/value.h"
#include "rr/recorder.h"
#include "trace/scalar_bytes.h"
#include "trace/trace.h"
#include "trace/writer.h"
#include "temp_files.h"
#include "trace_reading.h"
#include "util/trap.h"

namespace wasmrr {
namespace {

using abi::Kind;
using abi::Type;
using abi::Value;

// Values around every power of ten and of two, and random ones of every length.
std::vector<uint64_t> interesting_numbers() {
  std::vector<uint64_t> out = {0, UINT64_MAX, UINT64_MAX - 1};
  for (uint64_t p = 1; p <= UINT64_MAX / 10; p *= 10)
    for (uint64_t q : {p - 1, p, p + 1, p * 10 - 1}) out.push_back(q);
  for (int bit = 0; bit < 64; bit++)
    for (uint64_t q : {(uint64_t{1} << bit) - 1, uint64_t{1} << bit, (uint64_t{1} << bit) + 1}) out.push_back(q);
  std::mt19937_64 rng(20261203);
  for (int i = 0; i < 20000; i++) out.push_back(rng() >> (rng() % 64));
  return out;
}

TEST(ScalarBytes, DecimalIsWhatToCharsWrites) {
  for (uint64_t n : interesting_numbers()) {
    char want[24], got[trace::kMaxScalarBytes];
    size_t want_len = static_cast<size_t>(std::to_chars(want, want + sizeof want, n).ptr - want);
    ASSERT_EQ(std::string_view(got, trace::write_uint(trace::Format::Json, got, n)), std::string_view(want, want_len));
    for (int64_t s : {static_cast<int64_t>(n), -static_cast<int64_t>(n >> 1), static_cast<int64_t>(n >> 1)}) {
      want_len = static_cast<size_t>(std::to_chars(want, want + sizeof want, s).ptr - want);
      ASSERT_EQ(std::string_view(got, trace::write_sint(trace::Format::Json, got, s)), std::string_view(want, want_len));
    }
  }
}

TEST(ScalarBytes, CborIsWhatNlohmannWrites) {
  for (uint64_t n : interesting_numbers()) {
    char got[trace::kMaxScalarBytes];
    std::string want;
    trace::Json::to_cbor(trace::Json(n), want);
    ASSERT_EQ(std::string_view(got, trace::write_uint(trace::Format::Cbor, got, n)), want) << n;
    auto s = static_cast<int64_t>(n);
    want.clear();
    trace::Json::to_cbor(trace::Json(s), want);
    ASSERT_EQ(std::string_view(got, trace::write_sint(trace::Format::Cbor, got, s)), want) << s;
  }
  for (bool b : {false, true}) {
    char got[trace::kMaxScalarBytes];
    std::string want;
    trace::Json::to_cbor(trace::Json(b), want);
    EXPECT_EQ(std::string_view(got, trace::write_bool(trace::Format::Cbor, got, b)), want);
    EXPECT_EQ(std::string_view(got, trace::write_bool(trace::Format::Json, got, b)), b ? "true" : "false");
  }
}

// A scalar function and a host for it whose answers follow from its
// arguments and a counter, so that two runs give the same answers.
struct Func {
  runtime::HostFunc impl;
  runtime::ImportedFunc imported;
};

Func make_func(std::string name, std::vector<Kind> params, std::optional<Kind> result,
               std::function<runtime::Values(runtime::Values&)> impl) {
  auto type = std::make_shared<abi::FuncType>();
  for (size_t i = 0; i < params.size(); i++) type->params.push_back({"p" + std::to_string(i), Type::primitive(params[i])});
  if (result) type->results.push_back({"", Type::primitive(*result)});
  Func f{std::move(impl), {}};
  f.imported = {std::move(name), type};
  return f;
}

Value value_of(Kind kind, uint64_t n) {
  switch (kind) {
    case Kind::Bool: return Value::boolean(n & 1);
    case Kind::S8: return Value::s8(static_cast<int8_t>(n));
    case Kind::U8: return Value::u8(static_cast<uint8_t>(n));
    case Kind::S16: return Value::s16(static_cast<int16_t>(n));
    case Kind::U16: return Value::u16(static_cast<uint16_t>(n));
    case Kind::S32: return Value::s32(static_cast<int32_t>(n));
    case Kind::U32: return Value::u32(static_cast<uint32_t>(n));
    case Kind::S64: return Value::s64(static_cast<int64_t>(n));
    case Kind::F64: return Value::f64_(static_cast<double>(n) / 7);
    case Kind::Char: return Value::char_(U'a' + static_cast<char32_t>(n % 26));
    default: return Value::u64(n);
  }
}

// The calls of one recording: every plain kind as parameter and result, up
// to four parameters, none, no result, and kinds the fast path leaves to
// call() (f64, char); a host that traps, one that exits, one that answers
// with too many results.
struct Session {
  std::vector<Func> funcs;
  uint64_t counter = 0;
  Session() {
    const std::vector<Kind> kinds = {Kind::Bool, Kind::S8, Kind::U8, Kind::S16, Kind::U16, Kind::S32,
                                     Kind::U32, Kind::S64, Kind::U64, Kind::F64, Kind::Char};
    std::mt19937_64 rng(7);
    auto answer = [this](Kind k) {
      return [this, k](runtime::Values& args) {
        uint64_t n = counter++ * 0x9e3779b97f4a7c15;
        for (const Value& a : args) n ^= a.num;
        return runtime::Values{value_of(k, n)};
      };
    };
    for (Kind result : kinds) {
      std::vector<Kind> params;
      for (size_t i = 0; i < rng() % 5; i++) params.push_back(kinds[rng() % kinds.size()]);
      funcs.push_back(make_func(fmt::format("pkg:i/f@0.2.0#{}-{}", abi::kind_name(result), funcs.size()), params,
                                result, answer(result)));
    }
    funcs.push_back(make_func("pkg:i/f@0.2.0#now", {}, Kind::U64, answer(Kind::U64)));
    funcs.push_back(make_func("pkg:i/f@0.2.0#set", {Kind::S64, Kind::Bool}, std::nullopt,
                              [](runtime::Values&) { return runtime::Values{}; }));
    regular = funcs.size();
  }
  size_t regular = 0;  // the functions calls() calls; tests add others after them
  void bind() {
    for (Func& f : funcs) f.imported.impl = &f.impl;
  }
  // Calls each function `rounds` times, in runs of one function and mixed.
  void calls(runtime::CallInterposer& to, bool scalar, int rounds) {
    bind();
    std::mt19937_64 rng(11);
    for (int r = 0; r < rounds; r++) {
      Func& f = funcs[r < rounds / 2 ? static_cast<size_t>(r) * regular / static_cast<size_t>(rounds / 2)
                                     : rng() % regular];
      std::vector<Value> args;
      for (const abi::Param& p : f.imported.type->params) args.push_back(value_of(p.type->kind, rng()));
      call(to, f, args, scalar);
    }
  }
  static Value call(runtime::CallInterposer& to, const Func& f, std::vector<Value> args, bool scalar) {
    if (scalar) return to.call_scalar(f.imported, args);
    runtime::Values results = to.call(f.imported, args);
    return runtime::CallInterposer::scalar_result(f.imported, results);
  }
};

// Records `body` through call_scalar or call() into `path`, and returns the file.
std::string record(const std::string& path, trace::TraceFormat format, bool scalar,
                   const std::function<void(runtime::CallInterposer&, bool)>& body) {
  auto writer = trace::TraceWriter::create(path, format);
  EXPECT_TRUE(writer.ok());
  {
    rr::Recorder recorder(**writer);
    body(recorder, scalar);
    recorder.finish(runtime::Outcome{});
  }
  EXPECT_TRUE((*writer)->close().ok());
  return test::slurp(path);
}

class RecorderScalar : public ::testing::TestWithParam<trace::TraceFormat> {
 protected:
  // The same calls through both paths: the same file.
  void expect_same(const std::string& name, const std::function<void(runtime::CallInterposer&, bool)>& body) {
    std::string ext = "." + trace::trace_format_name(GetParam());
    std::string fast = record(test::temp_path(name + "-scalar" + ext), GetParam(), true, body);
    std::string plain = record(test::temp_path(name + "-call" + ext), GetParam(), false, body);
    EXPECT_GT(fast.size(), 100u);
    EXPECT_EQ(fast, plain) << name;
  }
};

TEST_P(RecorderScalar, WritesWhatCallWrites) {
  expect_same("mixed", [](runtime::CallInterposer& to, bool scalar) { Session().calls(to, scalar, 4000); });
}

// Enough events for the writer's buffer to be handed over many times (a
// JSON trace's scalar events are staged as numbers there, then made text).
TEST_P(RecorderScalar, WritesWhatCallWritesAcrossHandOvers) {
  expect_same("many", [](runtime::CallInterposer& to, bool scalar) { Session().calls(to, scalar, 150000); });
}

TEST_P(RecorderScalar, RecordsATrapThenGoesOn) {
  expect_same("trap", [](runtime::CallInterposer& to, bool scalar) {
    Session s;
    s.funcs.push_back(make_func("pkg:i/f@0.2.0#fail", {Kind::U32}, Kind::U32,
                                [](runtime::Values&) -> runtime::Values { throw Trap("the disk is on fire"); }));
    s.calls(to, scalar, 50);
    EXPECT_THROW(Session::call(to, s.funcs.back(), {Value::u32(3)}, scalar), Trap);
    EXPECT_THROW(Session::call(to, s.funcs.back(), {Value::u32(4)}, scalar), Trap);
  });
}

TEST_P(RecorderScalar, RecordsAnExit) {
  expect_same("exit", [](runtime::CallInterposer& to, bool scalar) {
    Session s;
    s.funcs.push_back(make_func("pkg:i/f@0.2.0#quit", {Kind::S32}, std::nullopt,
                                [](runtime::Values& a) -> runtime::Values { throw ExitRequest(static_cast<int>(a[0].num)); }));
    s.calls(to, scalar, 50);
    try {
      Session::call(to, s.funcs.back(), {Value::s32(-3)}, scalar);
      ADD_FAILURE() << "no exit";
    } catch (const ExitRequest& e) {
      EXPECT_EQ(e.status(), -3);
    }
  });
}

// A host that answers two results for a function with one: recorded as it
// answered, and the call traps.
TEST_P(RecorderScalar, RecordsAWrongAnswerAndTraps) {
  expect_same("wrong", [](runtime::CallInterposer& to, bool scalar) {
    Session s;
    s.funcs.push_back(make_func("pkg:i/f@0.2.0#two", {}, Kind::U8,
                                [](runtime::Values&) { return runtime::Values{Value::u8(1), Value::u8(2)}; }));
    s.calls(to, scalar, 50);
    for (int i = 0; i < 2; i++) {
      try {
        Session::call(to, s.funcs.back(), {}, scalar);
        ADD_FAILURE() << "no trap";
      } catch (const Trap& e) {
        EXPECT_STREQ(e.what(), "pkg:i/f@0.2.0#two answered 2 results for a function with 1");
      }
    }
  });
}

// Uncompressed only: a compressed file's bytes also depend on where the
// flusher's timed writes ended zstd blocks, and what is compressed is the
// same element bytes.
INSTANTIATE_TEST_SUITE_P(Formats, RecorderScalar,
                         ::testing::Values(trace::TraceFormat{trace::Format::Json},
                                           trace::TraceFormat{trace::Format::Cbor}),
                         [](const auto& info) { return test::format_test_name(info.param); });

}  // namespace
}  // namespace wasmrr
