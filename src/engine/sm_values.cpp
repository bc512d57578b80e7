// Core values <-> JS values, and the text of SpiderMonkey errors.
#include <js/BigInt.h>
#include <js/Conversions.h>

#include <bit>
#include <charconv>

#include "engine/sm_engine.h"

namespace wasmrr::engine::sm {

bool to_js(JSContext* cx, CoreType type, CoreVal v, JS::MutableHandleValue out) {
  switch (type) {
    case CoreType::I32: out.setInt32(v.as_i32()); return true;
    case CoreType::F32: out.set(JS::CanonicalizedDoubleValue(static_cast<double>(v.as_f32()))); return true;
    case CoreType::F64: out.set(JS::CanonicalizedDoubleValue(v.as_f64())); return true;
    case CoreType::I64: {
      JS::BigInt* big = JS::NumberToBigInt(cx, v.as_i64());
      if (!big) return false;
      out.setBigInt(big);
      return true;
    }
    case CoreType::V128:
      JS_ReportErrorASCII(cx, "v128 values cannot cross the host boundary");
      return false;
    case CoreType::FuncRef:
    case CoreType::ExternRef: out.setNull(); return true;
  }
  return false;
}

bool from_js(JSContext* cx, CoreType type, JS::HandleValue v, CoreVal* out) {
  switch (type) {
    case CoreType::I32: {
      if (v.isInt32()) {
        *out = CoreVal::i32(v.toInt32());
        return true;
      }
      int32_t i = 0;
      if (!JS::ToInt32(cx, v, &i)) return false;
      *out = CoreVal::i32(i);
      return true;
    }
    case CoreType::F32:
    case CoreType::F64: {
      double d = 0;
      if (!JS::ToNumber(cx, v, &d)) return false;
      *out = type == CoreType::F32 ? CoreVal::f32(static_cast<float>(d)) : CoreVal::f64(d);
      return true;
    }
    case CoreType::I64: {
      JS::BigInt* big = v.isBigInt() ? v.toBigInt() : JS::ToBigInt(cx, v);
      if (!big) return false;
      *out = CoreVal::i64(JS::ToBigInt64(big));
      return true;
    }
    case CoreType::V128:
      JS_ReportErrorASCII(cx, "v128 values cannot cross the host boundary");
      return false;
    case CoreType::FuncRef:
    case CoreType::ExternRef: *out = CoreVal{}; return true;
  }
  return false;
}

const char* js_type_name(CoreType type) {
  switch (type) {
    case CoreType::I32: return "i32";
    case CoreType::I64: return "i64";
    case CoreType::F32: return "f32";
    case CoreType::F64: return "f64";
    case CoreType::V128: return "v128";
    case CoreType::FuncRef: return "anyfunc";
    case CoreType::ExternRef: return "externref";
  }
  return "?";
}

// SpiderMonkey writes a wasm frame as `name@URL:wasm-function[N]:0xOFF`
// (`@URL:...` without a name); other lines are not guest frames.
std::optional<StackFrameText> split_frame(std::string_view line) {
  constexpr std::string_view kMarker = ":wasm-function[";
  size_t marker = line.rfind(kMarker);
  if (marker == std::string_view::npos) return std::nullopt;
  StackFrameText out;
  size_t at = line.rfind('@', marker);
  out.name = at == std::string_view::npos ? std::string_view() : line.substr(0, at);
  out.url = at == std::string_view::npos ? line.substr(0, marker) : line.substr(at + 1, marker - at - 1);
  std::string_view rest = line.substr(marker + kMarker.size());  // N]:0xOFF
  auto index = std::from_chars(rest.data(), rest.data() + rest.size(), out.function_index);
  if (index.ec != std::errc() || !std::string_view(index.ptr, rest.data() + rest.size()).starts_with("]:0x"))
    return std::nullopt;
  const char* hex = index.ptr + 4;
  auto offset = std::from_chars(hex, rest.data() + rest.size(), out.offset, 16);
  if (offset.ec != std::errc()) return std::nullopt;
  return out;
}

}  // namespace wasmrr::engine::sm
