// What a trace's WASI values say, for the tools that read traces for people
// (inspect --files, the timeline page): a resource handle as recorded, and
// the guest path each filesystem descriptor handle names.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "trace/trace.h"

namespace wasmrr::cli {

// {"handle": n} -> n.
std::optional<uint64_t> handle_of(const trace::Json& j);
// Whether a recorded flags value (a list of the names set) holds `name`.
bool has_flag(const trace::Json& flags, const char* name);
// Bytes a list<u8> value stands for: its length, or the length of a digest
// {"$len": n, "$sha256": ...} (an argument longer than 256 bytes).
uint64_t byte_count(const trace::Json& j);

// Descriptor handle -> guest path, followed through get-directories (the
// preopens), successful open-at calls and descriptor drops.
class DescriptorPaths {
 public:
  void preopens(const trace::Json& directories);  // get-directories' result: [[handle, path], ...]
  void opened(const trace::Json& handle, std::string path) {
    if (auto h = handle_of(handle)) paths_[*h] = std::move(path);
  }
  void dropped(const trace::Json& handle) {
    if (auto h = handle_of(handle)) paths_.erase(*h);
  }
  // The path of a descriptor, "<descriptor N>" if it is not known, "?" for no handle.
  std::string path_of(const trace::Json& handle) const;
  // A path relative to a descriptor (open-at, unlink-file-at, ...).
  std::string join(const trace::Json& dir_handle, const trace::Json& path) const;

 private:
  std::map<uint64_t, std::string> paths_;
};

}  // namespace wasmrr::cli
