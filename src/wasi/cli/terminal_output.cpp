// wasi:cli/terminal-output: a resource with no methods; only its drop.
#include "wasi/cli/cli.h"
#include "wasi/common/host_util.h"

namespace wasmrr::wasi {

void register_cli_terminal_output(runtime::HostRegistry& r, CliState& cli, WasiVersion version) {
  InterfaceDefiner def(r, "wasi:cli/terminal-output", version);
  def("[resource-drop]terminal-output", [&cli](Values& args) {
    cli.terminal_outputs.remove(arg(args, 0).rep());
    return nothing();
  });
}

}  // namespace wasmrr::wasi
