// Reading values: bytes and scalars from memory or known bytes, members,
// dereferences.
#include <fmt/format.h>

#include "debuginfo/values.h"

namespace wasmrr::debuginfo {

std::string memory_error(uint64_t address) { return fmt::format("cannot read memory at 0x{:x}", address); }

Result<std::vector<uint8_t>> read_bytes(Context& ctx, const Value& v, uint64_t offset, size_t n) {
  std::vector<uint8_t> out(n);
  switch (v.where) {
    case Value::Where::Unavailable:
      return make_error(v.why);
    case Value::Where::Bytes:
      if (offset > v.bytes.size() || n > v.bytes.size() - offset) return make_error("value not available: it is not in memory");
      std::copy_n(v.bytes.begin() + static_cast<long>(offset), n, out.begin());
      return out;
    case Value::Where::Memory: {
      uint64_t address = (v.address + offset) & ctx.address_mask();
      if (n == 0) return out;
      // Reads that would wrap around the address space cannot be valid.
      if (address + n - 1 > ctx.address_mask() || !ctx.frame.read_memory(address, out)) return make_error(memory_error(address));
      return out;
    }
  }
  return make_error("value not available");
}

Result<uint64_t> read_bits(Context& ctx, const Value& v) {
  uint64_t size = v.type ? v.type->size : 0;
  if (v.bit_size) {
    // A bit field: the bytes holding it, then its bits.
    size_t n = (v.bit_offset + v.bit_size + 7) / 8;
    auto bytes = read_bytes(ctx, v, 0, n);
    if (!bytes) return bytes.error();
    uint64_t bits = 0;
    for (uint32_t i = 0; i < v.bit_size && i < 64; i++) {
      uint32_t at = v.bit_offset + i;
      bits |= uint64_t(((*bytes)[at / 8] >> (at % 8)) & 1) << i;
    }
    return bits;
  }
  if (size == 0 || size > 8) return make_error(fmt::format("cannot read a {}-byte `{}` as a number", size, v.type ? v.type->name : "?"));
  auto bytes = read_bytes(ctx, v, 0, size);
  if (!bytes) return bytes.error();
  uint64_t bits = 0;
  for (size_t i = 0; i < bytes->size(); i++) bits |= uint64_t((*bytes)[i]) << (8 * i);
  return bits;
}

Result<int64_t> read_signed(Context& ctx, const Value& v) {
  auto bits = read_bits(ctx, v);
  if (!bits) return bits.error();
  unsigned width = v.bit_size ? v.bit_size : static_cast<unsigned>(v.type->size * 8);
  uint64_t b = *bits;
  if (v.type->is_signed && width > 0 && width < 64 && (b >> (width - 1)) & 1) b |= ~uint64_t{0} << width;
  return static_cast<int64_t>(b);
}

Value bytes_value(TypeRef type, uint64_t bits) {
  Value v;
  v.where = Value::Where::Bytes;
  size_t n = std::min<uint64_t>(type->size, 8);
  for (size_t i = 0; i < n; i++) v.bytes.push_back(static_cast<uint8_t>(bits >> (8 * i)));
  v.type = std::move(type);
  return v;
}

Value memory_value(TypeRef type, uint64_t address) {
  Value v;
  v.type = std::move(type);
  v.where = Value::Where::Memory;
  v.address = address;
  return v;
}

Value sub_value(const Value& v, TypeRef type, uint64_t offset) {
  Value out;
  out.type = std::move(type);
  out.where = v.where;
  out.why = v.why;
  if (v.where == Value::Where::Memory) out.address = v.address + offset;
  if (v.where == Value::Where::Bytes) {
    if (offset < v.bytes.size()) {
      size_t n = std::min<uint64_t>(out.type->size, v.bytes.size() - offset);
      out.bytes.assign(v.bytes.begin() + static_cast<long>(offset), v.bytes.begin() + static_cast<long>(offset + n));
    }
  }
  return out;
}

Result<Value> dereference(Context& ctx, const Value& v, const std::string& text) {
  if (!is_pointer_like(*v.type)) return make_error(fmt::format("`{}` is not a pointer", text));
  TypeRef target = target_type(*v.type, ctx.address_size);
  if (!target || target->kind == TypeKind::Void) return make_error(fmt::format("cannot dereference `{}`: it points to void", text));
  auto address = read_bits(ctx, v);
  if (!address) return address.error();
  return memory_value(target, *address & ctx.address_mask());
}

std::optional<Value> find_member(Context& ctx, const Value& v, std::string_view name, int depth) {
  if (depth > kMaxTypeDepth) return std::nullopt;
  std::vector<Member> members = members_of(*v.type);
  for (const Member& m : members) {
    if (m.is_base || m.name != name) continue;
    Value out = sub_value(v, resolve_type(type_of(m.die), ctx.language, ctx.address_size), m.offset);
    out.bit_size = m.bit_size;
    out.bit_offset = m.bit_offset;
    if (m.bit_size && v.where == Value::Where::Bytes) {
      // A bit field's bytes: from its byte offset, as many as hold it.
      Value whole = v;
      out.bytes.clear();
      for (uint64_t i = m.offset; i < whole.bytes.size() && i < m.offset + 9; i++) out.bytes.push_back(whole.bytes[i]);
    }
    return out;
  }
  // Anonymous structs and unions, and base classes: their members are the aggregate's.
  for (const Member& m : members) {
    if (!m.name.empty() && !m.is_base) continue;
    Value inner = sub_value(v, resolve_type(type_of(m.die), ctx.language, ctx.address_size), m.offset);
    if (inner.type->kind != TypeKind::Aggregate) continue;
    if (auto found = find_member(ctx, inner, name, depth + 1)) return found;
  }
  return std::nullopt;
}

}  // namespace wasmrr::debuginfo
