// Instantiation on the real engine of hand-written components (text in
// tests/unit/data/runtime/*.wat): nested components, outer aliases, guest
// resources, records returned through a pointer, and the errors of bad binaries.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "component/ast.h"
#include "engine/engine.h"
#include "runtime/host.h"
#include "runtime/instance.h"
#include "wasi/cli/command.h"

namespace wasmrr::runtime {
namespace {

using abi::Value;

std::shared_ptr<const component::Component> load(const std::string& name) {
  std::ifstream in(std::string(WASMRR_TEST_DATA_DIR) + "/runtime/" + name, std::ios::binary);
  auto bytes = std::make_shared<std::vector<uint8_t>>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  EXPECT_FALSE(bytes->empty()) << name;
  auto c = component::parse_component(bytes);
  EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().message);
  return c.ok() ? *c : nullptr;
}

engine::Engine& shared_engine() {
  static std::unique_ptr<engine::Engine> engine = [] {
    auto e = engine::create_engine();
    if (!e) throw std::runtime_error(e.error().message);
    return std::move(*e);
  }();
  return *engine;
}

// A host with a `log` function that collects what the guest says.
struct LogHost {
  HostRegistry registry;
  std::vector<std::string> lines;
  LogHost(const char* iface = "test:host/log@0.2.0") {
    registry.define(iface, "log", [this](Values& args) {
      lines.push_back(args.at(0).str);
      return Values{};
    });
  }
};

Outcome run(const std::string& name, const HostRegistry& host, CallInterposer& interposer) {
  Runtime rt(shared_engine(), host, interposer);
  auto r = rt.instantiate(load(name));
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  if (!r) return {};
  auto outcome = wasi::run_command(rt);
  EXPECT_TRUE(outcome.ok()) << (outcome.ok() ? "" : outcome.error().message);
  return outcome.ok() ? *outcome : Outcome{};
}

TEST(Runtime, NestedComponentGetsItsImportFromTheParent) {
  LogHost host;
  PassthroughInterposer passthrough;
  Outcome out = run("nested.wasm", host.registry, passthrough);
  EXPECT_EQ(out.kind, Outcome::Kind::Exited);
  EXPECT_EQ(out.exit_status, 0);
  EXPECT_EQ(host.lines, std::vector<std::string>{"hello from a nested component"});
}

TEST(Runtime, GuestResourcesNewRepDropAndDestructor) {
  LogHost host;
  PassthroughInterposer passthrough;
  Outcome out = run("resources.wasm", host.registry, passthrough);
  // rep() of the live handle is its rep; the two handles differ; dropping runs
  // the destructor with the rep; using the dropped handle afterwards traps.
  EXPECT_EQ(host.lines, (std::vector<std::string>{"rep ok", "second handle differs", "dtor saw rep 42", "dtor saw another rep"}));
  EXPECT_EQ(out.kind, Outcome::Kind::Trapped);
  EXPECT_NE(out.trap_message.find("handle"), std::string::npos) << out.trap_message;
}

TEST(Runtime, OuterAliasedRecordReturnedThroughARetptr) {
  HostRegistry registry;
  std::vector<std::string> lines;
  registry.define("test:host/geometry@0.2.0", "mirror", [](Values& args) {
    const Value& p = args.at(0);
    return Values{Value::record({Value::s32(-p.items.at(0).as_s32()), Value::s32(-p.items.at(1).as_s32())})};
  });
  registry.define("test:host/geometry@0.2.0", "log", [&lines](Values& args) {
    lines.push_back(args.at(0).str);
    return Values{};
  });
  PassthroughInterposer passthrough;
  Outcome out = run("outer_alias.wasm", registry, passthrough);
  EXPECT_EQ(out.exit_status, 0);
  EXPECT_EQ(lines, std::vector<std::string>{"mirrored ok"});
}

// Every import call crosses the interposer with its full name and typed values.
TEST(Runtime, InterposerSeesEveryCallByFullName) {
  struct Spy : CallInterposer {
    std::vector<std::string> calls;
    Values call(const ImportedFunc& f, Values& args) override {
      calls.push_back(f.name + "(" + (args.empty() ? "" : args[0].str) + ")");
      return Values{};
    }
  } spy;
  HostRegistry none;
  Runtime rt(shared_engine(), none, spy);
  ASSERT_TRUE(rt.instantiate(load("nested.wasm"), {.require_host_impl = false}).ok());
  auto out = wasi::run_command(rt);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(spy.calls, std::vector<std::string>{"test:host/log@0.2.0#log(hello from a nested component)"});
}

TEST(Runtime, MissingHostInterfaceIsReportedByName) {
  HostRegistry none;
  PassthroughInterposer passthrough;
  Runtime rt(shared_engine(), none, passthrough);
  auto r = rt.instantiate(load("nested.wasm"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("test:host/log@0.2.0"), std::string::npos) << r.error().message;
}

TEST(Runtime, OtherMajorVersionsDoNotBind) {
  LogHost host;
  EXPECT_NE(host.registry.find("test:host/log@0.2.9", "log"), nullptr);
  EXPECT_EQ(host.registry.find("test:host/log@0.3.0", "log"), nullptr);
  EXPECT_EQ(host.registry.find("test:host/log@1.0.0", "log"), nullptr);
}

// Host functions with a type: an import of another type is refused before
// the guest starts, naming the import and both types; in replay too
// (types declared without bodies, require_host_impl = false).
abi::FuncTypePtr func_type(std::vector<abi::TypePtr> params, abi::TypePtr result) {
  auto f = std::make_shared<abi::FuncType>();
  for (auto& p : params) f->params.push_back({"p", p});
  if (result) f->results.push_back({"", result});
  return f;
}

abi::TypePtr point(const char* x, const char* y) {
  return abi::Type::record({{x, abi::Type::primitive(abi::Kind::S32)}, {y, abi::Type::primitive(abi::Kind::S32)}});
}

TEST(Runtime, TypedHostFunctionOfTheDeclaredTypeBinds) {
  HostRegistry registry;
  std::vector<std::string> lines;
  registry.define("test:host/geometry@0.2.0", "mirror", [](Values& args) { return Values{args.at(0)}; },
                  func_type({point("x", "y")}, point("x", "y")));
  registry.define("test:host/geometry@0.2.0", "log", [&lines](Values& args) {
    lines.push_back(args.at(0).str);
    return Values{};
  }, func_type({abi::Type::primitive(abi::Kind::String)}, nullptr));
  PassthroughInterposer passthrough;
  Runtime rt(shared_engine(), registry, passthrough);
  auto r = rt.instantiate(load("outer_alias.wasm"));
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
}

TEST(Runtime, ImportsOfAnotherTypeAreRefusedNamingBothTypes) {
  HostRegistry registry;
  registry.declare("test:host/geometry@0.2.0", "mirror", func_type({point("y", "x")}, point("y", "x")));
  registry.declare("test:host/geometry@0.2.0", "log", func_type({abi::Type::primitive(abi::Kind::U32)}, nullptr));
  PassthroughInterposer passthrough;
  Runtime rt(shared_engine(), registry, passthrough);
  auto r = rt.instantiate(load("outer_alias.wasm"), {.require_host_impl = false});
  ASSERT_FALSE(r.ok());
  // After the offset of the definition that needed them (the first core instantiation).
  EXPECT_EQ(r.error().message.substr(r.error().message.find(": ") + 2),
            "2 imports have other types than wasm-rr implements:\n"
            "  import `test:host/geometry@0.2.1#mirror` has type func(p: record { x: s32, y: s32 }) -> "
            "record { x: s32, y: s32 }, but wasm-rr implements func(p: record { y: s32, x: s32 }) -> "
            "record { y: s32, x: s32 } (parameter `p`: record field 0 is `x`, expected `y`)\n"
            "  import `test:host/geometry@0.2.1#log` has type func(msg: string), but wasm-rr implements "
            "func(p: u32) (parameter `p`: string where u32 is expected)");
}

TEST(Runtime, HostReturningTheWrongShapeIsAClearTrap) {
  HostRegistry registry;
  registry.define("test:host/geometry@0.2.0", "mirror", [](Values&) { return Values{Value::string("not a record")}; });
  registry.define("test:host/geometry@0.2.0", "log", [](Values&) { return Values{}; });
  PassthroughInterposer passthrough;
  Outcome out = run("outer_alias.wasm", registry, passthrough);
  EXPECT_EQ(out.kind, Outcome::Kind::Trapped);
  EXPECT_NE(out.trap_message.find("string"), std::string::npos) << out.trap_message;
}

// --- Component-model async types (hand-built binaries) ---

using Bytes = std::vector<uint8_t>;

Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

Bytes str(std::string_view s) { return cat({{static_cast<uint8_t>(s.size())}, Bytes(s.begin(), s.end())}); }

Bytes section(uint8_t id, const Bytes& contents) {
  return cat({{id, static_cast<uint8_t>(contents.size())}, contents});
}

// Instantiates a component made of `sections`; the error message, or "" if it instantiated.
std::string instantiate_error(std::initializer_list<Bytes> sections, const HostRegistry& host = HostRegistry()) {
  Bytes b = {0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00};
  for (const Bytes& s : sections) b.insert(b.end(), s.begin(), s.end());
  auto c = component::parse_component(std::make_shared<const Bytes>(std::move(b)));
  EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().message);
  if (!c.ok()) return "parse error";
  PassthroughInterposer passthrough;
  Runtime rt(shared_engine(), host, passthrough);
  auto r = rt.instantiate(*c, {.require_host_impl = false});
  return r.ok() ? "" : r.error().message;
}

TEST(Runtime, StreamFutureAndErrorContextTypesResolve) {
  // stream<u8>, result<_, u32>, future<result<_, u32>>, (stream), error-context,
  // list<error-context>, a resource and stream<own<it>>.
  EXPECT_EQ(instantiate_error({section(7, {0x09, 0x66, 0x01, 0x7d, 0x6a, 0x00, 0x01, 0x79, 0x65, 0x01, 0x01, 0x66,
                                           0x00, 0x64, 0x70, 0x64, 0x3f, 0x7f, 0x00, 0x69, 0x06, 0x66, 0x01, 0x07})}),
            "");
}

TEST(Runtime, StreamOfCharIsRejected) {
  EXPECT_EQ(instantiate_error({section(7, {0x01, 0x66, 0x01, 0x74})}),
            "0x0000000b: `stream<char>` is not valid: a stream's element type may not be char "
            "(a temporary restriction of the component model)");
  // future<char> is fine.
  EXPECT_EQ(instantiate_error({section(7, {0x01, 0x65, 0x01, 0x74})}), "");
}

TEST(Runtime, BorrowInAStreamOrFuturePayloadIsRejected) {
  // A resource, borrow<it>, then stream<borrow>.
  EXPECT_EQ(instantiate_error({section(7, {0x03, 0x3f, 0x7f, 0x00, 0x68, 0x00, 0x66, 0x01, 0x01})}),
            "0x00000010: `stream<borrow<resource>>` is not valid: the element type of a stream or future may not "
            "contain a borrow");
  // Transitively: future<option<record { b: borrow }>>.
  std::string m = instantiate_error({section(
      7, cat({{0x05, 0x3f, 0x7f, 0x00, 0x68, 0x00, 0x72, 0x01}, str("b"), {0x01, 0x6b, 0x02, 0x65, 0x01, 0x03}}))});
  EXPECT_NE(m.find("`future<option<record { b: borrow<resource> }>>` is not valid"), std::string::npos) << m;
}

// An instance import whose function `f` is async: (instance (export "f" (func async (param "x" u32)))).
Bytes async_import() {
  return cat({section(7, cat({{0x01, 0x42, 0x02, 0x01, 0x43, 0x01}, str("x"), {0x79, 0x01, 0x00, 0x04, 0x00}, str("f"),
                              {0x01, 0x00}})),
              section(10, cat({{0x01, 0x00}, str("test:host/t@0.2.0"), {0x05, 0x00}}))});
}

TEST(Runtime, AsyncFunctionTypesReachTheHostTypeCheck) {
  HostRegistry sync;
  sync.declare("test:host/t@0.2.0", "f", func_type({abi::Type::primitive(abi::Kind::U32)}, nullptr));
  std::string m = instantiate_error({async_import()}, sync);
  EXPECT_NE(m.find("import `test:host/t@0.2.0#f` has type async func(x: u32), but wasm-rr implements func(p: u32)"),
            std::string::npos) << m;
  EXPECT_NE(m.find("an async function where a sync function is expected"), std::string::npos) << m;

  HostRegistry async;
  auto type = std::const_pointer_cast<abi::FuncType>(func_type({abi::Type::primitive(abi::Kind::U32)}, nullptr));
  type->async_ = true;
  async.declare("test:host/t@0.2.0", "f", type);
  EXPECT_EQ(instantiate_error({async_import()}, async), "");
}

TEST(Runtime, AsyncCanonBuiltinsInstantiate) {
  // (type (stream u8)) (core func (canon stream.new 0)); (core func (canon waitable-set.new)).
  EXPECT_EQ(instantiate_error({section(7, {0x01, 0x66, 0x01, 0x7d}), section(8, {0x01, 0x0e, 0x00})}), "");
  EXPECT_EQ(instantiate_error({section(8, {0x01, 0x1f})}), "");
  // stream.new of a type that is not a stream: (type u8) (canon stream.new 0).
  std::string m = instantiate_error({section(7, {0x01, 0x7d}), section(8, {0x01, 0x0e, 0x00})});
  EXPECT_NE(m.find("canon stream.new: type 0 is a"), std::string::npos) << m;
  // context.get of slot 2 (there are two): (canon context.get i32 2).
  m = instantiate_error({section(8, {0x01, 0x0a, 0x7f, 0x02})});
  EXPECT_NE(m.find("canon context.get: slot 2 does not exist (there are 2)"), std::string::npos) << m;
}

}  // namespace
}  // namespace wasmrr::runtime
