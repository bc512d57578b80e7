// Func, Memory, Table and Global on top of the WebAssembly JS API objects,
// and the native trampoline that lets wasm call host functions.
#include <js/ArrayBuffer.h>
#include <js/ArrayBufferMaybeShared.h>
#include <js/Array.h>
#include <js/CallAndConstruct.h>
#include <js/PropertyAndElement.h>
#include <jsfriendapi.h>

#include <fmt/format.h>

#include <array>

#include "engine/sm_engine.h"
#include "util/trap.h"

namespace wasmrr::engine::sm {
namespace {

// Scratch storage for converted values: on the stack for the usual small
// signatures, on the heap beyond.
class ValueBuffer {
 public:
  explicit ValueBuffer(size_t n) : n_(n) {
    if (n > inline_.size()) heap_.resize(n);
  }
  std::span<CoreVal> span() { return {heap_.empty() ? inline_.data() : heap_.data(), n_}; }

 private:
  size_t n_;
  std::array<CoreVal, 8> inline_{};
  std::vector<CoreVal> heap_;
};

class SmFunc final : public Func, public JsBacked {
 public:
  SmFunc(SmEngine& engine, JS::HandleObject fn, CoreFuncType type)
      : engine_(engine), fn_(engine.cx(), fn), type_(std::move(type)) {}

  const CoreFuncType& type() const override { return type_; }
  JSObject* js_object() const override { return fn_; }

  bool call(std::span<const CoreVal> args, std::span<CoreVal> results, CallError* error) override {
    JSContext* cx = engine_.cx();
    JS::RootedValueVector argv(cx);
    if (!argv.resize(type_.params.size())) return fail(error);
    for (size_t i = 0; i < type_.params.size(); ++i) {
      CoreVal v = i < args.size() ? args[i] : CoreVal{};
      if (!to_js(cx, type_.params[i], v, argv[i])) return fail(error);
    }
    JS::RootedValue fval(cx, JS::ObjectValue(*fn_));
    JS::RootedValue rval(cx);
    if (!JS::Call(cx, JS::UndefinedHandleValue, fval, JS::HandleValueArray(argv), &rval)) return fail(error);
    return store_results(rval, results) || fail(error);
  }

 private:
  bool store_results(JS::HandleValue rval, std::span<CoreVal> results) {
    JSContext* cx = engine_.cx();
    size_t n = type_.results.size();
    if (n == 1) return results.empty() || from_js(cx, type_.results[0], rval, &results[0]);
    if (n == 0) return true;
    // Multi-value results come back as an array.
    if (!rval.isObject()) {
      JS_ReportErrorASCII(cx, "multi-value call did not return an array");
      return false;
    }
    JS::RootedObject array(cx, &rval.toObject());
    JS::RootedValue elem(cx);
    for (size_t i = 0; i < n && i < results.size(); ++i) {
      if (!JS_GetElement(cx, array, static_cast<uint32_t>(i), &elem)) return false;
      if (!from_js(cx, type_.results[i], elem, &results[i])) return false;
    }
    return true;
  }

  bool fail(CallError* error) {
    CallError e = engine_.take_error();
    if (error) *error = std::move(e);
    return false;
  }

  SmEngine& engine_;
  JS::PersistentRootedObject fn_;
  CoreFuncType type_;
};

// Called by wasm (through SpiderMonkey's import stub) for every host import.
bool host_trampoline(JSContext* cx, unsigned argc, JS::Value* vp) {
  JS::CallArgs args = JS::CallArgsFromVp(argc, vp);
  auto* data = static_cast<HostFuncData*>(js::GetFunctionNativeReserved(&args.callee(), 0).toPrivate());
  const CoreFuncType& type = data->type;
  ValueBuffer params(type.params.size());
  ValueBuffer results(type.results.size());
  for (size_t i = 0; i < type.params.size(); ++i) {
    if (!from_js(cx, type.params[i], args.get(i), &params.span()[i])) return false;
  }
  try {
    data->body(params.span(), results.span());
  } catch (...) {
    // Returning false with no pending JS exception is an uncatchable error:
    // it unwinds the wasm frames (no wasm catch_all can intercept it) and
    // the exception is handed back by Func::call. A trap the host raises
    // (a handle misused, a limit met) gets the guest's frames here, where
    // they still are.
    std::exception_ptr e = std::current_exception();
    std::vector<Frame> backtrace;
    try {
      std::rethrow_exception(e);
    } catch (const Trap&) {
      backtrace = data->engine->guest_backtrace();
    } catch (...) {
    }
    data->engine->stash_host_exception(std::move(e), std::move(backtrace));
    return false;
  }
  size_t n = type.results.size();
  if (n == 0) {
    args.rval().setUndefined();
    return true;
  }
  if (n == 1) return to_js(cx, type.results[0], results.span()[0], args.rval());
  JS::RootedValueVector values(cx);
  if (!values.resize(n)) return false;
  for (size_t i = 0; i < n; ++i) {
    if (!to_js(cx, type.results[i], results.span()[i], values[i])) return false;
  }
  JSObject* array = JS::NewArrayObject(cx, JS::HandleValueArray(values));
  if (!array) return false;
  args.rval().setObject(*array);
  return true;
}

class SmMemory final : public Memory, public JsBacked {
 public:
  SmMemory(SmEngine& engine, JS::HandleObject memory, const MemoryType& type)
      : engine_(engine), memory_(engine.cx(), memory), buffer_(engine.cx()), shared_(type.shared) {}

  JSObject* js_object() const override { return memory_; }

  // A grow (by wasm or by the host) replaces the memory's ArrayBuffer and
  // detaches the old one, so a cached buffer that is still attached still
  // describes the memory. Shared buffers are never detached: re-read them.
  uint8_t* data() override {
    refresh_if_stale();
    return data_;
  }
  size_t size() override {
    refresh_if_stale();
    return size_;
  }

  Result<uint64_t> grow(uint64_t pages) override {
    JSContext* cx = engine_.cx();
    JS::RootedValueArray<1> args(cx);
    args[0].setNumber(static_cast<double>(pages));
    JS::RootedValue rval(cx);
    bool ok = JS_CallFunctionName(cx, memory_, "grow", args, &rval);
    buffer_ = nullptr;
    if (!ok) return make_error("memory.grow failed: " + engine_.take_error().message);
    return static_cast<uint64_t>(rval.toNumber());
  }

 private:
  void refresh_if_stale() {
    if (buffer_ && !shared_ && !JS::IsDetachedArrayBufferObject(buffer_)) return;
    JSContext* cx = engine_.cx();
    JS::RootedValue buf(cx);
    if (!JS_GetProperty(cx, memory_, "buffer", &buf) || !buf.isObject()) {
      JS_ClearPendingException(cx);
      data_ = nullptr;
      size_ = 0;
      return;
    }
    buffer_ = &buf.toObject();
    bool is_shared = false;
    JS::GetArrayBufferMaybeSharedLengthAndData(buffer_, &size_, &is_shared, &data_);
  }

  SmEngine& engine_;
  JS::PersistentRootedObject memory_;
  JS::PersistentRootedObject buffer_;
  bool shared_;
  uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

class SmTable final : public Table, public JsBacked {
 public:
  SmTable(SmEngine& engine, JS::HandleObject table) : engine_(engine), table_(engine.cx(), table) {}
  JSObject* js_object() const override { return table_; }

  uint32_t size() override {
    JSContext* cx = engine_.cx();
    JS::RootedValue len(cx);
    if (!JS_GetProperty(cx, table_, "length", &len)) {
      JS_ClearPendingException(cx);
      return 0;
    }
    return static_cast<uint32_t>(len.toNumber());
  }

 private:
  SmEngine& engine_;
  JS::PersistentRootedObject table_;
};

class SmGlobal final : public Global, public JsBacked {
 public:
  SmGlobal(SmEngine& engine, JS::HandleObject global, const GlobalType& type)
      : engine_(engine), global_(engine.cx(), global), type_(type) {}
  JSObject* js_object() const override { return global_; }
  GlobalType type() const override { return type_; }

  CoreVal get() override {
    JSContext* cx = engine_.cx();
    JS::RootedValue v(cx);
    CoreVal out;
    if (!JS_GetProperty(cx, global_, "value", &v) || !from_js(cx, type_.type, v, &out)) {
      JS_ClearPendingException(cx);
    }
    return out;
  }

  void set(CoreVal value) override {
    JSContext* cx = engine_.cx();
    JS::RootedValue v(cx);
    if (!to_js(cx, type_.type, value, &v) || !JS_SetProperty(cx, global_, "value", v)) {
      JS_ClearPendingException(cx);
    }
  }

 private:
  SmEngine& engine_;
  JS::PersistentRootedObject global_;
  GlobalType type_;
};

}  // namespace

std::shared_ptr<Func> wrap_func(SmEngine& engine, JS::HandleObject fn, const CoreFuncType& type) {
  return std::make_shared<SmFunc>(engine, fn, type);
}

std::shared_ptr<Memory> wrap_memory(SmEngine& engine, JS::HandleObject memory, const MemoryType& type) {
  return std::make_shared<SmMemory>(engine, memory, type);
}

std::shared_ptr<Table> wrap_table(SmEngine& engine, JS::HandleObject table) {
  return std::make_shared<SmTable>(engine, table);
}

std::shared_ptr<Global> wrap_global(SmEngine& engine, JS::HandleObject global, const GlobalType& type) {
  return std::make_shared<SmGlobal>(engine, global, type);
}

JSObject* new_host_js_function(SmEngine& engine, HostFuncData* data) {
  JSContext* cx = engine.cx();
  JSFunction* fn = js::NewFunctionWithReserved(cx, host_trampoline, static_cast<unsigned>(data->type.params.size()),
                                               0, data->name.c_str());
  if (!fn) return nullptr;
  JSObject* obj = JS_GetFunctionObject(fn);
  js::SetFunctionNativeReserved(obj, 0, JS::PrivateValue(data));
  return obj;
}

}  // namespace wasmrr::engine::sm
