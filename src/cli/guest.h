// Loading a component and running it on the engine with a given interposer:
// the part that run, record and replay share.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "cli/options.h"
#include "component/ast.h"
#include "runtime/host.h"
#include "runtime/instance.h"
#include "wasi/common/wit_signatures.h"
#include "trace/trace.h"
#include "wasi/wasi.h"

namespace wasmrr::cli {

struct LoadedComponent;
// Which WASI versions the component's imports ask for (so the host registers
// only those: wasi::WasiVersions).
wasi::WasiVersions wasi_versions(const LoadedComponent& c);

struct LoadedComponent {
  std::string path;
  std::shared_ptr<const std::vector<uint8_t>> bytes;
  std::shared_ptr<const component::Component> ast;
  // Of its bytes, as traces name it: computed once, when first asked for
  // (serve --record names the component in every request's trace; a JS
  // runtime's 12 MB take milliseconds to hash).
  std::string sha256() const;

  struct Digest {
    std::once_flag once;
    std::string hex;
  };
  std::shared_ptr<Digest> digest = std::make_shared<Digest>();  // sha256()'s, shared by copies
};

// Reads and parses; throws ToolError naming the file.
LoadedComponent load_component(const std::string& path);

// The guest's world from the command line: argv (argv[0] = the component's file name), env, preopens.
wasi::WasiConfig guest_config(const GuestOptions& opts);

// The guest's limits from --timeout, --max-memory and --max-handles; throws ToolError.
struct GuestLimits {
  std::optional<std::chrono::microseconds> timeout;
  std::optional<uint64_t> max_memory_bytes;
  std::optional<uint64_t> max_handles;
  bool optimizing_compiler = true;  // --compiler (engine::EngineOptions::optimizing_compiler)
  engine::EngineOptions engine_options() const;
  size_t handle_limit() const;
};
GuestLimits guest_limits(const LimitOptions& opts);

// Instantiates the component with `registry` behind `interposer` and runs
// wasi:cli/run, or with `entry` the export a request trace (serve --record)
// calls, with the arguments it recorded. Throws ToolError if it cannot start.
//
// The engine it makes is not torn down after the run but left for the end of
// the process, which main() ends with std::_Exit: the OS takes back an
// engine's memory and code faster than SpiderMonkey frees them (about 1.3 ms
// of a C hello's 13). The next run_guest on the thread tears it down first
// (one engine per thread at a time). Hence no exit() while it lives: with
// an engine alive, SpiderMonkey's static destructors crash.
runtime::Outcome run_guest(const LoadedComponent& c, const runtime::HostRegistry& registry,
                           runtime::CallInterposer& interposer, runtime::InstantiateOptions options,
                           const GuestLimits& limits, const trace::ExportCall* entry = nullptr);

// The same on an engine the caller keeps, e.g. to run the component again
// with its compiled modules (options.modules) reused; `limits.engine_options()`
// must be what the engine was made with.
runtime::Outcome run_guest_on(engine::Engine& engine, const LoadedComponent& c, const runtime::HostRegistry& registry,
                              runtime::CallInterposer& interposer, runtime::InstantiateOptions options,
                              const GuestLimits& limits, const trace::ExportCall* entry = nullptr);

// Puts the optimized code of every core module of `c` into the code cache
// (docs/code-cache.md), compiled under `engine` options, and waits for it,
// at most `limit`; returns how many modules went in. An error if the cache
// is off or the component does not compile. On a thread with no engine.
Result<size_t> fill_code_cache(const LoadedComponent& c, engine::EngineOptions options, std::chrono::seconds limit);

// A trace's header for a recording of `c` in the world `config` (its
// command line, preopens, start time).
trace::Header recording_header(const LoadedComponent& c, const wasi::WasiConfig& config);

// Replay, debug and pack: a trace recorded with another component is refused
// (ToolError) unless `force`; `doing` is the verb for the message ("replay").
void check_recorded_component(const trace::Header& h, const LoadedComponent& c, const std::string& trace_path,
                              bool force, std::string_view doing = "replay");

// The limits a recording ran under (its header), for its replay: the guest
// meets them at the same points.
GuestLimits recorded_limits(const trace::Header& h);

// A trace replay cannot use, as the ToolError to throw: reader errors name
// the file themselves, decoding errors only the event.
ToolError bad_trace_error(const std::string& what, bool names_file, const std::string& trace_path);

// Prints a divergence report; returns kExitDivergence.
int report_divergence(const std::string& report, const std::string& trace_path);

// Prints a trap (message and backtrace) and maps an outcome to wasm-rr's exit code.
int exit_code_of(const runtime::Outcome& outcome);

}  // namespace wasmrr::cli
