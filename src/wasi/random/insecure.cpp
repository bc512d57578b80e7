// wasi:random/insecure: fast, non-cryptographic bytes.
#include "wasi/common/host_util.h"
#include "wasi/random/random.h"

namespace wasmrr::wasi {

void register_random_insecure(runtime::HostRegistry& r, RandomState& random, WasiVersion version) {
  InterfaceDefiner def(r, "wasi:random/insecure", version);
  def("get-insecure-random-bytes", [&random](Values& args) {
    return one(Value::byte_list(random.insecure.bytes(buffer_len(arg(args, 0).as_u64()))));
  });
  def("get-insecure-random-u64", [&random](Values&) { return one(Value::u64(random.insecure.next_u64())); });
}

}  // namespace wasmrr::wasi
