// The replayer's fast path (rr/results_reader.h) reads results straight from
// their bytes; it must give exactly what the general path (the trace model,
// then decode_value) gives, or decline. Every case here is encoded by the
// recorder's encoder, in JSON and in CBOR, and read both ways.
#include <gtest/gtest.h>

#include "abi/type.h"
#include "abi/value.h"
#include "rr/event_encoder.h"
#include "rr/results_reader.h"
#include "rr/value_codec.h"
#include "trace/compact.h"
#include "trace/element_bytes.h"

namespace wasmrr::rr {
namespace {

using abi::Kind;
using abi::Type;
using abi::Value;

struct Case {
  const char* what;
  abi::TypePtr type;
  Value value;
};

abi::TypePtr prim(Kind k) { return Type::primitive(k); }

std::vector<Case> cases() {
  auto rt = std::make_shared<abi::ResourceType>();
  rt->name = "pollable";
  auto datetime = Type::record({{"seconds", prim(Kind::U64)}, {"nanoseconds", prim(Kind::U32)}});
  auto bytes = Type::list(prim(Kind::U8));
  auto stream_error = Type::variant({{"last-operation-failed", Type::own(rt)}, {"closed", nullptr}});
  // Lists in lists twelve deep, two at each level: past the depth the reader
  // keeps its open containers inline for (ValueReader::OpenStack), back, and
  // past it again.
  abi::TypePtr deep_type = prim(Kind::U32);
  Value deep_value = Value::u32(7);
  for (int depth = 0; depth < 12; depth++) {
    deep_type = Type::list(deep_type);
    deep_value = depth == 0 ? Value::list({deep_value}) : Value::list({deep_value, deep_value});  // 2^11 leaves
  }
  return {
      {"lists twelve deep", deep_type, deep_value},
      {"u64", prim(Kind::U64), Value::u64(1796147077123456789ull)},
      {"u64 max", prim(Kind::U64), Value::u64(UINT64_MAX)},
      {"u8", prim(Kind::U8), Value::u8(255)},
      {"s32 negative", prim(Kind::S32), Value::s32(-2147483647 - 1)},
      {"s64 positive", prim(Kind::S64), Value::s64(42)},
      {"s8 zero", prim(Kind::S8), Value::s8(0)},
      {"bool", prim(Kind::Bool), Value::boolean(true)},
      {"string", prim(Kind::String), Value::string("hello, world")},
      {"string with escapes (declined in JSON)", prim(Kind::String), Value::string("a\"b\\c\n")},
      {"string non-ASCII (declined)", prim(Kind::String), Value::string("h\xc3\xa9llo")},
      {"datetime", datetime, Value::record({Value::u64(1796147077), Value::u32(476528609)})},
      {"random bytes", bytes, Value::byte_list(std::string("\x00\xff\x10 text\n", 9))},
      {"empty bytes", bytes, Value::byte_list("")},
      {"result ok bytes", Type::result(bytes, stream_error), Value::ok(Value::byte_list("read this"))},
      {"result err closed", Type::result(bytes, stream_error), Value::err(Value::variant(1))},
      {"result err last-operation-failed", Type::result(bytes, stream_error), Value::err(Value::variant(0, Value::own(4)))},
      {"result ok, no payload", Type::result(nullptr, stream_error), Value::ok()},
      {"result<u64, _> err", Type::result(prim(Kind::U64), nullptr), Value::err()},
      {"option none", Type::option(prim(Kind::U32)), Value::none()},
      {"option some", Type::option(prim(Kind::U32)), Value::some(Value::u32(7))},
      {"option of option (declined)", Type::option(Type::option(prim(Kind::U32))), Value::some(Value::none())},
      {"own handle", Type::own(rt), Value::own(12)},
      {"list of u32", Type::list(prim(Kind::U32)), Value::list({Value::u32(0), Value::u32(3), Value::u32(1)})},
      {"empty list", Type::list(prim(Kind::U32)), Value::list({})},
      {"tuple", Type::tuple({prim(Kind::String), bytes}), Value::tuple({Value::string("k"), Value::byte_list("v")})},
      {"list of tuples", Type::list(Type::tuple({prim(Kind::String), prim(Kind::String)})),
       Value::list({Value::tuple({Value::string("HOME"), Value::string("/root")}),
                    Value::tuple({Value::string("A"), Value::string("b")})})},
      {"f64 (declined)", prim(Kind::F64), Value::f64_(1.5)},
      {"enum", Type::enum_({"a", "b"}), Value::enum_(1)},
      {"record with an enum and an option (a stat)",
       Type::record({{"type", Type::enum_({"unknown", "directory", "regular-file"})}, {"size", prim(Kind::U64)},
                     {"modified", Type::option(datetime)}}),
       Value::record({Value::enum_(2), Value::u64(8), Value::some(Value::record({Value::u64(1), Value::u32(2)}))})},
      {"flags (declined)", Type::flags({"read", "write"}), Value::flags({true, false})},
  };
}

// The results part of an event the recorder writes with `value` as its one result.
std::string encoded_results(trace::Format format, const std::vector<abi::Param>& types, const Value& value) {
  EventEncoder enc(format);
  std::string results;
  enc.encode_values(results, types, {value}, false);
  return results + std::string(trace::map_end(format));
}

TEST(ResultsReader, GivesWhatTheGeneralPathGivesOrDeclines) {
  for (trace::Format format : {trace::Format::Json, trace::Format::Cbor}) {
    size_t read_fast = 0;
    for (const auto& c : cases()) {
      SCOPED_TRACE(std::string(c.what) + (format == trace::Format::Json ? " (JSON)" : " (CBOR)"));
      std::vector<abi::Param> types{{"r", c.type}};
      std::string bytes = encoded_results(format, types, c.value);
      trace::Parsed parsed = trace::parse_last_value(bytes, format);
      ASSERT_EQ(parsed.status, trace::Parsed::Status::Ok);
      Value general = decode_value(parsed.value[0], *c.type, "");
      ASSERT_EQ(general, c.value);
      std::vector<Value> fast;
      if (read_results(bytes, format, types, fast)) {
        read_fast++;
        ASSERT_EQ(fast.size(), 1u);
        EXPECT_EQ(fast[0], general);
      }
    }
    // The plain cases are all read fast: the declined ones are those named so.
    size_t declined = 0;
    for (const auto& c : cases()) declined += std::string(c.what).find("declined") != std::string::npos;
    size_t escapes_in_cbor = format == trace::Format::Cbor ? 1 : 0;  // CBOR strings have no escapes
    EXPECT_EQ(read_fast, cases().size() - declined + escapes_in_cbor);
  }
}

// The replayer decodes each call's results into the same function's last
// results (Replayer::recycle_results): every value read over another, of
// any shape (another case, a longer or shorter list, a payload or none, a
// value of another type left from a decline), is exactly the value read fresh.
TEST(ResultsReader, ReadsOverTheLastResultsInPlace) {
  auto bytes = Type::list(prim(Kind::U8));
  auto entry = Type::tuple({prim(Kind::String), bytes});
  auto error = Type::variant({{"would-block", nullptr}, {"io", Type::option(prim(Kind::String))}});
  auto type = Type::result(Type::list(entry), error);
  auto one = [](const char* k, const char* v) { return Value::tuple({Value::string(k), Value::byte_list(v)}); };
  const std::vector<Value> values = {
      Value::ok(Value::list({one("a", "first bytes, longer than a short string"), one("bb", ""), one("c", "x")})),
      Value::ok(Value::list({one("only", "y")})),
      Value::err(Value::variant(1, Value::some(Value::string("disk on fire")))),
      Value::err(Value::variant(1, Value::none())),  // where a payload was: none
      Value::err(Value::variant(1, Value::some(Value::string("again")))),
      Value::err(Value::variant(0)),  // a case without one, where one was
      Value::ok(Value::list({})),
      Value::ok(Value::list({one("d", "z"), one("e", "another longer byte list than the first")})),
  };
  const std::vector<abi::Param> types{{"r", type}};
  for (trace::Format format : {trace::Format::Json, trace::Format::Cbor}) {
    SCOPED_TRACE(format == trace::Format::Json ? "JSON" : "CBOR");
    // What a declined read of another function may have left.
    std::vector<Value> reused{Value::record({Value::string("left over"), Value::u64(9)}), Value::u8(1)};
    for (size_t i = 0; i < values.size(); i++) {
      SCOPED_TRACE(i);
      ASSERT_TRUE(read_results(encoded_results(format, types, values[i]), format, types, reused));
      ASSERT_EQ(reused.size(), 1u);
      EXPECT_EQ(reused[0], values[i]);
    }
    // A compact event's outcome, read over the last values too.
    trace::CompactNames names;
    for (size_t i = 0; i < values.size() && format == trace::Format::Cbor; i++) {
      EventEncoder enc(trace::Format::Cbor, &names);
      std::string outcome, event = enc.event_prefix("i#f", 0);
      enc.encode_results(outcome, types, {values[i]});
      enc.encode_outcome(event, types, {values[i]});
      ASSERT_TRUE(names.learn(event));
      ASSERT_TRUE(read_results(outcome, trace::Format::Cbor, types, reused, &names));
      EXPECT_EQ(reused, std::vector<Value>{values[i]});
    }
  }
}

// A compact event's outcome (trace/compact.h), its keys written out (the
// first event) or numbered (after it): read fast as the plain form is.
TEST(ResultsReader, CompactOutcomes) {
  size_t read_fast = 0, declined = 0;
  for (const auto& c : cases()) {
    SCOPED_TRACE(c.what);
    declined += std::string(c.what).find("declined") != std::string::npos;
    std::vector<abi::Param> types{{"r", c.type}};
    trace::CompactNames names;
    for (int round = 0; round < 2; round++) {
      EventEncoder enc(trace::Format::Cbor, &names);
      std::string outcome, event = enc.event_prefix("i#f", 0);
      enc.encode_results(outcome, types, {c.value});
      enc.encode_outcome(event, types, {c.value});
      std::string scratch;
      trace::Parsed parsed = trace::parse_compact_event(event, names, scratch);
      if (round == 0) {  // the names it defines are not known yet
        ASSERT_TRUE(names.learn(event));
        parsed = trace::parse_compact_event(event, names, scratch);
      }
      ASSERT_EQ(parsed.status, trace::Parsed::Status::Ok) << parsed.error;
      Value general = decode_value(parsed.value["results"][0], *c.type, "");
      ASSERT_EQ(general, c.value);
      std::vector<Value> fast;
      if (read_results(outcome, trace::Format::Cbor, types, fast, &names)) {
        read_fast++;
        ASSERT_EQ(fast.size(), 1u);
        EXPECT_EQ(fast[0], general);
      }
    }
  }
  EXPECT_EQ(read_fast, 2 * (cases().size() - declined + 1));  // + the string with escapes, as in plain CBOR
  // No results: `undefined`; anything else there is declined.
  std::vector<Value> out;
  trace::CompactNames names;
  EXPECT_TRUE(read_results("\xf7", trace::Format::Cbor, {}, out, &names));
  EXPECT_FALSE(read_results("\x80", trace::Format::Cbor, {}, out, &names));
  EXPECT_FALSE(read_results(std::string("\xa1\x05\x01", 3), trace::Format::Cbor, {{"r", Type::record({{"a", prim(Kind::U8)}})}}, out, &names));
}

// The replayer reads a compact event where it lies in its input, with the
// trace's next bytes after it: the outcome's own size, the same values as
// read_results gives, and nothing for one that defines a name (its first
// "ok" key is text) until the names are learnt.
TEST(ResultsReader, CompactOutcomeFollowedByMoreBytes) {
  const std::string after = std::string("\x83\x01\x02", 3);  // the start of the next event
  size_t read_fast = 0, declined_for_names = 0;
  for (const auto& c : cases()) {
    SCOPED_TRACE(c.what);
    std::vector<abi::Param> types{{"r", c.type}};
    trace::CompactNames names;
    EventEncoder enc(trace::Format::Cbor, &names);
    for (int round = 0; round < 2; round++) {  // round 1: the names round 0 defined are learnt
      std::string outcome, event = enc.event_prefix("i#f", 0);
      enc.take_names_written();
      enc.encode_results(outcome, types, {c.value});
      enc.encode_outcome(event, types, {c.value});
      const bool defines_names = enc.take_names_written();
      std::vector<Value> whole, fast;
      const size_t taken = read_compact_outcome_prefix(outcome + after, types, fast, names);
      const bool whole_read = read_results(outcome, trace::Format::Cbor, types, whole, &names);
      ASSERT_TRUE(names.learn(event));
      if (defines_names || !whole_read) {
        EXPECT_EQ(taken, 0u);
        EXPECT_TRUE(fast.empty());
        declined_for_names += defines_names && whole_read;
        continue;
      }
      read_fast++;
      EXPECT_EQ(taken, outcome.size());
      EXPECT_EQ(fast, whole);
      EXPECT_EQ(read_compact_outcome_prefix(outcome.substr(0, outcome.size() - 1), types, fast, names), 0u);  // cut short
    }
  }
  EXPECT_GT(read_fast, cases().size() / 2);
  EXPECT_GT(declined_for_names, 0u);  // e.g. the first "ok"
  std::vector<Value> out;
  trace::CompactNames names;
  EXPECT_EQ(read_compact_outcome_prefix("\xf7" + after, {}, out, names), 1u);  // no results
  EXPECT_EQ(read_compact_outcome_prefix(after, {}, out, names), 0u);
}

TEST(ResultsReader, DeclinesWhatIsNotExactlyOneValuePerResult) {
  std::vector<abi::Param> types{{"r", prim(Kind::U64)}};
  std::vector<Value> out;
  for (std::string_view text : {"[1]", "[1,2]}", "[]}", "[01]}", "[1.0]}", "[-1]}", "[ 1]}", "[1]} ", "[18446744073709551616]}",
                                "[\"1\"]}", "[1"}) {
    SCOPED_TRACE(std::string(text));
    EXPECT_FALSE(read_results(text, trace::Format::Json, types, out));
  }
  EXPECT_TRUE(read_results("[18446744073709551615]}", trace::Format::Json, types, out));
  std::vector<abi::Param> record{{"r", Type::record({{"a", prim(Kind::U8)}, {"b", prim(Kind::U8)}})}};
  EXPECT_FALSE(read_results("[{\"b\":1,\"a\":2}]}", trace::Format::Json, record, out));  // another order: general path
  EXPECT_FALSE(read_results("[{\"a\":1}]}", trace::Format::Json, record, out));
  EXPECT_FALSE(read_results("[{\"a\":1,\"b\":300}]}", trace::Format::Json, record, out));
  std::vector<abi::Param> bytes{{"r", Type::list(prim(Kind::U8))}};
  EXPECT_FALSE(read_results("[{\"$bytes\":\"not base64!\"}]}", trace::Format::Json, bytes, out));
  EXPECT_FALSE(read_results("[{\"$bytes\":\"YQ==\",\"x\":1}]}", trace::Format::Json, bytes, out));
  // Enums and variants only as the writer writes them, and only their own cases.
  std::vector<abi::Param> enumeration{{"r", Type::enum_({"a", "b"})}};
  EXPECT_TRUE(read_results("[\"b\"]}", trace::Format::Json, enumeration, out));
  EXPECT_FALSE(read_results("[\"c\"]}", trace::Format::Json, enumeration, out));
  EXPECT_FALSE(read_results("[1]}", trace::Format::Json, enumeration, out));
  std::vector<abi::Param> variant{{"r", Type::variant({{"some-u8", prim(Kind::U8)}, {"none", nullptr}})}};
  EXPECT_TRUE(read_results("[\"none\"]}", trace::Format::Json, variant, out));
  EXPECT_TRUE(read_results("[{\"some-u8\":7}]}", trace::Format::Json, variant, out));
  EXPECT_FALSE(read_results("[{\"none\":null}]}", trace::Format::Json, variant, out));  // the general path's
  EXPECT_FALSE(read_results("[\"some-u8\"]}", trace::Format::Json, variant, out));     // its payload missing
  EXPECT_FALSE(read_results("[{\"some-u8\":7,\"none\":null}]}", trace::Format::Json, variant, out));
  EXPECT_FALSE(read_results("[{\"other\":7}]}", trace::Format::Json, variant, out));
  // CBOR: a byte string that claims more than there is; an indefinite array.
  EXPECT_FALSE(read_results(std::string("\x81\x5a\xff\xff\xff\xff", 6), trace::Format::Cbor, bytes, out));
  EXPECT_FALSE(read_results(std::string("\x9f\x01\xff", 3), trace::Format::Cbor, types, out));
}

TEST(ResultsReader, DeclinesValuesLargerThanTheGeneralPathAllows) {
  // list<tuple<string, string>> of 2 million ("", "") pairs: 6 MB of CBOR that
  // would become some 200 MB of values.
  auto pair = Type::tuple({prim(Kind::String), prim(Kind::String)});
  std::vector<abi::Param> types{{"env", Type::list(pair)}};
  const uint32_t n = 2'000'000;
  std::string cbor = "\x81\x9a";
  for (int shift = 24; shift >= 0; shift -= 8) cbor += static_cast<char>((n >> shift) & 0xff);
  for (uint32_t i = 0; i < n; i++) cbor += "\x82\x60\x60";
  std::vector<Value> out;
  EXPECT_FALSE(read_results(cbor, trace::Format::Cbor, types, out));
  // A few thousand are fine.
  std::string small = "\x81\x99\x03\xe8";  // 1000 pairs
  for (int i = 0; i < 1000; i++) small += "\x82\x60\x60";
  ASSERT_TRUE(read_results(small, trace::Format::Cbor, types, out));
  EXPECT_EQ(out[0].items.size(), 1000u);
}

}  // namespace
}  // namespace wasmrr::rr

namespace wasmrr::rr {
namespace {

// {"$same": digest} where bytes are expected: the bytes looked up, in JSON
// and in a compact event (32 bytes); declined without a lookup or when it
// finds nothing.
TEST(ResultsReader, ReferencesToBytesSeenBefore) {
  std::vector<abi::Param> types{{"r", Type::list(prim(Kind::U8))}};
  const std::string kept(300, 'k');
  const std::string digest(64, 'd');
  SameBytes same = [&](const std::string& d) { return d == digest ? &kept : nullptr; };
  std::vector<Value> out;
  std::string json = "[{\"$same\":\"" + digest + "\"}]}";
  ASSERT_TRUE(read_results(json, trace::Format::Json, types, out, nullptr, &same));
  EXPECT_EQ(out.at(0), Value::byte_list(kept));
  EXPECT_FALSE(read_results(json, trace::Format::Json, types, out));
  std::string other = "[{\"$same\":\"" + std::string(64, 'e') + "\"}]}";
  EXPECT_FALSE(read_results(other, trace::Format::Json, types, out, nullptr, &same));

  trace::CompactNames names;
  names.define_key("$same");  // key number 0
  std::string raw;
  ASSERT_TRUE(trace::digest_bytes(digest, raw));
  std::string compact = std::string("\xa1\x00\x58\x20", 4) + raw;  // {0: 32 bytes}
  ASSERT_TRUE(read_results(compact, trace::Format::Cbor, types, out, &names, &same));
  EXPECT_EQ(out.at(0), Value::byte_list(kept));
  EXPECT_FALSE(read_results(compact, trace::Format::Cbor, types, out, &names));
}

// JSON integers are read up to eight digits at a time, straight from the
// buffer: every length (a chunk of each size, digits that end inside a
// word and at its edge), whatever bytes follow them, and every integer the
// general path would refuse (leading zeros, -0, out of range) declined.
TEST(ResultsReader, JsonIntegersOfEveryLength) {
  auto scalar_type = [](Kind kind) { return abi::FuncType{{}, {{"", prim(kind)}}, false}; };
  const abi::FuncType u64 = scalar_type(Kind::U64), s64 = scalar_type(Kind::S64), u32 = scalar_type(Kind::U32);
  // What follows an event line in a trace, and bytes no text holds.
  const std::vector<std::string> tails = {",\n{\"fn\":\"x\"", std::string(8, '\xff'), std::string(8, '\0'), "]]]]]]]]", ""};
  auto read = [](const abi::FuncType& type, const std::string& text, Value& v) { return read_json_scalar(text, type, v); };
  std::string digits;
  for (int length = 1; length <= 20; length++) {
    digits += static_cast<char>('1' + (length * 7) % 9);  // no zeros: each length's number is new
    const unsigned long long expected = length <= 19 ? std::stoull(digits) : 0;
    for (const std::string& tail : tails) {
      const std::string text = "[" + digits + "]}" + tail;
      Value v;
      const size_t taken = read(u64, text, v);
      if (length <= 19) {
        ASSERT_EQ(taken, digits.size() + 3) << digits << " then " << tail.size() << " bytes";
        EXPECT_EQ(v.num, expected) << digits;
        EXPECT_EQ(v.kind, Kind::U64);
      } else {
        EXPECT_EQ(taken, 0u) << digits << " is above 2^64 - 1";  // 20 digits, the first 8
      }
      Value negative;
      if (length <= 18) {
        ASSERT_EQ(read(s64, "[-" + digits + "]}" + tail, negative), digits.size() + 4) << "-" << digits;
        EXPECT_EQ(static_cast<int64_t>(negative.num), -static_cast<int64_t>(expected)) << "-" << digits;
      }
      Value small;
      EXPECT_EQ(read(u32, text, small) != 0, expected <= UINT32_MAX && length <= 19) << digits << " as u32";
    }
  }
  Value v;
  EXPECT_EQ(read(u64, "[18446744073709551615]}", v), 23u);
  EXPECT_EQ(v.num, UINT64_MAX);
  EXPECT_EQ(read(s64, "[-9223372036854775808]}", v), 23u);
  EXPECT_EQ(static_cast<int64_t>(v.num), INT64_MIN);
  for (const char* refused : {"[18446744073709551616]}", "[01]}", "[00000000]}", "[0123456789]}", "[-0]}", "[]}",
                              "[-]}", "[1.5]}", "[1e3]}", "[ 1]}", "[123456789012345678901234567890]}"}) {
    Value r;
    EXPECT_EQ(read(u64, refused, r) + read(s64, refused, r), 0u) << refused;
  }
  EXPECT_EQ(read(s64, "[9223372036854775808]}", v), 0u);
  EXPECT_EQ(read(u64, "[0]}", v), 4u);
  EXPECT_EQ(v.num, 0u);
}

}  // namespace
}  // namespace wasmrr::rr
