// wasi:cli/terminal-input: a resource with no methods; only its drop.
#include "wasi/host_util.h"
#include "wasi/interfaces.h"

namespace wasmrr::wasi {

void register_cli_terminal_input(runtime::HostRegistry& r, WasiContext& cx) {
  InterfaceDefiner def(r, "wasi:cli/terminal-input");
  def("[resource-drop]terminal-input", [&cx](Values& args) {
    cx.terminal_inputs.remove(arg(args, 0).rep());
    return nothing();
  });
}

}  // namespace wasmrr::wasi
