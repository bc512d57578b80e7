// wasi:cli/terminal-stdout: some(terminal-output) only when the stdout fd is a tty.
#include <unistd.h>

#include "wasi/cli/cli.h"
#include "wasi/common/host_util.h"

namespace wasmrr::wasi {

void register_cli_terminal_stdout(runtime::HostRegistry& r, CliState& cli, WasiVersion version) {
  InterfaceDefiner def(r, "wasi:cli/terminal-stdout", version);
  def("get-terminal-stdout", [&cli](Values&) {
    int fd = cli.config.stdout_fd;
    if (!::isatty(fd)) return one(Value::none());
    return one(Value::some(Value::own(cli.terminal_outputs.insert(std::make_shared<Terminal>(Terminal{fd})))));
  });
}

}  // namespace wasmrr::wasi
