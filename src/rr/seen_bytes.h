// Bytes the guest already has, so that a trace need not store them twice
// (docs/trace-format.md, "Bytes seen before"). Every byte list longer than
// kDigestThreshold that crosses the boundary — passed to the host (what the
// guest writes) or returned by it (what it reads) — is *seen*, in call order:
// arguments, then results. A result whose bytes were seen before is recorded
// as {"$same": "<SHA-256 hex>"}; replay, which sees the same byte lists as
// the guest makes the same calls, gives the bytes back from here.
//
// Recorder and replayer keep exactly the same set: the last `window` bytes
// of byte lists, least recently seen first out. The recorder keeps only the
// digests and sizes; the replayer the bytes too (its memory: `window`).
#pragma once

#include <cstdint>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>

namespace wasmrr::rr {

class SeenBytes {
 public:
  // What the recorder uses unless told otherwise (record --dedup-window).
  static constexpr uint64_t kDefaultWindow = uint64_t{64} << 20;
  // The largest window a trace may ask a replay for.
  static constexpr uint64_t kMaxWindow = uint64_t{1} << 30;

  SeenBytes(uint64_t window, bool keep_bytes) : window_(window), keep_bytes_(keep_bytes) {}

  // Sees `bytes` (whose SHA-256 is `sha256_hex`); returns whether they had been seen already.
  bool see(std::string_view bytes, const std::string& sha256_hex);
  // Sees `bytes` if they are those kept with this digest (replayer only:
  // bytes just given back for a reference); returns whether they were.
  bool see_if_kept(std::string_view bytes, const std::string& sha256_hex);
  // The bytes seen with this digest (replayer only); null if none are kept.
  const std::string* find(const std::string& sha256_hex) const;
  uint64_t window() const { return window_; }

 private:
  struct Entry {
    std::string sha256_hex;
    uint64_t size = 0;
    std::string bytes;  // keep_bytes_ only
  };
  std::list<Entry> order_;  // least recently seen first
  std::unordered_map<std::string, std::list<Entry>::iterator> by_digest_;
  uint64_t total_ = 0;
  uint64_t window_;
  bool keep_bytes_;
};

}  // namespace wasmrr::rr
