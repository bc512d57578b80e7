#include "rr/seen_bytes.h"

namespace wasmrr::rr {

bool SeenBytes::see(std::string_view bytes, const std::string& sha256_hex) {
  if (auto it = by_digest_.find(sha256_hex); it != by_digest_.end()) {
    order_.splice(order_.end(), order_, it->second);  // now the most recently seen
    return true;
  }
  if (bytes.size() > window_) return false;  // never kept: too large for the window
  Entry e{sha256_hex, bytes.size(), keep_bytes_ ? std::string(bytes) : std::string()};
  order_.push_back(std::move(e));
  by_digest_.emplace(sha256_hex, std::prev(order_.end()));
  total_ += bytes.size();
  while (total_ > window_) {
    total_ -= order_.front().size;
    by_digest_.erase(order_.front().sha256_hex);
    order_.pop_front();
  }
  return false;
}

bool SeenBytes::see_if_kept(std::string_view bytes, const std::string& sha256_hex) {
  auto it = by_digest_.find(sha256_hex);
  if (it == by_digest_.end() || !keep_bytes_ || it->second->bytes != bytes) return false;
  order_.splice(order_.end(), order_, it->second);  // seen again: now the most recent
  return true;
}

const std::string* SeenBytes::find(const std::string& sha256_hex) const {
  auto it = by_digest_.find(sha256_hex);
  if (it == by_digest_.end() || !keep_bytes_) return nullptr;
  return &it->second->bytes;
}

}  // namespace wasmrr::rr
