// wasi:random/insecure-seed: one 128-bit seed per run, the same on every call
// (the WIT intends it to be called once, for hash-map keys and the like).
#include "wasi/common/host_util.h"
#include "wasi/random/random.h"

namespace wasmrr::wasi {

void register_random_insecure_seed(runtime::HostRegistry& r, RandomState& random, WasiVersion version) {
  InterfaceDefiner def(r, "wasi:random/insecure-seed", version);
  // 0.3 renamed insecure-seed to get-insecure-seed.
  def(version == WasiVersion::P3 ? "get-insecure-seed" : "insecure-seed", [&random](Values&) {
    if (!random.insecure_seed) random.insecure_seed = {random.secure.next_u64(), random.secure.next_u64()};
    return one(Value::tuple({Value::u64(random.insecure_seed->first), Value::u64(random.insecure_seed->second)}));
  });
}

}  // namespace wasmrr::wasi
