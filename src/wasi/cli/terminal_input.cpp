// wasi:cli/terminal-input: a resource with no methods; only its drop.
#include "wasi/cli/cli.h"
#include "wasi/common/host_util.h"

namespace wasmrr::wasi {

void register_cli_terminal_input(runtime::HostRegistry& r, CliState& cli, WasiVersion version) {
  InterfaceDefiner def(r, "wasi:cli/terminal-input", version);
  def("[resource-drop]terminal-input", [&cli](Values& args) {
    cli.terminal_inputs.remove(arg(args, 0).rep());
    return nothing();
  });
}

}  // namespace wasmrr::wasi
