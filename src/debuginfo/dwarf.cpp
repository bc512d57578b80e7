#include "debuginfo/dwarf.h"

#include <llvm/ADT/StringMap.h>
#include <llvm/BinaryFormat/Dwarf.h>
#include <llvm/DebugInfo/DIContext.h>
#include <llvm/DebugInfo/DWARF/DWARFContext.h>
#include <llvm/Demangle/Demangle.h>
#include <llvm/Support/Error.h>
#include <llvm/Support/MemoryBuffer.h>

#include "debuginfo/internal.h"
#include "util/byte_reader.h"

namespace wasmrr::debuginfo {

namespace {

constexpr uint8_t kCustomSection = 0;
constexpr uint8_t kCodeSection = 10;

// The module's .debug_* custom sections (by name without the dot, as LLVM
// wants them) and where its code section's content begins. The binary was
// validated when it was compiled; a section this scan cannot read ends it.
struct DebugSections {
  llvm::StringMap<std::unique_ptr<llvm::MemoryBuffer>> sections;
  size_t code_begin = 0;
  size_t code_size = 0;
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
      if (id == kCodeSection) {
        out.code_begin = begin;
        out.code_size = size;
      }
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

DwarfData& ModuleDebugInfo::load() {
  if (loaded_) return *loaded_;
  loaded_ = std::make_unique<DwarfData>();
  DebugSections found = find_debug_sections(module_);
  loaded_->code_begin = found.code_begin;
  loaded_->code_size = found.code_size;
  if (found.sections.count("debug_info") == 0 || found.sections.count("debug_line") == 0) return *loaded_;
  // A malformed section is reported by LLVM through these handlers: it
  // costs locations, never the run.
  auto ignore = [](llvm::Error e) { llvm::consumeError(std::move(e)); };
  loaded_->dwarf = llvm::DWARFContext::create(found.sections, /*AddrSize=*/4, /*isLittleEndian=*/true, ignore, ignore);
  return *loaded_;
}

bool ModuleDebugInfo::has_dwarf() { return load().dwarf != nullptr; }

std::vector<SourceLocation> ModuleDebugInfo::locate(uint32_t offset) {
  DwarfData& l = load();
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

Language unit_language(llvm::DWARFUnit* unit) {
  if (!unit) return Language::Other;
  auto lang = llvm::dwarf::toUnsigned(unit->getUnitDIE().find(llvm::dwarf::DW_AT_language));
  if (!lang) return Language::Other;
  switch (*lang) {
    case llvm::dwarf::DW_LANG_C:
    case llvm::dwarf::DW_LANG_C89:
    case llvm::dwarf::DW_LANG_C99:
    case llvm::dwarf::DW_LANG_C11:
      return Language::C;
    case 0x2c:  // DW_LANG_C17 (DWARF 6 draft; LLVM 14 has no name for it)
      return Language::C;
    case llvm::dwarf::DW_LANG_C_plus_plus:
    case llvm::dwarf::DW_LANG_C_plus_plus_03:
    case llvm::dwarf::DW_LANG_C_plus_plus_11:
    case llvm::dwarf::DW_LANG_C_plus_plus_14:
      return Language::Cpp;
    case 0x2a:  // DW_LANG_C_plus_plus_17
    case 0x2b:  // DW_LANG_C_plus_plus_20
      return Language::Cpp;
    case llvm::dwarf::DW_LANG_Rust:
      return Language::Rust;
    default:
      return Language::Other;
  }
}

std::string die_name(llvm::DWARFDie die) {
  if (!die) return {};
  const char* name = die.getShortName();
  return name ? name : "";
}

namespace {

// The DIE that declares `die` (DW_AT_specification, DW_AT_abstract_origin),
// or `die` itself: where its parents name its scope.
llvm::DWARFDie declaration_of(llvm::DWARFDie die) {
  for (int i = 0; i < kMaxTypeDepth && die; i++) {
    llvm::DWARFDie next = die.getAttributeValueAsReferencedDie(llvm::dwarf::DW_AT_specification);
    if (!next) next = die.getAttributeValueAsReferencedDie(llvm::dwarf::DW_AT_abstract_origin);
    if (!next) break;
    die = next;
  }
  return die;
}

}  // namespace

std::string qualified_name(llvm::DWARFDie die) {
  if (!die) return {};
  std::string out = die_name(die);
  llvm::DWARFDie parent = declaration_of(die).getParent();
  for (int i = 0; i < kMaxTypeDepth && parent; i++, parent = parent.getParent()) {
    llvm::dwarf::Tag tag = parent.getTag();
    if (tag == llvm::dwarf::DW_TAG_compile_unit || tag == llvm::dwarf::DW_TAG_partial_unit) break;
    bool scope = tag == llvm::dwarf::DW_TAG_namespace || tag == llvm::dwarf::DW_TAG_structure_type ||
                 tag == llvm::dwarf::DW_TAG_class_type || tag == llvm::dwarf::DW_TAG_union_type ||
                 tag == llvm::dwarf::DW_TAG_enumeration_type;
    if (!scope) continue;
    std::string name = die_name(parent);
    if (name.empty()) name = tag == llvm::dwarf::DW_TAG_namespace ? "(anonymous namespace)" : "(anonymous)";
    out = name + "::" + out;
  }
  return out;
}

llvm::DWARFDie type_of(llvm::DWARFDie die) {
  for (int i = 0; i < kMaxTypeDepth && die; i++) {
    if (die.find(llvm::dwarf::DW_AT_type)) {
      return die.getAttributeValueAsReferencedDie(llvm::dwarf::DW_AT_type).resolveTypeUnitReference();
    }
    llvm::DWARFDie next = die.getAttributeValueAsReferencedDie(llvm::dwarf::DW_AT_abstract_origin);
    if (!next) next = die.getAttributeValueAsReferencedDie(llvm::dwarf::DW_AT_specification);
    die = next;
  }
  return {};
}

bool die_contains(llvm::DWARFDie die, uint64_t address) {
  auto ranges = die.getAddressRanges();
  if (!ranges) {
    llvm::consumeError(ranges.takeError());
    return false;
  }
  for (const llvm::DWARFAddressRange& r : *ranges) {
    if (r.LowPC <= address && address < r.HighPC) return true;
  }
  return false;
}

std::optional<uint64_t> die_low_pc(llvm::DWARFDie die) {
  auto ranges = die.getAddressRanges();
  if (!ranges) {
    llvm::consumeError(ranges.takeError());
    return std::nullopt;
  }
  std::optional<uint64_t> low;
  for (const llvm::DWARFAddressRange& r : *ranges) {
    if (r.LowPC < r.HighPC && (!low || r.LowPC < *low)) low = r.LowPC;
  }
  return low;
}

const std::vector<FunctionIndexEntry>& DwarfData::function_index() {
  if (functions) return *functions;
  functions.emplace();
  if (!dwarf) return *functions;
  for (const auto& unit : dwarf->compile_units()) {
    for (const llvm::DWARFDebugInfoEntry& entry : unit->dies()) {
      llvm::DWARFDie die(unit.get(), &entry);
      if (die.getTag() != llvm::dwarf::DW_TAG_subprogram) continue;
      std::optional<uint64_t> low = die_low_pc(die);
      if (!low || !is_code(*low)) continue;  // a declaration, or code the linker dropped
      FunctionIndexEntry f;
      f.die = die;
      f.name = die_name(die);
      f.qualified = qualified_name(die);
      if (const char* linkage = die.getLinkageName(); linkage && linkage != f.name) {
        f.linkage = linkage;
        f.demangled = demangle(f.linkage);
      }
      functions->push_back(std::move(f));
    }
  }
  return *functions;
}

const std::vector<GlobalIndexEntry>& DwarfData::global_index() {
  if (globals) return *globals;
  globals.emplace();
  if (!dwarf) return *globals;
  for (const auto& unit : dwarf->compile_units()) {
    for (const llvm::DWARFDebugInfoEntry& entry : unit->dies()) {
      llvm::DWARFDie die(unit.get(), &entry);
      if (die.getTag() != llvm::dwarf::DW_TAG_variable || !die.find(llvm::dwarf::DW_AT_location)) continue;
      llvm::DWARFDie parent = die.getParent();
      // Variables of functions are found through their scopes; function-static ones too.
      if (parent && parent.getTag() != llvm::dwarf::DW_TAG_compile_unit && parent.getTag() != llvm::dwarf::DW_TAG_namespace) continue;
      GlobalIndexEntry g;
      g.die = die;
      g.name = die_name(die);
      g.qualified = qualified_name(die);
      if (!g.name.empty()) globals->push_back(std::move(g));
    }
  }
  return *globals;
}

}  // namespace wasmrr::debuginfo
