// wasi:random/random: cryptographically secure bytes.
#include "wasi/common/host_util.h"
#include "wasi/random/random.h"

namespace wasmrr::wasi {

void register_random_random(runtime::HostRegistry& r, RandomState& random, WasiVersion version) {
  InterfaceDefiner def(r, "wasi:random/random", version);
  def("get-random-bytes", [&random](Values& args) {
    return one(Value::byte_list(random.secure.bytes(buffer_len(arg(args, 0).as_u64()))));
  });
  def("get-random-u64", [&random](Values&) { return one(Value::u64(random.secure.next_u64())); });
}

}  // namespace wasmrr::wasi
