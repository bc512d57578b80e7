// wasi:cli/terminal-stderr: some(terminal-output) only when the stderr fd is a tty.
#include <unistd.h>

#include "wasi/host_util.h"
#include "wasi/interfaces.h"

namespace wasmrr::wasi {

void register_cli_terminal_stderr(runtime::HostRegistry& r, WasiContext& cx) {
  InterfaceDefiner def(r, "wasi:cli/terminal-stderr");
  def("get-terminal-stderr", [&cx](Values&) {
    int fd = cx.config.stderr_fd;
    if (!::isatty(fd)) return one(Value::none());
    return one(Value::some(Value::own(cx.terminal_outputs.insert(std::make_shared<Terminal>(Terminal{fd})))));
  });
}

}  // namespace wasmrr::wasi
