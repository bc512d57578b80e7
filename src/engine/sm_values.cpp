// Core values <-> JS values, and the text of SpiderMonkey errors.
#include <js/BigInt.h>
#include <js/Conversions.h>

#include <bit>

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

namespace {

// SpiderMonkey writes a wasm frame as `name@url:wasm-function[N]:0xOFF`; our
// modules have no URL, so `@:` becomes `@`, and a nameless frame is just
// `wasm-function[N]:0xOFF`.
std::string tidy_frame(std::string frame) {
  size_t at = frame.find("@:wasm-function[");
  if (at != std::string::npos) frame.erase(at == 0 ? 0 : at + 1, at == 0 ? 2 : 1);
  return frame;
}

}  // namespace

std::vector<std::string> split_stack(const std::string& stack) {
  std::vector<std::string> frames;
  size_t start = 0;
  while (start < stack.size()) {
    size_t nl = stack.find('\n', start);
    if (nl == std::string::npos) nl = stack.size();
    if (nl > start) frames.push_back(tidy_frame(stack.substr(start, nl - start)));
    start = nl + 1;
  }
  return frames;
}

}  // namespace wasmrr::engine::sm
