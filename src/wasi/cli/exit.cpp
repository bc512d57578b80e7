// wasi:cli/exit: ends the run by throwing ExitRequest, which the runtime
// catches outside the engine.
#include "wasi/cli/cli.h"
#include "wasi/common/host_util.h"

namespace wasmrr::wasi {

void register_cli_exit(runtime::HostRegistry& r, CliState&, WasiVersion version) {
  InterfaceDefiner def(r, "wasi:cli/exit", version);
  def("exit", [](Values& args) -> Values { throw ExitRequest(arg(args, 0).is_ok() ? 0 : 1); });
  // @unstable(feature = cli-exit-with-code)
  def("exit-with-code", [](Values& args) -> Values {
    throw ExitRequest(static_cast<int>(arg(args, 0).as_u32() & 0xff));
  });
}

}  // namespace wasmrr::wasi
