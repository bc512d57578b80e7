#include "engine/memory_cap.h"

#include <fmt/format.h>

#include "util/byte_reader.h"

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
  // parse_module has read this section already, so a failure here is a bug.
  ByteReader r(bytes.data(), section->content_begin, section->end, "section 'memory'");
  std::vector<uint8_t> content;
  bool changed = false;
  try {
    uint32_t count = r.read_u32_leb("memory count");
    write_uleb(content, count);
    for (uint32_t i = 0; i < count; i++) {
      uint8_t flags = r.read_u8("limits flags");
      uint64_t min = r.read_u32_leb("limits minimum");
      uint64_t max = (flags & kHasMax) ? r.read_u32_leb("limits maximum") : 0;
      if (min > max_pages)
        return make_error(fmt::format("memory {} starts at {}, more than the memory limit of {}", i, pages_text(min),
                                      pages_text(max_pages)));
      Limits limits{min, (flags & kHasMax) != 0, max};
      if (exceeds_cap(limits, max_pages)) {
        changed = true;
        max = max_pages;
      }
      content.push_back(static_cast<uint8_t>(flags | kHasMax));
      write_uleb(content, min);
      write_uleb(content, max);
    }
    if (!r.at_end()) r.fail_here("unexpected bytes after the memories");
  } catch (const ByteReadError& e) {
    return make_error("memory section: " + e.text());
  }
  if (!changed) return unchanged;

  std::vector<uint8_t> out(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(section->header_begin));
  out.push_back(kMemorySectionId);
  write_uleb(out, content.size());
  out.insert(out.end(), content.begin(), content.end());
  out.insert(out.end(), bytes.begin() + static_cast<std::ptrdiff_t>(section->end), bytes.end());
  return out;
}

}  // namespace wasmrr::engine
