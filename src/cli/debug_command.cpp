// `wasm-rr debug COMPONENT [TRACE]`: the replay under the command loop of
// cli/debugger.h. Each time the user goes back, the replay runs again from
// the start (a fresh engine and trace reader), up to the event asked for;
// output already shown is not shown again.
#include <unistd.h>

#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "cli/debugger.h"
#include "cli/guest.h"
#include "runtime/module_cache.h"
#include "rr/replayer.h"
#include "trace/reader.h"
#include "util/printable.h"
#include "wasi/cli/stdio_echo.h"
#include "wasi/common/wit_signatures.h"

namespace wasmrr::cli {
namespace {

std::vector<std::string> read_commands(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ToolError(fmt::format("cannot read the command file `{}`", path));
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && line[0] != '#') lines.push_back(line);
  return lines;
}

std::string ending_of(const runtime::Outcome& outcome) {
  if (outcome.kind == runtime::Outcome::Kind::Trapped)
    return fmt::format("the guest trapped ({})", printable(outcome.trap_message));
  if (outcome.kind == runtime::Outcome::Kind::Exited) return fmt::format("the guest exited with status {}", outcome.exit_status);
  return "the guest returned";
}

// The replay cannot go further (a stopped or cut recording): commands there,
// until one goes back (sets `target`, nullopt returned) or quits (0).
std::optional<int> end_here(Debugger& debugger, const std::string& why, uint64_t events,
                            std::optional<uint64_t>& target) {
  try {
    debugger.output_shown_to(events);
    debugger.at_end(why, events);
  } catch (const Restart& r) {
    target = r.event;
    return std::nullopt;
  } catch (const Quit&) {
  }
  return 0;
}

}  // namespace

int debug_command(const DebugOptions& opts) {
  if (opts.trace_path == "-") throw ToolError("debug needs a trace file (it replays the trace again to go back), not `-`");
  LoadedComponent component = load_component(opts.component_path);
  bool interactive = ::isatty(STDIN_FILENO) != 0;
  Debugger debugger(std::cin, std::cout, interactive);
  if (!opts.command_file.empty()) debugger.queue_commands(read_commands(opts.command_file));

  runtime::HostRegistry no_host;  // every import is answered from the trace, as in replay
  wasi::declare_wasi_signatures(no_host);
  // One engine for every re-execution, so the component is compiled once.
  std::unique_ptr<engine::Engine> engine;
  std::unique_ptr<runtime::ModuleCache> modules;
  std::optional<uint64_t> target;  // where this run is to stop: the first event, or where a restart goes
  for (;;) {
    auto reader = trace::TraceReader::open(opts.trace_path);
    if (!reader) throw ToolError(reader.error().message);
    rr::Replayer replayer(**reader);
    wasi::StdioEcho echo;
    echo.quiet_before(debugger.output_shown());
    replayer.observe(echo);
    auto header = replayer.read_header();
    if (!header) throw ToolError(header.error().message);
    check_recorded_component(*header, component, opts.trace_path, opts.force);
    GuestLimits limits = recorded_limits(*header);
    if (!engine) {
      auto made = engine::create_engine(limits.engine_options());
      if (!made) throw ToolError(made.error().message);
      engine = std::move(*made);
      modules = std::make_unique<runtime::ModuleCache>(*engine);
    }
    replayer.control(debugger);
    debugger.start_run(target, replayer);
    try {
      runtime::Outcome outcome = run_guest_on(*engine, component, no_host, replayer,
                                              {.require_host_impl = false, .modules = modules.get()}, limits);
      replayer.finish(outcome);
      debugger.output_shown_to(replayer.events_replayed());
      debugger.at_end(ending_of(outcome), replayer.events_replayed());
      return 0;  // at_end returns only by Restart or Quit
    } catch (const Restart& r) {
      target = r.event;
    } catch (const Quit&) {
      return 0;
    } catch (const rr::Divergence& e) {
      return report_divergence(e.what(), opts.trace_path);
    } catch (const rr::BadTrace& e) {
      throw bad_trace_error(e.what(), e.from_reader(), opts.trace_path);
    } catch (const rr::Stopped& e) {
      if (auto code = end_here(debugger, fmt::format("the recording was {}", trace::describe(e.end())),
                               replayer.events_replayed(), target))
        return *code;
    } catch (const rr::TraceEnded& e) {
      if (auto code = end_here(debugger, e.what(), replayer.events_replayed(), target)) return *code;
    }
  }
}

}  // namespace wasmrr::cli
