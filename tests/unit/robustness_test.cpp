// Bad traces found by fuzzing (fuzz/) and by the mutation tests
// (tests/e2e/robustness_case.py): each must give an error, never a crash.
#include <gtest/gtest.h>

#include "temp_files.h"
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "abi/type.h"
#include "abi/value.h"
#include "rr/replayer.h"
#include "rr/value_codec.h"
#include "trace/parse.h"
#include "trace/reader.h"

namespace wasmrr {
namespace {

using abi::Kind;
using abi::Type;
using trace::Json;

std::string write_temp(const std::string& name, const std::string& bytes) {
  std::string path = test::temp_path(name);
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

constexpr const char* kHeader =
    R"({"format":"wasm-rr-trace","version":1,"wasm_rr_version":"0.1.0",)"
    R"("component":{"name":"x.wasm","sha256":"00","size":1},)"
    R"("command":{"args":["x.wasm"],"env_names":[],"preopens":[],"redacted":[]},"start_time":"now"})";

// Reads every element; returns the first error (empty if none).
std::string read_all(const std::string& path) {
  auto reader = trace::TraceReader::open(path);
  if (!reader) return reader.error().message;
  while (true) {
    auto next = (*reader)->next();
    if (!next) return next.error().message;
    if (!*next) return "";
  }
}

// Before: a line nested 100000 deep overflowed the stack (SIGSEGV) in
// bytes_from_text_model, dump() or decode_value.
TEST(Robustness, DeeplyNestedJsonLineIsAnError) {
  std::string deep = std::string(100000, '[') + std::string(100000, ']');
  std::string path = write_temp("deep.json", std::string("[") + kHeader + ",\n{\"fn\":\"f\",\"args\":[],\"results\":[" +
                                                 deep + "]},\n{\"end\":\"exit\",\"status\":0}]\n");
  std::string error = read_all(path);
  EXPECT_NE(error.find("nested more than"), std::string::npos) << error;
  EXPECT_NE(error.find("line 2"), std::string::npos) << error;
}

TEST(Robustness, DeeplyNestedWholeJsonIsAnError) {
  std::string path = write_temp("deep-whole.json", "[\n" + std::string(1000000, '['));
  EXPECT_NE(read_all(path).find("nested more than"), std::string::npos);
}

// Before: nlohmann's CBOR parser recursed once per level and overflowed the stack.
TEST(Robustness, DeeplyNestedCborIsAnError) {
  std::string path = write_temp("deep.cbor", "\xa1\x61" "a" + std::string(1000000, '\x81') + '\0');
  EXPECT_NE(read_all(path).find("nested more than"), std::string::npos);
}

// Before: accepted, then dump() threw type_error 316 wherever the value was
// printed (inspect, divergence reports, decode errors).
TEST(Robustness, CborTextThatIsNotUtf8IsAnError) {
  std::string path = write_temp("utf8.cbor", std::string("\xa1\x62" "fn" "\x62\xff\xfe", 7));
  EXPECT_NE(read_all(path).find("UTF-8"), std::string::npos);
}

// Before: the DOM builder threw out_of_range (not a parse_error), which the
// reader did not catch: "internal error", or a host error trap in replay.
TEST(Robustness, CborMapLengthBeyondMaxSizeIsAnError) {
  // A map (as every trace element is) declaring 2^63-1 pairs.
  std::string path = write_temp("huge.cbor", std::string("\xbb\x7f\xff\xff\xff\xff\xff\xff\xff", 9));
  std::string error = read_all(path);
  EXPECT_FALSE(error.empty());
  EXPECT_NE(error.find("invalid CBOR"), std::string::npos) << error;
}

TEST(Robustness, ParsedValuesKeepWorking) {
  trace::Parsed p = trace::parse_json_text(R"({"a":[1,2,{"b":null}]})");
  ASSERT_EQ(p.status, trace::Parsed::Status::Ok) << p.error;
  EXPECT_EQ(p.value["a"][2].size(), 1u);
  EXPECT_EQ(trace::parse_json_text(R"({"a":)").status, trace::Parsed::Status::EndOfInput);
  EXPECT_EQ(trace::parse_json_text(R"({"a":1} x)").status, trace::Parsed::Status::Invalid);
  std::string nested200 = std::string(trace::kMaxNesting, '[') + std::string(trace::kMaxNesting, ']');
  EXPECT_EQ(trace::parse_json_text(nested200).status, trace::Parsed::Status::Ok);
}

// Before: the message of a DecodeError was built with dump(), which threw a
// json type_error instead; in replay that became a guest trap, then a divergence.
TEST(Robustness, DecodeErrorOnInvalidUtf8IsADecodeError) {
  Json j = Json::object();
  j[std::string("\xff")] = 1;
  EXPECT_THROW(rr::decode_value(j, *Type::primitive(Kind::U32), "results[0]"), rr::DecodeError);
}

// Before: a trace whose get-stderr returned the rep of the guest's stdout
// replayed "successfully", echoing stdout as stderr.
TEST(Robustness, ReplayRefusesAHandleTheGuestAlreadyHolds) {
  std::string path = write_temp("dup-handle.json", std::string("[") + kHeader + ",\n" +
                                                       R"({"fn":"get-stdout","args":[],"results":[{"handle":2}]},)" "\n" +
                                                       R"({"fn":"get-stderr","args":[],"results":[{"handle":2}]},)" "\n" +
                                                       R"({"end":"exit","status":0}])" "\n");
  auto reader = trace::TraceReader::open(path);
  ASSERT_TRUE(reader) << reader.error().message;
  rr::Replayer replayer(**reader);
  ASSERT_TRUE(replayer.read_header());
  auto rt = std::make_shared<abi::ResourceType>();
  rt->name = "output-stream";
  auto type = std::make_shared<abi::FuncType>();
  type->results.push_back({"", Type::own(rt)});
  runtime::ImportedFunc get_stdout{"get-stdout", type}, get_stderr{"get-stderr", type};
  runtime::Values none;
  EXPECT_EQ(replayer.call(get_stdout, none).at(0).rep(), 2u);
  try {
    replayer.call(get_stderr, none);
    FAIL() << "handle 2 given out twice";
  } catch (const rr::BadTrace& e) {
    EXPECT_EQ(e.event(), 1u);
    EXPECT_EQ(e.function(), "get-stderr");
    EXPECT_EQ(e.value_path(), "results[0]");
    EXPECT_FALSE(e.from_reader());
    EXPECT_NE(e.problem().find("output-stream handle the guest already holds (rep 2, since event 0)"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace wasmrr
