// Random sources behind a small interface (see common/clock.h for why).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace wasmrr::wasi {

class RandomSource {
 public:
  virtual ~RandomSource() = default;
  virtual std::string bytes(uint64_t len) = 0;
  virtual uint64_t next_u64() = 0;
};

// getrandom(2): wasi:random/random.
std::unique_ptr<RandomSource> os_random_source();
// A fast PRNG (mt19937-64) for wasi:random/insecure; seeded by the caller.
std::unique_ptr<RandomSource> insecure_random_source(uint64_t seed);

}  // namespace wasmrr::wasi
