// wasi:cli/terminal-stdin: some(terminal-input) only when the stdin fd is a tty.
#include <unistd.h>

#include "wasi/cli/cli.h"
#include "wasi/common/host_util.h"

namespace wasmrr::wasi {

void register_cli_terminal_stdin(runtime::HostRegistry& r, CliState& cli, WasiVersion version) {
  InterfaceDefiner def(r, "wasi:cli/terminal-stdin", version);
  def("get-terminal-stdin", [&cli](Values&) {
    int fd = cli.config.stdin_fd;
    if (!::isatty(fd)) return one(Value::none());
    return one(Value::some(Value::own(cli.terminal_inputs.insert(std::make_shared<Terminal>(Terminal{fd})))));
  });
}

}  // namespace wasmrr::wasi
