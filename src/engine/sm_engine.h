// Private to src/engine: the SpiderMonkey implementation's shared pieces.
// Nothing outside this directory includes it (it pulls in jsapi.h).
#pragma once

#include <jsapi.h>
#include <js/CallArgs.h>
#include <js/RootingAPI.h>
#include <js/StreamConsumer.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <exception>
#include <deque>
#include <list>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/code_cache.h"
#include "engine/engine.h"
#include "engine/wasm_binary.h"

namespace wasmrr::engine::sm {

// Every extern made by this engine is backed by a JS object
// (a WebAssembly.Memory/Table/Global or a function).
class JsBacked {
 public:
  virtual ~JsBacked() = default;
  virtual JSObject* js_object() const = 0;
};

class SmEngine;
class SmDebugger;

// A compiled module. One that uses extended-const keeps its bytes and is
// compiled by instantiate(), once the imported globals' values are known.
struct SmModule final : public Module {
  SmModule(JSContext* cx, binary::ModuleInfo info) : info(std::move(info)), compiled(cx) {}

  const std::vector<ExternDesc>& imports() const override { return info.imports; }
  const std::vector<ExternDesc>& exports() const override { return info.exports; }
  bool needs_folding() const { return !info.extended_exprs.empty(); }

  binary::ModuleInfo info;
  size_t code_begin = 0;       // the code section's content, in the bytes given to compile()
  std::vector<uint8_t> bytes;  // only when compilation waits for folding
  // The WebAssembly.Module; when folding, the one compiled for `folded_for`
  // (the imported globals' values).
  JS::PersistentRootedObject compiled;
  std::vector<std::optional<CoreVal>> folded_for;
  // Its code's URL, after "wasm-rr-module-" (SmEngine::parse_frame), and how
  // far its code section moved in the bytes compiled: for share().
  std::string url;
  int64_t offset_shift = 0;
  // Only when debugging: the bodies (offsets in the original bytes) and names
  // of its functions, for the debugger's frames and breakpoints.
  std::vector<binary::FunctionCode> functions;
  std::vector<std::pair<uint32_t, std::string>> names;  // sorted by index
};

// What a host function's JS wrapper needs; owned by the engine so that it
// outlives every wasm instance that may still call it.
struct HostFuncData {
  SmEngine* engine = nullptr;
  CoreFuncType type;
  HostFunction body;
  std::string name;
};

class SmEngine final : public Engine {
 public:
  explicit SmEngine(EngineOptions options);
  ~SmEngine() override;
  Result<void> init();

  Result<std::shared_ptr<Module>> compile(std::span<const uint8_t> bytes) override;
  Result<std::shared_ptr<Instance>> instantiate(const std::shared_ptr<Module>& module,
                                                const std::vector<Import>& imports) override;
  std::shared_ptr<const SharedModule> share(const std::shared_ptr<Module>& module) override;
  Result<std::shared_ptr<Module>> adopt(const SharedModule& shared) override;
  std::shared_ptr<Func> host_function(const CoreFuncType& type, HostFunction body, std::string debug_name) override;
  Result<std::shared_ptr<Memory>> new_memory(const MemoryType& type) override;
  Result<std::shared_ptr<Table>> new_table(const TableType& type) override;
  Result<std::shared_ptr<Global>> new_global(const GlobalType& type, CoreVal init) override;
  std::vector<Frame> guest_backtrace() override;
  Debugger* debugger() override;
  void interrupt() override;
  void clear_interrupt() override { interrupted_.store(false); }
  size_t host_function_mark() const override { return host_funcs_.size(); }
  void retire_host_functions(size_t mark) override;
  void collect_garbage() override;
  // The interrupt callback: false (end the code) if interrupt() asked.
  bool keep_running() {
    if (!interrupted_.exchange(false)) return true;
    terminated_by_interrupt_ = true;
    return false;
  }

  JSContext* cx() const { return cx_; }

  // Compiles bytes with `new WebAssembly.Module`; on failure the message
  // names the unsupported proposal if there is one. The code belongs to
  // `owner`, whose original binary has its code section at `code_begin`
  // (the bytes compiled may be a rewritten copy: capped, folded); owner
  // learns its URL (SmModule::url). From the code cache
  // (engine/code_cache.h) if it has the code, and into it if not.
  Result<JSObject*> compile_js(std::span<const uint8_t> bytes, const binary::ModuleInfo& info, SmModule* owner,
                               size_t code_begin);
  Result<size_t> wait_for_code_cache(std::chrono::seconds limit) override;

  // A compilation by streaming (WebAssembly.compileStreaming), the only one
  // that reads and writes optimized encodings: what the stream consumer
  // callback hands SpiderMonkey.
  struct StreamedCompile {
    std::span<const uint8_t> bytes;
    const CodeCache::Entry* entry = nullptr;            // the cached code, consumed instead of the bytes
    JS::OptimizedEncodingListener* listener = nullptr;  // where the optimized code goes, when it is ready
    std::string url;
  };
  StreamedCompile* streamed_compile() const { return streaming_; }
  // EngineOptions::fill_code_cache: the encodings on their way (shared with
  // the listeners, which SpiderMonkey may release after the engine is gone).
  struct CacheFill {
    std::mutex mutex;
    std::condition_variable done;
    int pending = 0;
    size_t stored = 0;
  };

  // A frame of SpiderMonkey's stack text ("name@URL:wasm-function[N]:0xOFF"),
  // its module known by the URL compile_js gave it.
  Frame parse_frame(std::string_view text) const;
  std::vector<Frame> parse_stack(const std::string& stack) const;

  // Takes the pending JS exception (or the captured host exception) after a
  // failed call into SpiderMonkey and describes it.
  Func::CallError take_error();

  // A host function threw: keep the exception until the call into wasm
  // returns (it is never unwound through SpiderMonkey frames), with the
  // guest's frames at the call when the host traps the guest.
  void stash_host_exception(std::exception_ptr e, std::vector<Frame> backtrace) {
    pending_host_exception_ = std::move(e);
    pending_backtrace_ = std::move(backtrace);
  }

  bool construct_module(size_t url_number, const JS::HandleValueArray& args, JS::MutableHandleObject out);

  // Constructs `new WebAssembly.<ctor>(args...)`.
  bool construct(JS::HandleObject ctor, const JS::HandleValueArray& args, JS::MutableHandleObject out);

  JS::HandleObject module_ctor() const { return *module_ctor_; }
  JS::HandleObject instance_ctor() const { return *instance_ctor_; }

 private:
  std::atomic<bool> interrupted_{false};  // interrupt() asked; the interrupt callback ends the code
  bool terminated_by_interrupt_ = false;  // ... and did: take_error() says so
  bool lookup_ctors();
  // Builds {module: {name: value}} for `new WebAssembly.Instance`, checking
  // each declared import; `values` gets them in declaration order.
  Result<JSObject*> build_import_object(const SmModule& module, const std::vector<Import>& imports,
                                        std::vector<std::shared_ptr<Extern>>* values);
  bool namespace_object(JS::HandleObject import_obj, const std::string& name, JS::MutableHandleObject out);
  // Folds extended-const with the imported globals' values and compiles.
  Result<void> compile_folded(SmModule& module, const std::vector<std::shared_ptr<Extern>>& values);
  Error instantiation_error(const SmModule& module);

  EngineOptions options_;
  JSContext* cx_ = nullptr;
  JS::Realm* old_realm_ = nullptr;
  bool realm_entered_ = false;
  // Roots are held through unique_ptr so they can be released before the
  // context is destroyed.
  std::unique_ptr<JS::PersistentRootedObject> global_;
  std::unique_ptr<JS::PersistentRootedObject> module_ctor_, instance_ctor_, memory_ctor_, table_ctor_,
      global_ctor_;
  std::exception_ptr pending_host_exception_;
  std::vector<Frame> pending_backtrace_;
  // What each compilation's URL names: the module, and how far its code
  // section moved in the bytes compiled (offsets are given in the original's).
  struct CompiledCode {
    const Module* owner;
    int64_t offset_shift;
  };
  std::vector<CompiledCode> compiled_code_;  // by URL number, this engine's compilations
  // Code whose URL is no number of this engine's ("N.E" of engine E, adopted
  // here; "k<key>" from the code cache), by URL; the latest of one URL wins.
  std::map<std::string, CompiledCode, std::less<>> code_by_url_;
  const uint64_t serial_;  // this engine's number in the process, in its code's URLs
  std::deque<HostFuncData> host_funcs_;  // a deque: references to its elements stay valid as it grows
  std::unique_ptr<SmDebugger> debugger_;  // EngineOptions::debug
  // The code cache, when this engine uses it (optimizing, not debugging).
  Result<JSObject*> compile_streaming(StreamedCompile job);
  Result<JSObject*> compile_with_cache(std::span<const uint8_t> bytes, SmModule* owner, int64_t offset_shift);
  const CodeCache* cache_ = nullptr;
  StreamedCompile* streaming_ = nullptr;
  std::shared_ptr<CacheFill> fill_ = std::make_shared<CacheFill>();
};

// Value conversion between core values and JS values, as the WebAssembly JS
// API does it: i32/f32/f64 as Number, i64 as BigInt. Reference types cross
// as null (wasm-rr never passes references through the host boundary).
bool to_js(JSContext* cx, CoreType type, CoreVal v, JS::MutableHandleValue out);
bool from_js(JSContext* cx, CoreType type, JS::HandleValue v, CoreVal* out);
// The WebAssembly JS API name of a value type ("i32", "anyfunc", ...).
const char* js_type_name(CoreType type);

// The parts of one line of a SpiderMonkey stack string that is a wasm frame.
struct StackFrameText {
  std::string_view name, url;
  uint32_t function_index = 0;
  uint32_t offset = 0;
};
std::optional<StackFrameText> split_frame(std::string_view line);

// Wrappers for the JS objects, used by spidermonkey.cpp.
std::shared_ptr<Func> wrap_func(SmEngine& engine, JS::HandleObject fn, const CoreFuncType& type);
std::shared_ptr<Memory> wrap_memory(SmEngine& engine, JS::HandleObject memory, const MemoryType& type);
std::shared_ptr<Table> wrap_table(SmEngine& engine, JS::HandleObject table);
std::shared_ptr<Global> wrap_global(SmEngine& engine, JS::HandleObject global, const GlobalType& type);
// A JS function that calls `data` (the native trampoline with `data` in its
// reserved slot).
JSObject* new_host_js_function(SmEngine& engine, HostFuncData* data);

}  // namespace wasmrr::engine::sm
