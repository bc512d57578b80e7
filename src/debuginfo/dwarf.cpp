#include "debuginfo/dwarf.h"

#include <llvm/ADT/StringMap.h>
#include <llvm/DebugInfo/DIContext.h>
#include <llvm/DebugInfo/DWARF/DWARFContext.h>
#include <llvm/Demangle/Demangle.h>
#include <llvm/Support/Error.h>
#include <llvm/Support/MemoryBuffer.h>

#include "util/byte_reader.h"

namespace wasmrr::debuginfo {

struct ModuleDebugInfo::Loaded {
  std::unique_ptr<llvm::DWARFContext> dwarf;  // null: no DWARF
  size_t code_begin = 0;  // DWARF addresses count from the code section's content
};

namespace {

constexpr uint8_t kCustomSection = 0;
constexpr uint8_t kCodeSection = 10;

// The module's .debug_* custom sections (by name without the dot, as LLVM
// wants them) and where its code section's content begins. The binary was
// validated when it was compiled; a section this scan cannot read ends it.
struct DebugSections {
  llvm::StringMap<std::unique_ptr<llvm::MemoryBuffer>> sections;
  size_t code_begin = 0;
};

DebugSections find_debug_sections(std::span<const uint8_t> module) {
  DebugSections out;
  try {
    ByteReader r(module);
    r.skip(8, "the preamble");
    while (!r.at_end()) {
      uint8_t id = r.read_u8("a section id");
      uint32_t size = r.read_u32_leb("a section size");
      size_t begin = r.pos();
      if (size > r.remaining()) break;
      if (id == kCodeSection) out.code_begin = begin;
      if (id == kCustomSection) {
        ByteReader name_reader(module.data(), begin, begin + size, "a custom section");
        std::string name = name_reader.read_name("a custom section name");
        if (name.starts_with(".debug_")) {
          llvm::StringRef content(reinterpret_cast<const char*>(module.data()) + name_reader.pos(), begin + size - name_reader.pos());
          out.sections[name.substr(1)] = llvm::MemoryBuffer::getMemBuffer(content, name, false);
        }
      }
      r.skip(size, "a section");
    }
  } catch (const ByteReadError&) {
    // Keep what was found before the unreadable part.
  }
  return out;
}

}  // namespace

std::string demangle(const std::string& symbol) {
  if (!symbol.starts_with("_Z") && !symbol.starts_with("_R")) return symbol;
  return llvm::demangle(symbol);
}

ModuleDebugInfo::ModuleDebugInfo(std::span<const uint8_t> module) : module_(module) {}
ModuleDebugInfo::~ModuleDebugInfo() = default;

ModuleDebugInfo::Loaded& ModuleDebugInfo::load() {
  if (loaded_) return *loaded_;
  loaded_ = std::make_unique<Loaded>();
  DebugSections found = find_debug_sections(module_);
  loaded_->code_begin = found.code_begin;
  if (found.sections.count("debug_info") == 0 || found.sections.count("debug_line") == 0) return *loaded_;
  // A malformed section is reported by LLVM through these handlers: it
  // costs locations, never the run.
  auto ignore = [](llvm::Error e) { llvm::consumeError(std::move(e)); };
  loaded_->dwarf = llvm::DWARFContext::create(found.sections, /*AddrSize=*/4, /*isLittleEndian=*/true, ignore, ignore);
  return *loaded_;
}

bool ModuleDebugInfo::has_dwarf() { return load().dwarf != nullptr; }

std::vector<SourceLocation> ModuleDebugInfo::locate(uint32_t offset) {
  Loaded& l = load();
  std::vector<SourceLocation> out;
  if (!l.dwarf || offset < l.code_begin) return out;
  llvm::object::SectionedAddress address{offset - l.code_begin, llvm::object::SectionedAddress::UndefSection};
  llvm::DILineInfoSpecifier spec(llvm::DILineInfoSpecifier::FileLineInfoKind::AbsoluteFilePath,
                                 llvm::DILineInfoSpecifier::FunctionNameKind::ShortName);
  llvm::DIInliningInfo frames = l.dwarf->getInliningInfoForAddress(address, spec);
  for (uint32_t i = 0; i < frames.getNumberOfFrames(); i++) {
    const llvm::DILineInfo& f = frames.getFrame(i);
    SourceLocation loc;
    if (f.FunctionName != llvm::DILineInfo::BadString) loc.function = f.FunctionName;
    if (f.FileName != llvm::DILineInfo::BadString) loc.file = f.FileName;
    loc.line = f.Line;
    loc.column = f.Column;
    if (loc.file.empty() && loc.function.empty()) continue;
    out.push_back(std::move(loc));
  }
  return out;
}

}  // namespace wasmrr::debuginfo
