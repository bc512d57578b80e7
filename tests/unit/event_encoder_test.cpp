// The recorder's direct encoder must produce exactly the bytes the general
// Json path produces, in both formats, or converted traces would differ.
#include <gtest/gtest.h>

#include "abi/type.h"
#include "abi/value.h"
#include "rr/event_encoder.h"
#include "rr/value_codec.h"
#include "trace/json_bytes.h"

namespace wasmrr::rr {
namespace {

using abi::Kind;
using abi::Type;
using abi::Value;
using trace::Json;

std::string via_json(trace::Format f, const std::string& fn, const Json& args, const Json& results) {
  trace::Event e{fn, args, results};
  Json j = trace::to_json(e);
  if (f == trace::Format::Cbor) {
    std::string out;
    Json::to_cbor(j, out);
    return out;
  }
  trace::bytes_to_text_model(j);
  return j.dump(-1, ' ', false, Json::error_handler_t::strict);
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
  for (auto f : {trace::Format::Json, trace::Format::Cbor}) {
    for (bool digest : {false, true}) {
      EventEncoder enc(f);
      std::string args, results, direct;
      enc.encode_values(args, types, values, digest);
      enc.encode_values(results, {{"", u32}}, {Value::u32(7)}, false);
      enc.encode_event(direct, enc.event_prefix("pkg:iface/x@0.2.3#[method]thing.do"), args, results);

      Json jargs = Json::array();
      for (size_t i = 0; i < types.size(); i++)
        jargs.push_back(encode_value(values[i], *types[i].type, EncodeOptions{.digest_large_bytes = digest}));
      std::string general = via_json(f, "pkg:iface/x@0.2.3#[method]thing.do", jargs, Json::array({7}));
      EXPECT_EQ(direct, general) << trace::format_name(f) << (digest ? " digest" : "");
    }
  }
}

TEST(EventEncoder, ExitAndTrapEvents) {
  for (auto f : {trace::Format::Json, trace::Format::Cbor}) {
    EventEncoder enc(f);
    std::string args = f == trace::Format::Json ? "[]" : std::string(1, '\x80');
    std::string exit_direct, trap_direct;
    enc.encode_exit_event(exit_direct, enc.event_prefix("wasi:cli/exit@0.2.0#exit"), args, 1);
    enc.encode_trap_event(trap_direct, enc.event_prefix("x#y"), args, "unknown handle");
    trace::Event ex{"wasi:cli/exit@0.2.0#exit", Json::array(), Json::array()};
    ex.exit = 1;
    trace::Event tr{"x#y", Json::array(), Json::array()};
    tr.trap = "unknown handle";
    auto encode = [f](const trace::Event& e) {
      std::string out;
      if (f == trace::Format::Cbor) Json::to_cbor(trace::to_json(e), out);
      else out = trace::to_json(e).dump();
      return out;
    };
    EXPECT_EQ(exit_direct, encode(ex));
    EXPECT_EQ(trap_direct, encode(tr));
  }
}

}  // namespace
}  // namespace wasmrr::rr
