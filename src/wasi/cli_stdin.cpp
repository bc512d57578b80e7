// wasi:cli/stdin: each call returns a new own<input-stream> over the
// configured stdin fd (the guest may drop it and ask again).
#include "wasi/host_util.h"
#include "wasi/interfaces.h"

namespace wasmrr::wasi {

void register_cli_stdin(runtime::HostRegistry& r, WasiContext& cx) {
  InterfaceDefiner def(r, "wasi:cli/stdin");
  def("get-stdin", [&cx](Values&) {
    return one(Value::own(cx.input_streams.insert(std::make_shared<FdInputStream>(cx.config.stdin_fd))));
  });
}

}  // namespace wasmrr::wasi
