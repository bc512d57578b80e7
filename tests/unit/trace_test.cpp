// The trace layer: WIT values <-> trace values, and the JSON/CBOR streams.
#include <gtest/gtest.h>

#include "temp_files.h"
#include "trace_reading.h"
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "abi/type.h"
#include "abi/value.h"
#include "rr/value_codec.h"
#include "trace/readable.h"
#include "trace/json_bytes.h"
#include "trace/reader.h"
#include "trace/writer.h"

namespace wasmrr {
namespace {

using test::slurp;
using test::spit;
using test::temp_path;

using abi::Kind;
using abi::Type;
using abi::Value;
using trace::Json;

TEST(ValueCodec, IntegersAreExactAtTheEdges) {
  auto u64 = Type::primitive(Kind::U64);
  auto s64 = Type::primitive(Kind::S64);
  Json j = rr::encode_value(Value::u64(UINT64_MAX), *u64);
  EXPECT_EQ(j.dump(), "18446744073709551615");
  EXPECT_EQ(rr::decode_value(Json::parse("18446744073709551615"), *u64, "x").num, UINT64_MAX);
  EXPECT_EQ(rr::encode_value(Value::s64(INT64_MIN), *s64).dump(), "-9223372036854775808");
  EXPECT_EQ(rr::decode_value(Json::parse("-9223372036854775808"), *s64, "x").as_s64(), INT64_MIN);
  // 2^53 + 1 is not representable as a double: it must survive anyway.
  EXPECT_EQ(rr::decode_value(Json::parse("9007199254740993"), *u64, "x").num, 9007199254740993ull);
}

TEST(ValueCodec, RangeAndTypeErrorsNameThePath) {
  auto u8 = Type::primitive(Kind::U8);
  try {
    rr::decode_value(Json(300), *u8, "results[0]");
    FAIL() << "accepted 300 as u8";
  } catch (const rr::DecodeError& e) {
    EXPECT_EQ(e.path(), "results[0]");
    EXPECT_EQ(e.problem(), "300 is out of range (max 255)");
  }
  auto rec = Type::record({{"seconds", Type::primitive(Kind::U64)}, {"nanoseconds", Type::primitive(Kind::U32)}});
  try {
    rr::decode_value(Json::parse(R"({"seconds": "soon", "nanoseconds": 1})"), *rec, "results[0]");
    FAIL() << "accepted a string for u64";
  } catch (const rr::DecodeError& e) {
    EXPECT_EQ(e.path(), "results[0].seconds");
    EXPECT_EQ(std::string(e.what()), "results[0].seconds: expected an unsigned integer, found \"soon\"");
  }
  EXPECT_THROW(rr::decode_value(Json::parse(R"({"seconds": 1})"), *rec, "r"), rr::DecodeError);
}

// Every type constructor: encode, check the documented JSON shape, decode back.
TEST(ValueCodec, EveryTypeRoundTripsWithTheDocumentedShape) {
  auto u32 = Type::primitive(Kind::U32);
  auto str = Type::primitive(Kind::String);
  auto bytes = Type::list(Type::primitive(Kind::U8));
  auto err_enum = Type::enum_({"access", "would-block"});
  auto variant = Type::variant({{"last-operation-failed", u32}, {"closed", nullptr}});
  auto opt_opt = Type::option(Type::option(u32));
  auto res_unit = Type::result(nullptr, err_enum);
  auto flags = Type::flags({"read", "write", "mutate"});
  auto rt = std::make_shared<abi::ResourceType>();
  rt->name = "output-stream";
  auto own = Type::own(rt);
  auto tuple = Type::tuple({str, Type::primitive(Kind::Char), Type::primitive(Kind::F64)});

  struct Case {
    abi::TypePtr type;
    Value value;
    std::string json;  // in the JSON text model
  };
  std::vector<Case> cases = {
      {Type::primitive(Kind::Bool), Value::boolean(true), "true"},
      {Type::primitive(Kind::S8), Value::s8(-5), "-5"},
      {str, Value::string("h\xc3\xa9llo\n"), "\"h\xc3\xa9llo\\n\""},
      {bytes, Value::byte_list(std::string("\x00\xffhi", 4)), R"({"$bytes":"AP9oaQ=="})"},
      {Type::list(u32), Value::list({Value::u32(1), Value::u32(2)}), "[1,2]"},
      {tuple, Value::tuple({Value::string("a"), Value::char_(U'\u00e9'), Value::f64_(1.5)}), "[\"a\",\"\xc3\xa9\",1.5]"},
      {variant, Value::variant(1), "\"closed\""},
      {variant, Value::variant(0, Value::u32(7)), R"({"last-operation-failed":7})"},
      {err_enum, Value::enum_(1), "\"would-block\""},
      {opt_opt, Value::none(), "null"},
      {opt_opt, Value::some(Value::none()), R"({"some":null})"},
      {opt_opt, Value::some(Value::some(Value::u32(3))), R"({"some":3})"},
      {res_unit, Value::ok(), R"({"ok":null})"},
      {res_unit, Value::err(Value::enum_(0)), R"({"err":"access"})"},
      {flags, Value::flags({true, false, true}), R"(["read","mutate"])"},
      {own, Value::own(42), R"({"handle":42})"},
  };
  for (const auto& c : cases) {
    Json j = rr::encode_value(c.value, *c.type);
    Json text = j;
    trace::bytes_to_text_model(text);
    EXPECT_EQ(text.dump(), c.json) << abi::to_string(*c.type);
    Json back = Json::parse(c.json);
    trace::bytes_from_text_model(back);
    Value v = rr::decode_value(back, *c.type, "v");
    EXPECT_EQ(rr::encode_value(v, *c.type), j) << abi::to_string(*c.type);
  }
}

TEST(ValueCodec, NonFiniteFloats) {
  auto f64 = Type::primitive(Kind::F64);
  EXPECT_EQ(rr::encode_value(Value::f64_(INFINITY), *f64), Json("inf"));
  EXPECT_TRUE(std::isnan(rr::decode_value(Json("nan"), *f64, "x").f64));
  EXPECT_EQ(rr::decode_value(Json("-inf"), *f64, "x").f64, -INFINITY);
}

TEST(ValueCodec, LargeByteArgumentsAreDigestedAndCompared) {
  auto bytes = Type::list(Type::primitive(Kind::U8));
  std::string data(1000, 'x');
  Json digest = rr::encode_value(Value::byte_list(data), *bytes, {.digest_large_bytes = true});
  ASSERT_TRUE(digest.contains("$sha256"));
  EXPECT_EQ(digest["$len"], 1000);
  EXPECT_EQ(rr::compare_value(digest, Value::byte_list(data), *bytes, "arg"), "");
  std::string other = data;
  other[500] = 'y';
  EXPECT_NE(rr::compare_value(digest, Value::byte_list(other), *bytes, "arg"), "");
  // Small buffers are kept whole, so a reader of the trace sees them.
  Json small = rr::encode_value(Value::byte_list("hi"), *bytes, {.digest_large_bytes = true});
  EXPECT_TRUE(small.is_binary());
}

TEST(ValueCodec, CompareNamesTheDifferingField) {
  auto rec = Type::record({{"a", Type::primitive(Kind::U32)}, {"b", Type::primitive(Kind::String)}});
  Json recorded = rr::encode_value(Value::record({Value::u32(1), Value::string("x")}), *rec);
  std::string d = rr::compare_value(recorded, Value::record({Value::u32(1), Value::string("y")}), *rec, "argument 0");
  EXPECT_NE(d.find("argument 0.b"), std::string::npos) << d;
  EXPECT_NE(d.find("\"x\""), std::string::npos) << d;
  EXPECT_NE(d.find("\"y\""), std::string::npos) << d;
}

TEST(Base64, KnownVectors) {
  EXPECT_EQ(trace::base64_encode(""), "");
  EXPECT_EQ(trace::base64_encode("f"), "Zg==");
  EXPECT_EQ(trace::base64_encode("fo"), "Zm8=");
  EXPECT_EQ(trace::base64_encode("foobar"), "Zm9vYmFy");
  std::string out;
  EXPECT_TRUE(trace::base64_decode("Zm9vYmE=", out));
  EXPECT_EQ(out, "fooba");
  EXPECT_FALSE(trace::base64_decode("Zm9", out));
  EXPECT_FALSE(trace::base64_decode("Z!9v", out));
}

TEST(Base64, PaddingOnlyEndsTheLastGroup) {
  std::string out;
  EXPECT_TRUE(trace::base64_decode("Zm8=", out));
  EXPECT_EQ(out, "fo");
  EXPECT_TRUE(trace::base64_decode("", out));
  EXPECT_EQ(out, "");
  for (const char* bad : {"Zm8=Zm9v", "Zg==Zg==", "Z===", "====", "Zm=v", "Zm9\\", "Zm9v\"Zm9"})
    EXPECT_FALSE(trace::base64_decode(bad, out)) << bad;
}

TEST(Base64, EveryLengthAndByteRoundTrips) {
  std::string bytes;
  for (int i = 0; i < 300; i++) {
    std::string out;
    ASSERT_TRUE(trace::base64_decode(trace::base64_encode(bytes), out)) << bytes.size();
    ASSERT_EQ(out, bytes);
    std::string appended = "x";
    trace::base64_append(appended, bytes);
    ASSERT_EQ(appended, "x" + trace::base64_encode(bytes));
    bytes += static_cast<char>(i * 7 + 3);
  }
}

std::vector<Json> sample_elements() {
  trace::Header h = test::test_header({"x.wasm", "--flag"});
  trace::Event e1{"wasi:random/random@0.2.12#get-random-u64", Json::array(), Json::array({UINT64_MAX})};
  trace::Event e2{"wasi:io/streams@0.2.12#[method]input-stream.read", Json::array({Json{{"handle", 1}}, 4096}),
                  Json::array({Json{{"ok", Json::binary({0, 1, 2, 255})}}})};
  trace::End end;
  end.status = 3;
  return {trace::to_json(h), trace::to_json(e1), trace::to_json(e2), trace::to_json(end)};
}

// Every element, expecting no error.
std::vector<Json> read_all(const std::string& path, bool* truncated = nullptr) {
  test::ReadResult got = test::read_all(path);
  EXPECT_EQ(got.error, "");
  if (truncated) *truncated = got.truncated;
  return got.elements;
}

void write_all(const std::string& path, trace::Format f, const std::vector<Json>& elements) {
  auto w = trace::TraceWriter::create(path, f);
  ASSERT_TRUE(w.ok());
  for (const auto& e : elements) (*w)->write(e);
  ASSERT_TRUE((*w)->close().ok());
}

TEST(TraceStream, JsonAndCborCarryTheSameElements) {
  auto elements = sample_elements();
  for (auto f : {trace::Format::Json, trace::Format::Cbor}) {
    std::string path = temp_path(std::string("same.") + std::string(trace::format_name(f)));
    write_all(path, f, elements);
    bool truncated = true;
    EXPECT_EQ(read_all(path, &truncated), elements) << trace::format_name(f);
    EXPECT_FALSE(truncated);
  }
  // The complete JSON file is one valid JSON document.
  Json doc = Json::parse(slurp(temp_path("same.json")));
  EXPECT_TRUE(doc.is_array());
  EXPECT_EQ(doc.size(), elements.size());
}

TEST(TraceStream, JsonToCborToJsonIsByteIdentical) {
  auto elements = sample_elements();
  write_all(temp_path("a.json"), trace::Format::Json, elements);
  write_all(temp_path("b.cbor"), trace::Format::Cbor, read_all(temp_path("a.json")));
  write_all(temp_path("c.json"), trace::Format::Json, read_all(temp_path("b.cbor")));
  EXPECT_EQ(slurp(temp_path("a.json")), slurp(temp_path("c.json")));
  EXPECT_LT(slurp(temp_path("b.cbor")).size(), slurp(temp_path("a.json")).size());
}

TEST(TraceStream, TruncatedFilesReadUpToTheLastWholeElement) {
  auto elements = sample_elements();
  for (auto f : {trace::Format::Json, trace::Format::Cbor}) {
    std::string path = temp_path(std::string("full.") + std::string(trace::format_name(f)));
    write_all(path, f, elements);
    std::string full = slurp(path);
    // Cut inside the last element: everything before it must still read.
    std::string cut = full.substr(0, full.size() - 6);
    std::string cut_path = temp_path(std::string("cut.") + std::string(trace::format_name(f)));
    std::ofstream(cut_path, std::ios::binary) << cut;
    bool truncated = false;
    auto got = read_all(cut_path, &truncated);
    EXPECT_TRUE(truncated) << trace::format_name(f);
    ASSERT_EQ(got.size(), elements.size() - 1) << trace::format_name(f);
    EXPECT_EQ(got.back(), elements[elements.size() - 2]);
  }
}

TEST(TraceStream, PrettyPrintedJsonIsAccepted) {
  auto elements = sample_elements();
  Json doc = Json::array();
  for (auto e : elements) {
    trace::bytes_to_text_model(e);
    doc.push_back(e);
  }
  std::string path = temp_path("pretty.json");
  std::ofstream(path) << doc.dump(2);
  EXPECT_EQ(read_all(path), elements);
}

// The replayer's fast path reads element text; parsing that text must give
// what next() gives, in every layout, truncated or not.
std::vector<Json> read_all_as_text(const std::string& path, bool* truncated) {
  test::ReadResult got = test::read_all_as_text(path);
  EXPECT_EQ(got.error, "");
  if (truncated) *truncated = got.truncated;
  return got.elements;
}

TEST(TraceStream, TextInterfaceAgreesWithNext) {
  auto elements = sample_elements();
  std::string line_layout = temp_path("text.json");
  write_all(line_layout, trace::Format::Json, elements);
  bool truncated = true;
  EXPECT_EQ(read_all_as_text(line_layout, &truncated), elements);
  EXPECT_FALSE(truncated);

  std::string full = slurp(line_layout);
  std::string cut_path = temp_path("text-cut.json");
  std::ofstream(cut_path, std::ios::binary) << full.substr(0, full.size() - 6);
  auto got = read_all_as_text(cut_path, &truncated);
  EXPECT_TRUE(truncated);
  EXPECT_EQ(got.size(), elements.size() - 1);

  Json doc = Json::array();
  for (auto e : elements) {
    trace::bytes_to_text_model(e);
    doc.push_back(e);
  }
  std::string pretty = temp_path("text-pretty.json");
  std::ofstream(pretty) << doc.dump(2);
  EXPECT_EQ(read_all_as_text(pretty, nullptr), elements);

  std::string cbor = temp_path("text.cbor");
  write_all(cbor, trace::Format::Cbor, elements);
  EXPECT_EQ(read_all_as_text(cbor, nullptr), elements);
}

TEST(TraceStream, GarbageIsRejectedWithAMessage) {
  std::string path = temp_path("garbage.json");
  std::ofstream(path) << "\x01\x02 not a trace";
  auto r = trace::TraceReader::open(path);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("not a wasm-rr trace"), std::string::npos) << r.error().message;
  std::string bad_line = temp_path("badline.json");
  std::ofstream(bad_line) << "[{\"format\":\"wasm-rr-trace\"},\n{\"fn\": oops},\n{\"end\":\"exit\",\"status\":0}]\n";
  auto r2 = trace::TraceReader::open(bad_line);
  ASSERT_TRUE(r2.ok());
  ASSERT_TRUE((*r2)->next().ok());
  auto second = (*r2)->next();
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error().message.find("line 2"), std::string::npos) << second.error().message;
}

TEST(TraceModel, HeaderChecksFormatAndVersion) {
  Json h = sample_elements()[0];
  EXPECT_TRUE(trace::decode_element(h).ok());
  Json wrong_version = h;
  wrong_version["version"] = 2;
  auto r = trace::decode_element(wrong_version);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("version 2"), std::string::npos) << r.error().message;
  Json missing = h;
  missing.erase("component");
  r = trace::decode_element(missing);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("component"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace wasmrr

// Values for people (trace/readable.h): bytes as text when they are UTF-8,
// else hex; everything escaped.
namespace wasmrr::trace {
namespace {

TEST(Readable, BytesThatAreTextReadAsText) {
  EXPECT_EQ(readable_bytes("hello\n"), "b\"hello\\n\"");
  EXPECT_EQ(readable_bytes("say \"hi\"\x1b[2J"), "b\"say \\\"hi\\\"\\e[2J\"");
  EXPECT_EQ(readable_bytes("gr\xc3\xbc\xc3\x9f"), "b\"gr\xc3\xbc\xc3\x9f\"");  // non-ASCII letters stay
  EXPECT_EQ(readable_bytes(""), "b\"\"");
  EXPECT_EQ(readable_bytes("a\\nb"), "b\"a\\\\nb\"");  // a real backslash is not an escape
}

TEST(Readable, OtherBytesReadAsHexAndLongOnesAreCut) {
  EXPECT_EQ(readable_bytes(std::string("\x00\xff\x80", 3)), "x\"00ff80\"");
  EXPECT_EQ(readable_bytes(std::string(300, 'a'), 4), "b\"aaaa\"...(300 bytes)");
  // A cut never splits a character: "é" is two bytes.
  EXPECT_EQ(readable_bytes("\xc3\xa9\xc3\xa9", 3), "b\"\xc3\xa9\"...(4 bytes)");
  EXPECT_EQ(readable_bytes(std::string(10, '\xff'), 2), "x\"ffff\"...(10 bytes)");
}

TEST(Readable, ValuesKeepTheirShapeWithBytesReadable) {
  Json event = Json::parse(R"({"fn":"f","args":[{"handle":2},{"$bytes":"aGk="}],"results":[{"ok":null}]})");
  EXPECT_EQ(readable(event), R"({"fn":"f","args":[{"handle":2},b"hi"],"results":[{"ok":null}]})");
  Json binary = Json::binary({0x01, 0x02});
  EXPECT_EQ(readable(Json::array({binary, "a\tb"})), "[x\"0102\",\"a\\tb\"]");
  // Not base64: shown as the object it is.
  EXPECT_EQ(readable(Json::parse(R"({"$bytes":"***"})")), R"({"$bytes":"***"})");
}

}  // namespace
}  // namespace wasmrr::trace
