#include "engine/code_cache.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

// The module's SHA-256 through OpenSSL's SHA256_Init/Update/Final
// (deprecated in OpenSSL 3, kept), not EVP nor the one-shot SHA256(), which
// is EVP: its first use loads the configuration and the default provider,
// about 1 ms of every start-up (a C hello starts in about 15).
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>
#include <xxhash.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string_view>

#include <fmt/format.h>

namespace wasmrr::engine::sm {
namespace {

// Only this user may have written it.
bool trusted(const struct stat& st) { return st.st_uid == ::geteuid() && (st.st_mode & (S_IWGRP | S_IWOTH)) == 0; }

// mkdir -p, each new level 0700; the last must end up trusted.
bool make_dir(const std::string& dir) {
  for (size_t at = 1; at <= dir.size(); at++) {
    if (at < dir.size() && dir[at] != '/') continue;
    std::string part = dir.substr(0, at);
    if (::mkdir(part.c_str(), 0700) != 0 && errno != EEXIST) return false;
  }
  struct stat st;
  return ::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode) && trusted(st);
}

// An entry: kMagic, the checksum of the rest, its module's SHA-256, the
// encoding. The checksum guards against damage (a disk's, a crash's), not
// against anyone: only this user could have written the entry (trusted()).
// So it is XXH3's 128 bits, checked at some 20 GB/s: an interpreter's
// encoding is tens of MB, read at every start, where a SHA-256 (format 1)
// took 35 ms. Format 2 had no module digest and was named by it.
constexpr std::string_view kMagic = "wasm-rr code 3\n";
constexpr size_t kChecksumSize = sizeof(XXH128_canonical_t);
constexpr size_t kModuleDigestSize = sizeof(CodeCache::ModuleDigest);
constexpr size_t kHeadSize = kMagic.size() + kChecksumSize + kModuleDigestSize;

std::string hex(std::span<const uint8_t> bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (uint8_t c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 0x0f];
  }
  return out;
}

XXH128_canonical_t checksum(std::span<const uint8_t> bytes) {
  XXH128_canonical_t sum;
  XXH128_canonicalFromHash(&sum, XXH3_128bits(bytes.data(), bytes.size()));
  return sum;
}

std::optional<std::string> cache_dir() {
  if (const char* set = std::getenv("WASMRR_CODE_CACHE"); set && *set) {
    if (std::string_view(set) == "off") return std::nullopt;
    return std::string(set);
  }
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg == '/') return std::string(xdg) + "/wasm-rr/code";
  if (const char* home = std::getenv("HOME"); home && *home == '/') return std::string(home) + "/.cache/wasm-rr/code";
  return std::nullopt;
}

}  // namespace

CodeCache* CodeCache::get(bool create) {
  static const std::optional<std::string> dir = cache_dir();
  if (!dir) return nullptr;
  static CodeCache* cache = new CodeCache(*dir);  // (for the process's life: stores may come late)
  struct stat st;
  bool usable = create ? make_dir(*dir) : ::stat(dir->c_str(), &st) == 0 && S_ISDIR(st.st_mode) && trusted(st);
  if (!usable) return nullptr;
  static std::once_flag cleaned;
  if (create) std::call_once(cleaned, [] { cache->remove_older_entries(); });  // when filling, not at every run
  return cache;
}

CodeCache::Entry::~Entry() { ::munmap(const_cast<uint8_t*>(map_), map_size_); }

std::string CodeCache::key(std::span<const uint8_t> module_bytes) { return hex(checksum(module_bytes).digest); }

CodeCache::ModuleDigest CodeCache::module_digest(std::span<const uint8_t> module_bytes) {
  ModuleDigest digest;
  SHA256_CTX sha;
  SHA256_Init(&sha);
  SHA256_Update(&sha, module_bytes.data(), module_bytes.size());
  SHA256_Final(digest.data(), &sha);
  return digest;
}

bool CodeCache::Entry::is_for(const ModuleDigest& module) const {
  return std::memcmp(map_ + kMagic.size() + kChecksumSize, module.data(), module.size()) == 0;
}

std::unique_ptr<CodeCache::Entry> CodeCache::load(const std::string& key) const {
  int fd = ::open(path(key).c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return nullptr;
  struct stat st;
  void* map = MAP_FAILED;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && trusted(st) && st.st_size > 0)
    map = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED) return nullptr;
  std::span<const uint8_t> whole(static_cast<const uint8_t*>(map), static_cast<size_t>(st.st_size));
  if (whole.size() > kHeadSize && std::memcmp(whole.data(), kMagic.data(), kMagic.size()) == 0) {
    XXH128_canonical_t sum = checksum(whole.subspan(kMagic.size() + kChecksumSize));
    if (std::memcmp(&sum, whole.data() + kMagic.size(), kChecksumSize) == 0)
      return std::make_unique<Entry>(static_cast<const uint8_t*>(map), whole.size(), whole.subspan(kHeadSize));
  }
  ::munmap(map, whole.size());
  forget(key);  // damaged: it goes, and the module is compiled
  return nullptr;
}

void CodeCache::store(const std::string& key, const ModuleDigest& module, std::span<const uint8_t> encoding) const {
  std::string tmp = fmt::format("{}.{}.tmp", path(key), ::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return;
  XXH3_state_t* state = XXH3_createState();
  XXH128_canonical_t sum;
  bool summed = state && XXH3_128bits_reset(state) == XXH_OK && XXH3_128bits_update(state, module.data(), module.size()) == XXH_OK &&
                XXH3_128bits_update(state, encoding.data(), encoding.size()) == XXH_OK;
  if (summed) XXH128_canonicalFromHash(&sum, XXH3_128bits_digest(state));
  XXH3_freeState(state);
  auto write_all = [fd](const void* data, size_t size) {
    size_t done = 0;
    while (done < size) {
      ssize_t n = ::write(fd, static_cast<const char*>(data) + done, size - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      done += static_cast<size_t>(n);
    }
    return true;
  };
  bool written = summed && write_all(kMagic.data(), kMagic.size()) && write_all(&sum, kChecksumSize) &&
                 write_all(module.data(), module.size()) && write_all(encoding.data(), encoding.size());
  bool ok = ::close(fd) == 0 && written;
  if (!ok || ::rename(tmp.c_str(), path(key).c_str()) != 0) ::unlink(tmp.c_str());
}

void CodeCache::remove_older_entries() const {
  DIR* d = ::opendir(dir_.c_str());
  if (!d) return;
  while (const dirent* e = ::readdir(d)) {
    std::string_view name = e->d_name;
    bool older = name.size() == 64 + 5 && name.ends_with(".code") &&
                 name.substr(0, 64).find_first_not_of("0123456789abcdef") == std::string_view::npos;
    if (older) ::unlinkat(::dirfd(d), e->d_name, 0);
  }
  ::closedir(d);
}

void CodeCache::forget(const std::string& key) const { ::unlink(path(key).c_str()); }

}  // namespace wasmrr::engine::sm
