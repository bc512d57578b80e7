// The SpiderMonkey 102 engine: process and context set-up, compilation
// (with extended-const folding) and instantiation through the WebAssembly
// JS API objects.
#include <js/ArrayBuffer.h>
#include <js/CompilationAndEvaluation.h>
#include <js/SourceText.h>
#include <js/CallAndConstruct.h>
#include <js/Conversions.h>
#include <js/ContextOptions.h>
#include <js/Exception.h>
#include <js/GlobalObject.h>
#include <js/Initialization.h>
#include <js/PropertyAndElement.h>
#include <js/Promise.h>
#include <js/Stack.h>
#include <js/StreamConsumer.h>
#include <js/WasmModule.h>
#include <jsfriendapi.h>
#include <pthread.h>

#include <fmt/format.h>

#include <cstdlib>
#include <algorithm>
#include <atomic>
#include <future>
#include <charconv>
#include <span>
#include <map>
#include <optional>
#include <unordered_map>

#include "engine/build_id.h"
#include "engine/const_fold.h"
#include "engine/memory_cap.h"
#include "engine/selfhosted_xdr.h"
#include "engine/sm_debugger.h"
#include "engine/sm_engine.h"
#include "util/trap.h"

namespace wasmrr::engine {

std::string_view extern_kind_name(ExternKind k) {
  switch (k) {
    case ExternKind::Func: return "func";
    case ExternKind::Table: return "table";
    case ExternKind::Memory: return "memory";
    case ExternKind::Global: return "global";
  }
  return "?";
}

namespace sm {
namespace {

const JSClass kGlobalClass = {"wasmrr", JSCLASS_GLOBAL_FLAGS, &JS::DefaultGlobalClassOps, nullptr, nullptr, nullptr};

// JS_Init may run only once per process and JS_ShutDown only after the last
// context is gone; engines come and go (tests make one per case), so the
// process-wide shutdown runs at exit. One engine per thread at a time.
std::atomic<int> g_engines_alive{0};
thread_local bool t_engine_alive = false;

bool init_process() {
  static bool ok = [] {
    install_build_id_op();  // before JS_Init: the self-hosted XDR is checked against it
    if (!JS_Init()) return false;
    // With an engine still alive (exit() called from deep inside a run),
    // shutting down would crash; the OS reclaims everything anyway.
    std::atexit([] {
      if (g_engines_alive.load() == 0) JS_ShutDown();
    });
    return true;
  }();
  return ok;
}

// Lets wasm recursion stop with "too much recursion" well before the real
// end of this thread's stack.
void set_stack_quota(JSContext* cx) {
  pthread_attr_t attr;
  if (pthread_getattr_np(pthread_self(), &attr) != 0) return;
  void* low = nullptr;
  size_t size = 0;
  pthread_attr_getstack(&attr, &low, &size);
  pthread_attr_destroy(&attr);
  char here = 0;
  auto available = static_cast<size_t>(reinterpret_cast<uintptr_t>(&here) - reinterpret_cast<uintptr_t>(low));
  constexpr size_t kMargin = 256 * 1024;
  if (available > 2 * kMargin) JS_SetNativeStackQuota(cx, available - kMargin);
}

std::string func_type_text(const CoreFuncType& t) {
  auto list = [](const std::vector<CoreType>& v) {
    std::string s;
    for (CoreType c : v) s += (s.empty() ? "" : " ") + std::string(core_type_name(c));
    return "(" + s + ")";
  };
  return list(t.params) + " -> " + list(t.results);
}

}  // namespace

namespace {

bool set_prop(JSContext* cx, JS::HandleObject obj, const char* name, JS::HandleValue v) {
  return JS_DefineProperty(cx, obj, name, v, JSPROP_ENUMERATE);
}

bool set_number(JSContext* cx, JS::HandleObject obj, const char* name, double d) {
  JS::RootedValue v(cx, JS::NumberValue(d));
  return set_prop(cx, obj, name, v);
}

bool set_string(JSContext* cx, JS::HandleObject obj, const char* name, const char* s) {
  JSString* str = JS_NewStringCopyZ(cx, s);
  if (!str) return false;
  JS::RootedValue v(cx, JS::StringValue(str));
  return set_prop(cx, obj, name, v);
}

// Import and export names are UTF-8; the char* property functions would read
// them as Latin-1.
bool utf8_id(JSContext* cx, const std::string& name, JS::MutableHandleId id) {
  JS::RootedString str(cx, JS_NewStringCopyUTF8N(cx, JS::UTF8Chars(name.data(), name.size())));
  return str && JS_StringToId(cx, str, id);
}

bool get_utf8_prop(JSContext* cx, JS::HandleObject obj, const std::string& name, JS::MutableHandleValue v) {
  JS::RootedId id(cx);
  return utf8_id(cx, name, &id) && JS_GetPropertyById(cx, obj, id, v);
}

bool set_utf8_prop(JSContext* cx, JS::HandleObject obj, const std::string& name, JS::HandleValue v) {
  JS::RootedId id(cx);
  return utf8_id(cx, name, &id) && JS_DefinePropertyById(cx, obj, id, v, JSPROP_ENUMERATE);
}

// The descriptor object for `new WebAssembly.Memory/Table`.
JSObject* limits_descriptor(JSContext* cx, const Limits& limits) {
  JS::RootedObject desc(cx, JS_NewPlainObject(cx));
  if (!desc || !set_number(cx, desc, "initial", static_cast<double>(limits.min))) return nullptr;
  if (limits.has_max && !set_number(cx, desc, "maximum", static_cast<double>(limits.max))) return nullptr;
  return desc;
}

std::string to_utf8(JSContext* cx, JS::HandleValue v) {
  JS::RootedString str(cx, JS::ToString(cx, v));
  if (!str) {
    JS_ClearPendingException(cx);
    return "(unprintable exception)";
  }
  JS::UniqueChars chars = JS_EncodeStringToUTF8(cx, str);
  return chars ? std::string(chars.get()) : std::string();
}

// Checks one import value against its declaration, beyond what
// SpiderMonkey's LinkError says: kinds and exact function/global types.
std::optional<std::string> check_import(const ExternDesc& want, const Extern& have) {
  if (have.kind() != want.kind) {
    return fmt::format("expected a {}, got a {}", extern_kind_name(want.kind), extern_kind_name(have.kind()));
  }
  if (want.kind == ExternKind::Func) {
    const auto& got = static_cast<const Func&>(have).type();
    if (got != want.func) {
      return fmt::format("function type mismatch: expected {}, got {}", func_type_text(want.func),
                         func_type_text(got));
    }
  }
  if (want.kind == ExternKind::Global) {
    GlobalType got = static_cast<const Global&>(have).type();
    if (got.type != want.global.type || got.mutable_ != want.global.mutable_) {
      return fmt::format("global type mismatch: expected {}{}, got {}{}", want.global.mutable_ ? "mut " : "",
                         core_type_name(want.global.type), got.mutable_ ? "mut " : "", core_type_name(got.type));
    }
  }
  return std::nullopt;
}

// SpiderMonkey's LinkErrors name the kind of an import ("imported Memory with
// incompatible size") but not the import: find the candidates of that kind.
std::string name_link_error_import(const std::string& message, const std::vector<ExternDesc>& imports) {
  static const std::pair<const char*, ExternKind> kWords[] = {
      {"Memory", ExternKind::Memory}, {"Table", ExternKind::Table}, {"Global", ExternKind::Global}};
  for (const auto& [word, kind] : kWords) {
    if (message.find(word) == std::string::npos) continue;
    std::string names;
    for (const ExternDesc& d : imports) {
      if (d.kind == kind) names += (names.empty() ? "" : ", ") + d.module + "#" + d.name;
    }
    if (!names.empty()) return " (import " + names + ")";
  }
  return "";
}

class SmInstance final : public Instance {
 public:
  SmInstance(SmEngine& engine, JS::HandleObject exports, std::shared_ptr<SmModule> module,
             std::vector<std::shared_ptr<Extern>> imports)
      : engine_(engine), exports_obj_(engine.cx(), exports), module_(std::move(module)), imports_(std::move(imports)) {
    for (const ExternDesc& d : module_->exports()) by_name_.emplace(d.name, &d);
  }

  const std::vector<ExternDesc>& exports() const override { return module_->exports(); }

  std::shared_ptr<Extern> get_export(const std::string& name) override {
    if (auto it = cache_.find(name); it != cache_.end()) return it->second;
    auto desc = by_name_.find(name);
    if (desc == by_name_.end()) return nullptr;
    std::shared_ptr<Extern> ext = wrap(*desc->second);
    if (ext) cache_.emplace(name, ext);
    return ext;
  }

 private:
  std::shared_ptr<Extern> wrap(const ExternDesc& d) {
    JSContext* cx = engine_.cx();
    JS::RootedValue v(cx);
    if (!get_utf8_prop(cx, exports_obj_, d.name, &v) || !v.isObject()) {
      JS_ClearPendingException(cx);
      return nullptr;
    }
    JS::RootedObject obj(cx, &v.toObject());
    switch (d.kind) {
      case ExternKind::Func: return wrap_func(engine_, obj, d.func);
      case ExternKind::Memory: return wrap_memory(engine_, obj, d.memory);
      case ExternKind::Table: return wrap_table(engine_, obj);
      case ExternKind::Global: return wrap_global(engine_, obj, d.global);
    }
    return nullptr;
  }

  SmEngine& engine_;
  JS::PersistentRootedObject exports_obj_;
  std::shared_ptr<SmModule> module_;
  std::vector<std::shared_ptr<Extern>> imports_;  // kept alive with the instance
  std::unordered_map<std::string, const ExternDesc*> by_name_;
  std::unordered_map<std::string, std::shared_ptr<Extern>> cache_;
};

}  // namespace

namespace {
std::atomic<uint64_t> next_engine_serial{1};

// Each compilation gets a URL of its own, which SpiderMonkey puts in the
// frames of its code: "wasm-rr-module-N.E", compilation N of engine E (the
// engine says whose code it is when another engine compiled it and it was
// adopted here: share, adopt), or "wasm-rr-module-kKEY" for code from the
// code cache, which keeps the URL it was compiled with: KEY is its bytes'.
constexpr std::string_view kModuleUrl = "wasm-rr-module-";

// WebAssembly.compileStreaming's source, for the code cache: the module's
// bytes, or its cached optimized code (SmEngine::StreamedCompile).
bool consume_stream(JSContext* cx, JS::HandleObject, JS::MimeType, JS::StreamConsumer* consumer) {
  auto* engine = static_cast<SmEngine*>(JS_GetContextPrivate(cx));
  SmEngine::StreamedCompile* job = engine ? engine->streamed_compile() : nullptr;
  if (!job) return false;
  std::string url = std::string(kModuleUrl) + job->url;
  consumer->noteResponseURLs(url.c_str(), nullptr);
  if (job->entry) {
    consumer->consumeOptimizedEncoding(job->entry->bytes().data(), job->entry->bytes().size());
    return true;
  }
  if (consumer->consumeChunk(job->bytes.data(), job->bytes.size())) consumer->streamEnd(job->listener);
  return true;
}

void report_stream_error(JSContext*, size_t) {}

// Puts a module's optimized code into the cache once SpiderMonkey has it
// (on one of its threads, possibly after the engine is gone).
class CacheStore final : public JS::OptimizedEncodingListener {
 public:
  CacheStore(const CodeCache& cache, std::string key, CodeCache::ModuleDigest module,
             std::shared_ptr<SmEngine::CacheFill> fill)
      : cache_(cache), key_(std::move(key)), module_(module), fill_(std::move(fill)) {
    std::lock_guard lock(fill_->mutex);
    fill_->pending++;
  }
  MozExternalRefCountType MOZ_XPCOM_ABI AddRef() override { return ++refs_; }
  MozExternalRefCountType MOZ_XPCOM_ABI Release() override {
    int left = --refs_;
    if (left == 0) delete this;
    return left;
  }
  void storeOptimizedEncoding(const uint8_t* bytes, size_t length) override {
    cache_.store(key_, module_, {bytes, length});
    finish(true);
  }

 private:
  ~CacheStore() { finish(false); }  // (released without its code: none came)
  void finish(bool stored) {
    std::lock_guard lock(fill_->mutex);
    if (finished_) return;
    finished_ = true;
    fill_->pending--;
    if (stored) fill_->stored++;
    fill_->done.notify_all();
  }
  const CodeCache& cache_;
  std::string key_;
  CodeCache::ModuleDigest module_;
  std::shared_ptr<SmEngine::CacheFill> fill_;
  std::atomic<int> refs_{0};
  bool finished_ = false;
};

}  // namespace

SmEngine::SmEngine(EngineOptions options) : options_(options), serial_(next_engine_serial++) {}

SmEngine::~SmEngine() {
  debugger_.reset();
  host_funcs_.clear();
  module_ctor_.reset();
  instance_ctor_.reset();
  memory_ctor_.reset();
  table_ctor_.reset();
  global_ctor_.reset();
  global_.reset();
  if (cx_) {
    if (realm_entered_) JS::LeaveRealm(cx_, old_realm_);
    JS_DestroyContext(cx_);
  }
  g_engines_alive--;
  t_engine_alive = false;
}

Result<void> SmEngine::init() {
  if (!init_process()) return make_error("JS_Init failed");
  cx_ = JS_NewContext(JS::DefaultHeapMaxBytes);
  if (!cx_) return make_error("JS_NewContext failed");
  set_stack_quota(cx_);
  JS_SetContextPrivate(cx_, this);
  // interrupt(): the callback ends the running code (returning false is an
  // uncatchable termination, which take_error() reports).
  JS_AddInterruptCallback(cx_, [](JSContext* cx) {
    auto* self = static_cast<SmEngine*>(JS_GetContextPrivate(cx));
    return !self || self->keep_running();
  });
  // The Debugger API runs its hooks with the job queue set aside, so there
  // must be one: SpiderMonkey's own. The code cache's streaming compilation
  // (compile_streaming) needs it too: the only promise jobs ever run here.
  if (!options_.debug && options_.optimizing_compiler) cache_ = CodeCache::get(options_.fill_code_cache);
  if ((options_.debug || cache_) && !js::UseInternalJobQueues(cx_)) return make_error("js::UseInternalJobQueues failed");
  if (cache_) JS::InitConsumeStreamCallback(cx_, consume_stream, report_stream_error);
  // Wasm on. Baseline only, unless asked for the optimizing tier: see
  // EngineOptions::optimizing_compiler for what each costs.
  JS::ContextOptionsRef(cx_).setWasm(true).setWasmBaseline(true).setWasmIon(options_.optimizing_compiler);
  std::span<const uint8_t> xdr = selfhosted_xdr();
  if (!JS::InitSelfHostedCode(cx_, JS::SelfHostedCache(xdr.data(), xdr.size())))
    return make_error("JS::InitSelfHostedCode failed");

  JS::RealmOptions options;
  JSObject* global = JS_NewGlobalObject(cx_, &kGlobalClass, nullptr, JS::FireOnNewGlobalHook, options);
  if (!global) return make_error("JS_NewGlobalObject failed");
  global_ = std::make_unique<JS::PersistentRootedObject>(cx_, global);
  old_realm_ = JS::EnterRealm(cx_, global);
  realm_entered_ = true;
  // No JS::InitRealmStandardClasses: the global's class resolves each
  // standard class when first used, and only WebAssembly (with Object and
  // Function) ever is; making all of them up front costs about 1 ms.
  if (!lookup_ctors()) return make_error("WebAssembly is not available: " + take_error().message);
  if (options_.debug) {
    debugger_ = std::make_unique<SmDebugger>(*this);
    if (auto r = debugger_->init(*global_); !r) return r.error();
  }
  return {};
}

Debugger* SmEngine::debugger() { return debugger_.get(); }

bool SmEngine::lookup_ctors() {
  JS::RootedValue v(cx_);
  if (!JS_GetProperty(cx_, *global_, "WebAssembly", &v) || !v.isObject()) return false;
  JS::RootedObject wasm(cx_, &v.toObject());
  auto get = [&](const char* name, std::unique_ptr<JS::PersistentRootedObject>& out) {
    JS::RootedValue c(cx_);
    if (!JS_GetProperty(cx_, wasm, name, &c) || !c.isObject()) return false;
    out = std::make_unique<JS::PersistentRootedObject>(cx_, &c.toObject());
    return true;
  };
  return get("Module", module_ctor_) && get("Instance", instance_ctor_) && get("Memory", memory_ctor_) &&
         get("Table", table_ctor_) && get("Global", global_ctor_);
}

bool SmEngine::construct(JS::HandleObject ctor, const JS::HandleValueArray& args, JS::MutableHandleObject out) {
  JS::RootedValue c(cx_, JS::ObjectValue(*ctor));
  return JS::Construct(cx_, c, args, out);
}

Func::CallError SmEngine::take_error() {
  Func::CallError err;
  if (pending_host_exception_) {
    err.host_exception = std::exchange(pending_host_exception_, nullptr);
    err.backtrace = std::exchange(pending_backtrace_, {});
    err.message = "host function threw";
    JS_ClearPendingException(cx_);
    return err;
  }
  if (!JS_IsExceptionPending(cx_)) {
    err.message = terminated_by_interrupt_ ? Engine::kInterruptedMessage
                                          : "execution terminated (uncatchable SpiderMonkey error)";
    terminated_by_interrupt_ = false;
    err.backtrace = {};
    return err;
  }
  JS::RootedValue exn(cx_);
  JS_GetPendingException(cx_, &exn);
  JS_ClearPendingException(cx_);
  if (!exn.isObject()) {
    err.message = to_utf8(cx_, exn);
    return err;
  }
  JS::RootedObject obj(cx_, &exn.toObject());
  JS::RootedValue message(cx_), stack(cx_);
  if (JS_GetProperty(cx_, obj, "message", &message) && message.isString()) {
    err.message = to_utf8(cx_, message);
  } else {
    err.message = to_utf8(cx_, exn);
  }
  if (JS_GetProperty(cx_, obj, "stack", &stack) && stack.isString()) {
    err.backtrace = parse_stack(to_utf8(cx_, stack));
  }
  JS_ClearPendingException(cx_);
  return err;
}

std::vector<Frame> SmEngine::guest_backtrace() {
  JS::RootedObject stack(cx_);
  JS::RootedString text(cx_);
  if (!JS::CaptureCurrentStack(cx_, &stack) || !JS::BuildStackString(cx_, nullptr, stack, &text)) {
    JS_ClearPendingException(cx_);
    return {};
  }
  JS::RootedValue v(cx_, JS::StringValue(text));
  std::vector<Frame> frames = parse_stack(to_utf8(cx_, v));
  // The innermost frame is the call of the imported function itself, at
  // offset 0 (no code of its own): the caller's frame says where the call is.
  if (!frames.empty() && frames.front().offset == 0) frames.erase(frames.begin());
  return frames;
}

Frame SmEngine::parse_frame(std::string_view line) const {
  Frame f;
  auto parts = split_frame(line);
  if (!parts) return f;
  f.function_name = std::string(parts->name);
  f.function_index = parts->function_index;
  int64_t offset = parts->offset;
  if (size_t at = parts->url.find(kModuleUrl); at != std::string_view::npos) {
    // (SpiderMonkey may append to it, e.g. " line 1 > WebAssembly.Module".)
    std::string_view url = parts->url.substr(at + kModuleUrl.size());
    url = url.substr(0, url.find(' '));
    const char* end = url.data() + url.size();
    size_t k = 0;
    uint64_t engine = 0;
    auto r = std::from_chars(url.data(), end, k);
    if (r.ec == std::errc() && r.ptr != end && *r.ptr == '.') r = std::from_chars(r.ptr + 1, end, engine);
    const CompiledCode* code = nullptr;
    if (r.ec == std::errc() && r.ptr == end && engine == serial_) {
      if (k < compiled_code_.size()) code = &compiled_code_[k];
    } else if (auto it = code_by_url_.find(url); it != code_by_url_.end()) {
      code = &it->second;
    }
    if (code) {
      f.module = code->owner;
      offset += code->offset_shift;
    }
  }
  f.offset = static_cast<uint32_t>(std::max<int64_t>(offset, 0));
  return f;
}

std::vector<Frame> SmEngine::parse_stack(const std::string& stack) const {
  std::vector<Frame> frames;
  for (size_t start = 0; start < stack.size();) {
    size_t nl = std::min(stack.find('\n', start), stack.size());
    std::string_view line(stack.data() + start, nl - start);
    if (split_frame(line)) frames.push_back(parse_frame(line));
    start = nl + 1;
  }
  return frames;
}

// `new WebAssembly.Module(bytes)` called from a function whose file name is
// the compilation's URL: SpiderMonkey names the module after its caller.
bool SmEngine::construct_module(size_t url_number, const JS::HandleValueArray& args, JS::MutableHandleObject out) {
  std::string url = fmt::format("{}{}.{}", kModuleUrl, url_number, serial_);
  JS::CompileOptions options(cx_);
  options.setFileAndLine(url.c_str(), 1);
  static constexpr std::string_view kBody = "return new WebAssembly.Module(bytes);";
  JS::SourceText<mozilla::Utf8Unit> source;
  if (!source.init(cx_, kBody.data(), kBody.size(), JS::SourceOwnership::Borrowed)) return false;
  const char* arg_names[] = {"bytes"};
  JS::RootedObjectVector env(cx_);
  JS::RootedFunction compile(cx_, JS::CompileFunction(cx_, env, options, "compile", 1, arg_names, source));
  if (!compile) return false;
  JS::RootedValue module(cx_);
  JS::RootedObject this_object(cx_);  // null: called without a `this`
  if (!JS::Call(cx_, this_object, compile, args, &module) || !module.isObject()) return false;
  out.set(&module.toObject());
  return true;
}

Result<JSObject*> SmEngine::compile_js(std::span<const uint8_t> bytes, const binary::ModuleInfo& info,
                                      SmModule* owner, size_t code_begin) {
  const binary::Section* code = info.code_section();
  int64_t offset_shift = code ? static_cast<int64_t>(code_begin) - static_cast<int64_t>(code->content_begin) : 0;
  if (cache_)
    if (auto cached = compile_with_cache(bytes, owner, offset_shift); cached && *cached) return *cached;
  compiled_code_.push_back({owner, offset_shift});
  owner->url = fmt::format("{}.{}", compiled_code_.size() - 1, serial_);
  owner->offset_shift = compiled_code_.back().offset_shift;
  if (debugger_) debugger_->compiled(compiled_code_.size() - 1, *owner, compiled_code_.back().offset_shift);
  // The module's bytes are lent to the ArrayBuffer, not copied (tens of MB
  // for an interpreter): `new WebAssembly.Module` copies what it keeps, and
  // the buffer is detached before the bytes can go away.
  JS::RootedObject buffer(cx_, JS::NewArrayBufferWithUserOwnedContents(cx_, bytes.size(),
                                                                       const_cast<uint8_t*>(bytes.data())));
  if (!buffer) return make_error("out of memory lending the module's bytes");
  JS::RootedValueArray<1> args(cx_);
  args[0].setObject(*buffer);
  JS::RootedObject module(cx_);
  bool compiled = construct_module(compiled_code_.size() - 1, args, &module);
  std::string sm_message = compiled ? std::string() : take_error().message;
  if (!JS::DetachArrayBuffer(cx_, buffer)) return make_error("cannot take back the module's bytes: " + take_error().message);
  if (compiled) return module.get();
  if (auto feature = binary::find_unsupported_instruction(bytes, info)) {
    return make_error(*feature + " (SpiderMonkey: " + sm_message + ")");
  }
  return make_error("compile error: " + sm_message);
}

// The code cache (engine/code_cache.h): the module's optimized code from the
// cache if it is there; else, with fill_code_cache, compiled by streaming so
// that its optimized code goes there. Null: neither, compile as usual. The
// module's URL is its key, the same in the process that filled the cache
// and in every one that reads it.
Result<JSObject*> SmEngine::compile_with_cache(std::span<const uint8_t> bytes, SmModule* owner, int64_t offset_shift) {
  std::string key = CodeCache::key(bytes);
  StreamedCompile job{bytes, nullptr, nullptr, "k" + key};
  std::unique_ptr<CodeCache::Entry> entry = cache_->load(key);
  // Which module an entry is for is the module's SHA-256, 1 ms per 2 MB:
  // for a large module (an interpreter's tens of MB) it is computed on
  // another thread while SpiderMonkey reads the entry.
  static constexpr size_t kDigestAside = size_t{1} << 20;
  std::optional<CodeCache::ModuleDigest> digest;
  JSObject* compiled = nullptr;
  if (entry) {
    std::future<CodeCache::ModuleDigest> aside;
    if (bytes.size() >= kDigestAside)
      aside = std::async(std::launch::async, [bytes] { return CodeCache::module_digest(bytes); });
    job.entry = entry.get();
    auto r = compile_streaming(job);
    digest = aside.valid() ? aside.get() : CodeCache::module_digest(bytes);
    if (r && entry->is_for(*digest)) compiled = *r;  // else what was read is never instantiated
    else cache_->forget(key);  // another SpiderMonkey's, another module's, or damaged: replaced when filled again
    job.entry = nullptr;
  }
  if (!compiled && options_.fill_code_cache) {
    if (!digest) digest = CodeCache::module_digest(bytes);
    RefPtr<JS::OptimizedEncodingListener> store = new CacheStore(*cache_, key, *digest, fill_);
    job.listener = store.get();
    auto r = compile_streaming(job);
    if (!r) return r.error();
    compiled = *r;
  }
  if (!compiled) return nullptr;
  owner->url = job.url;
  owner->offset_shift = offset_shift;
  code_by_url_[job.url] = {owner, offset_shift};
  return compiled;
}

// `WebAssembly.compileStreaming(source)`, its source being consume_stream's
// job; the promise is settled by running the jobs it queued.
Result<JSObject*> SmEngine::compile_streaming(StreamedCompile job) {
  streaming_ = &job;
  struct Done {
    SmEngine& e;
    ~Done() { e.streaming_ = nullptr; }
  } done{*this};
  std::string url = std::string(kModuleUrl) + job.url;
  JS::CompileOptions options(cx_);
  options.setFileAndLine(url.c_str(), 1);
  static constexpr std::string_view kBody = "return WebAssembly.compileStreaming({});";
  JS::SourceText<mozilla::Utf8Unit> source;
  if (!source.init(cx_, kBody.data(), kBody.size(), JS::SourceOwnership::Borrowed)) return make_error(take_error().message);
  JS::RootedObjectVector env(cx_);
  JS::RootedFunction compile(cx_, JS::CompileFunction(cx_, env, options, "compileStreaming", 0, nullptr, source));
  JS::RootedValue result(cx_);
  JS::RootedObject this_object(cx_);
  if (!compile || !JS::Call(cx_, this_object, compile, JS::HandleValueArray::empty(), &result) || !result.isObject())
    return make_error("compileStreaming: " + take_error().message);
  JS::RootedObject promise(cx_, &result.toObject());
  js::RunJobs(cx_);
  if (JS::GetPromiseState(promise) != JS::PromiseState::Fulfilled || !JS::GetPromiseResult(promise).isObject()) {
    JS_ClearPendingException(cx_);
    return make_error("the streaming compilation failed");
  }
  return &JS::GetPromiseResult(promise).toObject();
}

Result<size_t> SmEngine::wait_for_code_cache(std::chrono::seconds limit) {
  if (!cache_) return make_error("the code cache is off (WASMRR_CODE_CACHE=off, no usable directory, or not the optimizing compiler)");
  if (!options_.fill_code_cache) return make_error("the engine was not made to fill the code cache");
  std::unique_lock lock(fill_->mutex);
  if (!fill_->done.wait_for(lock, limit, [&] { return fill_->pending == 0; }))
    return make_error(fmt::format("the optimized code of {} module(s) was not ready after {} s", fill_->pending, limit.count()));
  return fill_->stored;
}

Result<std::shared_ptr<Module>> SmEngine::compile(std::span<const uint8_t> bytes) {
  const std::span<const uint8_t> original = bytes;
  auto info = binary::parse_module(bytes);
  if (!info) return make_error("invalid module: " + info.error().message);
  const binary::Section* code = info->code_section();
  size_t code_begin = code ? code->content_begin : 0;  // where frame offsets are counted from
  std::vector<uint8_t> capped;
  if (options_.max_memory_pages) {
    auto r = cap_memories(bytes, *info, *options_.max_memory_pages);
    if (!r) return r.error();
    if (r->size() != bytes.size() || !std::equal(r->begin(), r->end(), bytes.begin())) {
      capped = std::move(*r);
      bytes = capped;
      info = binary::parse_module(bytes);  // section offsets moved
      if (!info) return make_error("invalid module after capping its memory: " + info.error().message);
    }
  }
  std::vector<binary::FunctionCode> functions;
  std::vector<std::pair<uint32_t, std::string>> names;
  if (debugger_) {  // from the original bytes: the debugger speaks in their offsets
    auto code_info = binary::parse_module(original);
    if (!code_info) return make_error("invalid module: " + code_info.error().message);
    auto bodies = binary::function_code(original, *code_info);
    if (!bodies) return make_error("invalid module: " + bodies.error().message);
    functions = std::move(*bodies);
    names = binary::function_names(original, *code_info);
    std::sort(names.begin(), names.end());
  }
  auto module = std::make_shared<SmModule>(cx_, std::move(*info));
  module->code_begin = code_begin;
  module->functions = std::move(functions);
  module->names = std::move(names);
  if (module->needs_folding()) {
    // Compiled in instantiate(), once the imported globals' values are known.
    module->bytes.assign(bytes.begin(), bytes.end());
    return std::shared_ptr<Module>(module);
  }
  auto compiled = compile_js(bytes, module->info, module.get(), code_begin);
  if (!compiled) return compiled.error();
  module->compiled = *compiled;
  return std::shared_ptr<Module>(module);
}

namespace {

// A module another engine compiled: its code, or (a module compiled only at
// instantiation, once its imported globals are known) its bytes.
struct SmSharedModule final : SharedModule {
  RefPtr<JS::WasmModule> code;  // null: compiled at instantiation
  binary::ModuleInfo info;
  size_t code_begin = 0;
  std::vector<uint8_t> bytes;  // only without `code`
  std::string url;             // `code`'s (parse_frame)
  int64_t offset_shift = 0;
  std::optional<uint64_t> max_memory_pages;  // the options `code` was compiled under
  bool optimizing_compiler = true;
};

}  // namespace

std::shared_ptr<const SharedModule> SmEngine::share(const std::shared_ptr<Module>& module_base) {
  auto module = std::dynamic_pointer_cast<SmModule>(module_base);
  if (!module || debugger_) return nullptr;
  auto shared = std::make_shared<SmSharedModule>();
  shared->info = module->info;
  shared->code_begin = module->code_begin;
  shared->max_memory_pages = options_.max_memory_pages;
  shared->optimizing_compiler = options_.optimizing_compiler;
  if (module->needs_folding()) {
    shared->bytes = module->bytes;
    return shared;
  }
  JS::RootedObject object(cx_, module->compiled);
  shared->code = JS::GetWasmModule(object);
  if (!shared->code) return nullptr;
  shared->url = module->url;
  shared->offset_shift = module->offset_shift;
  return shared;
}

Result<std::shared_ptr<Module>> SmEngine::adopt(const SharedModule& shared_base) {
  const auto* shared = dynamic_cast<const SmSharedModule*>(&shared_base);
  if (!shared) return make_error("the shared module is not SpiderMonkey's");
  if (debugger_) return make_error("a debugging engine compiles its own code (its code is instrumented)");
  if (shared->max_memory_pages != options_.max_memory_pages || shared->optimizing_compiler != options_.optimizing_compiler)
    return make_error("the shared module was compiled under other engine options (memory cap, compiler)");
  auto module = std::make_shared<SmModule>(cx_, shared->info);
  module->code_begin = shared->code_begin;
  if (!shared->code) {
    module->bytes = shared->bytes;
    return std::shared_ptr<Module>(module);
  }
  JSObject* object = shared->code->createObject(cx_);
  if (!object) return make_error("cannot adopt a shared module: " + take_error().message);
  module->compiled = object;
  module->url = shared->url;
  module->offset_shift = shared->offset_shift;
  code_by_url_[shared->url] = {module.get(), shared->offset_shift};
  return std::shared_ptr<Module>(module);
}

namespace {

// Reads the values of the imported globals, in import order, for folding.
std::vector<std::optional<CoreVal>> imported_global_values(const SmModule& module,
                                                           const std::vector<std::shared_ptr<Extern>>& values) {
  std::vector<std::optional<CoreVal>> out;
  const auto& imports = module.imports();
  for (size_t i = 0; i < imports.size(); ++i) {
    if (imports[i].kind != ExternKind::Global) continue;
    auto* g = dynamic_cast<Global*>(values[i].get());
    out.push_back(g ? std::optional<CoreVal>(g->get()) : std::nullopt);
  }
  return out;
}

bool same_values(const std::vector<std::optional<CoreVal>>& a, const std::vector<std::optional<CoreVal>>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].has_value() != b[i].has_value() || (a[i] && a[i]->bits != b[i]->bits)) return false;
  }
  return true;
}

}  // namespace

Result<JSObject*> SmEngine::build_import_object(const SmModule& module, const std::vector<Import>& imports,
                                                std::vector<std::shared_ptr<Extern>>* values) {
  std::map<std::pair<std::string_view, std::string_view>, const Import*> given;
  for (const Import& imp : imports) given[{imp.module, imp.name}] = &imp;
  JS::RootedObject import_obj(cx_, JS_NewPlainObject(cx_));
  if (!import_obj) return make_error("out of memory");
  for (const ExternDesc& want : module.imports()) {
    auto it = given.find({want.module, want.name});
    if (it == given.end() || !it->second->value) {
      return make_error(fmt::format("missing import {}#{} ({})", want.module, want.name, extern_kind_name(want.kind)));
    }
    const auto& value = it->second->value;
    if (auto mismatch = check_import(want, *value)) {
      return make_error(fmt::format("import {}#{}: {}", want.module, want.name, *mismatch));
    }
    auto* backed = dynamic_cast<JsBacked*>(value.get());
    if (!backed) return make_error(fmt::format("import {}#{}: not made by this engine", want.module, want.name));
    JS::RootedObject ns(cx_);
    JS::RootedValue v(cx_, JS::ObjectValue(*backed->js_object()));
    if (!namespace_object(import_obj, want.module, &ns) || !set_utf8_prop(cx_, ns, want.name, v)) {
      return make_error("import object: " + take_error().message);
    }
    values->push_back(value);
  }
  return import_obj.get();
}

bool SmEngine::namespace_object(JS::HandleObject import_obj, const std::string& name, JS::MutableHandleObject out) {
  JS::RootedValue ns(cx_);
  if (!get_utf8_prop(cx_, import_obj, name, &ns)) return false;
  if (ns.isObject()) {
    out.set(&ns.toObject());
    return true;
  }
  out.set(JS_NewPlainObject(cx_));
  if (!out) return false;
  ns.setObject(*out);
  return set_utf8_prop(cx_, import_obj, name, ns);
}

Result<void> SmEngine::compile_folded(SmModule& module, const std::vector<std::shared_ptr<Extern>>& values) {
  auto globals = imported_global_values(module, values);
  if (module.compiled && same_values(globals, module.folded_for)) return {};
  auto folded = fold_extended_const(module.bytes, module.info, globals);
  if (!folded) return folded.error();
  auto folded_info = binary::parse_module(*folded);  // the folded initializers moved the code section
  if (!folded_info) return make_error("invalid module after folding its constants: " + folded_info.error().message);
  auto compiled = compile_js(*folded, *folded_info, &module, module.code_begin);
  if (!compiled) return compiled.error();
  module.compiled = *compiled;
  module.folded_for = std::move(globals);
  return {};
}

Result<std::shared_ptr<Instance>> SmEngine::instantiate(const std::shared_ptr<Module>& module_base,
                                                        const std::vector<Import>& imports) {
  auto module = std::dynamic_pointer_cast<SmModule>(module_base);
  if (!module) return make_error("module was not compiled by this engine");
  std::vector<std::shared_ptr<Extern>> values;
  auto import_obj_result = build_import_object(*module, imports, &values);
  if (!import_obj_result) return import_obj_result.error();
  JS::RootedObject import_obj(cx_, *import_obj_result);
  if (module->needs_folding()) WASMRR_TRY(compile_folded(*module, values));

  JS::RootedValueArray<2> args(cx_);
  args[0].setObject(*module->compiled);
  args[1].setObject(*import_obj);
  JS::RootedObject instance(cx_);
  if (!construct(instance_ctor(), args, &instance)) return instantiation_error(*module);
  JS::RootedValue exports(cx_);
  if (!JS_GetProperty(cx_, instance, "exports", &exports) || !exports.isObject()) {
    return make_error("instance has no exports object");
  }
  JS::RootedObject exports_obj(cx_, &exports.toObject());
  return std::shared_ptr<Instance>(std::make_shared<SmInstance>(*this, exports_obj, module, std::move(values)));
}

Error SmEngine::instantiation_error(const SmModule& module) {
  Func::CallError err = take_error();
  std::string msg = "instantiation failed: " + err.message + name_link_error_import(err.message, module.imports());
  if (err.host_exception) {
    // A host function called by the start function threw. An Abort (a
    // debugger going back, a replay's divergence) is no instantiation error:
    // it goes on up, as from any other call.
    try {
      std::rethrow_exception(err.host_exception);
    } catch (const Abort&) {
      throw;
    } catch (const std::exception& e) {
      msg += std::string(" (in the start function: ") + e.what() + ")";
    } catch (...) {
    }
  }
  return make_error(msg);
}

std::shared_ptr<Func> SmEngine::host_function(const CoreFuncType& type, HostFunction body, std::string debug_name) {
  HostFuncData& data = host_funcs_.emplace_back(HostFuncData{this, type, std::move(body), std::move(debug_name)});
  JS::RootedObject fn(cx_, new_host_js_function(*this, &data));
  if (!fn) return nullptr;
  return wrap_func(*this, fn, type);
}

Result<std::shared_ptr<Memory>> SmEngine::new_memory(const MemoryType& requested) {
  MemoryType type = requested;
  if (auto cap = options_.max_memory_pages; cap && exceeds_cap(type.limits, *cap)) {
    if (type.limits.min > *cap)
      return make_error(fmt::format("new memory: {} pages initially, more than the memory limit of {} pages",
                                    type.limits.min, *cap));
    type.limits.has_max = true;
    type.limits.max = *cap;
  }
  JS::RootedObject desc(cx_, limits_descriptor(cx_, type.limits));
  if (!desc) return make_error("new memory: " + take_error().message);
  if (type.shared) {
    JS::RootedValue t(cx_, JS::TrueValue());
    if (!set_prop(cx_, desc, "shared", t)) return make_error("new memory: " + take_error().message);
  }
  JS::RootedValueArray<1> args(cx_);
  args[0].setObject(*desc);
  JS::RootedObject mem(cx_);
  if (!construct(*memory_ctor_, args, &mem)) return make_error("new memory: " + take_error().message);
  return wrap_memory(*this, mem, type);
}

Result<std::shared_ptr<Table>> SmEngine::new_table(const TableType& type) {
  JS::RootedObject desc(cx_, limits_descriptor(cx_, type.limits));
  if (!desc || !set_string(cx_, desc, "element", js_type_name(type.elem))) {
    return make_error("new table: " + take_error().message);
  }
  JS::RootedValueArray<1> args(cx_);
  args[0].setObject(*desc);
  JS::RootedObject table(cx_);
  if (!construct(*table_ctor_, args, &table)) return make_error("new table: " + take_error().message);
  return wrap_table(*this, table);
}

Result<std::shared_ptr<Global>> SmEngine::new_global(const GlobalType& type, CoreVal init) {
  JS::RootedObject desc(cx_, JS_NewPlainObject(cx_));
  JS::RootedValue mut(cx_, JS::BooleanValue(type.mutable_));
  if (!desc || !set_string(cx_, desc, "value", js_type_name(type.type)) || !set_prop(cx_, desc, "mutable", mut)) {
    return make_error("new global: " + take_error().message);
  }
  JS::RootedValueArray<2> args(cx_);
  args[0].setObject(*desc);
  if (!to_js(cx_, type.type, init, args[1])) return make_error("new global: " + take_error().message);
  JS::RootedObject global(cx_);
  if (!construct(*global_ctor_, args, &global)) return make_error("new global: " + take_error().message);
  return wrap_global(*this, global, type);
}

}  // namespace sm

namespace sm {
void SmEngine::retire_host_functions(size_t mark) {
  for (size_t i = mark; i < host_funcs_.size(); i++) host_funcs_[i].body = nullptr;
}

void SmEngine::collect_garbage() {
  if (cx_) JS_GC(cx_, JS::GCReason::API);
}

void SmEngine::interrupt() {
  interrupted_.store(true);
  if (cx_) JS_RequestInterruptCallback(cx_);
}
}  // namespace sm

Result<std::unique_ptr<Engine>> create_engine(const EngineOptions& options) {
  if (sm::t_engine_alive) return make_error("a SpiderMonkey engine already exists on this thread");
  auto engine = std::make_unique<sm::SmEngine>(options);
  sm::g_engines_alive++;
  sm::t_engine_alive = true;
  if (auto r = engine->init(); !r) return r.error();
  return std::unique_ptr<Engine>(std::move(engine));
}

}  // namespace wasmrr::engine
