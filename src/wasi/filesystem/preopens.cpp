// wasi:filesystem/preopens: the configured directories, as new own handles on
// every call (they share the host fd opened at startup).
#include "wasi/common/host_util.h"
#include "wasi/filesystem/filesystem.h"

namespace wasmrr::wasi {

void register_filesystem_preopens(runtime::HostRegistry& r, FilesystemState& fs, WasiVersion version) {
  InterfaceDefiner def(r, "wasi:filesystem/preopens", version);
  def("get-directories", [&fs](Values&) {
    std::vector<Value> dirs;
    for (const FilesystemState::OpenPreopen& p : fs.preopens) {
      uint32_t rep = fs.descriptors.insert(std::make_shared<Descriptor>(*p.descriptor));
      dirs.push_back(Value::tuple({Value::own(rep), Value::string(p.guest_path)}));
    }
    return one(Value::list(std::move(dirs)));
  });
}

}  // namespace wasmrr::wasi
