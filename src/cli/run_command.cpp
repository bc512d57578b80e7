#include "cli/guest.h"

namespace wasmrr::cli {

int run_command(const GuestOptions& opts) {
  LoadedComponent component = load_component(opts.component_path);
  runtime::HostRegistry registry;
  wasi::WasiHost host(guest_config(opts));
  host.register_all(registry);
  runtime::PassthroughInterposer passthrough;
  return exit_code_of(run_guest(component, registry, passthrough, {}));
}

}  // namespace wasmrr::cli
