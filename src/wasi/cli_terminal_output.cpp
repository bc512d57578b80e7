// wasi:cli/terminal-output: a resource with no methods; only its drop.
#include "wasi/host_util.h"
#include "wasi/interfaces.h"

namespace wasmrr::wasi {

void register_cli_terminal_output(runtime::HostRegistry& r, WasiContext& cx) {
  InterfaceDefiner def(r, "wasi:cli/terminal-output");
  def("[resource-drop]terminal-output", [&cx](Values& args) {
    cx.terminal_outputs.remove(arg(args, 0).rep());
    return nothing();
  });
}

}  // namespace wasmrr::wasi
