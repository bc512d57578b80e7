// wasm-rr inspect: what a trace holds, for people.
#include <filesystem>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/options.h"
#include "cli/trace_summary.h"
#include "trace/readable.h"
#include "trace/reader.h"
#include "util/printable.h"

namespace wasmrr::cli {

namespace {

void print_header(const trace::Header& h, const trace::TraceReader& r) {
  if (auto size = r.file_size())
    fmt::print("trace:      {} ({}, {} bytes)\n", r.path(), trace::format_name(r.format()), *size);
  else
    fmt::print("trace:      {} ({}, read from a pipe)\n", r.path() == "-" ? "(stdin)" : r.path(), trace::format_name(r.format()));
  // Everything below comes from the trace: escaped (util/printable.h).
  auto join = [](const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : " ") + printable(s);
    return out;
  };
  // Arguments as a shell would take them back: `a` `b c` is a 'b c'.
  auto quoted = [](const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) {
      bool plain = !s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                                                   "@%_+=:,./-") == std::string::npos;
      std::string word = plain ? s : "'" + std::string(s) + "'";
      if (!plain) {
        std::string escaped = "'";
        for (char c : s) escaped += c == '\'' ? std::string("'\\''") : std::string(1, c);
        word = escaped + "'";
      }
      out += (out.empty() ? "" : " ") + printable(word);
    }
    return out;
  };
  fmt::print("recorded:   {} by wasm-rr {}\n", printable(h.start_time), printable(h.wasm_rr_version));
  fmt::print("component:  {} ({} bytes, SHA-256 {})\n", printable(h.component_name), h.component_size,
             printable(h.component_sha256));
  fmt::print("args:       {}\n", quoted(h.args));
  fmt::print("env names:  {}\n", h.env_names.empty() ? "(none)" : join(h.env_names));
  for (const auto& p : h.preopens)
    fmt::print("dir:        {} -> {}{}\n", printable(p.host), printable(p.guest), p.read_only ? " (read-only)" : "");
  if (!h.redacted.empty()) fmt::print("redacted:   {}\n", join(h.redacted));
}

}  // namespace

int inspect_command(const InspectOptions& opts) {
  auto reader = trace::TraceReader::open(opts.trace_path);
  if (!reader) throw ToolError(reader.error().message);
  if (opts.files) return print_files_written(**reader, stdout) ? 0 : kExitToolError;
  uint64_t events = 0;
  std::map<std::string, uint64_t> per_function;
  std::optional<trace::End> end;
  while (true) {
    auto el = (*reader)->next();
    if (!el) throw ToolError(el.error().message);
    if (!*el) break;
    trace::Json raw = opts.events ? **el : trace::Json();
    auto decoded = trace::decode_element(std::move(**el));
    if (!decoded) throw ToolError(fmt::format("element {}: {}", (*reader)->position(), decoded.error().message));
    switch (decoded->kind) {
      case trace::Element::Kind::Header: print_header(decoded->header, **reader); break;
      case trace::Element::Kind::Event:
        if (opts.events && events >= opts.first_event && events <= opts.last_event)
          fmt::print("#{} {}\n", events, trace::readable(raw));
        events++;
        per_function[decoded->event.fn]++;
        break;
      case trace::Element::Kind::End: end = decoded->end; break;
    }
  }
  fmt::print("events:     {}\n", events);
  if (!end) fmt::print("end:        none: the recording was cut short (killed or crashed)\n");
  else fmt::print("end:        {}\n", trace::describe(*end));
  if (!opts.events && !per_function.empty()) {
    fmt::print("calls by function:\n");
    std::vector<std::pair<uint64_t, std::string>> sorted;
    for (const auto& [fn, n] : per_function) sorted.emplace_back(n, fn);
    std::sort(sorted.rbegin(), sorted.rend());
    for (const auto& [n, fn] : sorted) fmt::print("  {:>8}  {}\n", n, printable(fn));
  }
  return 0;
}

}  // namespace wasmrr::cli
