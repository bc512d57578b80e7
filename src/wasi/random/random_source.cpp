#include "wasi/random/random_source.h"

#include <sys/random.h>

#include <cerrno>
#include <cstring>
#include <random>

#include <fmt/format.h>

#include "util/trap.h"

namespace wasmrr::wasi {
namespace {

void fill_from_os(char* out, size_t len) {
  size_t done = 0;
  while (done < len) {
    ssize_t n = getrandom(out + done, len - done, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Trap(fmt::format("getrandom failed: {}", std::strerror(errno)));
    }
    done += static_cast<size_t>(n);
  }
}

class OsRandomSource final : public RandomSource {
 public:
  std::string bytes(uint64_t len) override {
    std::string out(len, '\0');
    fill_from_os(out.data(), out.size());
    return out;
  }
  uint64_t next_u64() override {
    uint64_t v = 0;
    fill_from_os(reinterpret_cast<char*>(&v), sizeof v);
    return v;
  }
};

class InsecureRandomSource final : public RandomSource {
 public:
  explicit InsecureRandomSource(uint64_t seed) : gen_(seed) {}
  std::string bytes(uint64_t len) override {
    std::string out(len, '\0');
    for (size_t i = 0; i < out.size(); i += 8) {
      uint64_t v = gen_();
      std::memcpy(out.data() + i, &v, std::min<size_t>(8, out.size() - i));
    }
    return out;
  }
  uint64_t next_u64() override { return gen_(); }

 private:
  std::mt19937_64 gen_;
};

}  // namespace

std::unique_ptr<RandomSource> os_random_source() { return std::make_unique<OsRandomSource>(); }
std::unique_ptr<RandomSource> insecure_random_source(uint64_t seed) {
  return std::make_unique<InsecureRandomSource>(seed);
}

}  // namespace wasmrr::wasi
