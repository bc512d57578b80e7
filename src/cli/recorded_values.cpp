#include "cli/recorded_values.h"

#include <fmt/format.h>

namespace wasmrr::cli {

std::optional<uint64_t> handle_of(const trace::Json& j) {
  if (j.is_object() && j.contains("handle") && j["handle"].is_number_unsigned()) return j["handle"].get<uint64_t>();
  return std::nullopt;
}

bool has_flag(const trace::Json& flags, const char* name) {
  if (!flags.is_array()) return false;
  for (const auto& f : flags)
    if (f == name) return true;
  return false;
}

uint64_t byte_count(const trace::Json& j) {
  if (j.is_binary()) return j.get_binary().size();
  if (j.is_object() && j.contains("$len") && j["$len"].is_number_unsigned()) return j["$len"].get<uint64_t>();
  return 0;
}

void DescriptorPaths::preopens(const trace::Json& directories) {
  if (!directories.is_array()) return;
  for (const auto& pair : directories)
    if (pair.is_array() && pair.size() == 2 && handle_of(pair[0]) && pair[1].is_string())
      paths_[*handle_of(pair[0])] = pair[1].get<std::string>();
}

std::string DescriptorPaths::path_of(const trace::Json& handle) const {
  auto h = handle_of(handle);
  if (!h) return "?";
  auto it = paths_.find(*h);
  return it == paths_.end() ? fmt::format("<descriptor {}>", *h) : it->second;
}

std::string DescriptorPaths::join(const trace::Json& dir_handle, const trace::Json& path) const {
  std::string base = path_of(dir_handle);
  std::string rel = path.is_string() ? path.get<std::string>() : "?";
  if (base.empty() || base.back() == '/') return base + rel;
  return base + "/" + rel;
}

}  // namespace wasmrr::cli
