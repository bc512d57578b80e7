// wasi:cli/stdout: each call returns a new own<output-stream> over the
// configured stdout fd (the guest may drop it and ask again).
#include "wasi/cli/cli.h"
#include "wasi/cli/stdio_stream.h"
#include "wasi/common/host_util.h"

namespace wasmrr::wasi {

void register_cli_stdout(runtime::HostRegistry& r, CliState& cli) {
  InterfaceDefiner def(r, "wasi:cli/stdout");
  def("get-stdout", [&cli](Values&) {
    return one(Value::own(cli.io.output_streams.insert(std::make_shared<FdOutputStream>(cli.config.stdout_fd))));
  });
}

}  // namespace wasmrr::wasi
