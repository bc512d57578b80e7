#include <fmt/format.h>

#include "cli/guest.h"
#include "cli/seeded_world.h"
#include "cli/units.h"
#include "rr/counterfactual.h"
#include "trace/readable.h"
#include "wasi/http/response_capture.h"
#include "wasi/http/status_text.h"
#include "util/printable.h"
#include "cli/stop_watch.h"
#include "cli/trace_summary.h"
#include "rr/replayer.h"
#include "wasi/cli/rebuilt_stdio.h"
#include "wasi/cli/stdio_echo.h"
#include "wasi/common/wit_signatures.h"
#include "trace/reader.h"

namespace wasmrr::cli {
namespace {

// --stop-at N: the guest's call of event N is not answered; the replay ends
// there, with what the guest calls and where it is.
class StopBefore final : public rr::ReplayController {
 public:
  StopBefore(uint64_t event, const rr::Replayer& replayer) : event_(event), replayer_(replayer) {}
  void before_event(uint64_t event, const runtime::ImportedFunc& f, const runtime::Values& args) override {
    if (event == event_) throw Reached(event, rr::describe_call(f, args), replayer_.guest_backtrace());
  }

  struct Reached : Abort {
    Reached(uint64_t e, std::string c, std::vector<std::string> b)
        : Abort("stopped"), event(e), call(std::move(c)), backtrace(std::move(b)) {}
    uint64_t event;
    std::string call;  // fn(args), escaped
    std::vector<std::string> backtrace;
  };

 private:
  uint64_t event_;
  const rr::Replayer& replayer_;
};

// --rebuilt: a rebuild may end before the recording did or otherwise (an
// assertion it adds fails): that is what the user wants to see, not a
// divergence. The end is the rebuild's own.
void finish_rebuilt(rr::Replayer& replayer, const runtime::Outcome& outcome) {
  try {
    replayer.finish(outcome);
  } catch (const rr::Divergence& e) {
    std::string what = e.what();
    fmt::print(stderr, "wasm-rr: replay --rebuilt: the rebuild ended otherwise than the recording: {}\n",
               what.substr(0, what.find('\n')));
  }
}

// --until N --then live|seed:S: the recorded run's world (its arguments and
// directories; with seed:S a seeded world) for the host that takes over.
GuestOptions live_world(const ReplayOptions& opts, const trace::Header& h) {
  GuestOptions g;
  g.component_path = opts.component_path;
  if (h.args.size() > 1) g.guest_args.assign(h.args.begin() + 1, h.args.end());
  for (const auto& p : h.preopens) g.dir_flags.push_back(fmt::format("{}::{}:{}", p.host, p.guest, p.read_only ? "ro" : "rw"));
  if (opts.then == "live") return g;
  std::string_view seed = std::string_view(opts.then).substr(opts.then.starts_with("seed:") ? 5 : 0);
  auto n = parse_decimal(seed);
  if (!opts.then.starts_with("seed:") || !n)
    throw ToolError(fmt::format("--then `{}`: expected live or seed:N", printable(opts.then)));
  g.seed = *n;
  return g;
}

int replay_then_live(const ReplayOptions& opts, const LoadedComponent& component, const trace::Header& header,
                     rr::Replayer& replayer, const GuestLimits& limits) {
  GuestOptions world_opts = live_world(opts, header);
  GuestWorld world(world_opts);
  runtime::HostRegistry registry;
  wasi::WasiHost host(guest_config(world_opts), world.take_sources());
  host.register_all(registry, wasi_versions(component));
  uint64_t until = *opts.until;
  rr::Counterfactual counterfactual(replayer, until, [&](uint64_t event) {
    fmt::print(stderr, "wasm-rr: event {}: the trace's answers end here; the run goes on against {}\n", event,
               opts.then == "live" ? std::string("the live host") : "a seeded world (" + opts.then + ")");
  });
  runtime::Outcome outcome = run_guest(component, registry, counterfactual, {}, limits);
  if (!counterfactual.live()) {
    // The run ended within the replayed part: it is a plain replay.
    replayer.finish(outcome);
    fmt::print(stderr, "wasm-rr: the run ended at event {}, before --until {}: all of it was replayed\n",
               replayer.events_replayed(), until);
  }
  return exit_code_of(outcome);
}

// A response as an end record holds it, shown as the client received it.
void print_response(const trace::Json& r) {
  if (!r.is_object() || !r.contains("status")) return;
  unsigned status = r["status"].is_number_unsigned() ? r["status"].get<unsigned>() : 0;
  std::string_view reason = wasi::reason_phrase(status);
  std::string text = fmt::format("HTTP/1.1 {}{}{}\r\n", r["status"].dump(), reason.empty() ? "" : " ", reason);
  for (const auto& h : r.value("headers", trace::Json::array()))
    if (h.is_array() && h.size() == 2 && h[0].is_string() && h[1].is_string())
      text += fmt::format("{}: {}\r\n", h[0].get<std::string>(), h[1].get<std::string>());
  text += "\r\n";
  if (r.contains("body") && r["body"].is_binary()) text.append(r["body"].get_binary().begin(), r["body"].get_binary().end());
  fwrite(text.data(), 1, text.size(), stdout);
  fflush(stdout);
}

// A serve --record trace: one call of the recorded export (the request's
// handler), answered from the trace; the response is rebuilt from the calls
// the handler made, shown, and checked against the one the client got.
int replay_request(const LoadedComponent& component, const trace::Header& header, rr::Replayer& replayer,
                   const runtime::HostRegistry& no_host, const GuestLimits& limits, const std::string& trace_path) {
  wasi::ResponseCapture capture;
  replayer.observe(capture);
  auto outcome = run_guest(component, no_host, replayer, {.require_host_impl = false}, limits, &*header.export_call);
  trace::End end = replayer.finish(outcome);
  if (outcome.kind == runtime::Outcome::Kind::Returned) {
    trace::Json replayed = capture.response();
    bool guests = end.response.is_object() && !end.response.contains("by");  // else wasm-rr answered for it
    trace::Json recorded = end.response;
    if (guests) recorded.erase("cut");  // the guest's response, of which the client got what it holds
    if (guests && replayed != recorded)
      return report_divergence(fmt::format("divergence at the end: the handler's response differs from the one the client "
                                           "got\n  recorded: {}\n  replayed: {}",
                                           trace::readable(recorded), trace::readable(replayed)),
                               trace_path);
    print_response(replayed.is_null() ? end.response : replayed);
    return 0;
  }
  print_response(end.response);
  return exit_code_of(outcome);
}

}  // namespace

int replay_command(const ReplayOptions& opts) {
  LoadedComponent component = load_component(opts.component_path);
  auto reader = trace::TraceReader::open(opts.trace_path);
  if (!reader) throw ToolError(reader.error().message);
  FilesWrittenWatcher files;  // --files-written: gathered during the one pass over the trace
  if (opts.files_written) (*reader)->set_observer(&files);
  rr::Replayer replayer(**reader);
  wasi::StdioEcho echo(opts.mark_stdio);  // the guest's stdout and stderr, shown again
  if (!opts.until) replayer.observe(echo);  // --until: the live host writes them
  // --rebuilt: the new build's own stdout and stderr, written live.
  wasi::RebuiltStdio rebuilt_stdio([&echo](int fd, uint64_t next_event, std::string_view bytes) {
    echo.show_live(fd, next_event, bytes);
  });
  if (opts.rebuilt) replayer.answer_outside_trace(rebuilt_stdio);
  std::optional<StopBefore> stop_before;
  if (opts.stop_at) replayer.control(stop_before.emplace(*opts.stop_at, replayer));
  auto header = replayer.read_header();
  if (!header) throw ToolError(header.error().message);
  // A rebuild is another component by definition.
  if (!opts.rebuilt) check_recorded_component(*header, component, opts.trace_path, opts.force);

  // No host at all: every import is answered from the trace. The host's
  // signatures are still there, so a wrong-typed import is refused as in
  // run and record.
  runtime::HostRegistry no_host;
  wasi::declare_wasi_signatures(no_host, wasi_versions(component));
  GuestLimits limits = recorded_limits(*header);
  limits.optimizing_compiler = opts.compiler != "baseline";
  // Ctrl-C ends the replay at once, wherever the guest is.
  StopWatch stop_watch(std::nullopt, [](const StopCause& cause) {
    fmt::print(stderr, "wasm-rr: replay {}\n", cause.describe());
  });
  try {
    replayer.stop_if_stopped_here();
    if (opts.until) return replay_then_live(opts, component, *header, replayer, limits);
    if (header->export_call) return replay_request(component, *header, replayer, no_host, limits, opts.trace_path);
    runtime::Outcome outcome = run_guest(component, no_host, replayer, {.require_host_impl = false}, limits);
    if (opts.rebuilt) finish_rebuilt(replayer, outcome);
    else replayer.finish(outcome);
    if (opts.stop_at)
      throw ToolError(fmt::format("--stop-at {}: the recording has {} events (0 to {}); the replay ended without "
                                  "reaching event {}",
                                  *opts.stop_at, replayer.events_replayed(),
                                  replayer.events_replayed() == 0 ? 0 : replayer.events_replayed() - 1, *opts.stop_at));
    int code = exit_code_of(outcome);
    if (opts.files_written) files.print(stderr);
    return code;
  } catch (const StopBefore::Reached& e) {
    // The guest is in the call of event N; nothing of it has been answered.
    fmt::print(stderr, "wasm-rr: stopped before event {}: the guest calls {}\n{}", e.event, e.call,
               runtime::format_backtrace(e.backtrace));
    return 0;
  } catch (const rr::BadTrace& e) {
    throw bad_trace_error(e.what(), e.from_reader(), opts.trace_path);
  } catch (const rr::Divergence& e) {
    int code = report_divergence(e.what(), opts.trace_path);
    if (opts.rebuilt)
      fmt::print(stderr, "wasm-rr: replay --rebuilt: a rebuild may add or leave out writes to stdout and stderr, but "
                         "must make every other call as the recorded build did (docs/replay.md)\n");
    return code;
  } catch (const rr::Stopped& e) {
    // Everything the recording saw has been replayed; it went no further.
    const trace::End& end = e.end();
    fmt::print(stderr, "wasm-rr: the recording was {}; the replay stops there too\n", trace::describe(end));
    if (opts.files_written) files.print(stderr);
    return stop_exit_code(end);
  } catch (const rr::NotReplayable& e) {
    fmt::print(stderr, "wasm-rr: replay --rebuilt of `{}` cannot go on: {}\n", opts.trace_path, e.what());
    return kExitDivergence;
  } catch (const rr::TraceEnded& e) {
    fmt::print(stderr, "wasm-rr: replay of `{}` stopped: {}\n", opts.trace_path, e.what());
    return kExitDivergence;
  }
}

}  // namespace wasmrr::cli
