// What HTTP fields are made of, as the wasi:http host, its server side and
// the response capture read them: names compare in ASCII lower case, and a
// field value is a list<u8>.
#pragma once

#include <string>
#include <string_view>

#include "abi/value.h"

namespace wasmrr::wasi {

// ASCII only: field names are tokens, and no locale may change them.
inline std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// A list<u8> inside a compound value: in byte form, or (defensively) as items.
inline std::string list_bytes(const abi::Value& v) {
  if (v.bytes || v.items.empty()) return v.str;
  std::string out;
  for (const abi::Value& b : v.items) out.push_back(static_cast<char>(b.num));
  return out;
}

}  // namespace wasmrr::wasi
