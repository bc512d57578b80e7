// wasm-rr pack: a component and its trace as one file, a bug report to send.
#include "cli/pack_command.h"

#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "cli/options.h"
#include "trace/pack.h"
#include "trace/reader.h"
#include "util/printable.h"

namespace wasmrr::cli {

namespace {

// What a trace holds that may be secret, by name: what the warning lists.
struct SecretNames {
  std::vector<std::string> env;      // environment variables (values are in the events)
  std::set<std::string> headers;     // HTTP header (field) names, lower case
  std::vector<std::string> redacted; // kept out at record time
  uint64_t events = 0;
  bool complete = false;             // the trace has its end record
  trace::TraceFormat format;
  std::string component_name;        // as the trace names it

  // HTTP fields carry (name, value) pairs: a string and bytes, in arguments
  // (append, set, from-list) and results (entries, get).
  void add(const trace::Event& e) {
    events++;
    if (e.fn.find("wasi:http/types") != 0 || e.fn.find("fields") == std::string::npos) return;
    if (e.args.size() >= 2 && e.args[0].is_object() && e.args[1].is_string()) add_header(e.args[1]);
    find_pairs(e.args);
    find_pairs(e.results);
  }

 private:
  void add_header(const trace::Json& name) {
    std::string n = name.get<std::string>();
    for (auto& c : n) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    headers.insert(n);
  }
  void find_pairs(const trace::Json& j) {
    if (!j.is_array()) {
      if (j.is_object())
        for (const auto& child : j) find_pairs(child);
      return;
    }
    if (j.size() == 2 && j[0].is_string() && j[1].is_binary()) add_header(j[0]);
    for (const auto& child : j) find_pairs(child);
  }
};

SecretNames read_secret_names(const std::string& trace_path, const LoadedComponent& component, bool force) {
  auto reader = trace::TraceReader::open(trace_path);
  if (!reader) throw ToolError(reader.error().message);
  if ((*reader)->packed()) throw ToolError(fmt::format("`{}` is a pack already", trace_path));
  SecretNames names;
  names.format = {(*reader)->format(), (*reader)->compression()};
  while (true) {
    auto el = (*reader)->next();
    if (!el) throw ToolError(el.error().message);
    if (!*el) break;
    auto decoded = trace::decode_element(std::move(**el));
    if (!decoded) throw ToolError(fmt::format("`{}`: element {}: {}", trace_path, (*reader)->position(), decoded.error().message));
    switch (decoded->kind) {
      case trace::Element::Kind::Header:
        check_recorded_component(decoded->header, component, trace_path, force, "pack");
        names.env = decoded->header.env_names;
        names.component_name = decoded->header.component_name;
        names.redacted = decoded->header.redacted;
        break;
      case trace::Element::Kind::Event: names.add(decoded->event); break;
      case trace::Element::Kind::End: names.complete = true; break;
    }
  }
  return names;
}

std::string listed(const auto& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + printable(n);
  return out.empty() ? "(none)" : out;
}

// The component's name in the pack: its file name, if it is a plain one (the
// recorded name when it comes out of a pack itself).
std::string member_name(const std::string& component_path, const std::string& recorded_name) {
  std::string name = trace::is_pack_file(component_path) ? recorded_name
                                                         : std::filesystem::path(component_path).filename().string();
  if (name.empty() || name.find('/') != std::string::npos || name == trace::kPackManifestName || name.starts_with("trace.") || printable(name) != name)
    return "component.wasm";
  return name;
}

bool same_file(const std::string& a, const std::string& b) {
  std::error_code ec;
  return std::filesystem::equivalent(a, b, ec);
}

}  // namespace

std::string default_pack_path(const std::string& trace_path) {
  std::filesystem::path p(trace_path);
  return p.replace_extension(".wasmrr").string();
}

void write_bug_pack(const LoadedComponent& component, const std::string& trace_path, const std::string& out_path,
                    bool force) {
  if (out_path.empty()) throw ToolError("the pack's file name is empty");
  if (same_file(out_path, trace_path) || same_file(out_path, component.path))
    throw ToolError(fmt::format("`{}` is the trace or the component itself: choose another name for the pack (-o)", out_path));
  SecretNames names = read_secret_names(trace_path, component, force);
  trace::PackManifest manifest{.component = member_name(component.path, names.component_name),
                               .component_sha256 = component.sha256(),
                               .trace = fmt::format("trace.{}", trace::trace_format_name(names.format)),
                               .wasm_rr_version = WASMRR_VERSION};
  if (auto r = trace::write_pack(out_path, manifest, *component.bytes, trace_path); !r) throw ToolError(r.error().message);

  std::error_code ec;
  auto size = std::filesystem::file_size(out_path, ec);
  fmt::print(stderr, "wasm-rr: packed `{}` and `{}` ({} event{}{}) into `{}` ({} bytes)\n", component.path, trace_path,
             names.events, names.events == 1 ? "" : "s", names.complete ? "" : ", cut short", out_path, ec ? 0 : size);
  fmt::print(stderr,
             "wasm-rr: warning: a trace holds what the guest read and sent, and may hold secrets; before you send "
             "`{}`, check what it holds:\n"
             "  environment variables: {}\n  HTTP header names:     {}\n",
             out_path, listed(names.env), listed(names.headers));
  if (!names.redacted.empty()) fmt::print(stderr, "  redacted at record:    {}\n", listed(names.redacted));
  fmt::print(stderr, "  `wasm-rr inspect {} --events` shows every value; `record --redact NAME` keeps one out of a recording\n",
             out_path);
}

int pack_command(const PackOptions& opts) {
  LoadedComponent component = load_component(opts.component_path);
  write_bug_pack(component, opts.trace_path, opts.out_path.empty() ? default_pack_path(opts.trace_path) : opts.out_path,
                 opts.force);
  return 0;
}

}  // namespace wasmrr::cli
