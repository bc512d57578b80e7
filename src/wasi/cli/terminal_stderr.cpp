// wasi:cli/terminal-stderr: some(terminal-output) only when the stderr fd is a tty.
#include <unistd.h>

#include "wasi/cli/cli.h"
#include "wasi/common/host_util.h"

namespace wasmrr::wasi {

void register_cli_terminal_stderr(runtime::HostRegistry& r, CliState& cli, WasiVersion version) {
  InterfaceDefiner def(r, "wasi:cli/terminal-stderr", version);
  def("get-terminal-stderr", [&cli](Values&) {
    int fd = cli.config.stderr_fd;
    if (!::isatty(fd)) return one(Value::none());
    return one(Value::some(Value::own(cli.terminal_outputs.insert(std::make_shared<Terminal>(Terminal{fd})))));
  });
}

}  // namespace wasmrr::wasi
