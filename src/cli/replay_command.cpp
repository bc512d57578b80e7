#include <fmt/format.h>

#include "cli/guest.h"
#include "cli/stop_watch.h"
#include "cli/trace_summary.h"
#include "rr/replayer.h"
#include "wasi/cli/stdio_echo.h"
#include "wasi/common/wit_signatures.h"
#include "trace/reader.h"

namespace wasmrr::cli {


int replay_command(const ReplayOptions& opts) {
  LoadedComponent component = load_component(opts.component_path);
  auto reader = trace::TraceReader::open(opts.trace_path);
  if (!reader) throw ToolError(reader.error().message);
  FilesWrittenWatcher files;  // --files-written: gathered during the one pass over the trace
  if (opts.files_written) (*reader)->set_observer(&files);
  rr::Replayer replayer(**reader);
  wasi::StdioEcho echo(opts.mark_stdio);  // the guest's stdout and stderr, shown again
  replayer.observe(echo);
  if (opts.stop_at) replayer.stop_before(*opts.stop_at);
  auto header = replayer.read_header();
  if (!header) throw ToolError(header.error().message);
  check_recorded_component(*header, component, opts.trace_path, opts.force);

  // No host at all: every import is answered from the trace. The host's
  // signatures are still there, so a wrong-typed import is refused as in
  // run and record.
  runtime::HostRegistry no_host;
  wasi::declare_wasi_signatures(no_host);
  GuestLimits limits = recorded_limits(*header);
  // Ctrl-C ends the replay at once, wherever the guest is.
  StopWatch stop_watch(std::nullopt, [](const StopCause& cause) {
    fmt::print(stderr, "wasm-rr: replay {}\n", cause.describe());
  });
  try {
    replayer.stop_if_stopped_here();
    runtime::Outcome outcome = run_guest(component, no_host, replayer, {.require_host_impl = false}, limits);
    replayer.finish(outcome);
    if (opts.stop_at)
      throw ToolError(fmt::format("--stop-at {}: the recording has {} events (0 to {}); the replay ended without "
                                  "reaching event {}",
                                  *opts.stop_at, replayer.events_replayed(),
                                  replayer.events_replayed() == 0 ? 0 : replayer.events_replayed() - 1, *opts.stop_at));
    int code = exit_code_of(outcome);
    if (opts.files_written) files.print(stderr);
    return code;
  } catch (const rr::StoppedBefore& e) {
    // The guest is in the call of event N; nothing of it has been answered.
    fmt::print(stderr, "wasm-rr: stopped before event {}: the guest calls {}\n{}", e.event(), e.call(),
               runtime::format_backtrace(e.backtrace()));
    return 0;
  } catch (const rr::BadTrace& e) {
    throw bad_trace_error(e.what(), e.from_reader(), opts.trace_path);
  } catch (const rr::Divergence& e) {
    return report_divergence(e.what(), opts.trace_path);
  } catch (const rr::Stopped& e) {
    // Everything the recording saw has been replayed; it went no further.
    const trace::End& end = e.end();
    fmt::print(stderr, "wasm-rr: the recording was {}; the replay stops there too\n", trace::describe(end));
    if (opts.files_written) files.print(stderr);
    return stop_exit_code(end);
  } catch (const rr::TraceEnded& e) {
    fmt::print(stderr, "wasm-rr: replay of `{}` stopped: {}\n", opts.trace_path, e.what());
    return kExitDivergence;
  }
}

}  // namespace wasmrr::cli
