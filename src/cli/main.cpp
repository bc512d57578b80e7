// wasm-rr: run, record and replay WebAssembly (WASI 0.2 and 0.3) components.
#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>

#include <fcntl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>

#include <fmt/format.h>

#include "cli/options.h"
#include "cli/seeded_world.h"
#include "cli/units.h"
#include "trace/pack.h"
#include "util/printable.h"
#include "util/trap.h"

namespace wasmrr::cli {
namespace {

// Errors may quote a trace or a component (names, values): escaped line by
// line, keeping the message's own line breaks.
std::string printable_lines(std::string_view text) {
  std::string out;
  for (size_t start = 0; start <= text.size();) {
    size_t end = std::min(text.find('\n', start), text.size());
    if (start > 0) out += '\n';
    out += printable(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// inspect --events N-M (or N): the events to print. A value that is no range
// is the trace, given after the flag (`inspect --events run.json`).
void parse_event_range(const std::string& text, InspectOptions& opts) {
  size_t dash = text.find('-');
  auto first = parse_decimal(std::string_view(text).substr(0, dash));
  auto last = dash == std::string::npos ? first : parse_decimal(std::string_view(text).substr(dash + 1));
  if (first && last) {
    if (*last < *first) throw ToolError(fmt::format("--events {}: the range ends before it begins", printable(text)));
    opts.first_event = *first;
    opts.last_event = *last;
    return;
  }
  if (opts.trace_path != InspectOptions{}.trace_path)
    throw ToolError(fmt::format("--events {}: expected a range of events, N-M or N", printable(text)));
  opts.trace_path = text;
}

// CLI11 shows the value a bare flag takes as part of its name
// ("--allow-http{*}"); the help text says what a bare flag means instead.
class HelpFormatter final : public CLI::Formatter {
 public:
  std::string make_option_name(const CLI::Option* opt, bool positional) const override {
    std::string name = CLI::Formatter::make_option_name(opt, positional);
    for (size_t open; (open = name.find('{')) != std::string::npos;) {
      size_t close = name.find('}', open);
      if (close == std::string::npos) break;
      name.erase(open, close - open + 1);
    }
    return name;
  }
};

// A subcommand's footer: its own text, then what its exit status means.
std::string with_exit_codes(std::string_view text) { return fmt::format("{}\n\n{}", text, kExitCodeHelp); }

int dispatch(int argc, char** argv) {
  CLI::App app{"wasm-rr: run, record and replay WebAssembly (WASI 0.2 and 0.3) components.\n"
               "Record captures every host call a component makes into a trace; replay runs the component\n"
               "again answering every host call from the trace, with no real clock, network or files."};
  app.formatter(std::make_shared<HelpFormatter>());  // before add_subcommand: they inherit it
  app.set_version_flag("--version", std::string("wasm-rr ") + WASMRR_VERSION);
  app.require_subcommand(1);
  app.footer(kExitCodeHelp);

  GuestOptions run_opts;
  CLI::App* run = app.add_subcommand("run", "Run a WASI 0.2 or 0.3 command component (no trace)");
  add_component_options(*run, run_opts);
  add_world_options(*run, run_opts);
  add_limit_options(*run, run_opts.limits);
  add_seed_options(*run, run_opts);
  run->footer(with_exit_codes("Example: wasm-rr run hello.wasm --env HOME=/tmp -- --verbose input.txt"));

  RecordOptions rec_opts;
  CLI::App* record = app.add_subcommand("record", "Run a component against the real host and record every host call");
  add_component_options(*record, rec_opts.guest);
  record->add_option("-t,--trace", rec_opts.trace_path,
                     "Trace file to write (default wasm-rr-trace.json; the extension .json, .cbor, .json.zst or "
                     ".cbor.zst picks the format). An earlier trace there is kept as TRACE~ until the new recording has ended")
      ->type_name("TRACE");
  record->add_option("-f,--format", rec_opts.format, "Trace format, overriding the extension")
      ->check(CLI::IsMember({"json", "cbor", "json.zst", "cbor.zst"}));
  record->add_option("--redact", rec_opts.redact,
                     "Keep the value of NAME out of the trace: an environment variable, an HTTP header, any "
                     "(name, value) pair named NAME (case-insensitive); the value is then also scrubbed wherever "
                     "else it appears. The trace holds a token instead, the same for the same value "
                     "(\"wasm-rr:redacted:1\", \":2\", ...), which is what the guest sees at replay; replay "
                     "accepts any value where one was redacted")
      ->type_name("NAME")
      ->allow_extra_args(false);
  record->add_option("--dedup-window", rec_opts.dedup_window,
                     "Bytes the guest reads that it wrote or read before, within the last SIZE of byte lists "
                     "it passed or got, are recorded as references to them instead of again (replay holds as "
                     "much in memory); 0 turns this off (default 64M; off with --redact)")
      ->type_name("SIZE");
  record->add_option("--pack", rec_opts.pack_path,
                     "When the recording has ended, also write the component and the trace as one file (as "
                     "`wasm-rr pack`), for a bug report; the trace is kept too")
      ->type_name("FILE");
  add_world_options(*record, rec_opts.guest);
  add_limit_options(*record, rec_opts.guest.limits);
  add_seed_options(*record, rec_opts.guest);
  record->footer(with_exit_codes("Example: wasm-rr record app.wasm -t good-run.json -- --config prod"));

  ReplayOptions rep_opts;
  CLI::App* replay = app.add_subcommand("replay", "Replay a recorded run: every host call is answered from the trace");
  replay->add_option("component", rep_opts.component_path,
                     "The component that was recorded, or a pack (.wasmrr) holding it and its trace")
      ->required();
  replay->add_option("trace", rep_opts.trace_path,
                     "Trace to replay (JSON or CBOR, recognised by content; a pack's own trace when the component "
                     "is a pack)")
      ->capture_default_str();
  replay->add_flag("--rebuilt", rep_opts.rebuilt,
                   "The component is a rebuild of the recorded one (with more logging or assertions): its "
                   "writes to stdout and stderr are performed, not matched against the trace, and the recorded "
                   "ones are skipped; every other call must match as usual (see docs/replay.md)");
  add_compiler_option(*replay, rep_opts.compiler);
  replay->add_flag("--force", rep_opts.force, "Replay even if the trace was recorded with a different component");
  replay->add_flag("--files-written", rep_opts.files_written,
                   "After the replay, list the files the guest wrote, created, renamed or removed (from the trace)");
  replay->add_option("--stop-at", rep_opts.stop_at,
                     "Replay the events before event N (numbered from 0, as `inspect --events` and --mark-stdio "
                     "show them), then show the guest's call of event N and its backtrace, and exit 0")
      ->type_name("N");
  replay->add_option("--until", rep_opts.until,
                     "Counterfactual replay: answer the events before N from the trace, then go on against the "
                     "host --then names. The live host performs the first N calls too (their answers are "
                     "discarded), so that it holds at N the streams, files and sockets the guest has handles "
                     "to; it gets the recording's arguments and directories")
      ->type_name("N")
      ->allow_extra_args(false);
  replay->add_option("--then", rep_opts.then,
                     "With --until: live (the real host; the default) or seed:S (a seeded world, as `run --seed S`)")
      ->type_name("live|seed:S")
      ->allow_extra_args(false);
  replay->add_flag("--mark-stdio", rep_opts.mark_stdio,
                   "Start every line of the guest's stdout and stderr shown with `[event N] `, N the event of "
                   "the write that began it");
  replay->footer(with_exit_codes("The guest's stdout and stderr are shown again; its exit status or trap is reproduced."));

  DebugOptions dbg_opts;
  CLI::App* debug = app.add_subcommand("debug", "Debug a recorded run: a gdb-style debugger over its replay, "
                                                "at source level (DWARF), forward and back in time");
  // Not required with --dap: the launch request names the files (checked after parsing).
  debug->add_option("component", dbg_opts.component_path,
                    "The component that was recorded, or a pack (.wasmrr) holding it and its trace");
  debug->add_option("trace", dbg_opts.trace_path,
                    "Trace to replay (JSON or CBOR, a file; a pack's own trace when the component is a pack)")
      ->capture_default_str();
  debug->add_option("-x", dbg_opts.command_file, "Run the commands in FILE first (one a line; # starts a comment)")
      ->type_name("FILE");
  debug->add_flag("--force", dbg_opts.force, "Debug even if the trace was recorded with a different component");
  debug->add_flag("--dap", dbg_opts.dap,
                  "Speak the Debug Adapter Protocol on stdin/stdout, for an editor (VS Code, nvim-dap): the "
                  "launch request gives the component and trace (see docs/debugging.md)");
  debug->footer("Commands are read from stdin, with line editing on a terminal (type `help`): break FILE:LINE | "
                "FUNCTION | *0xOFFSET | event N | call PATTERN, continue, step, next, finish, stepi and their "
                "reverse- forms, goto N, when, backtrace, frame, up, down, list, print EXPR, info locals, info args, "
                "x/NFU ADDR, info events, info memory, info globals, quit. The session starts before the guest's "
                "first instruction; going back runs the replay again. With --dap an editor drives the session instead (the Debug Adapter Protocol on stdin and "
                "stdout; its launch request names the component and trace). See docs/debugging.md.\n\n"
                "Exit status:\n  0    the session ended (quit, or the end of the commands)\n"
                "  121  the replay diverged from the trace\n  125  wasm-rr could not start the session");

  ConvertOptions conv_opts;
  CLI::App* convert = app.add_subcommand("convert", "Convert a trace between JSON and CBOR, compressed (zstd) or not (lossless)");
  convert->add_option("in", conv_opts.in_path, "Trace to read (JSON or CBOR, compressed or not)")->required();
  convert->add_option("out", conv_opts.out_path,
                      "Trace to write (format from the extension .json, .cbor, .json.zst or .cbor.zst)")
      ->required();
  convert->add_option("-f,--format", conv_opts.format, "Output format, overriding the extension")
      ->check(CLI::IsMember({"json", "cbor", "json.zst", "cbor.zst"}));
  convert->footer(kTraceToolExitCodeHelp);

  InspectOptions insp_opts;
  CLI::App* inspect = app.add_subcommand("inspect", "Show what a trace holds: header, calls per function, how the run ended");
  inspect->add_option("trace", insp_opts.trace_path, "Trace to read (JSON or CBOR)")->capture_default_str();
  std::string event_range;
  inspect->add_option("--events", event_range,
                      "Print the events, one per line (N-M: events N to M; N: event N only), bytes as text "
                      "(b\"...\") when they are text, else as hex (x\"...\")")
      ->expected(0, 1)
      ->type_name("[N-M]");
  inspect->add_flag("--files", insp_opts.files, "List the files the guest wrote, created, renamed or removed");
  inspect->add_flag("--stats", insp_opts.stats,
                    "Events and bytes per interface and per function, the guest time the clock readings span, "
                    "the largest events, and what moved through the streams and futures the host held (WASI 0.3)");
  inspect->add_flag("--json", insp_opts.json, "Print the report as one JSON object (for scripts)");
  inspect->add_flag("--html", insp_opts.html,
                    "Write the run as a timeline page: one self-contained HTML file to open in a browser");
  inspect->add_option("-o,--output", insp_opts.output_path,
                      "The page --html writes (default: the trace's name with .html)")
      ->type_name("FILE");
  inspect->footer(kTraceToolExitCodeHelp);

  DiffOptions diff_opts;
  CLI::App* diff = app.add_subcommand("diff", "Compare two traces call by call: where the runs part and how");
  diff->add_option("a", diff_opts.a_path, "The first trace (or pack), e.g. the run that worked")->required();
  diff->add_option("b", diff_opts.b_path, "The second trace (or pack), e.g. the run that failed")->required();
  diff->add_flag("--all", diff_opts.all, "List every differing stretch, not only the first");
  diff->add_flag("--json", diff_opts.json, "Print the report as one JSON object (for scripts)");
  diff->footer("The calls are aligned on function and arguments, so an inserted or missing call does not make "
               "everything after it differ.\n\nExit status:\n  0    the traces are equivalent\n"
               "  1    they differ\n  125  wasm-rr could not compare them (bad usage, an unreadable or invalid trace)");

  PackOptions pack_opts;
  CLI::App* pack = app.add_subcommand("pack", "Write a component and its trace as one file (.wasmrr), a bug report "
                                              "that replay, debug, inspect and diff take alone");
  pack->add_option("component", pack_opts.component_path, "The component that was recorded")->required();
  pack->add_option("trace", pack_opts.trace_path, "The trace (JSON or CBOR)")->capture_default_str();
  pack->add_option("-o,--output", pack_opts.out_path, "The pack to write (default: the trace's name with .wasmrr)")
      ->type_name("FILE");
  pack->add_flag("--force", pack_opts.force, "Pack even if the trace was recorded with a different component");
  pack->footer(fmt::format("A trace may hold secrets (environment values, HTTP headers, file contents): pack lists "
                           "the names it holds. `record --redact NAME` keeps a value out of a recording.\n\n{}",
                           kTraceToolExitCodeHelp));

  CompileOptions cmp_opts;
  CLI::App* compile = app.add_subcommand(
      "compile", "Compile a component's optimized code into wasm-rr's code cache, so that it starts without compiling");
  compile->add_option("component", cmp_opts.component_path, "The component (.wasm component binary, or a pack)")
      ->required();
  compile->add_option("--max-memory", cmp_opts.max_memory,
                      "The --max-memory of the runs it is for: the code depends on the memory cap")
      ->type_name("SIZE")->allow_extra_args(false);
  compile->add_option("--wait", cmp_opts.wait_seconds, "Give up after this many seconds")
      ->type_name("SECONDS")->capture_default_str()->allow_extra_args(false);
  compile->footer(
      "run, record, replay, explore and serve take a module's optimized code from the code cache when it is there "
      "(with the optimizing compiler, not when debugging), and compile it otherwise. A run does not wait for a "
      "large module's optimized code, which takes seconds; compile does, and puts it in the cache (so does explore, "
      "before its runs). The cache is "
      "$WASMRR_CODE_CACHE, else $XDG_CACHE_HOME/wasm-rr/code, else ~/.cache/wasm-rr/code; WASMRR_CODE_CACHE=off "
      "turns it off. Entries are named by a hash of the modules' bytes, hold their SHA-256, and are read only if "
      "this user alone can write them.\n\n"
      "Exit status:\n  0    the code is in the cache\n"
      "  125  it could not be (the cache is off or unusable, an invalid component, the --wait ran out)");

  ExploreOptions exp_opts;
  CLI::App* explore = app.add_subcommand("explore", "Run a component many times in seeded worlds with injected faults, "
                                                    "and keep a trace of each distinct failure");
  add_component_options(*explore, exp_opts.guest);
  explore->add_option("--runs", exp_opts.runs, "How many runs")->capture_default_str()->allow_extra_args(false);
  explore->add_option("--seed", exp_opts.seed, "The first run's seed; run i has seed S+i (as `record --seed`)")
      ->type_name("S")->capture_default_str()->allow_extra_args(false);
  explore->add_option("--faults", exp_opts.faults, "The faults to draw, as `record --faults` takes them")
      ->type_name("SPEC")->capture_default_str()->allow_extra_args(false);
  explore->add_option("-j,--jobs", exp_opts.jobs, "Runs at a time, one process each (default: one per core)")
      ->type_name("J")->allow_extra_args(false);
  explore->add_option("--fail-if-exit", exp_opts.fail_if_exit,
                      "Count only these exit statuses as failures (default: every non-zero one). Repeatable")
      ->type_name("CODE")->allow_extra_args(false);
  explore->add_option("--fail-if-stdout", exp_opts.fail_if_stdout,
                      "Also fail a run whose stdout matches REGEX (ECMAScript syntax)")
      ->type_name("REGEX")->allow_extra_args(false);
  explore->add_option("-o,--output", exp_opts.out_dir, "Directory to keep the failures in (new or empty)")
      ->type_name("DIR")->capture_default_str()->allow_extra_args(false);
  explore->add_option("-f,--format", exp_opts.format, "Format of the kept traces")
      ->check(CLI::IsMember({"json", "cbor", "json.zst", "cbor.zst"}))->capture_default_str();
  add_world_options(*explore, exp_opts.guest);
  add_limit_options(*explore, exp_opts.guest.limits);
  explore->footer(
      "A run fails when the guest traps, runs past --timeout (10s unless given), exits with a failing status "
      "or prints what --fail-if-stdout looks for. Failures are the same when they fail at the same place (the "
      "trap and the guest's backtrace, or the exit status and the last line of output); the first run of each "
      "is kept as DIR/failure-N.json with its stdout, stderr and faults (.faults.json), and a table lists them "
      "with the commands to replay, debug and shrink each. Runs share the files and directories granted with "
      "--dir: give them inputs to read, not to change.\n\n"
      "Example: wasm-rr explore app.wasm --runs 500 --faults err@wasi:filesystem,short -o found -- input.txt\n\n"
      "Exit status:\n  0    no run failed\n  1    some run failed (see the table)\n"
      "  125  wasm-rr could not do its job (bad usage, invalid component, a run that could not start)");

  ShrinkOptions shr_opts;
  CLI::App* shrink = app.add_subcommand("shrink", "Reduce a failing run's injected faults to those that matter, "
                                                  "and write the trace of the smallest run that fails the same way");
  shrink->add_option("component", shr_opts.component_path, "The component")->required();
  shrink->add_option("trace", shr_opts.trace_path, "A failing trace of `explore` or `record --seed N --faults SPEC`")
      ->required();
  shrink->add_option("-o,--output", shr_opts.out_path, "The shrunk trace to write (an earlier file there is kept as OUT~)")
      ->type_name("OUT")->required();
  shrink->add_option("--fail-if-exit", shr_opts.fail_if_exit, "As for explore")->type_name("CODE")->allow_extra_args(false);
  shrink->add_option("--fail-if-stdout", shr_opts.fail_if_stdout, "As for explore")->type_name("REGEX");
  shrink->add_flag("-v,--verbose", shr_opts.verbose, "Print every run tried");
  shrink->footer(
      "Each set of faults tried is run live from the trace's seed, with the world options it was recorded "
      "with, so a guest that takes another path without a fault follows it. The result is 1-minimal: without "
      "any one of its faults the run no longer fails the same way.\n\n"
      "Exit status:\n  0    shrunk (the faults that matter are printed)\n"
      "  1    the failure does not happen again from the trace's seed and faults\n"
      "  125  wasm-rr could not do its job (bad usage, a trace with no seed or faults)");

  ServeOptions srv_opts;
  CLI::App* serve = app.add_subcommand("serve", "Serve HTTP with a wasi:http/proxy component (one that exports "
                                                "wasi:http/incoming-handler): each request in a fresh instance");
  serve->add_option("component", srv_opts.guest.component_path, "The component (.wasm component binary)")->required();
  serve->add_option("--addr", srv_opts.addr, "Address to listen on, HOST:PORT (port 0: any free port)")
      ->type_name("HOST:PORT")->capture_default_str()->allow_extra_args(false);
  serve->add_option("--workers", srv_opts.workers,
                    "Requests served at a time, each worker with its own engine; the component is compiled once "
                    "for all of them (default: one per core)")
      ->type_name("N")->check(CLI::Range(1u, 256u).description(""))->allow_extra_args(false);
  serve->add_option("--record", srv_opts.record_dir,
                    "Record every request into DIR as a trace of its own, named by arrival "
                    "(000017-GET-hello.json): the request, every host call its handler made and the response "
                    "the client got; `wasm-rr replay COMPONENT TRACE` replays one offline")
      ->type_name("DIR")->allow_extra_args(false);
  serve->add_option("--max-body", srv_opts.max_body,
                    "Largest request body (e.g. 1M): a larger content-length gets 413 without reaching the guest; "
                    "a longer chunked body makes the guest's read fail (HTTP-request-body-size)")
      ->type_name("SIZE")->capture_default_str()->allow_extra_args(false);
  add_world_options(*serve, srv_opts.guest);
  add_limit_options(*serve, srv_opts.guest.limits);
  serve->get_option("--timeout")
      ->description("Stop a request's handler still running after DURATION (e.g. 500ms, 2s), computing or waiting "
                    "in a host call; its client gets 500 and the worker serves the next request");
  serve->footer(
      "Each request runs in a fresh instance of the component with a fresh host: the world options (--env, "
      "--dir, --allow-http, ...) apply to every request. The guest reads the request's body as it arrives, and "
      "its response goes to the client as it writes it (with its trailers, when chunked). --timeout bounds each "
      "request: a handler still running then is stopped and the client gets 500; so does a handler that "
      "traps, exits or sets no response, and the server keeps serving. Malformed requests get 400 without "
      "reaching the guest. One line per request goes to stderr (method, path, status, duration). SIGINT or "
      "SIGTERM stop accepting connections, let the requests in flight finish (at most 10 s) and exit 0.\n\n"
      "Example: wasm-rr serve proxy.wasm --addr 127.0.0.1:8080 --allow-http=api.example.com\n\n"
      "Exit status:\n  0    stopped by SIGINT or SIGTERM\n"
      "  125  wasm-rr could not do its job (bad usage, invalid component, an address it cannot listen on)");

  // CLI11 would say only "A subcommand is required" for `wasm-rr frobnicate`.
  if (argc > 1 && argv[1][0] != '-') {
    std::string name = argv[1];
    auto subs = app.get_subcommands([](const CLI::App*) { return true; });
    if (std::none_of(subs.begin(), subs.end(), [&](const CLI::App* sub) { return sub->get_name() == name; })) {
      fmt::print(stderr, "wasm-rr: error: unknown subcommand `{}` (expected run, record, replay, debug, convert, inspect, diff, pack, compile, explore, shrink or serve)\n"
                         "Run `wasm-rr --help` for usage.\n", printable(name));
      return kExitToolError;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    fmt::print(stderr, "wasm-rr: error: {}\nRun `wasm-rr{} --help` for usage.\n", printable_lines(e.what()),
               argc > 1 && argv[1][0] != '-' ? std::string(" ") + printable(argv[1]) : std::string());
    return kExitToolError;
  }

  if (*debug && !dbg_opts.dap && dbg_opts.component_path.empty()) {
    fmt::print(stderr, "wasm-rr: error: component is required (or --dap)\nRun `wasm-rr debug --help` for usage.\n");
    return kExitToolError;
  }
  // A pack holds the trace too: it is the trace unless one is named.
  if (*replay && replay->count("trace") == 0 && trace::is_pack_file(rep_opts.component_path))
    rep_opts.trace_path = rep_opts.component_path;
  if (*debug && debug->count("trace") == 0 && trace::is_pack_file(dbg_opts.component_path))
    dbg_opts.trace_path = dbg_opts.component_path;
  try {
    if (*pack && pack->count("trace") == 0 && trace::is_pack_file(pack_opts.component_path))
      throw ToolError(fmt::format("`{}` is a pack already (to pack its component with another trace, name the trace)",
                                  pack_opts.component_path));
    if (*run) return run_command(run_opts);
    if (*record) return record_command(rec_opts);
    if (*replay) return replay_command(rep_opts);
    if (*convert) return convert_command(conv_opts);
    if (*inspect) {
      insp_opts.events = inspect->count("--events") > 0;
      if (!event_range.empty()) parse_event_range(event_range, insp_opts);
      if (insp_opts.html) return timeline_command(insp_opts);
      if (!insp_opts.output_path.empty()) throw ToolError("-o is for --html: the page to write");
      return inspect_command(insp_opts);
    }
    if (*diff) return diff_command(diff_opts);
    if (*pack) return pack_command(pack_opts);
    if (*compile) return compile_command(cmp_opts);
    if (*explore) return explore_command(exp_opts);
    if (*shrink) return shrink_command(shr_opts);
    if (*serve) return serve_command(srv_opts);
    if (*debug) return debug_command(dbg_opts);
  } catch (const ToolError& e) {
    fmt::print(stderr, "wasm-rr: error: {}\n", printable_lines(e.what()));
    return kExitToolError;
  } catch (const Abort& e) {  // stopped for a reason outside the guest, e.g. a --fault-plan that does not fit
    fmt::print(stderr, "wasm-rr: error: {}\n", printable_lines(e.what()));
    return kExitToolError;
  } catch (const std::exception& e) {
    fmt::print(stderr, "wasm-rr: internal error: {}\n", printable_lines(e.what()));
    return kExitToolError;
  }
  return kExitToolError;
}

}  // namespace
}  // namespace wasmrr::cli

#if defined(__SANITIZE_ADDRESS__)
// Sanitizer builds (-DWASMRR_SANITIZE=ON), whatever environment a test gives
// the process: SpiderMonkey handles SIGSEGV itself (wasm bounds checks), and
// the engine's runtime lives until exit, so leaks at exit are not leaks.
extern "C" const char* __asan_default_options() {
  return "handle_segv=0:allow_user_segv_handler=1:detect_leaks=0";
}
#endif

namespace {

// Started with stdin, stdout or stderr closed (`<&-`), the first file or
// pipe wasm-rr opens would take that number, and the guest's stdin would
// become, say, the runtime's own wakeup pipe. /dev/null holds the place: a
// closed stdin reads as empty, writes to a closed stdout go nowhere.
void hold_standard_fds() {
  for (int fd = 0; fd <= 2; fd++) {
    if (fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
    // The lowest free number is fd: the ones below it are open by now.
    open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
  }
}

}  // namespace

int main(int argc, char** argv) {
  hold_standard_fds();
  // A guest writing to a closed pipe must see a stream error (EPIPE), not
  // have wasm-rr killed under it.
  std::signal(SIGPIPE, SIG_IGN);
  int code = wasmrr::cli::dispatch(argc, argv);
  // Ends without static destructors or atexit handlers: a guest's engine is
  // still alive (cli/guest.h, run_guest), and tearing it and SpiderMonkey
  // down would only cost time. What went through stdio is flushed; all else
  // wasm-rr writes (guest output, traces, files) went out with write(2).
  std::fflush(nullptr);
  std::_Exit(code);
}
