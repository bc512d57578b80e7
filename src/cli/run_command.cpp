#include <fmt/format.h>

#include "cli/guest.h"
#include "cli/stop_watch.h"

namespace wasmrr::cli {

int run_command(const GuestOptions& opts) {
  LoadedComponent component = load_component(opts.component_path);
  GuestLimits limits = guest_limits(opts.limits);
  runtime::HostRegistry registry;
  wasi::WasiHost host(guest_config(opts));
  host.register_all(registry);
  runtime::PassthroughInterposer passthrough;
  StopWatch stop_watch(limits.timeout, [](const StopCause& cause) { fmt::print(stderr, "wasm-rr: {}\n", cause.describe()); });
  return exit_code_of(run_guest(component, registry, passthrough, {}, limits));
}

}  // namespace wasmrr::cli
