// wasi:cli/stdin: each call returns a new own<input-stream> over the
// configured stdin fd (the guest may drop it and ask again).
#include "wasi/cli/cli.h"
#include "wasi/cli/stdio_stream.h"
#include "wasi/common/host_util.h"

namespace wasmrr::wasi {

void register_cli_stdin(runtime::HostRegistry& r, CliState& cli) {
  InterfaceDefiner def(r, "wasi:cli/stdin");
  def("get-stdin", [&cli](Values&) {
    return one(Value::own(cli.io.input_streams.insert(std::make_shared<FdInputStream>(cli.config.stdin_fd))));
  });
}

}  // namespace wasmrr::wasi
