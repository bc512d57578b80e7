// wasi:cli/stderr: each call returns a new own<output-stream> over the
// configured stderr fd (the guest may drop it and ask again).
#include "wasi/cli/cli.h"
#include "wasi/cli/stdio_stream.h"
#include "wasi/common/host_util.h"

namespace wasmrr::wasi {

void register_cli_stderr(runtime::HostRegistry& r, CliState& cli) {
  InterfaceDefiner def(r, "wasi:cli/stderr");
  def("get-stderr", [&cli](Values&) {
    return one(Value::own(cli.io.output_streams.insert(std::make_shared<FdOutputStream>(cli.config.stderr_fd))));
  });
}

}  // namespace wasmrr::wasi
