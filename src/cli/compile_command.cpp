// `wasm-rr compile COMPONENT`: fills the code cache (engine::EngineOptions::
// fill_code_cache) with the optimized code of every core module of the
// component, and waits until it is there, so that later runs start at once.
#include <chrono>

#include <fmt/format.h>

#include "cli/guest.h"
#include "cli/options.h"
#include "runtime/module_cache.h"
#include "util/printable.h"

namespace wasmrr::cli {

int compile_command(const CompileOptions& opts) {
  auto start = std::chrono::steady_clock::now();
  LoadedComponent component = load_component(opts.component_path);
  LimitOptions limit_opts;
  limit_opts.max_memory = opts.max_memory;
  engine::EngineOptions engine_options = guest_limits(limit_opts).engine_options();
  engine_options.fill_code_cache = true;
  auto engine = engine::create_engine(engine_options);
  if (!engine) throw ToolError(engine.error().message);
  runtime::ModuleCache modules(**engine);
  if (auto r = modules.compile_all(*component.ast); !r)
    throw ToolError(fmt::format("`{}`: {}", printable(component.path), r.error().message));
  auto stored = (*engine)->wait_for_code_cache(std::chrono::seconds(opts.wait_seconds));
  if (!stored) throw ToolError(fmt::format("`{}`: {}", printable(component.path), stored.error().message));
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  fmt::print(stderr, "wasm-rr: compiled `{}`: {} core module{}, {} of them into the code cache, in {:.1f} s\n",
             printable(component.path), modules.compiled_count(), modules.compiled_count() == 1 ? "" : "s", *stored,
             seconds);
  return 0;
}

}  // namespace wasmrr::cli
