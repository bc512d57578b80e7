#include "debuginfo/source_file.h"

#include <fstream>
#include <vector>

#include "debuginfo/internal.h"

namespace wasmrr::debuginfo {

namespace {

constexpr size_t kMaxFileBytes = 64u << 20;
constexpr size_t kMaxLineBytes = 64u << 10;

bool is_absolute(const std::string& path) { return !path.empty() && path[0] == '/'; }

}  // namespace

std::optional<std::string> read_source_line(const std::string& path, uint32_t line) {
  if (line == 0) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string text;
  uint32_t current = 1;
  size_t read = 0;
  for (int c; (c = in.get()) != EOF && read < kMaxFileBytes; read++) {
    if (c == '\n') {
      if (current == line) break;
      current++;
      continue;
    }
    if (current == line && text.size() < kMaxLineBytes) text.push_back(static_cast<char>(c));
  }
  if (current != line) return std::nullopt;
  if (!text.empty() && text.back() == '\r') text.pop_back();
  return text;
}

std::optional<SourceLine> ModuleDebugInfo::source_line(std::string_view file, uint32_t line) {
  DwarfData& d = load();
  std::vector<std::string> candidates;
  for (const LineTableFile& f : line_table_files(d)) {
    if (!file_matches(f.path, file)) continue;
    // The line table's path has the unit's comp_dir in front already when
    // it is relative; a relative comp_dir ("." for reproducible builds)
    // leaves it relative to wherever the build ran, tried as it is.
    candidates.push_back(f.path);
    const char* comp_dir = f.unit->getCompilationDir();
    if (comp_dir && !is_absolute(f.path) && is_absolute(comp_dir)) candidates.push_back(std::string(comp_dir) + "/" + f.path);
  }
  candidates.emplace_back(file);
  for (const std::string& path : candidates) {
    if (std::optional<std::string> text = read_source_line(path, line)) return SourceLine{path, std::move(*text)};
  }
  return std::nullopt;
}

}  // namespace wasmrr::debuginfo
