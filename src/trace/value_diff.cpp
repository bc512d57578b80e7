#include "trace/value_diff.h"

#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "trace/readable.h"

namespace wasmrr::trace {

namespace {

// One round of a multiply-xorshift mixer (as splitmix64's finalizer): every
// bit of `word` reaches every bit of the state.
uint64_t mix(uint64_t h, uint64_t word) {
  h ^= word + 0x9e3779b97f4a7c15ull;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 31;
  h *= 0x94d049bb133111ebull;
  return h ^ (h >> 29);
}

enum Tag : uint64_t { kNull = 1, kFalse, kTrue, kUnsigned, kNegative, kFloat, kString, kBinary, kArray, kObject };

uint64_t hash_bytes(const char* data, size_t size, uint64_t h) {
  h = mix(h, size);
  size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    uint64_t w;
    std::memcpy(&w, data + i, 8);
    h = mix(h, w);
  }
  uint64_t rest = 0;
  if (size > i) std::memcpy(&rest, data + i, size - i);
  return mix(h, rest);
}

// Numbers as == compares them: by value, whichever representation.
uint64_t hash_number(const Json& v, uint64_t h) {
  if (v.is_number_unsigned()) return mix(mix(h, kUnsigned), v.get<uint64_t>());
  if (v.is_number_integer()) {
    auto i = v.get<int64_t>();
    return i >= 0 ? mix(mix(h, kUnsigned), static_cast<uint64_t>(i)) : mix(mix(h, kNegative), static_cast<uint64_t>(i));
  }
  double d = v.get<double>();
  if (d == std::floor(d) && d >= -9223372036854775808.0 && d < 9223372036854775808.0) {
    auto i = static_cast<int64_t>(d);
    return i >= 0 ? mix(mix(h, kUnsigned), static_cast<uint64_t>(i)) : mix(mix(h, kNegative), static_cast<uint64_t>(i));
  }
  if (d == std::floor(d) && d >= 0 && d < 18446744073709551616.0) return mix(mix(h, kUnsigned), static_cast<uint64_t>(d));
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  return mix(mix(h, kFloat), bits);
}

uint64_t hash(const Json& v, uint64_t h) {
  switch (v.type()) {
    case Json::value_t::null: return mix(h, kNull);
    case Json::value_t::boolean: return mix(h, v.get<bool>() ? kTrue : kFalse);
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float: return hash_number(v, h);
    case Json::value_t::string: {
      const auto& s = v.get_ref<const std::string&>();
      return hash_bytes(s.data(), s.size(), mix(h, kString));
    }
    case Json::value_t::binary: {
      const auto& b = v.get_binary();
      h = mix(h, b.has_subtype() ? b.subtype() + 1 : 0);
      return hash_bytes(reinterpret_cast<const char*>(b.data()), b.size(), mix(h, kBinary));
    }
    case Json::value_t::array:
      h = mix(mix(h, kArray), v.size());
      for (const auto& item : v) h = hash(item, h);
      return h;
    case Json::value_t::object:  // in order: ordered_json's == compares objects in order too
      h = mix(mix(h, kObject), v.size());
      for (const auto& [key, item] : v.items()) h = hash(item, hash_bytes(key.data(), key.size(), h));
      return h;
    case Json::value_t::discarded: return mix(h, 0);
  }
  return h;
}

std::string_view as_view(const Json::binary_t& b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

// `.name` for a plain key (WIT names are kebab-case), else `["key"]`.
std::string key_path(const std::string& path, const std::string& key) {
  bool plain = !key.empty() && key.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_$") ==
                                   std::string::npos;
  return plain ? path + "." + key : path + "[" + Json(key).dump(-1, ' ', false, Json::error_handler_t::replace) + "]";
}

ValueDifference whole(const std::string& path, const Json* a, const Json* b) {
  ValueDifference d;
  d.path = path;
  if (a) d.a = short_readable(*a);
  if (b) d.b = short_readable(*b);
  return d;
}

std::optional<ValueDifference> arrays_difference(const Json& a, const Json& b, const std::string& path) {
  size_t common = std::min(a.size(), b.size());
  for (size_t i = 0; i < common; i++)
    if (auto d = first_difference(a[i], b[i], fmt::format("{}[{}]", path, i))) return d;
  if (a.size() == b.size()) return std::nullopt;
  // Equal as far as both go: the first item only one side has.
  return whole(fmt::format("{}[{}]", path, common), a.size() > common ? &a[common] : nullptr,
               b.size() > common ? &b[common] : nullptr);
}

std::optional<ValueDifference> objects_difference(const Json& a, const Json& b, const std::string& path) {
  // Two variant cases ({"ok": ...} and {"err": ...}): the cases differ, not a field.
  if (a.size() == 1 && b.size() == 1 && a.begin().key() != b.begin().key()) return whole(path, &a, &b);
  for (const auto& [key, item] : a.items()) {
    auto there = b.find(key);
    if (there == b.end()) return whole(key_path(path, key), &item, nullptr);
    if (auto d = first_difference(item, *there, key_path(path, key))) return d;
  }
  for (const auto& [key, item] : b.items())
    if (!a.contains(key)) return whole(key_path(path, key), nullptr, &item);
  return whole(path, &a, &b);  // the same fields in another order
}

}  // namespace

uint64_t value_hash(const Json& value, uint64_t seed) { return hash(value, seed); }

uint64_t text_hash(std::string_view text, uint64_t seed) { return hash_bytes(text.data(), text.size(), mix(seed, kString)); }

BytesDifference bytes_difference(std::string_view a, std::string_view b) {
  size_t at = 0;
  while (at < a.size() && at < b.size() && a[at] == b[at]) at++;
  constexpr size_t kBefore = 8, kAfter = 16;
  size_t from = at > kBefore ? at - kBefore : 0;
  auto window = [&](std::string_view all) {
    std::string_view part = from < all.size() ? all.substr(from, at - from + kAfter) : std::string_view();
    std::string text = readable_bytes(part, part.size());
    if (from > 0) text = "..." + text;
    if (from + part.size() < all.size()) text += "...";
    return text;
  };
  return {at, window(a), window(b)};
}

std::optional<ValueDifference> first_difference(const Json& a, const Json& b, const std::string& path) {
  if (a == b) return std::nullopt;
  if (a.is_binary() && b.is_binary()) {
    BytesDifference bytes = bytes_difference(as_view(a.get_binary()), as_view(b.get_binary()));
    ValueDifference d;
    d.path = path;
    d.a = std::move(bytes.a);
    d.b = std::move(bytes.b);
    d.offset = bytes.offset;
    d.a_size = a.get_binary().size();
    d.b_size = b.get_binary().size();
    return d;
  }
  if (a.is_array() && b.is_array()) return arrays_difference(a, b, path);
  if (a.is_object() && b.is_object()) return objects_difference(a, b, path);
  return whole(path, &a, &b);
}

std::string short_readable(const Json& value, size_t max) {
  std::string s = readable(value, 64);
  if (s.size() <= max) return s;
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xc0) == 0x80) cut--;  // not inside a UTF-8 sequence
  return s.substr(0, cut) + "...";
}

}  // namespace wasmrr::trace
