#include "trace/sha256.h"

#include <openssl/evp.h>

namespace wasmrr::trace {

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_sha256(), nullptr);
  return hex_digits(std::string_view(reinterpret_cast<const char*>(digest), len));
}

std::string hex_digits(std::string_view raw) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(raw.size() * 2);
  for (unsigned char c : raw) {
    hex += kHex[c >> 4];
    hex += kHex[c & 0x0f];
  }
  return hex;
}

}  // namespace wasmrr::trace
