// Translate once, instantiate many (runtime::ModuleCache): a second
// instantiation of a parsed component on the same engine compiles nothing
// and behaves exactly like the first.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "component/ast.h"
#include "engine/engine.h"
#include "runtime/instance.h"
#include "runtime/module_cache.h"
#include "wasi/cli/command.h"

namespace wasmrr::runtime {
namespace {

std::shared_ptr<const component::Component> load(const std::string& name) {
  std::ifstream in(std::string(WASMRR_TEST_DATA_DIR) + "/runtime/" + name, std::ios::binary);
  auto bytes = std::make_shared<std::vector<uint8_t>>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  auto c = component::parse_component(bytes);
  EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().message);
  return c.ok() ? *c : nullptr;
}

std::vector<std::string> run_once(engine::Engine& engine, const std::shared_ptr<const component::Component>& c,
                                  ModuleCache& cache) {
  std::vector<std::string> lines;
  HostRegistry host;
  host.define("test:host/log@0.2.0", "log", [&](Values& args) {
    lines.push_back(args.at(0).str);
    return Values{};
  });
  PassthroughInterposer passthrough;
  Runtime rt(engine, host, passthrough);
  auto r = rt.instantiate(c, {.modules = &cache});
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  auto outcome = wasi::run_command(rt);
  EXPECT_TRUE(outcome.ok());
  EXPECT_EQ(outcome->kind, Outcome::Kind::Exited);
  return lines;
}

TEST(ModuleCache, ASecondInstantiationCompilesNothing) {
  auto engine = engine::create_engine();
  ASSERT_TRUE(engine.ok());
  auto component = load("nested.wasm");  // core modules inside a nested component too
  ModuleCache cache(**engine);
  auto first = run_once(**engine, component, cache);
  size_t compiled = cache.compiled_count();
  EXPECT_GT(compiled, 0u);
  auto second = run_once(**engine, component, cache);
  EXPECT_EQ(cache.compiled_count(), compiled) << "the second instantiation compiled again";
  EXPECT_EQ(first, second);
  EXPECT_EQ(first, std::vector<std::string>{"hello from a nested component"});
}

TEST(ModuleCache, CompileAllCoversNestedComponents) {
  auto engine = engine::create_engine();
  ASSERT_TRUE(engine.ok());
  auto component = load("nested.wasm");
  ModuleCache cache(**engine);
  ASSERT_TRUE(cache.compile_all(*component).ok());
  size_t compiled = cache.compiled_count();
  run_once(**engine, component, cache);
  EXPECT_EQ(cache.compiled_count(), compiled) << "compile_all missed a module";
}

}  // namespace
}  // namespace wasmrr::runtime
