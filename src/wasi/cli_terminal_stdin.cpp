// wasi:cli/terminal-stdin: some(terminal-input) only when the stdin fd is a tty.
#include <unistd.h>

#include "wasi/host_util.h"
#include "wasi/interfaces.h"

namespace wasmrr::wasi {

void register_cli_terminal_stdin(runtime::HostRegistry& r, WasiContext& cx) {
  InterfaceDefiner def(r, "wasi:cli/terminal-stdin");
  def("get-terminal-stdin", [&cx](Values&) {
    int fd = cx.config.stdin_fd;
    if (!::isatty(fd)) return one(Value::none());
    return one(Value::some(Value::own(cx.terminal_inputs.insert(std::make_shared<Terminal>(Terminal{fd})))));
  });
}

}  // namespace wasmrr::wasi
