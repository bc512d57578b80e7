// The engine interface: everything wasm-rr needs from a core WebAssembly
// engine, and nothing more. The only implementation is SpiderMonkey 102
// (spidermonkey.cpp); no SpiderMonkey type or header appears outside src/engine/.
//
// Threading: one Engine per thread; all objects belong to the Engine that made
// them and must be destroyed before it.
#pragma once

#include <cstddef>
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "util/core_val.h"
#include "util/result.h"

namespace wasmrr::engine {

enum class ExternKind : uint8_t { Func, Table, Memory, Global };

std::string_view extern_kind_name(ExternKind k);

struct Limits {
  uint64_t min = 0;
  bool has_max = false;
  uint64_t max = 0;
};

struct TableType {
  CoreType elem = CoreType::FuncRef;
  Limits limits;
};

struct MemoryType {
  Limits limits;  // in 64 KiB pages
  bool shared = false;
};

struct GlobalType {
  CoreType type = CoreType::I32;
  bool mutable_ = false;
};

// An import or export of a core module, as declared in the module.
struct ExternDesc {
  std::string module;  // empty for exports
  std::string name;
  ExternKind kind = ExternKind::Func;
  CoreFuncType func;   // kind == Func
  TableType table;     // kind == Table
  MemoryType memory;   // kind == Memory
  GlobalType global;   // kind == Global
};

class Extern {
 public:
  virtual ~Extern() = default;
  virtual ExternKind kind() const = 0;
};

class Module;
class Debugger;

// One guest frame of a backtrace.
struct Frame {
  const Module* module = nullptr;  // the compiled module whose code it is; null: unknown
  uint32_t function_index = 0;     // in the module's function index space
  uint32_t offset = 0;             // byte offset in the module's binary, as given to compile()
  std::string function_name;       // from the name section; empty without one

  // "name@wasm-function[N]:0xOFFSET" (without a name: "wasm-function[N]:0xOFFSET").
  std::string text() const;
};

class Func : public Extern {
 public:
  ExternKind kind() const override { return ExternKind::Func; }
  virtual const CoreFuncType& type() const = 0;
  // Calls the function. A wasm trap or a host exception ends the call with an
  // error; a C++ exception thrown by a host function called underneath (Trap,
  // ExitRequest, ...) is not unwound through engine frames but captured and
  // returned here as `host_exception` so the caller can rethrow it.
  struct CallError {
    std::string message;              // trap message, e.g. "unreachable executed"
    std::vector<Frame> backtrace;        // guest frames, innermost first
    std::exception_ptr host_exception;   // set if a host function threw
  };
  virtual bool call(std::span<const CoreVal> args, std::span<CoreVal> results,
                    CallError* error) = 0;
};

class Memory : public Extern {
 public:
  ExternKind kind() const override { return ExternKind::Memory; }
  // Base and size of linear memory. Both stay correct after memory.grow,
  // whether wasm or the host grew it; a pointer obtained earlier is only
  // valid until the next call into wasm or the next grow.
  virtual uint8_t* data() = 0;
  virtual size_t size() = 0;
  // Grows by `pages`; returns the old size in pages or an error.
  virtual Result<uint64_t> grow(uint64_t pages) = 0;
};

class Table : public Extern {
 public:
  ExternKind kind() const override { return ExternKind::Table; }
  virtual uint32_t size() = 0;
};

class Global : public Extern {
 public:
  ExternKind kind() const override { return ExternKind::Global; }
  virtual GlobalType type() const = 0;
  virtual CoreVal get() = 0;
  virtual void set(CoreVal v) = 0;
};

class Module {
 public:
  virtual ~Module() = default;
  virtual const std::vector<ExternDesc>& imports() const = 0;
  virtual const std::vector<ExternDesc>& exports() const = 0;
};

// A compiled module that engines on other threads can instantiate without
// compiling it again (Engine::share, Engine::adopt): the code is shared, not
// copied.
class SharedModule {
 public:
  virtual ~SharedModule() = default;
};

class Instance {
 public:
  virtual ~Instance() = default;
  // nullptr if there is no such export.
  virtual std::shared_ptr<Extern> get_export(const std::string& name) = 0;
  virtual const std::vector<ExternDesc>& exports() const = 0;
};

// A host function body. It reads args and writes results (sized by the
// function type). It may throw (Trap, ExitRequest, any std::exception); the
// engine captures the exception, aborts the wasm call, and hands it back
// through Func::CallError::host_exception.
using HostFunction = std::function<void(std::span<const CoreVal> args, std::span<CoreVal> results)>;

// One import value for instantiate(): module name, field name, extern.
struct Import {
  std::string module;
  std::string name;
  std::shared_ptr<Extern> value;
};

class Engine {
 public:
  virtual ~Engine() = default;

  // Compiles a core module. A module that uses a feature the engine lacks
  // (tail calls, multi-memory, memory64, ...) fails with an error naming it.
  // Extended-const initializers are accepted only if they can be folded with
  // the globals given at instantiation: see instantiate().
  virtual Result<std::shared_ptr<Module>> compile(std::span<const uint8_t> bytes) = 0;

  // Instantiates with exactly the imports the module declares (order free,
  // matched by module+name). Errors name the import and the mismatch. An
  // Abort (util/trap.h) thrown by a host function the start function calls
  // is rethrown, as Func::call's caller would: it is no instantiation error.
  virtual Result<std::shared_ptr<Instance>> instantiate(const std::shared_ptr<Module>& module,
                                                        const std::vector<Import>& imports) = 0;

  // `module`, compiled here, for other engines of the process to adopt(): a
  // server's workers compile a component once between them. Null if this
  // engine cannot share it (a debugging engine: its code is instrumented).
  virtual std::shared_ptr<const SharedModule> share(const std::shared_ptr<Module>& module) = 0;
  // The shared module as a module of this engine, compiling nothing. An
  // error if it was compiled under other EngineOptions (the memory cap and
  // the compilers shape the code) or this engine debugs.
  virtual Result<std::shared_ptr<Module>> adopt(const SharedModule& shared) = 0;

  virtual std::shared_ptr<Func> host_function(const CoreFuncType& type, HostFunction body,
                                              std::string debug_name) = 0;
  virtual Result<std::shared_ptr<Memory>> new_memory(const MemoryType& type) = 0;
  virtual Result<std::shared_ptr<Table>> new_table(const TableType& type) = 0;
  virtual Result<std::shared_ptr<Global>> new_global(const GlobalType& type, CoreVal init) = 0;

  // The wasm frames on the stack now, innermost first, as in a trap's
  // backtrace: called from a host function, where the guest is in the call.
  // Empty outside wasm.
  virtual std::vector<Frame> guest_backtrace() = 0;

  // The debugger (engine/debugger.h) of an engine made with
  // EngineOptions::debug; nullptr otherwise.
  virtual Debugger* debugger() { return nullptr; }

  // Thread-safe: ends the wasm code running on this engine as soon as it
  // next checks (at loop heads and calls), as a trap with kInterruptedMessage.
  // A request after the code has returned ends the next call instead, unless
  // clear_interrupt() comes first.
  virtual void interrupt() = 0;
  virtual void clear_interrupt() = 0;
  static constexpr const char* kInterruptedMessage = "interrupted: the guest ran out of time";

  // Host functions live as long as the engine: an instance may still call
  // one. An engine that makes instance after instance (serve) retires the
  // ones made since `mark` once their instances are gone: their bodies, and
  // all they hold, are freed (calling one would trap), and collect_garbage()
  // then frees the dead instances and their linear memories.
  // With EngineOptions::fill_code_cache: waits until the optimized code of
  // every module compiled is in the code cache, at most `limit`; returns how
  // many modules went into it, or an error saying why none could.
  virtual Result<size_t> wait_for_code_cache(std::chrono::seconds limit) = 0;

  virtual size_t host_function_mark() const = 0;
  virtual void retire_host_functions(size_t mark) = 0;
  virtual void collect_garbage() = 0;
};

struct EngineOptions {
  // Caps every linear memory at this many 64 KiB pages: memory.grow past it
  // fails (returns -1) and a module whose memory starts above it does not
  // compile. nullopt: only the engine's own limit.
  std::optional<uint64_t> max_memory_pages;
  // Compile for the debugger (Engine::debugger()): breakpoints, stepping and
  // frames with locals, at the cost of slower code. Only `wasm-rr debug`.
  bool debug = false;
  // Also use SpiderMonkey's optimizing compiler (Ion; wasm-rr --compiler).
  // Ion code is about 20% faster on compute-bound guests (the sha256 guest),
  // so it is the default. Without it every module is compiled by the
  // baseline compiler alone, which is what start-up wants: Ion takes about
  // 10x as long per byte of code (a C hello world's 25 KB: ~10 ms against
  // ~1 ms, before it starts), and on a large module (an interpreter's 10 MB)
  // SpiderMonkey compiles baseline code first and then Ion code in the
  // background for seconds, taking a core from the guest.
  bool optimizing_compiler = true;
  // Optimized code is kept between processes (the code cache, see
  // docs/code-cache.md): with the optimizing compiler and no debugging, a
  // module whose code is in the cache is not compiled. Filling it costs a
  // module's whole optimizing compile, which a short run does not wait for:
  // with fill_code_cache, every module compiled is also put in the cache
  // (Engine::wait_for_code_cache waits for them: `wasm-rr compile`).
  bool fill_code_cache = false;
};

// The SpiderMonkey engine. Creating the first initialises SpiderMonkey for
// the process; at most one may exist per thread at a time (wasm-rr serve's
// workers each have their own), and an engine is used on its thread only.
Result<std::unique_ptr<Engine>> create_engine(const EngineOptions& options = {});

}  // namespace wasmrr::engine
