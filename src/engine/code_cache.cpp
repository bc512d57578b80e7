#include "engine/code_cache.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
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

// An entry: kMagic, the SHA-256 of the encoding, the encoding.
constexpr std::string_view kMagic = "wasm-rr code 1\n";
constexpr size_t kDigestSize = 32;

void sha256(std::span<const uint8_t> bytes, unsigned char (&digest)[EVP_MAX_MD_SIZE]) {
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_sha256(), nullptr);
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
  return usable ? cache : nullptr;
}

CodeCache::Entry::~Entry() { ::munmap(const_cast<uint8_t*>(map_), map_size_); }

std::string CodeCache::key(std::span<const uint8_t> module_bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  sha256(module_bytes, digest);
  std::string hex;
  for (size_t i = 0; i < kDigestSize; i++) hex += fmt::format("{:02x}", digest[i]);
  return hex;
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
  size_t head = kMagic.size() + kDigestSize;
  unsigned char digest[EVP_MAX_MD_SIZE];
  if (whole.size() > head && std::memcmp(whole.data(), kMagic.data(), kMagic.size()) == 0) {
    sha256(whole.subspan(head), digest);
    if (std::memcmp(digest, whole.data() + kMagic.size(), kDigestSize) == 0)
      return std::make_unique<Entry>(static_cast<const uint8_t*>(map), whole.size(), whole.subspan(head));
  }
  ::munmap(map, whole.size());
  forget(key);  // damaged: it goes, and the module is compiled
  return nullptr;
}

void CodeCache::store(const std::string& key, std::span<const uint8_t> encoding) const {
  std::string tmp = fmt::format("{}.{}.tmp", path(key), ::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return;
  unsigned char digest[EVP_MAX_MD_SIZE];
  sha256(encoding, digest);
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
  bool written = write_all(kMagic.data(), kMagic.size()) && write_all(digest, kDigestSize) &&
                 write_all(encoding.data(), encoding.size());
  bool ok = ::close(fd) == 0 && written;
  if (!ok || ::rename(tmp.c_str(), path(key).c_str()) != 0) ::unlink(tmp.c_str());
}

void CodeCache::forget(const std::string& key) const { ::unlink(path(key).c_str()); }

}  // namespace wasmrr::engine::sm
