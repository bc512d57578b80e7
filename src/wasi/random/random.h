// The wasi:random package of one WasiHost: the random sources
// (random_source.h) it answers from.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>

#include "runtime/host.h"
#include "wasi/common/wit_signatures.h"
#include "wasi/random/random_source.h"

namespace wasmrr::wasi {

struct RandomState {
  RandomSource& secure;    // wasi:random/random
  RandomSource& insecure;  // wasi:random/insecure
  // wasi:random/insecure-seed: drawn from `secure` on first use, then the same.
  std::optional<std::pair<uint64_t, uint64_t>> insecure_seed;
};

// One registration per WIT interface (random.cpp, insecure.cpp, insecure_seed.cpp).
void register_random_random(runtime::HostRegistry& r, RandomState& random, WasiVersion version = WasiVersion::P2);
void register_random_insecure(runtime::HostRegistry& r, RandomState& random, WasiVersion version = WasiVersion::P2);
void register_random_insecure_seed(runtime::HostRegistry& r, RandomState& random, WasiVersion version = WasiVersion::P2);

inline void register_random(runtime::HostRegistry& r, RandomState& random) {
  register_random_random(r, random);
  register_random_insecure(r, random);
  register_random_insecure_seed(r, random);
}

}  // namespace wasmrr::wasi
