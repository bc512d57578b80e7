#include "runtime/backtrace.h"

#include <fmt/format.h>

namespace wasmrr::runtime {

std::string source_suffix(const debuginfo::SourceLocation& l) {
  if (l.line == 0) return l.file.empty() ? std::string() : fmt::format(" at {}", l.file);
  return fmt::format(" at {}:{}{}", l.file, l.line, l.column ? fmt::format(":{}", l.column) : "");
}

std::vector<std::string> describe_frame(const engine::Frame& f, debuginfo::ModuleDebugInfo* info) {
  std::vector<std::string> out;
  std::vector<debuginfo::SourceLocation> where;
  if (info) where = info->locate(f.offset);
  for (size_t i = 0; i + 1 < where.size(); i++)
    out.push_back(fmt::format("{} (inlined){}", where[i].function, source_suffix(where[i])));
  engine::Frame shown = f;
  shown.function_name = debuginfo::demangle(f.function_name);
  std::string text = shown.text();
  if (!where.empty()) {
    const debuginfo::SourceLocation& l = where.back();
    // The source function, unless the core name already says it.
    if (!l.function.empty() && l.function != shown.function_name && !shown.function_name.starts_with(l.function) &&
        shown.function_name.find("::" + l.function) == std::string::npos)
      text += " in " + l.function;
    text += source_suffix(l);
  }
  out.push_back(std::move(text));
  return out;
}

}  // namespace wasmrr::runtime
