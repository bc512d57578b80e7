// DWARF location expressions as clang and rustc emit them for wasm: where a
// variable is (linear memory, a wasm local or global, a constant) at a code
// address. DW_OP_WASM_location (0xED) names wasm locals and globals; LLVM
// decodes its operands (kind, index) and this evaluates them.
#include <fmt/format.h>
#include <llvm/BinaryFormat/Dwarf.h>
#include <llvm/DebugInfo/DWARF/DWARFExpression.h>
#include <llvm/DebugInfo/DWARF/DWARFLocationExpression.h>
#include <llvm/Support/DataExtractor.h>

#include "debuginfo/values.h"

namespace wasmrr::debuginfo {

namespace {

namespace dw = llvm::dwarf;

constexpr size_t kMaxStack = 256;
constexpr size_t kMaxOperations = 4096;
constexpr uint8_t kWasmLocation = 0xED;  // DW_OP_WASM_location

// Where an expression says a value is.
struct Location {
  enum class Kind { Memory, Value, Bytes, Unavailable };
  Kind kind = Kind::Unavailable;
  uint64_t number = 0;  // Memory: the address; Value: the value's bits
  std::vector<uint8_t> bytes;  // Bytes: a value put together from DW_OP_piece parts
  std::string why = "<optimized out>";
};

Location unavailable(std::string why) { return Location{Location::Kind::Unavailable, 0, {}, std::move(why)}; }
constexpr size_t kMaxComposite = 4096;

class Machine {
 public:
  Machine(Context& ctx, std::optional<uint64_t> frame_base) : ctx_(ctx), frame_base_(frame_base) {}

  Location run(llvm::ArrayRef<uint8_t> bytes) {
    if (bytes.empty()) return unavailable("<optimized out>");
    llvm::DataExtractor data(llvm::StringRef(reinterpret_cast<const char*>(bytes.data()), bytes.size()), true, ctx_.address_size);
    llvm::DWARFExpression expression(data, ctx_.address_size);
    size_t count = 0;
    for (const llvm::DWARFExpression::Operation& op : expression) {
      if (op.isError()) return unavailable("<unsupported location: malformed expression>");
      if (++count > kMaxOperations || stack_.size() > kMaxStack) return unavailable("<unsupported location: too long>");
      uint8_t code = op.getCode();
      if (code == dw::DW_OP_stack_value) {
        is_value_ = true;
        continue;
      }
      if (code == dw::DW_OP_piece) {
        if (std::optional<Location> problem = piece(op.getRawOperand(0))) return *problem;
        continue;
      }
      in_register_ = false;
      if (code == kWasmLocation) {
        std::optional<Location> problem = wasm_location(op.getRawOperand(0), op.getRawOperand(1));
        if (problem) return *problem;
        in_register_ = true;
        continue;
      }
      if (std::optional<Location> problem = step(op)) return *problem;
    }
    if (pieces_) return missing_piece_ ? unavailable("<optimized out>") : Location{Location::Kind::Bytes, 0, composite_, ""};
    if (stack_.empty()) return unavailable("<optimized out>");
    // After DW_OP_WASM_location alone, the variable is the local: its value is the content.
    if (is_value_ || in_register_) return Location{Location::Kind::Value, top(), {}, ""};
    return Location{Location::Kind::Memory, top() & ctx_.address_mask(), {}, ""};
  }

 private:
  uint64_t top() const { return stack_.back(); }
  uint64_t pop() {
    uint64_t v = stack_.back();
    stack_.pop_back();
    return v;
  }

  // DW_OP_piece: the location so far holds the next `size` bytes of the
  // value. A part that is optimized out makes the whole value so (this
  // does not show values in parts).
  std::optional<Location> piece(uint64_t size) {
    if (size > kMaxComposite - composite_.size()) return unavailable("<unsupported location: DW_OP_piece too large>");
    pieces_ = true;
    if (stack_.empty()) {
      missing_piece_ = true;
    } else if (is_value_ || in_register_) {
      for (uint64_t i = 0; i < size; i++) composite_.push_back(i < 8 ? static_cast<uint8_t>(top() >> (8 * i)) : 0);
    } else {
      std::vector<uint8_t> part(size);
      uint64_t address = top() & ctx_.address_mask();
      if (!ctx_.frame.read_memory(address, part)) return unavailable(fmt::format("<error: {}>", memory_error(address)));
      composite_.insert(composite_.end(), part.begin(), part.end());
    }
    stack_.clear();
    is_value_ = in_register_ = false;
    return std::nullopt;
  }

  std::optional<Location> wasm_location(uint64_t kind, uint64_t index) {
    std::optional<uint64_t> value;
    switch (kind) {
      case 0: value = ctx_.frame.local(static_cast<uint32_t>(index)); break;
      case 1:
      case 3: value = ctx_.frame.global(static_cast<uint32_t>(index)); break;
      case 2: return unavailable("<optimized out>");  // on the wasm operand stack: not readable
      default: return unavailable(fmt::format("<unsupported location: DW_OP_WASM_location {}>", kind));
    }
    if (!value) return unavailable(fmt::format("<unavailable: wasm {} {}>", kind == 0 ? "local" : "global", index));
    stack_.push_back(*value);
    return std::nullopt;
  }

  // One operation that is not DW_OP_stack_value / DW_OP_WASM_location; a
  // Location when it ends the evaluation.
  std::optional<Location> step(const llvm::DWARFExpression::Operation& op) {
    uint8_t code = op.getCode();
    uint64_t a = op.getRawOperand(0);
    if (code >= dw::DW_OP_lit0 && code <= dw::DW_OP_lit31) return push(code - dw::DW_OP_lit0);
    size_t need = needs(code);
    if (stack_.size() < need) return unavailable("<unsupported location: stack underflow>");
    switch (code) {
      case dw::DW_OP_addr:
      case dw::DW_OP_const1u: case dw::DW_OP_const2u: case dw::DW_OP_const4u: case dw::DW_OP_const8u:
      case dw::DW_OP_constu:
        return push(a);
      case dw::DW_OP_const1s: case dw::DW_OP_const2s: case dw::DW_OP_const4s: case dw::DW_OP_const8s:
      case dw::DW_OP_consts:
        return push(a);  // LLVM sign-extends signed operands into the raw 64 bits
      case dw::DW_OP_fbreg:
        if (!frame_base_) return unavailable("<unavailable: no frame base>");
        return push(*frame_base_ + a);
      case dw::DW_OP_plus_uconst: stack_.back() += a; return std::nullopt;
      case dw::DW_OP_dup: return push(top());
      case dw::DW_OP_drop: pop(); return std::nullopt;
      case dw::DW_OP_over: return push(stack_[stack_.size() - 2]);
      case dw::DW_OP_swap: std::swap(stack_.back(), stack_[stack_.size() - 2]); return std::nullopt;
      case dw::DW_OP_neg: stack_.back() = ~stack_.back() + 1; return std::nullopt;
      case dw::DW_OP_not: stack_.back() = ~stack_.back(); return std::nullopt;
      case dw::DW_OP_deref: return deref(ctx_.address_size);
      case dw::DW_OP_deref_size: return deref(static_cast<size_t>(a));
      case dw::DW_OP_bit_piece:
        return unavailable("<unsupported location: DW_OP_bit_piece>");
      default:
        break;
    }
    if (need == 2) return binary(code);
    return unavailable(fmt::format("<unsupported location: {}>", dw::OperationEncodingString(code).str()));
  }

  static size_t needs(uint8_t code) {
    switch (code) {
      case dw::DW_OP_plus_uconst: case dw::DW_OP_dup: case dw::DW_OP_drop: case dw::DW_OP_neg: case dw::DW_OP_not:
      case dw::DW_OP_deref: case dw::DW_OP_deref_size:
        return 1;
      case dw::DW_OP_over: case dw::DW_OP_swap: case dw::DW_OP_plus: case dw::DW_OP_minus: case dw::DW_OP_mul:
      case dw::DW_OP_and: case dw::DW_OP_or: case dw::DW_OP_xor: case dw::DW_OP_shl: case dw::DW_OP_shr:
      case dw::DW_OP_shra: case dw::DW_OP_div: case dw::DW_OP_mod:
        return 2;
      default:
        return 0;
    }
  }

  std::optional<Location> binary(uint8_t code) {
    uint64_t b = pop();
    uint64_t a = pop();
    switch (code) {
      case dw::DW_OP_plus: return push(a + b);
      case dw::DW_OP_minus: return push(a - b);
      case dw::DW_OP_mul: return push(a * b);
      case dw::DW_OP_and: return push(a & b);
      case dw::DW_OP_or: return push(a | b);
      case dw::DW_OP_xor: return push(a ^ b);
      case dw::DW_OP_shl: return push(b >= 64 ? 0 : a << b);
      case dw::DW_OP_shr: return push(b >= 64 ? 0 : a >> b);
      case dw::DW_OP_shra: return push(static_cast<uint64_t>(static_cast<int64_t>(a) >> std::min<uint64_t>(b, 63)));
      case dw::DW_OP_div:
      case dw::DW_OP_mod:
        if (b == 0) return unavailable("<unsupported location: division by zero>");
        return push(code == dw::DW_OP_div ? static_cast<uint64_t>(static_cast<int64_t>(a) / static_cast<int64_t>(b)) : a % b);
      default: return unavailable("<unsupported location>");
    }
  }

  std::optional<Location> deref(size_t size) {
    if (size == 0 || size > 8) return unavailable("<unsupported location: DW_OP_deref_size>");
    uint64_t address = pop() & ctx_.address_mask();
    uint8_t bytes[8] = {};
    if (!ctx_.frame.read_memory(address, std::span<uint8_t>(bytes, size))) return unavailable(fmt::format("<error: {}>", memory_error(address)));
    uint64_t value = 0;
    for (size_t i = 0; i < size; i++) value |= uint64_t(bytes[i]) << (8 * i);
    return push(value);
  }

  std::optional<Location> push(uint64_t v) {
    stack_.push_back(v);
    return std::nullopt;
  }

  Context& ctx_;
  std::optional<uint64_t> frame_base_;
  std::vector<uint64_t> stack_;
  bool is_value_ = false;     // DW_OP_stack_value: the stack holds the value, not its address
  bool in_register_ = false;  // the last operation named a wasm local/global: the value is its content
  bool pieces_ = false;
  bool missing_piece_ = false;
  std::vector<uint8_t> composite_;
};

// The expression of `attribute` that holds at ctx.pc: an exprloc, or the
// location-list entry whose range covers pc (else its default entry).
std::optional<llvm::SmallVector<uint8_t, 4>> expression_at(Context& ctx, llvm::DWARFDie die, dw::Attribute attribute, bool& listed) {
  auto locations = die.getLocations(attribute);
  if (!locations) {
    llvm::consumeError(locations.takeError());
    return std::nullopt;
  }
  listed = locations->size() != 1 || locations->front().Range.hasValue();
  const llvm::DWARFLocationExpression* fallback = nullptr;
  for (const llvm::DWARFLocationExpression& e : *locations) {
    if (!e.Range) {
      fallback = &e;
      continue;
    }
    if (e.Range->LowPC <= ctx.pc && ctx.pc < e.Range->HighPC) return e.Expr;
  }
  if (fallback) return fallback->Expr;
  return std::nullopt;
}

std::optional<uint64_t> frame_base(Context& ctx, llvm::DWARFDie variable) {
  llvm::DWARFDie function = variable.getParent();
  for (int i = 0; i < kMaxTypeDepth && function && function.getTag() != dw::DW_TAG_subprogram; i++) function = function.getParent();
  if (!function || !function.find(dw::DW_AT_frame_base)) return std::nullopt;
  bool listed = false;
  auto expr = expression_at(ctx, function, dw::DW_AT_frame_base, listed);
  if (!expr) return std::nullopt;
  Location base = Machine(ctx, std::nullopt).run(*expr);
  // `DW_OP_WASM_location 0 N` names the local holding the frame base;
  // with DW_OP_stack_value, or as a memory location, the number is the base.
  if (base.kind == Location::Kind::Unavailable) return std::nullopt;
  if (base.kind == Location::Kind::Bytes) return std::nullopt;
  return base.number & ctx.address_mask();
}

Value constant_value(Context& ctx, const TypeRef& type, const llvm::DWARFFormValue& form) {
  if (auto block = form.getAsBlock()) {
    Value v;
    v.type = type;
    v.where = Value::Where::Bytes;
    v.bytes.assign(block->begin(), block->begin() + static_cast<long>(std::min<size_t>(block->size(), kMaxValueText)));
    return v;
  }
  if (form.isFormClass(llvm::DWARFFormValue::FC_Constant)) {
    if (form.getForm() == dw::DW_FORM_sdata) return bytes_value(type, static_cast<uint64_t>(form.getAsSignedConstant().getValueOr(0)));
    return bytes_value(type, form.getAsUnsignedConstant().getValueOr(0));
  }
  Value v;
  v.type = type;
  v.why = "<unsupported DW_AT_const_value form>";
  return v;
}

}  // namespace

Value variable_value(Context& ctx, llvm::DWARFDie variable) {
  TypeRef type = resolve_type(type_of(variable), ctx.language, ctx.address_size);
  if (auto constant = variable.findRecursively({dw::DW_AT_const_value})) return constant_value(ctx, type, *constant);
  Value v;
  v.type = type;
  if (!variable.find(dw::DW_AT_location)) return v;  // optimized out
  bool listed = false;
  auto expr = expression_at(ctx, variable, dw::DW_AT_location, listed);
  if (!expr) return v;  // no entry covers pc: not live here
  Location where = Machine(ctx, frame_base(ctx, variable)).run(*expr);
  switch (where.kind) {
    case Location::Kind::Memory: return memory_value(type, where.number);
    case Location::Kind::Value: return bytes_value(type, where.number);
    case Location::Kind::Bytes:
      v.where = Value::Where::Bytes;
      v.bytes = std::move(where.bytes);
      return v;
    case Location::Kind::Unavailable: v.why = where.why; return v;
  }
  return v;
}

}  // namespace wasmrr::debuginfo
