// wasi:filesystem/preopens: the configured directories, as new own handles on
// every call (they share the host fd opened at startup).
#include "wasi/host_util.h"
#include "wasi/interfaces.h"

namespace wasmrr::wasi {

void register_filesystem_preopens(runtime::HostRegistry& r, WasiContext& cx) {
  InterfaceDefiner def(r, "wasi:filesystem/preopens");
  def("get-directories", [&cx](Values&) {
    std::vector<Value> dirs;
    for (const PreopenDescriptor& p : cx.preopens) {
      uint32_t rep = cx.descriptors.insert(std::make_shared<Descriptor>(*p.descriptor));
      dirs.push_back(Value::tuple({Value::own(rep), Value::string(p.guest_path)}));
    }
    return one(Value::list(std::move(dirs)));
  });
}

}  // namespace wasmrr::wasi
