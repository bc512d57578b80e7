// Tests of the SpiderMonkey engine layer, on small modules assembled from
// tests/unit/data/engine/*.wat (regenerate the .wasm files with build.sh).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <thread>

#include "engine/engine.h"
#include "util/trap.h"

namespace wasmrr::engine {
namespace {

using T = CoreType;

std::vector<uint8_t> read_module(const std::string& name) {
  std::ifstream in(std::string(WASMRR_TEST_DATA_DIR) + "/engine/" + name, std::ios::binary);
  EXPECT_TRUE(in) << "missing test module " << name;
  return {std::istreambuf_iterator<char>(in), {}};
}

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto e = create_engine();
    ASSERT_TRUE(e.ok()) << e.error().message;
    engine = std::move(*e);
  }

  void TearDown() override {
    // Everything the engine made goes before the engine.
    instance.reset();
    imports.clear();
    engine.reset();
  }

  std::shared_ptr<Func> host(CoreFuncType type, HostFunction body) {
    return engine->host_function(type, std::move(body), "test");
  }

  // The host side of basic.wat.
  std::vector<Import> basic_imports() {
    std::vector<Import> v;
    v.push_back({"host", "add_i32", host({{T::I32, T::I32}, {T::I32}}, [](auto a, auto r) {
                   r[0] = CoreVal::i32(static_cast<int32_t>(a[0].as_u32() + a[1].as_u32()));  // wraps, as i32.add
                 })});
    v.push_back({"host", "echo_i64", host({{T::I64}, {T::I64}}, [](auto a, auto r) {
                   r[0] = CoreVal::i64(a[0].as_i64() ^ 1);
                 })});
    v.push_back({"host", "mix", host({{T::I32, T::I64, T::F32, T::F64}, {T::F64}}, [](auto a, auto r) {
                   r[0] = CoreVal::f64(a[0].as_i32() + static_cast<double>(a[1].as_i64()) + a[2].as_f32() +
                                       a[3].as_f64());
                 })});
    v.push_back({"host", "swap", host({{T::I64, T::F32}, {T::F32, T::I64}}, [](auto a, auto r) {
                   r[0] = a[1];
                   r[1] = a[0];
                 })});
    v.push_back({"host", "fail", host({{}, {}}, [](auto, auto) { throw Trap("host said no"); })});
    v.push_back({"host", "peek", host({{T::I32}, {T::I32}}, [this](auto a, auto r) {
                   auto mem = std::static_pointer_cast<Memory>(instance->get_export("memory"));
                   uint32_t addr = a[0].as_u32();
                   if (addr + 4 > mem->size()) throw Trap("peek out of bounds");
                   int32_t v;
                   std::memcpy(&v, mem->data() + addr, 4);
                   r[0] = CoreVal::i32(v);
                 })});
    v.push_back({"host", "reenter", host({{T::I32}, {T::I32}}, [this](auto a, auto r) {
                   auto dbl = std::static_pointer_cast<Func>(instance->get_export("double"));
                   CoreVal arg = a[0];
                   Func::CallError err;
                   if (!dbl->call({&arg, 1}, r, &err)) throw Trap(err.message);
                 })});
    return v;
  }

  void instantiate_basic() {
    auto module = engine->compile(read_module("basic.wasm"));
    ASSERT_TRUE(module.ok()) << module.error().message;
    imports = basic_imports();
    auto inst = engine->instantiate(*module, imports);
    ASSERT_TRUE(inst.ok()) << inst.error().message;
    instance = *inst;
    module_ = *module;
  }

  std::shared_ptr<Module> module_;  // of instantiate_basic()

  std::shared_ptr<Func> func(const std::string& name) {
    auto f = std::dynamic_pointer_cast<Func>(instance->get_export(name));
    EXPECT_TRUE(f) << name;
    return f;
  }

  // Calls an export expecting success.
  std::vector<CoreVal> call(const std::string& name, std::vector<CoreVal> args) {
    auto f = func(name);
    std::vector<CoreVal> results(f->type().results.size());
    Func::CallError err;
    EXPECT_TRUE(f->call(args, results, &err)) << name << ": " << err.message;
    return results;
  }

  // Calls an export expecting it to fail.
  Func::CallError call_error(const std::string& name, std::vector<CoreVal> args) {
    auto f = func(name);
    std::vector<CoreVal> results(f->type().results.size());
    Func::CallError err;
    EXPECT_FALSE(f->call(args, results, &err)) << name;
    return err;
  }

  std::unique_ptr<Engine> engine;
  std::vector<Import> imports;
  std::shared_ptr<Instance> instance;
};

TEST_F(EngineTest, ModuleImportsAndExportsCarryFullTypes) {
  auto module = engine->compile(read_module("basic.wasm"));
  ASSERT_TRUE(module.ok()) << module.error().message;
  const auto& imps = (*module)->imports();
  ASSERT_EQ(imps.size(), 7u);
  EXPECT_EQ(imps[2].module, "host");
  EXPECT_EQ(imps[2].name, "mix");
  EXPECT_EQ(imps[2].func, (CoreFuncType{{T::I32, T::I64, T::F32, T::F64}, {T::F64}}));
  bool saw_memory = false, saw_global = false, saw_table = false;
  for (const ExternDesc& d : (*module)->exports()) {
    if (d.name == "memory") {
      saw_memory = true;
      EXPECT_EQ(d.kind, ExternKind::Memory);
      EXPECT_EQ(d.memory.limits.min, 1u);
      EXPECT_TRUE(d.memory.limits.has_max);
      EXPECT_EQ(d.memory.limits.max, 4000u);
    } else if (d.name == "counter") {
      saw_global = true;
      EXPECT_EQ(d.global.type, T::I32);
      EXPECT_TRUE(d.global.mutable_);
    } else if (d.name == "table") {
      saw_table = true;
      EXPECT_EQ(d.table.elem, T::FuncRef);
      EXPECT_EQ(d.table.limits.min, 3u);
    } else if (d.name == "call_swap") {
      EXPECT_EQ(d.func, (CoreFuncType{{T::I64, T::F32}, {T::F32, T::I64}}));
    }
  }
  EXPECT_TRUE(saw_memory && saw_global && saw_table);
}

TEST_F(EngineTest, HostFunctionsSeeEveryNumberType) {
  instantiate_basic();
  EXPECT_EQ(call("call_add", {CoreVal::i32(40), CoreVal::i32(2)})[0].as_i32(), 42);
  EXPECT_EQ(call("call_add", {CoreVal::i32(INT32_MAX), CoreVal::i32(1)})[0].as_i32(), INT32_MIN);
  for (int64_t v : {int64_t{0}, int64_t{-1}, (int64_t{1} << 53) + 1, INT64_MAX, INT64_MIN, int64_t{-123456789012345}}) {
    EXPECT_EQ(call("call_echo_i64", {CoreVal::i64(v)})[0].as_i64(), v ^ 1) << v;
  }
  auto mixed = call("call_mix", {CoreVal::i32(-3), CoreVal::i64(1000), CoreVal::f32(0.5f), CoreVal::f64(0.25)});
  EXPECT_DOUBLE_EQ(mixed[0].as_f64(), 997.75);
}

TEST_F(EngineTest, MultiValueResultsFromHostAndWasm) {
  instantiate_basic();
  auto r = call("call_swap", {CoreVal::i64(-(int64_t{1} << 60)), CoreVal::f32(1.5f)});
  EXPECT_EQ(r[0].as_f32(), 1.5f);
  EXPECT_EQ(r[1].as_i64(), -(int64_t{1} << 60));
  auto m = call("multi", {CoreVal::i32(-7)});
  EXPECT_EQ(m[0].as_i32(), -7);
  EXPECT_EQ(m[1].as_i64(), -7);
  EXPECT_EQ(m[2].as_f64(), -7.0);
}

TEST_F(EngineTest, HostCanCallBackIntoWasm) {
  instantiate_basic();
  EXPECT_EQ(call("call_reenter", {CoreVal::i32(21)})[0].as_i32(), 42);
}

TEST_F(EngineTest, MemoryReadWriteAndGrowFromWasm) {
  instantiate_basic();
  auto mem = std::dynamic_pointer_cast<Memory>(instance->get_export("memory"));
  ASSERT_TRUE(mem);
  EXPECT_EQ(mem->size(), 65536u);
  int32_t v = 0x12345678;
  std::memcpy(mem->data() + 100, &v, 4);
  EXPECT_EQ(call("load", {CoreVal::i32(100)})[0].as_i32(), v);
  call("store", {CoreVal::i32(200), CoreVal::i32(-2)});
  int32_t got = 0;
  std::memcpy(&got, mem->data() + 200, 4);
  EXPECT_EQ(got, -2);

  // wasm grows by 2000 pages (>64 MB) and the host reads the new page.
  EXPECT_EQ(call("grow_store_peek", {CoreVal::i32(2000), CoreVal::i32(777)})[0].as_i32(), 777);
  EXPECT_EQ(mem->size(), 2001u * 65536u);
  int32_t far = 0;
  std::memcpy(&far, mem->data() + 65536, 4);
  EXPECT_EQ(far, 777);
  std::memcpy(&got, mem->data() + 200, 4);
  EXPECT_EQ(got, -2);
}

TEST_F(EngineTest, MemoryGrowFromHost) {
  instantiate_basic();
  auto mem = std::dynamic_pointer_cast<Memory>(instance->get_export("memory"));
  auto old = mem->grow(3);
  ASSERT_TRUE(old.ok()) << old.error().message;
  EXPECT_EQ(*old, 1u);
  EXPECT_EQ(mem->size(), 4u * 65536u);
  EXPECT_EQ(call("size", {})[0].as_i32(), 4);
  int32_t v = 99;
  std::memcpy(mem->data() + 3 * 65536, &v, 4);
  EXPECT_EQ(call("load", {CoreVal::i32(3 * 65536)})[0].as_i32(), 99);
  EXPECT_FALSE(mem->grow(100000).ok());  // beyond the declared maximum
}

TEST_F(EngineTest, TrapsCarryMessagesAndBacktraces) {
  instantiate_basic();
  auto err = call_error("unreachable", {});
  EXPECT_NE(err.message.find("unreachable"), std::string::npos) << err.message;
  EXPECT_FALSE(err.host_exception);

  err = call_error("div", {CoreVal::i32(1), CoreVal::i32(0)});
  EXPECT_NE(err.message.find("divide by zero"), std::string::npos) << err.message;

  err = call_error("load", {CoreVal::i32(-1)});
  EXPECT_NE(err.message.find("out of bounds"), std::string::npos) << err.message;

  err = call_error("call_table", {CoreVal::i32(1), CoreVal::i32(5)});
  EXPECT_NE(err.message.find("signature mismatch"), std::string::npos) << err.message;

  err = call_error("nested_trap", {CoreVal::i32(0)});
  ASSERT_EQ(err.backtrace.size(), 2u) << err.message;
  // Innermost first: $inner (function 16, after the 7 imports) called by
  // $outer (17); the names come from the module's name section.
  // Each frame names its module and a code offset in that module's bytes.
  EXPECT_EQ(err.backtrace[0].text().rfind("inner@wasm-function[16]:0x", 0), 0u) << err.backtrace[0].text();
  EXPECT_EQ(err.backtrace[1].text().rfind("outer@wasm-function[17]:0x", 0), 0u) << err.backtrace[1].text();
  for (const engine::Frame& f : err.backtrace) {
    EXPECT_EQ(f.module, module_.get()) << f.text();
    EXPECT_GT(f.offset, 0u) << f.text();
  }
  EXPECT_NE(err.backtrace[0].offset, err.backtrace[1].offset);
}

// serve's workers compile a component once between them: a module compiled
// on one engine is adopted by an engine on another thread, which compiles
// nothing, runs it, and names it in its backtraces at the same offsets.
TEST_F(EngineTest, ACompiledModuleIsSharedWithAnEngineOnAnotherThread) {
  instantiate_basic();
  auto local = call_error("nested_trap", {CoreVal::i32(0)});
  std::shared_ptr<const SharedModule> shared = engine->share(module_);
  ASSERT_TRUE(shared);
  std::thread other([&] {
    auto e = create_engine();
    ASSERT_TRUE(e.ok()) << e.error().message;
    std::unique_ptr<Engine> worker = std::move(*e);
    auto adopted = worker->adopt(*shared);
    ASSERT_TRUE(adopted.ok()) << adopted.error().message;
    EXPECT_EQ((*adopted)->exports().size(), module_->exports().size());
    std::vector<Import> stubs;  // this engine's own host functions
    for (const ExternDesc& d : (*adopted)->imports()) {
      ASSERT_EQ(d.kind, ExternKind::Func) << d.name;
      stubs.push_back({d.module, d.name, worker->host_function(d.func, [](auto, auto) { throw Trap("stub"); }, d.name)});
    }
    auto inst = worker->instantiate(*adopted, stubs);
    ASSERT_TRUE(inst.ok()) << inst.error().message;
    auto dbl = std::dynamic_pointer_cast<Func>((*inst)->get_export("double"));
    CoreVal arg = CoreVal::i32(21), result;
    Func::CallError err;
    ASSERT_TRUE(dbl->call({&arg, 1}, {&result, 1}, &err)) << err.message;
    EXPECT_EQ(result.as_i32(), 42);
    auto trap = std::dynamic_pointer_cast<Func>((*inst)->get_export("nested_trap"));
    CoreVal zero = CoreVal::i32(0);
    ASSERT_FALSE(trap->call({&zero, 1}, {&result, 1}, &err));
    ASSERT_EQ(err.backtrace.size(), local.backtrace.size());
    for (size_t i = 0; i < err.backtrace.size(); i++) {
      EXPECT_EQ(err.backtrace[i].module, adopted->get()) << "the frame is the adopted module's: " << err.backtrace[i].text();
      EXPECT_EQ(err.backtrace[i].offset, local.backtrace[i].offset) << err.backtrace[i].text();
    }
    inst->reset();
    stubs.clear();
  });
  other.join();
}

// serve replaces a worker's engine now and then: the shared code outlives
// the engine that compiled it.
TEST_F(EngineTest, ASharedModuleOutlivesTheEngineThatCompiledIt) {
  std::shared_ptr<const SharedModule> shared;
  std::thread compiler([&] {
    auto e = create_engine();
    ASSERT_TRUE(e.ok()) << e.error().message;
    auto m = (*e)->compile(read_module("basic.wasm"));
    ASSERT_TRUE(m.ok()) << m.error().message;
    shared = (*e)->share(*m);
  });  // its engine is gone when the thread is
  compiler.join();
  ASSERT_TRUE(shared);
  auto adopted = engine->adopt(*shared);
  ASSERT_TRUE(adopted.ok()) << adopted.error().message;
  imports = basic_imports();
  auto inst = engine->instantiate(*adopted, imports);
  ASSERT_TRUE(inst.ok()) << inst.error().message;
  instance = *inst;
  EXPECT_EQ(call("call_add", {CoreVal::i32(40), CoreVal::i32(2)})[0].as_i32(), 42);
}

TEST_F(EngineTest, ASharedModuleIsRefusedUnderOtherOptionsOrByADebugger) {
  instantiate_basic();
  auto shared = engine->share(module_);
  ASSERT_TRUE(shared);
  std::thread other([&] {  // (one engine per thread)
    EngineOptions capped;
    capped.max_memory_pages = 16;
    auto e = create_engine(capped);
    ASSERT_TRUE(e.ok()) << e.error().message;
    auto refused = (*e)->adopt(*shared);
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().message.find("other engine options"), std::string::npos) << refused.error().message;
  });
  other.join();
  std::thread debugger([&] {
    EngineOptions debugging;
    debugging.debug = true;
    auto d = create_engine(debugging);
    ASSERT_TRUE(d.ok()) << d.error().message;
    EXPECT_FALSE((*d)->adopt(*shared).ok());
    auto own = (*d)->compile(read_module("basic.wasm"));
    ASSERT_TRUE(own.ok());
    EXPECT_FALSE((*d)->share(*own)) << "a debugging engine's code is instrumented: not shared";
  });
  debugger.join();
}

TEST_F(EngineTest, StackOverflowIsATrap) {
  instantiate_basic();
  auto err = call_error("recurse", {CoreVal::i32(0)});
  EXPECT_NE(err.message.find("recursion"), std::string::npos) << err.message;
  // The engine is still usable.
  EXPECT_EQ(call("double", {CoreVal::i32(4)})[0].as_i32(), 8);
}

TEST_F(EngineTest, HostExceptionIsHandedBack) {
  instantiate_basic();
  auto err = call_error("call_fail", {});
  ASSERT_TRUE(err.host_exception);
  try {
    std::rethrow_exception(err.host_exception);
  } catch (const Trap& t) {
    EXPECT_STREQ(t.what(), "host said no");
  } catch (...) {
    ADD_FAILURE() << "wrong exception type";
  }
  // A later call is unaffected.
  EXPECT_EQ(call("call_add", {CoreVal::i32(1), CoreVal::i32(2)})[0].as_i32(), 3);
}

TEST_F(EngineTest, GlobalsGetAndSet) {
  instantiate_basic();
  auto counter = std::dynamic_pointer_cast<Global>(instance->get_export("counter"));
  ASSERT_TRUE(counter);
  EXPECT_EQ(counter->get().as_i32(), 7);
  counter->set(CoreVal::i32(-9));
  EXPECT_EQ(call("get_counter", {})[0].as_i32(), -9);
  auto big = std::dynamic_pointer_cast<Global>(instance->get_export("big"));
  EXPECT_EQ(big->get().as_i64(), -5);
  big->set(CoreVal::i64(INT64_MIN + 3));
  EXPECT_EQ(big->get().as_i64(), INT64_MIN + 3);
  auto pi = std::dynamic_pointer_cast<Global>(instance->get_export("pi"));
  EXPECT_EQ(pi->get().as_f64(), 3.25);
  EXPECT_FALSE(pi->type().mutable_);
  auto table = std::dynamic_pointer_cast<Table>(instance->get_export("table"));
  ASSERT_TRUE(table);
  EXPECT_EQ(table->size(), 3u);
  EXPECT_EQ(instance->get_export("no_such_export"), nullptr);
  EXPECT_EQ(instance->get_export("counter"), counter);  // cached
}

TEST_F(EngineTest, ImportMismatchNamesTheImport) {
  auto module = engine->compile(read_module("basic.wasm"));
  ASSERT_TRUE(module.ok());
  auto imps = basic_imports();
  imps[1].value = host({{T::I32}, {T::I64}}, [](auto, auto) {});
  auto inst = engine->instantiate(*module, imps);
  ASSERT_FALSE(inst.ok());
  EXPECT_NE(inst.error().message.find("host#echo_i64"), std::string::npos) << inst.error().message;
  EXPECT_NE(inst.error().message.find("mismatch"), std::string::npos) << inst.error().message;

  imps = basic_imports();
  imps.erase(imps.begin() + 3);
  inst = engine->instantiate(*module, imps);
  ASSERT_FALSE(inst.ok());
  EXPECT_NE(inst.error().message.find("missing import host#swap"), std::string::npos) << inst.error().message;

  imps = basic_imports();
  imps[0].value = *engine->new_memory({{1, false, 0}, false});
  inst = engine->instantiate(*module, imps);
  ASSERT_FALSE(inst.ok());
  EXPECT_NE(inst.error().message.find("host#add_i32: expected a func, got a memory"), std::string::npos)
      << inst.error().message;
}

TEST_F(EngineTest, LinkErrorNamesTheImport) {
  auto module = engine->compile(read_module("import_limits.wasm"));
  ASSERT_TRUE(module.ok()) << module.error().message;
  imports = {{"env", "mem", *engine->new_memory({{1, false, 0}, false})},
             {"env", "tab", *engine->new_table({T::FuncRef, {8, false, 0}})}};
  auto inst = engine->instantiate(*module, imports);
  ASSERT_FALSE(inst.ok());
  EXPECT_NE(inst.error().message.find("env#mem"), std::string::npos) << inst.error().message;
  imports = {{"env", "mem", *engine->new_memory({{2, false, 0}, false})},
             {"env", "tab", *engine->new_table({T::FuncRef, {4, false, 0}})}};
  inst = engine->instantiate(*module, imports);
  ASSERT_FALSE(inst.ok());
  EXPECT_NE(inst.error().message.find("env#tab"), std::string::npos) << inst.error().message;
  imports[1].value = *engine->new_table({T::FuncRef, {8, false, 0}});
  inst = engine->instantiate(*module, imports);
  EXPECT_TRUE(inst.ok()) << inst.error().message;
}

TEST_F(EngineTest, NamesAreUtf8) {
  auto module = engine->compile(read_module("utf8_names.wasm"));
  ASSERT_TRUE(module.ok()) << module.error().message;
  EXPECT_EQ((*module)->imports()[0].module, "mödule");
  imports = {{"mödule", "ñame", host({{}, {T::I32}}, [](auto, auto r) { r[0] = CoreVal::i32(5); })}};
  auto inst = engine->instantiate(*module, imports);
  ASSERT_TRUE(inst.ok()) << inst.error().message;
  instance = *inst;
  EXPECT_EQ(call("ünïcode→", {})[0].as_i32(), 5);
}

TEST_F(EngineTest, UnsupportedProposalsAreNamed) {
  auto tail = engine->compile(read_module("tail_call.wasm"));
  ASSERT_FALSE(tail.ok());
  EXPECT_NE(tail.error().message.find("module uses the tail-call proposal (return_call_indirect)"),
            std::string::npos)
      << tail.error().message;
  auto multi = engine->compile(read_module("multi_memory.wasm"));
  ASSERT_FALSE(multi.ok());
  EXPECT_NE(multi.error().message.find("multi-memory"), std::string::npos) << multi.error().message;
  auto m64 = engine->compile(read_module("memory64.wasm"));
  ASSERT_FALSE(m64.ok());
  EXPECT_NE(m64.error().message.find("memory64"), std::string::npos) << m64.error().message;
  // A truncated type section: the reader names the offset and what it read.
  auto junk = engine->compile(std::vector<uint8_t>{0, 'a', 's', 'm', 1, 0, 0, 0, 1, 5, 1});
  ASSERT_FALSE(junk.ok());
  EXPECT_EQ(junk.error().message,
            "invalid module: 0x0000000a: unexpected end of input while reading section 'type' (5 bytes needed, 1 remain)");
}

TEST_F(EngineTest, ExtendedConstIsFoldedAtInstantiation) {
  auto module = engine->compile(read_module("extended_const.wasm"));
  ASSERT_TRUE(module.ok()) << module.error().message;
  for (int32_t base : {1024, 4096}) {
    imports = {
        {"env", "__memory_base", *engine->new_global({T::I32, false}, CoreVal::i32(base))},
        {"env", "__table_base", *engine->new_global({T::I32, false}, CoreVal::i32(2))},
        {"env", "big_base", *engine->new_global({T::I64, false}, CoreVal::i64(int64_t{1} << 62))},
    };
    auto inst = engine->instantiate(*module, imports);
    ASSERT_TRUE(inst.ok()) << inst.error().message;
    instance = *inst;
    auto global = [&](const char* name) {
      return std::dynamic_pointer_cast<Global>(instance->get_export(name))->get();
    };
    EXPECT_EQ(global("a").as_i32(), base + 16);
    EXPECT_EQ(global("b").as_i64(), (int64_t{1} << 62) - 1);
    EXPECT_EQ(global("c").as_i32(), base * 3);
    EXPECT_EQ(global("d").as_i32(), base - 1000);
    EXPECT_EQ(global("plain").as_i32(), 5);
    EXPECT_EQ(global("copied").as_i32(), 2);
    EXPECT_EQ(call("load8", {CoreVal::i32(base + 4)})[0].as_i32(), 'h');
    EXPECT_EQ(call("load8", {CoreVal::i32(base + 8)})[0].as_i32(), 'o');
    EXPECT_EQ(call("call_table", {CoreVal::i32(3)})[0].as_i32(), 42);
    EXPECT_EQ(call("call_table", {CoreVal::i32(0)})[0].as_i32(), 42);
    EXPECT_EQ(call("load8", {CoreVal::i32(0)})[0].as_i32(), 42);
    call("init_passive", {CoreVal::i32(64)});
    EXPECT_EQ(call("load8", {CoreVal::i32(70)})[0].as_i32(), 'e');
  }
}

TEST_F(EngineTest, NewMemoryTableGlobal) {
  auto mem = engine->new_memory({{2, true, 10}, false});
  ASSERT_TRUE(mem.ok()) << mem.error().message;
  EXPECT_EQ((*mem)->size(), 2u * 65536u);
  (*mem)->data()[5] = 9;
  ASSERT_TRUE((*mem)->grow(1).ok());
  EXPECT_EQ((*mem)->data()[5], 9);
  EXPECT_EQ((*mem)->size(), 3u * 65536u);
  auto table = engine->new_table({T::FuncRef, {4, false, 0}});
  ASSERT_TRUE(table.ok()) << table.error().message;
  EXPECT_EQ((*table)->size(), 4u);
  auto g = engine->new_global({T::F32, true}, CoreVal::f32(-0.5f));
  ASSERT_TRUE(g.ok()) << g.error().message;
  EXPECT_EQ((*g)->get().as_f32(), -0.5f);
  (*g)->set(CoreVal::f32(2.0f));
  EXPECT_EQ((*g)->get().as_f32(), 2.0f);
}

TEST_F(EngineTest, HostFunctionCanBeCalledDirectly) {
  auto f = host({{T::I64}, {T::I64}}, [](auto a, auto r) { r[0] = CoreVal::i64(a[0].as_i64() * 2); });
  CoreVal arg = CoreVal::i64(-(int64_t{1} << 61));
  CoreVal res;
  Func::CallError err;
  ASSERT_TRUE(f->call({&arg, 1}, {&res, 1}, &err)) << err.message;
  EXPECT_EQ(res.as_i64(), -(int64_t{1} << 62));
}

}  // namespace
}  // namespace wasmrr::engine
