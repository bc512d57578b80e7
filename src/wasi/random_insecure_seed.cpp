// wasi:random/insecure-seed: one 128-bit seed per run, the same on every call
// (the WIT intends it to be called once, for hash-map keys and the like).
#include "wasi/host_util.h"
#include "wasi/interfaces.h"

namespace wasmrr::wasi {

void register_random_insecure_seed(runtime::HostRegistry& r, WasiContext& cx) {
  InterfaceDefiner def(r, "wasi:random/insecure-seed");
  def("insecure-seed", [&cx](Values&) {
    if (!cx.insecure_seed) cx.insecure_seed = {cx.sources.random->next_u64(), cx.sources.random->next_u64()};
    return one(Value::tuple({Value::u64(cx.insecure_seed->first), Value::u64(cx.insecure_seed->second)}));
  });
}

}  // namespace wasmrr::wasi
