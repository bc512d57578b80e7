// wasi:random/random: cryptographically secure bytes.
#include "wasi/host_util.h"
#include "wasi/interfaces.h"

namespace wasmrr::wasi {

void register_random_random(runtime::HostRegistry& r, WasiContext& cx) {
  InterfaceDefiner def(r, "wasi:random/random");
  def("get-random-bytes", [&cx](Values& args) {
    return one(Value::byte_list(cx.sources.random->bytes(buffer_len(arg(args, 0).as_u64()))));
  });
  def("get-random-u64", [&cx](Values&) { return one(Value::u64(cx.sources.random->next_u64())); });
}

}  // namespace wasmrr::wasi
