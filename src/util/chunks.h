// Bytes waiting in a queue of chunks, as written (an HTTP body between the
// guest and curl, or the guest and a client): taken from the front.
#pragma once

#include <algorithm>
#include <cstring>
#include <deque>
#include <string>

namespace wasmrr {

// Moves up to `max` bytes from the front of `chunks` to `dest`; returns how many.
inline size_t take_from_chunks(std::deque<std::string>& chunks, char* dest, size_t max) {
  size_t n = 0;
  while (n < max && !chunks.empty()) {
    std::string& front = chunks.front();
    size_t k = std::min(max - n, front.size());
    std::memcpy(dest + n, front.data(), k);
    n += k;
    if (k == front.size()) chunks.pop_front();
    else front.erase(0, k);
  }
  return n;
}

}  // namespace wasmrr
