// wasi:cli/terminal-stdout: some(terminal-output) only when the stdout fd is a tty.
#include <unistd.h>

#include "wasi/host_util.h"
#include "wasi/interfaces.h"

namespace wasmrr::wasi {

void register_cli_terminal_stdout(runtime::HostRegistry& r, WasiContext& cx) {
  InterfaceDefiner def(r, "wasi:cli/terminal-stdout");
  def("get-terminal-stdout", [&cx](Values&) {
    int fd = cx.config.stdout_fd;
    if (!::isatty(fd)) return one(Value::none());
    return one(Value::some(Value::own(cx.terminal_outputs.insert(std::make_shared<Terminal>(Terminal{fd})))));
  });
}

}  // namespace wasmrr::wasi
