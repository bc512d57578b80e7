// Translate once, instantiate many: the cost of instantiating a component a
// second time on the same engine, with its core modules already compiled
// (runtime::ModuleCache), against a first instantiation that compiles them.
// Run: instantiate_bench COMPONENT.wasm (`ninja bench` uses the JS hello
// component, whose 10 MB StarlingMonkey module dominates the first cost).
#include <benchmark/benchmark.h>

#include <fstream>
#include <iostream>
#include <iterator>

#include "component/ast.h"
#include "engine/engine.h"
#include "runtime/instance.h"
#include "runtime/module_cache.h"

namespace {

std::shared_ptr<const wasmrr::component::Component> g_component;
std::unique_ptr<wasmrr::engine::Engine> g_engine;

void instantiate(wasmrr::runtime::ModuleCache& cache, benchmark::State& state) {
  wasmrr::runtime::HostRegistry no_host;  // instantiation only: no import is called
  wasmrr::runtime::PassthroughInterposer passthrough;
  wasmrr::runtime::Runtime rt(*g_engine, no_host, passthrough);
  auto r = rt.instantiate(g_component, {.require_host_impl = false, .modules = &cache});
  if (!r) state.SkipWithError(r.error().message.c_str());
}

// Compiles every core module, then instantiates.
void FirstInstantiation(benchmark::State& state) {
  for (auto _ : state) {
    wasmrr::runtime::ModuleCache cache(*g_engine);
    instantiate(cache, state);
  }
}

// The modules are compiled once, before timing; each iteration only instantiates.
void SecondInstantiation(benchmark::State& state) {
  wasmrr::runtime::ModuleCache cache(*g_engine);
  if (auto r = cache.compile_all(*g_component); !r) state.SkipWithError(r.error().message.c_str());
  for (auto _ : state) instantiate(cache, state);
  state.counters["compilations"] = static_cast<double>(cache.compiled_count());
}

// Wall time: SpiderMonkey compiles on helper threads. Few first
// instantiations: compiled code is freed only by a GC, and a 10 MB module
// compiled again and again runs out of executable memory.
BENCHMARK(FirstInstantiation)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);
BENCHMARK(SecondInstantiation)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(1.0);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (argc != 2) {
    std::cerr << "usage: instantiate_bench [benchmark flags] COMPONENT.wasm\n";
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  auto bytes = std::make_shared<std::vector<uint8_t>>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  auto component = wasmrr::component::parse_component(bytes);
  if (!component) {
    std::cerr << argv[1] << ": " << component.error().message << "\n";
    return 1;
  }
  g_component = *component;
  auto engine = wasmrr::engine::create_engine();
  if (!engine) {
    std::cerr << engine.error().message << "\n";
    return 1;
  }
  g_engine = std::move(*engine);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  g_component.reset();
  g_engine.reset();
  return 0;
}
