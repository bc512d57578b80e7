#include <strings.h>

#include <ctime>
#include <filesystem>

#include <fmt/format.h>

#include "cli/guest.h"
#include "cli/seeded_world.h"
#include "cli/pack_command.h"
#include "cli/stop_watch.h"
#include "cli/trace_output.h"
#include "cli/units.h"
#include "util/before_blocking.h"
#include "wasi/filesystem/descriptor.h"
#include "rr/recorder.h"
#include "trace/writer.h"
#include "util/printable.h"

namespace wasmrr::cli {

namespace {

trace::TraceFormat choose_format(const RecordOptions& opts, std::string& path) {
  if (!opts.format.empty()) {
    auto f = trace::format_from_name(opts.format);
    if (!f) throw ToolError(f.error().message);
    path = opts.trace_path.value_or(fmt::format("wasm-rr-trace.{}", trace::trace_format_name(*f)));
    return *f;
  }
  path = opts.trace_path.value_or("wasm-rr-trace.json");
  if (path.empty()) return {};  // JSON; TraceOutput refuses the path with a clear message
  auto f = trace::format_from_path(path);
  if (!f) throw ToolError(f.error().message);
  return *f;
}

// record --pack: the trace is complete and kept; a pack that cannot be
// written is said, and loses nothing.
bool pack_recording(const LoadedComponent& component, const std::string& trace_path, const std::string& pack_path) {
  try {
    write_bug_pack(component, trace_path, pack_path, false);
    return true;
  } catch (const ToolError& e) {
    fmt::print(stderr, "wasm-rr: error: --pack: {}; the trace `{}` is complete\n", printable(e.what()), printable(trace_path));
    return false;
  }
}

// --dedup-window: 0 turns it off, as does --redact (the references would
// name bytes the replay sees only with their secrets replaced).
uint64_t record_dedup_window(const RecordOptions& opts) {
  if (opts.dedup_window == "0") return 0;
  auto size = parse_size(opts.dedup_window);
  if (!size) throw ToolError("--dedup-window " + size.error().message);
  if (*size > rr::SeenBytes::kMaxWindow)
    throw ToolError(fmt::format("--dedup-window {}: more than the {} MiB a replay may hold", opts.dedup_window,
                                rr::SeenBytes::kMaxWindow >> 20));
  return opts.redact.empty() ? *size : 0;
}

// --redact NAME with --env NAME=VALUE: the header's copy of the flag keeps
// the value out too (a shrink then passes NAME through from its own environment).
void redact_world_flags(trace::World& world, const std::vector<std::string>& redact) {
  for (auto& flag : world.flags) {
    if (!flag.starts_with("--env=")) continue;
    std::string name = flag.substr(6, flag.find('=', 6) - 6);
    for (const auto& r : redact)
      if (strcasecmp(r.c_str(), name.c_str()) == 0) flag = "--env=" + name;
  }
}

}  // namespace

int record_command(const RecordOptions& opts) {
  std::string path;
  trace::TraceFormat format = choose_format(opts, path);
  if (opts.pack_path && (opts.pack_path->empty() || *opts.pack_path == path))
    throw ToolError(fmt::format("--pack `{}`: the pack needs a name of its own, not the trace's", *opts.pack_path));
  LoadedComponent component = load_component(opts.guest.component_path);
  wasi::WasiConfig config = guest_config(opts.guest);
  GuestLimits limits = guest_limits(opts.guest.limits);
  trace::Header header = recording_header(component, config);
  header.redacted = opts.redact;
  header.max_memory = limits.max_memory_bytes;
  header.max_handles = limits.max_handles;
  uint64_t dedup_window = record_dedup_window(opts);
  if (dedup_window > 0) header.dedup_window = dedup_window;
  GuestWorld world(opts.guest);
  header.world = world.header_world();
  if (header.world) redact_world_flags(*header.world, opts.redact);
  auto faults_json = [&]() -> trace::Json { return world.injects() ? rr::to_json(world.injected()) : trace::Json(); };

  // Everything that can be refused is checked: only now does the disk change.
  TraceOutput output = TraceOutput::create(path, {component.path});
  for (const struct stat& st : output.files_to_protect()) wasi::protect_host_file(st);
  auto writer = trace::TraceWriter::adopt(output.release_fd(), path, format);
  writer->write(trace::to_json(header));
  writer->flush();
  // Blocking host calls write out what is buffered first (util/before_blocking.h).
  set_before_blocking([w = writer.get()] { w->flush(); });

  runtime::HostRegistry registry;
  wasi::WasiHost host(std::move(config), world.take_sources());
  host.register_all(registry, wasi_versions(component));
  rr::Recorder recorder(*writer, opts.redact, dedup_window);
  world.decorate(registry, recorder);
  std::optional<StopWatch> stop_watch;
  stop_watch.emplace(limits.timeout, [&](const StopCause& cause) {
    trace::End end = cause.end_record();
    end.faults = faults_json();
    uint64_t events = recorder.finish_stopped(std::move(end));  // counted under the writer's lock
    world.report();
    output.ended();
    fmt::print(stderr, "wasm-rr: {}: stopped after {} event{}; the trace `{}` ends there and replays up to there\n",
               cause.describe(), events, events == 1 ? "" : "s", path);
    if (opts.pack_path) pack_recording(component, path, *opts.pack_path);
  });
  runtime::Outcome outcome;
  try {
    outcome = run_guest(component, registry, recorder, {}, limits);
  } catch (const ToolError&) {
    // The guest never ran: this trace holds nothing worth more than the earlier one.
    stop_watch.reset();
    set_before_blocking(nullptr);
    (void)writer->close();
    output.abandon();
    throw;
  }
  stop_watch.reset();  // from here on the run has its own end
  set_before_blocking(nullptr);
  trace::End end;
  end.faults = faults_json();
  recorder.finish(outcome, std::move(end));
  world.report();
  if (auto r = writer->close(); !r) throw ToolError(r.error().message);
  output.ended();
  int code = exit_code_of(outcome);
  if (opts.pack_path && !pack_recording(component, path, *opts.pack_path)) return kExitToolError;
  return code;
}

}  // namespace wasmrr::cli
