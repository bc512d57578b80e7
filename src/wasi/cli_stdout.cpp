// wasi:cli/stdout: each call returns a new own<output-stream> over the
// configured stdout fd (the guest may drop it and ask again).
#include "wasi/host_util.h"
#include "wasi/interfaces.h"

namespace wasmrr::wasi {

void register_cli_stdout(runtime::HostRegistry& r, WasiContext& cx) {
  InterfaceDefiner def(r, "wasi:cli/stdout");
  def("get-stdout", [&cx](Values&) {
    return one(Value::own(cx.output_streams.insert(std::make_shared<FdOutputStream>(cx.config.stdout_fd))));
  });
}

}  // namespace wasmrr::wasi
