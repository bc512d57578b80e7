// wasi:random/insecure: fast, non-cryptographic bytes.
#include "wasi/host_util.h"
#include "wasi/interfaces.h"

namespace wasmrr::wasi {

void register_random_insecure(runtime::HostRegistry& r, WasiContext& cx) {
  InterfaceDefiner def(r, "wasi:random/insecure");
  def("get-insecure-random-bytes", [&cx](Values& args) {
    return one(Value::byte_list(cx.sources.insecure_random->bytes(buffer_len(arg(args, 0).as_u64()))));
  });
  def("get-insecure-random-u64", [&cx](Values&) { return one(Value::u64(cx.sources.insecure_random->next_u64())); });
}

}  // namespace wasmrr::wasi
