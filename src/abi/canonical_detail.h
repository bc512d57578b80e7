// Helpers shared by the Canonical ABI sources (canonical.cpp, strings.cpp,
// handles.cpp); private to abi/.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "abi/canonical.h"
#include "util/trap.h"

namespace wasmrr::abi::detail {

static_assert(std::endian::native == std::endian::little,
              "linear memory is accessed with memcpy of native integers");

constexpr uint32_t UTF16_TAG = 1u << 31;  // spec: utf16_tag('i32')
constexpr uint64_t MAX_STRING_BYTE_LENGTH = (1u << 28) - 1;
constexpr uint64_t MAX_LIST_BYTE_LENGTH = (1u << 28) - 1;
constexpr uint32_t CANONICAL_FLOAT32_NAN = 0x7fc00000;
constexpr uint64_t CANONICAL_FLOAT64_NAN = 0x7ff8000000000000;
constexpr size_t TABLE_MAX_LENGTH = (1u << 28) - 1;

// spec: trap_if — a failure the guest caused.
template <typename... Args>
[[noreturn]] inline void trap(fmt::format_string<Args...> f, Args&&... args) {
  throw Trap("canonical ABI: " + fmt::format(f, std::forward<Args>(args)...));
}

// A host value that does not fit the function's type. The entry points add
// whether it was an argument or a result and which one.
class ValueMismatch : public Trap {
 public:
  explicit ValueMismatch(std::string detail)
      : Trap("host returned " + detail), detail_(std::move(detail)) {}
  const std::string& detail() const { return detail_; }

 private:
  std::string detail_;
};

[[noreturn]] inline void mismatch(const Value& v, const Type& t) {
  throw ValueMismatch(fmt::format("a value of kind {}{} where the function's type says {}",
                                  kind_name(v.kind), v.bytes ? " (bytes)" : "", to_string(t)));
}

[[noreturn]] inline void mismatch(const std::string& what, const Type& t) {
  throw ValueMismatch(fmt::format("{} where the function's type says {}", what, to_string(t)));
}

inline void check_kind(const Value& v, const Type& t) {
  if (v.kind != t.kind) mismatch(v, t);
}

inline bool is_scalar(Kind k) { return k <= Kind::Char; }

// spec: align_to
inline uint64_t align_to(uint64_t ptr, uint32_t alignment) {
  return (ptr + alignment - 1) / alignment * alignment;
}

inline GuestMemory& memory(LiftLowerContext& cx) {
  if (!cx.opts.memory) trap("a string, list or spilled value needs the memory option, which is absent");
  return *cx.opts.memory;
}

// The trap_if pair that guards every pointer the guest hands over:
// alignment, then ptr + byte_length within memory.
inline void check_range(LiftLowerContext& cx, std::string_view what, uint64_t ptr, uint64_t byte_length,
                 uint32_t alignment) {
  if (ptr != align_to(ptr, alignment)) {
    trap("{} pointer {:#x} is not {}-byte aligned", what, ptr, alignment);
  }
  const size_t size = memory(cx).size();
  if (ptr + byte_length > size) {
    trap("{} pointer {:#x} + length {} out of bounds (memory size {})", what, ptr, byte_length, size);
  }
}

template <typename T>
inline T read(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

template <typename T>
inline void write(uint8_t* p, T v) {
  std::memcpy(p, &v, sizeof v);
}

// spec: load_int (little endian, unsigned)
inline uint64_t load_int(LiftLowerContext& cx, uint64_t ptr, uint32_t nbytes) {
  const uint8_t* p = memory(cx).data() + ptr;
  switch (nbytes) {
    case 1: return p[0];
    case 2: return read<uint16_t>(p);
    case 4: return read<uint32_t>(p);
    default: return read<uint64_t>(p);
  }
}

// spec: store_int
inline void store_int(LiftLowerContext& cx, uint64_t v, uint64_t ptr, uint32_t nbytes) {
  uint8_t* p = memory(cx).data() + ptr;
  switch (nbytes) {
    case 1: p[0] = static_cast<uint8_t>(v); break;
    case 2: write<uint16_t>(p, static_cast<uint16_t>(v)); break;
    case 4: write<uint32_t>(p, static_cast<uint32_t>(v)); break;
    default: write<uint64_t>(p, v); break;
  }
}

// --- Reallocation ---

// Clears may_leave while realloc runs (spec: LiftLowerContext.reallocate) and
// restores it even if realloc traps.
class MayLeaveGuard {
 public:
  explicit MayLeaveGuard(ComponentInstanceState& inst) : inst_(inst), saved_(inst.may_leave) {
    inst_.may_leave = false;
  }
  ~MayLeaveGuard() { inst_.may_leave = saved_; }
  MayLeaveGuard(const MayLeaveGuard&) = delete;
  MayLeaveGuard& operator=(const MayLeaveGuard&) = delete;

 private:
  ComponentInstanceState& inst_;
  bool saved_;
};

// spec: LiftLowerContext.reallocate. After it returns, memory data()/size()
// must be re-read: realloc is guest code and may have grown memory.
inline uint32_t reallocate(LiftLowerContext& cx, uint64_t old, uint64_t old_byte_length, uint32_t alignment,
                    uint64_t new_byte_length) {
  if (!cx.opts.realloc) trap("lowering this value needs the realloc option, which is absent");
  if (new_byte_length > UINT32_MAX) trap("allocation of {} bytes exceeds 32-bit memory", new_byte_length);
  MayLeaveGuard guard(cx.inst);
  return cx.opts.realloc(static_cast<uint32_t>(old), static_cast<uint32_t>(old_byte_length), alignment,
                         static_cast<uint32_t>(new_byte_length));
}

// spec: LiftLowerContext.allocate
inline uint32_t allocate(LiftLowerContext& cx, uint32_t alignment, uint64_t byte_length) {
  return reallocate(cx, 0, 0, alignment, byte_length);
}

struct StringRange {
  uint32_t ptr;
  uint32_t tagged_code_units;
};

// spec: load_string_from_range / load_string (strings.cpp)
Value load_string_from_range(LiftLowerContext& cx, uint32_t ptr, uint32_t tagged_code_units);
Value load_string(LiftLowerContext& cx, uint64_t ptr);
// spec: store_string_into_range, from the host's UTF-8 (strings.cpp)
StringRange store_string_into_range(LiftLowerContext& cx, const Value& v, const Type& t);

}  // namespace wasmrr::abi::detail
