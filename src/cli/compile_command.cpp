// `wasm-rr compile COMPONENT`: fills the code cache (engine::EngineOptions::
// fill_code_cache) with the optimized code of every core module of the
// component, and waits until it is there, so that later runs start at once.
#include <chrono>

#include <fmt/format.h>

#include "cli/guest.h"
#include "cli/options.h"
#include "util/printable.h"

namespace wasmrr::cli {

int compile_command(const CompileOptions& opts) {
  auto start = std::chrono::steady_clock::now();
  LoadedComponent component = load_component(opts.component_path);
  LimitOptions limit_opts;
  limit_opts.max_memory = opts.max_memory;
  auto stored = fill_code_cache(component, guest_limits(limit_opts).engine_options(),
                                std::chrono::seconds(opts.wait_seconds));
  if (!stored) throw ToolError(fmt::format("`{}`: {}", printable(component.path), stored.error().message));
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  fmt::print(stderr, "wasm-rr: compiled `{}`: {} core module{} into the code cache, in {:.1f} s\n",
             printable(component.path), *stored, *stored == 1 ? "" : "s", seconds);
  return 0;
}

}  // namespace wasmrr::cli
