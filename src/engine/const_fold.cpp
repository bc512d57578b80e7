#include "engine/const_fold.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <map>

#include "util/byte_reader.h"

namespace wasmrr::engine {
namespace {

using binary::ConstExpr;

// Evaluates constant expressions over i32/i64 with the values of the globals
// known so far (index space order: imports first).
class Evaluator {
 public:
  Evaluator(std::span<const uint8_t> bytes, const binary::ModuleInfo& info) : bytes_(bytes), info_(info) {}

  std::vector<std::optional<CoreVal>> globals;

  // nullopt with `error` set when the expression cannot be folded.
  std::optional<CoreVal> eval(const ConstExpr& e, std::string* error) {
    std::vector<uint64_t> stack;
    ByteReader r(bytes_.data(), e.begin, e.end, "constant expression");
    try {
      while (!r.at_end()) {
        uint8_t op = r.read_u8("opcode");
        if (op == 0x0b) break;
        if (!step(op, r, stack, error)) return std::nullopt;
      }
    } catch (const ByteReadError& x) {
      *error = x.text();
      return std::nullopt;
    }
    if (stack.size() != 1) {
      *error = "constant expression does not produce exactly one value";
      return std::nullopt;
    }
    return CoreVal{stack.back()};
  }

 private:
  bool step(uint8_t op, ByteReader& r, std::vector<uint64_t>& stack, std::string* error) {
    switch (op) {
      case 0x41: stack.push_back(static_cast<uint32_t>(r.read_sleb(32, "i32.const"))); return true;
      case 0x42: stack.push_back(static_cast<uint64_t>(r.read_sleb(64, "i64.const"))); return true;
      case 0x23: return push_global(r, stack, error);
      case 0x6a: case 0x6b: case 0x6c: case 0x7c: case 0x7d: case 0x7e: {
        if (stack.size() < 2) {
          *error = "constant expression stack underflow";
          return false;
        }
        uint64_t b = stack.back();
        stack.pop_back();
        stack.back() = arith(op, stack.back(), b);
        return true;
      }
      default:
        *error = fmt::format("cannot fold instruction 0x{:02x} in a constant expression", op);
        return false;
    }
  }

  static uint64_t arith(uint8_t op, uint64_t a, uint64_t b) {
    switch (op) {
      case 0x6a: return static_cast<uint32_t>(a + b);
      case 0x6b: return static_cast<uint32_t>(a - b);
      case 0x6c: return static_cast<uint32_t>(static_cast<uint32_t>(a) * static_cast<uint32_t>(b));
      case 0x7c: return a + b;
      case 0x7d: return a - b;
      default: return a * b;
    }
  }

  bool push_global(ByteReader& r, std::vector<uint64_t>& stack, std::string* error) {
    uint64_t index = r.read_u32_leb("global.get index");
    if (index >= globals.size() || !globals[index]) {
      *error = fmt::format("it reads global {}{}, whose value is not known", index, import_name(index));
      return false;
    }
    CoreVal v = *globals[index];
    bool is_i32 = index < info_.globals.size() && info_.globals[index].type == CoreType::I32;
    stack.push_back(is_i32 ? v.as_u32() : v.bits);
    return true;
  }

  std::string import_name(uint64_t global_index) const {
    uint64_t seen = 0;
    for (const ExternDesc& d : info_.imports) {
      if (d.kind != ExternKind::Global) continue;
      if (seen++ == global_index) return fmt::format(" (import {}#{})", d.module, d.name);
    }
    return "";
  }

  std::span<const uint8_t> bytes_;
  const binary::ModuleInfo& info_;
};

std::vector<uint8_t> encode_const(CoreType type, CoreVal v) {
  std::vector<uint8_t> out;
  if (type == CoreType::I64) {
    out.push_back(0x42);
    write_sleb(out, v.as_i64());
  } else {
    out.push_back(0x41);
    write_sleb(out, v.as_i32());
  }
  out.push_back(0x0b);
  return out;
}

// Copies the module, replacing byte ranges (sorted, non-overlapping) and
// re-encoding the size of every section that contains one.
std::vector<uint8_t> rewrite(std::span<const uint8_t> bytes, const binary::ModuleInfo& info,
                             const std::map<size_t, std::pair<size_t, std::vector<uint8_t>>>& replacements) {
  std::vector<uint8_t> out(bytes.begin(), bytes.begin() + 8);
  auto next = replacements.begin();
  for (const binary::Section& s : info.sections) {
    if (next == replacements.end() || next->first >= s.end) {
      out.insert(out.end(), bytes.begin() + s.header_begin, bytes.begin() + s.end);
      continue;
    }
    std::vector<uint8_t> content;
    size_t pos = s.content_begin;
    for (; next != replacements.end() && next->first < s.end; ++next) {
      content.insert(content.end(), bytes.begin() + pos, bytes.begin() + next->first);
      content.insert(content.end(), next->second.second.begin(), next->second.second.end());
      pos = next->second.first;
    }
    content.insert(content.end(), bytes.begin() + pos, bytes.begin() + s.end);
    out.push_back(s.id);
    write_uleb(out, content.size());
    out.insert(out.end(), content.begin(), content.end());
  }
  return out;
}

bool is_integer(CoreType t) { return t == CoreType::I32 || t == CoreType::I64; }

}  // namespace

Result<std::vector<uint8_t>> fold_extended_const(std::span<const uint8_t> bytes, const binary::ModuleInfo& info,
                                                 std::span<const std::optional<CoreVal>> imported_globals) {
  Evaluator ev(bytes, info);
  ev.globals.assign(imported_globals.begin(), imported_globals.end());
  ev.globals.resize(info.imported_globals);
  // Defined globals, in order: each may read imports and earlier globals.
  for (size_t i = 0; i < info.global_inits.size(); ++i) {
    const ConstExpr& e = info.global_inits[i];
    const GlobalType& type = info.globals[info.imported_globals + i];
    std::string ignored;
    std::optional<CoreVal> v;
    if (is_integer(type.type) && !type.mutable_) v = ev.eval(e, &ignored);
    ev.globals.push_back(v);
  }

  std::map<size_t, std::pair<size_t, std::vector<uint8_t>>> replacements;
  for (const ConstExpr& e : info.extended_exprs) {
    std::string error;
    std::optional<CoreVal> v = is_integer(e.type) ? ev.eval(e, &error) : std::nullopt;
    if (!v) {
      if (error.empty()) error = "it does not produce an integer";
      return make_error(fmt::format("cannot fold the extended-const initializer at offset 0x{:x}: {}", e.begin, error));
    }
    replacements[e.begin] = {e.end, encode_const(e.type, *v)};
  }
  return rewrite(bytes, info, replacements);
}

}  // namespace wasmrr::engine
