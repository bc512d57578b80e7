#include <ctime>
#include <filesystem>

#include <fmt/format.h>

#include "cli/guest.h"
#include "rr/recorder.h"
#include "rr/value_codec.h"
#include "trace/writer.h"

namespace wasmrr::cli {

namespace {

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

trace::Format choose_format(const RecordOptions& opts, std::string& path) {
  if (!opts.format.empty()) {
    auto f = trace::format_from_name(opts.format);
    if (!f) throw ToolError(f.error().message);
    if (path.empty()) path = fmt::format("wasm-rr-trace.{}", trace::format_name(*f));
    return *f;
  }
  if (path.empty()) path = "wasm-rr-trace.json";
  auto f = trace::format_from_path(path);
  if (!f) throw ToolError(f.error().message);
  return *f;
}

trace::Header make_header(const LoadedComponent& c, const wasi::WasiConfig& config) {
  trace::Header h;
  h.wasm_rr_version = WASMRR_VERSION;
  h.component_name = std::filesystem::path(c.path).filename().string();
  h.component_sha256 = rr::sha256_hex(std::string_view(reinterpret_cast<const char*>(c.bytes->data()), c.bytes->size()));
  h.component_size = c.bytes->size();
  h.args = config.args;
  for (const auto& [name, value] : config.env) h.env_names.push_back(name);
  for (const auto& p : config.preopens) h.preopens.push_back({p.host_path, p.guest_path, p.read_only});
  h.start_time = utc_now();
  return h;
}

}  // namespace

int record_command(const RecordOptions& opts) {
  std::string path = opts.trace_path;
  trace::Format format = choose_format(opts, path);
  LoadedComponent component = load_component(opts.guest.component_path);
  wasi::WasiConfig config = guest_config(opts.guest);
  trace::Header header = make_header(component, config);
  header.redacted = opts.redact;

  auto writer = trace::TraceWriter::create(path, format);
  if (!writer) throw ToolError(writer.error().message);
  (*writer)->write(trace::to_json(header));
  (*writer)->flush();

  runtime::HostRegistry registry;
  wasi::WasiHost host(std::move(config));
  host.register_all(registry);
  rr::Recorder recorder(**writer, opts.redact);
  runtime::Outcome outcome = run_guest(component, registry, recorder, {});
  recorder.finish(outcome);
  if (auto r = (*writer)->close(); !r) throw ToolError(r.error().message);
  return exit_code_of(outcome);
}

}  // namespace wasmrr::cli
