// wasi:cli/stderr: each call returns a new own<output-stream> over the
// configured stderr fd (the guest may drop it and ask again).
#include "wasi/host_util.h"
#include "wasi/interfaces.h"

namespace wasmrr::wasi {

void register_cli_stderr(runtime::HostRegistry& r, WasiContext& cx) {
  InterfaceDefiner def(r, "wasi:cli/stderr");
  def("get-stderr", [&cx](Values&) {
    return one(Value::own(cx.output_streams.insert(std::make_shared<FdOutputStream>(cx.config.stderr_fd))));
  });
}

}  // namespace wasmrr::wasi
