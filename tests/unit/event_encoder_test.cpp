// The recorder's direct encoder must produce exactly the bytes the general
// Json path produces, in both formats (CBOR as plain maps and as compact
// events, with no names defined and with the event's own names defined;
// JSON written at once and staged, trace/staged_values.h), or converted
// traces would differ.
#include <gtest/gtest.h>

#include "abi/type.h"
#include "abi/value.h"
#include "rr/event_encoder.h"
#include "rr/value_codec.h"
#include "trace/compact.h"
#include "trace/json_bytes.h"
#include "trace/staged_values.h"

namespace wasmrr::rr {
namespace {

using abi::Kind;
using abi::Type;
using abi::Value;
using trace::Json;

// How the writer encodes the trace model of an event: `names` for compact CBOR events.
std::string writer_bytes(trace::Format f, const trace::CompactNames* names, const trace::Event& e) {
  Json j = trace::to_json(e);
  std::string out;
  if (f == trace::Format::Cbor && names) {
    EXPECT_TRUE(trace::encode_compact_event(j, *names, out));
    return out;
  }
  if (f == trace::Format::Cbor) {
    Json::to_cbor(j, out);
    return out;
  }
  trace::bytes_to_text_model(j);
  return j.dump(-1, ' ', false, Json::error_handler_t::strict);
}

// The forms an encoder writes: JSON, plain CBOR, compact CBOR with `names`;
// JSON staged.
struct Form {
  trace::Format format;
  const trace::CompactNames* names;
  bool staged = false;
};

// The bytes an encoder wrote in `form`, the staged calls made text.
std::string written(Form form, const std::string& encoded) {
  if (!form.staged) return encoded;
  std::string text;
  trace::render_staged(encoded, text);
  return text;
}


TEST(EventEncoder, MatchesTheJsonPathForEveryType) {
  auto u32 = Type::primitive(Kind::U32);
  auto rt = std::make_shared<abi::ResourceType>();
  rt->name = "r";
  std::vector<abi::Param> types = {
      {"a", Type::primitive(Kind::Bool)},
      {"b", Type::primitive(Kind::S64)},
      {"c", Type::primitive(Kind::U64)},
      {"d", Type::primitive(Kind::F64)},
      {"e", Type::primitive(Kind::F32)},
      {"f", Type::primitive(Kind::Char)},
      {"g", Type::primitive(Kind::String)},
      {"h", Type::list(Type::primitive(Kind::U8))},
      {"i", Type::list(Type::primitive(Kind::U8))},
      {"j", Type::list(Type::record({{"x", u32}, {"y-z", Type::primitive(Kind::S8)}}))},
      {"k", Type::tuple({u32, Type::option(Type::option(u32))})},
      {"l", Type::variant({{"none-here", nullptr}, {"some-here", u32}})},
      {"m", Type::enum_({"red", "green"})},
      {"n", Type::result(nullptr, Type::primitive(Kind::String))},
      {"o", Type::flags({"p", "q", "r"})},
      {"p", Type::own(rt)},
      {"q", Type::borrow(rt)},
      {"r", Type::option(u32)},
      {"s", Type::primitive(Kind::F64)},
  };
  std::vector<Value> values = {
      Value::boolean(true),
      Value::s64(INT64_MIN),
      Value::u64(UINT64_MAX),
      Value::f64_(0.1),
      Value::f32(1.5f),
      Value::char_(U'\U0001F600'),
      Value::string("quote\" back\\ nl\n ctl\x01 \xc3\xa9"),
      Value::byte_list(std::string("\x00\x01\xfe", 3)),
      Value::byte_list(std::string(1000, 'z')),  // a digest when digesting
      Value::list({Value::record({Value::u32(70000), Value::s8(-3)}), Value::record({Value::u32(0), Value::s8(127)})}),
      Value::tuple({Value::u32(24), Value::some(Value::none())}),
      Value::variant(1, Value::u32(300)),
      Value::enum_(1),
      Value::err(Value::string("bad")),
      Value::flags({true, false, true}),
      Value::own(5),
      Value::borrow(4294967295u),
      Value::none(),
      Value::f64_(std::nan("")),
  };
  const std::string fn = "pkg:iface/x@0.2.3#[method]thing.do";
  for (bool digest : {false, true}) {
    Json jargs = Json::array();
    for (size_t i = 0; i < types.size(); i++)
      jargs.push_back(encode_value(values[i], *types[i].type, EncodeOptions{.digest_large_bytes = digest}));
    trace::Event event{fn, jargs, Json::array({7})};
    trace::CompactNames fresh, learnt;
    ASSERT_TRUE(learnt.learn(writer_bytes(trace::Format::Cbor, &fresh, event)));
    ASSERT_EQ(learnt.functions(), 1u);
    ASSERT_GT(learnt.keys(), 1u);  // the record's fields, "ok"/"err", "handle", ...
    for (Form form : {Form{trace::Format::Json, nullptr}, Form{trace::Format::Json, nullptr, true},
                      Form{trace::Format::Cbor, nullptr}, Form{trace::Format::Cbor, &fresh},
                      Form{trace::Format::Cbor, &learnt}}) {
      if (form.names && !digest) continue;  // a compact event's arguments come only digested
      EventEncoder enc(form.format, form.names, form.staged);
      std::string args;
      if (digest) enc.encode_args(args, types, values);
      else enc.encode_values(args, types, values, false);
      bool stable = false;
      std::string direct = enc.event_prefix(fn, types.size(), &stable) + args;
      enc.encode_outcome(direct, {{"", u32}}, {Value::u32(7)});
      EXPECT_EQ(stable, form.names != &fresh);
      EXPECT_EQ(written(form, direct), writer_bytes(form.format, form.names, event))
          << trace::format_name(form.format) << (form.names ? " compact" : "") << (form.staged ? " staged" : "")
          << (digest ? " digest" : "");
    }
  }
}

// Arguments of bools, integers and handles only are written by hand
// (encode_args' shortcut): still the sink's bytes, at the shortcut's most
// arguments and one past it, at the integers' extremes; in compact CBOR
// with the handle key numbered already, and not yet (then the sink writes
// it as text).
TEST(EventEncoder, PlainArgumentsMatchTheJsonPath) {
  auto rt = std::make_shared<abi::ResourceType>();
  rt->name = "r";
  const std::vector<std::pair<abi::TypePtr, Value>> plain = {
      {Type::primitive(Kind::Bool), Value::boolean(false)},
      {Type::primitive(Kind::S64), Value::s64(INT64_MIN)},
      {Type::primitive(Kind::U64), Value::u64(UINT64_MAX)},
      {Type::own(rt), Value::own(0)},
      {Type::borrow(rt), Value::borrow(4294967295u)},
      {Type::primitive(Kind::S8), Value::s8(-1)},
      {Type::primitive(Kind::U32), Value::u32(123456789)},
      {Type::primitive(Kind::Bool), Value::boolean(true)},
      {Type::borrow(rt), Value::borrow(6)},
  };
  const std::string fn = "wasi:filesystem/types@0.2.12#[method]descriptor.read";
  for (size_t n = 0; n <= plain.size(); n++) {
    std::vector<abi::Param> types;
    std::vector<Value> values;
    Json jargs = Json::array();
    for (size_t i = 0; i < n; i++) {
      types.push_back({"p" + std::to_string(i), plain[i].first});
      values.push_back(plain[i].second);
      jargs.push_back(encode_value(values[i], *types[i].type, EncodeOptions{.digest_large_bytes = true}));
    }
    trace::Event event{fn, jargs, Json::array({7})};
    trace::CompactNames fresh, learnt;
    ASSERT_TRUE(learnt.learn(writer_bytes(trace::Format::Cbor, &fresh, event)));
    for (Form form : {Form{trace::Format::Json, nullptr}, Form{trace::Format::Json, nullptr, true},
                      Form{trace::Format::Cbor, &fresh}, Form{trace::Format::Cbor, &learnt}}) {
      EventEncoder enc(form.format, form.names, form.staged);
      std::string direct = enc.event_prefix(fn, types.size());
      enc.encode_args(direct, types, values);
      enc.encode_outcome(direct, {{"", Type::primitive(Kind::U32)}}, {Value::u32(7)});
      EXPECT_EQ(written(form, direct), writer_bytes(form.format, form.names, event))
          << n << " arguments in " << trace::format_name(form.format) << (form.staged ? ", staged" : "")
          << (form.names == &learnt ? ", names learnt" : "");
      // A key written as text defines its name: the writer must learn it
      // (and learns from every JSON event).
      const bool handles = n > 3;
      EXPECT_EQ(enc.take_names_written(), !form.names || (form.names == &fresh && handles)) << n << " arguments";
    }
  }
}

TEST(EventEncoder, ExitAndTrapEvents) {
  trace::CompactNames names;
  for (Form form : {Form{trace::Format::Json, nullptr}, Form{trace::Format::Json, nullptr, true},
                    Form{trace::Format::Cbor, nullptr}, Form{trace::Format::Cbor, &names}}) {
    EventEncoder enc(form.format, form.names, form.staged);
    std::string args;
    enc.encode_args(args, {}, {});
    std::string exit_direct = enc.event_prefix("wasi:cli/exit@0.2.0#exit", 0) + args;
    std::string trap_direct = enc.event_prefix("x#y", 0) + args;
    enc.encode_exit(exit_direct, 1);
    enc.encode_trap(trap_direct, "unknown handle");
    trace::Event ex{"wasi:cli/exit@0.2.0#exit", Json::array(), Json::array()};
    ex.exit = 1;
    trace::Event tr{"x#y", Json::array(), Json::array()};
    tr.trap = "unknown handle";
    EXPECT_EQ(written(form, exit_direct), writer_bytes(form.format, form.names, ex));
    EXPECT_EQ(written(form, trap_direct), writer_bytes(form.format, form.names, tr));
  }
}

}  // namespace
}  // namespace wasmrr::rr
