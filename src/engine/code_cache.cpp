#include "engine/code_cache.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include <cerrno>
#include <cstdlib>
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

CodeCache::Entry::~Entry() { ::munmap(const_cast<uint8_t*>(data_), size_); }

std::string CodeCache::key(std::span<const uint8_t> module_bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(module_bytes.data(), module_bytes.size(), digest, &len, EVP_sha256(), nullptr);
  std::string hex;
  for (unsigned i = 0; i < len; i++) hex += fmt::format("{:02x}", digest[i]);
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
  return std::make_unique<Entry>(static_cast<const uint8_t*>(map), static_cast<size_t>(st.st_size));
}

void CodeCache::store(const std::string& key, std::span<const uint8_t> encoding) const {
  std::string tmp = fmt::format("{}.{}.tmp", path(key), ::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return;
  size_t done = 0;
  while (done < encoding.size()) {
    ssize_t n = ::write(fd, encoding.data() + done, encoding.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  bool ok = ::close(fd) == 0 && done == encoding.size();
  if (!ok || ::rename(tmp.c_str(), path(key).c_str()) != 0) ::unlink(tmp.c_str());
}

void CodeCache::forget(const std::string& key) const { ::unlink(path(key).c_str()); }

}  // namespace wasmrr::engine::sm
