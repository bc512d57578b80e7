#include <fmt/format.h>

#include "cli/guest.h"
#include "cli/seeded_world.h"
#include "cli/stop_watch.h"

namespace wasmrr::cli {

int run_command(const GuestOptions& opts) {
  LoadedComponent component = load_component(opts.component_path);
  GuestLimits limits = guest_limits(opts.limits);
  GuestWorld world(opts);
  runtime::HostRegistry registry;
  wasi::WasiHost host(guest_config(opts), world.take_sources());
  host.register_all(registry, wasi_versions(component));
  runtime::PassthroughInterposer passthrough;
  world.decorate(registry, passthrough);
  StopWatch stop_watch(limits.timeout, [&](const StopCause& cause) {
    fmt::print(stderr, "wasm-rr: {}\n", cause.describe());
    world.report();
  });
  runtime::Outcome outcome = run_guest(component, registry, passthrough, {}, limits);
  world.report();
  return exit_code_of(outcome);
}

}  // namespace wasmrr::cli
