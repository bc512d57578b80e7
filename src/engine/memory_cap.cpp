#include "engine/memory_cap.h"

#include <fmt/format.h>

namespace wasmrr::engine {

namespace {

constexpr uint8_t kMemorySectionId = 5;
constexpr uint8_t kHasMax = 0x01;

std::string pages_text(uint64_t pages) { return fmt::format("{} pages = {} KiB", pages, pages * 64); }

}  // namespace

bool exceeds_cap(const Limits& limits, uint64_t max_pages) { return !limits.has_max || limits.max > max_pages; }

Result<std::vector<uint8_t>> cap_memories(std::span<const uint8_t> bytes, const binary::ModuleInfo& info,
                                          uint64_t max_pages) {
  std::vector<uint8_t> unchanged(bytes.begin(), bytes.end());
  const binary::Section* section = nullptr;
  for (const auto& s : info.sections)
    if (s.id == kMemorySectionId) section = &s;
  if (!section) return unchanged;  // no memory of its own (it may import one, which is capped where defined)

  // memsec ::= section_5(vec(memtype)); memtype ::= limits ::= flags min [max]
  size_t pos = section->content_begin;
  auto count = binary::read_uleb(bytes, pos);
  if (!count) return make_error("memory section: bad count");
  std::vector<uint8_t> content;
  binary::write_uleb(content, *count);
  bool changed = false;
  for (uint64_t i = 0; i < *count; i++) {
    if (pos >= section->end) return make_error("memory section: truncated");
    uint8_t flags = bytes[pos++];
    auto min = binary::read_uleb(bytes, pos);
    std::optional<uint64_t> max;
    if (flags & kHasMax) max = binary::read_uleb(bytes, pos);
    if (!min || ((flags & kHasMax) && !max)) return make_error("memory section: bad limits");
    if (*min > max_pages)
      return make_error(fmt::format("memory {} starts at {}, more than the memory limit of {}", i, pages_text(*min),
                                    pages_text(max_pages)));
    Limits limits{*min, max.has_value(), max.value_or(0)};
    if (exceeds_cap(limits, max_pages)) {
      changed = true;
      max = max_pages;
    }
    content.push_back(static_cast<uint8_t>(flags | kHasMax));
    binary::write_uleb(content, *min);
    binary::write_uleb(content, *max);
  }
  if (pos != section->end) return make_error("memory section: unexpected bytes after the memories");
  if (!changed) return unchanged;

  std::vector<uint8_t> out(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(section->header_begin));
  out.push_back(kMemorySectionId);
  binary::write_uleb(out, content.size());
  out.insert(out.end(), content.begin(), content.end());
  out.insert(out.end(), bytes.begin() + static_cast<std::ptrdiff_t>(section->end), bytes.end());
  return out;
}

}  // namespace wasmrr::engine
