// SHA-256, as the trace names content by it: the header's component digest
// (replay checks it against the component given) and the {"$len", "$sha256"}
// digests that stand for large byte-string arguments (rr/value_codec.h).
// Here, below rr/ and cli/, so both use this one function.
#pragma once

#include <string>
#include <string_view>

namespace wasmrr::trace {

// The digest of `bytes` as 64 lowercase hex digits.
std::string sha256_hex(std::string_view bytes);
// `raw` bytes as lowercase hex digits, two per byte (a digest's 32 bytes as the trace writes them).
std::string hex_digits(std::string_view raw);

}  // namespace wasmrr::trace
