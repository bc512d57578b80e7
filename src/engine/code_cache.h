// Private to src/engine: compiled code kept between processes, so that a
// component starts without compiling again. SpiderMonkey writes the
// optimized (Ion) code of a module it compiled by streaming as an "optimized
// encoding" (js/StreamConsumer.h), stamped with its build id, and reads one
// back instead of compiling; this is where those encodings are kept.
//
// The directory: $WASMRR_CODE_CACHE if set (`off`: no cache), else
// $XDG_CACHE_HOME/wasm-rr/code, else ~/.cache/wasm-rr/code; made 0700 when
// it is first filled (wasm-rr compile, explore). An
// entry is native code the process will run, so only entries this user owns
// and only they can write are read, in a directory only they can write.
// Entries are written whole or not at all. An entry is named by a fast hash
// of the module's bytes as compiled (after --max-memory's rewriting), its
// key (XXH3, 128 bits: 1 ms per 20 MB), and holds the SHA-256 of those bytes,
// which says which module it is for (a key names no module for certain);
// the engine computes that SHA-256 while SpiderMonkey reads the entry, and
// drops what it read if it is another module's. An entry also holds its
// encoding's checksum (XXH3, 128 bits), checked before SpiderMonkey sees it:
// SpiderMonkey trusts an encoding, and a damaged one could crash it.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

namespace wasmrr::engine::sm {

class CodeCache {
 public:
  using ModuleDigest = std::array<uint8_t, 32>;
  // The process's cache; null if it is off or its directory is not usable.
  // `create`: make the directory if it is not there (filling the cache);
  // else a cache never filled is none, and nothing is made.
  static CodeCache* get(bool create);

  // A mapped entry, valid while it lives: its encoding, checked whole.
  class Entry {
   public:
    Entry(const uint8_t* map, size_t map_size, std::span<const uint8_t> encoding)
        : map_(map), map_size_(map_size), encoding_(encoding) {}
    ~Entry();
    Entry(const Entry&) = delete;
    Entry& operator=(const Entry&) = delete;
    std::span<const uint8_t> bytes() const { return encoding_; }
    // Whether it holds the code of the module of this digest.
    bool is_for(const ModuleDigest& module) const;

   private:
    const uint8_t* map_;
    size_t map_size_;
    std::span<const uint8_t> encoding_;
  };

  static std::string key(std::span<const uint8_t> module_bytes);
  // The SHA-256 of the module's bytes: what an entry is for.
  static ModuleDigest module_digest(std::span<const uint8_t> module_bytes);
  // Null if there is no entry, or one not to be trusted or damaged (removed).
  std::unique_ptr<Entry> load(const std::string& key) const;
  void store(const std::string& key, const ModuleDigest& module, std::span<const uint8_t> encoding) const;
  // An entry SpiderMonkey refused (another build's, or damaged): it goes.
  void forget(const std::string& key) const;
  const std::string& dir() const { return dir_; }

 private:
  explicit CodeCache(std::string dir) : dir_(std::move(dir)) {}
  // Removes the entries of older formats, named by their module's SHA-256.
  void remove_older_entries() const;
  std::string path(const std::string& key) const { return dir_ + "/" + key + ".code"; }
  std::string dir_;
};

}  // namespace wasmrr::engine::sm
