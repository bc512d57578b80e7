// wasi:io/error: the error resource behind stream-error.last-operation-failed.
#include "wasi/host_util.h"
#include "wasi/interfaces.h"

namespace wasmrr::wasi {

void register_io_error(runtime::HostRegistry& r, WasiContext& cx) {
  InterfaceDefiner def(r, "wasi:io/error");
  def("[method]error.to-debug-string", [&cx](Values& args) {
    return one(Value::string(cx.errors.at(arg(args, 0).rep()).message));
  });
  def("[resource-drop]error", [&cx](Values& args) {
    cx.errors.remove(arg(args, 0).rep());
    return nothing();
  });
}

}  // namespace wasmrr::wasi
