// wasi:io/error: the error resource behind stream-error.last-operation-failed.
#include "wasi/common/host_util.h"
#include "wasi/io/io.h"

namespace wasmrr::wasi {

void register_io_error(runtime::HostRegistry& r, IoState& io) {
  InterfaceDefiner def(r, "wasi:io/error");
  def("[method]error.to-debug-string", [&io](Values& args) {
    return one(Value::string(io.errors.at(arg(args, 0).rep()).message));
  });
  def("[resource-drop]error", [&io](Values& args) {
    io.errors.remove(arg(args, 0).rep());
    return nothing();
  });
}

}  // namespace wasmrr::wasi
