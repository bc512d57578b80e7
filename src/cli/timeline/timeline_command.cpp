// wasm-rr inspect --html: the run as one self-contained HTML page (a
// timeline of the events, the guest's output, HTTP requests, files, how the
// run ended), to open in a browser from file://. The page's template
// (page.html, timeline.css, timeline.js beside this file) is built into the
// binary (embed.cmake); the trace's data goes into it as JSON. See
// docs/timeline.md.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include "cli/options.h"
#include "cli/timeline/timeline_data.h"
#include "timeline/timeline_page.h"
#include "trace/json_bytes.h"
#include "trace/reader.h"
#include "trace/sha256.h"
#include "util/printable.h"

namespace wasmrr::cli {

namespace {

using trace::Json;

// The page next to the trace: run.json -> run.html.
std::string default_page_path(const std::string& trace_path) {
  if (trace_path == "-") throw ToolError("--html: the trace comes from stdin: name the page with -o FILE");
  std::filesystem::path page(trace_path);
  page.replace_extension(".html");
  if (page == std::filesystem::path(trace_path)) page += ".html";
  return page.string();
}

// The data as the page's JSON: `<` is written \u003c, so that nothing in it
// (a guest's `</script>` or `<!--`) can end or change the script element that
// holds it; text that is not UTF-8 is replaced (U+FFFD).
std::string page_json(const Json& data) {
  std::string text = data.dump(-1, ' ', false, Json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size() + text.size() / 64);
  for (char c : text) {
    if (c == '<') out += "\\u003c";
    else out += c;
  }
  return out;
}

// 'sha256-<base64>' of the inline script: the page's Content-Security-Policy
// runs that script and no other, and loads nothing from anywhere.
std::string script_hash() {
  std::string hex = trace::sha256_hex(timeline::kScript);
  std::string raw;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) raw += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  return "sha256-" + trace::base64_encode(raw);
}

std::string replace_once(std::string_view page, std::string_view mark, std::string_view with) {
  size_t at = page.find(mark);
  if (at == std::string_view::npos) throw std::logic_error(fmt::format("the timeline page lacks {}", mark));
  std::string out;
  out.reserve(page.size() + with.size());
  out.append(page.substr(0, at)).append(with).append(page.substr(at + mark.size()));
  return out;
}

}  // namespace

int timeline_command(const InspectOptions& opts) {
  if (opts.events || opts.files || opts.stats || opts.json)
    throw ToolError("--html writes the timeline page: it does not go with --events, --files, --stats or --json");
  std::string page_path = opts.output_path.empty() ? default_page_path(opts.trace_path) : opts.output_path;

  auto reader = trace::TraceReader::open(opts.trace_path);
  if (!reader) throw ToolError(reader.error().message);
  trace::TraceReader& r = **reader;
  timeline::TimelineBuilder builder;
  bool ended = false;
  while (!ended) {
    // The element's encoded size comes with its text; a JSON trace laid out
    // otherwise than one element per line is parsed as a whole (next()).
    auto text = r.next_text();
    if (!text) throw ToolError(text.error().message);
    std::optional<Json> element;
    uint64_t size = 0;
    if (text->available) {
      if (text->end) break;
      size = text->text.size();
      auto parsed = r.parse_text(text->text);
      if (!parsed) throw ToolError(parsed.error().message);
      if (!*parsed) break;
      element = std::move(**parsed);
    } else {
      auto next = r.next();
      if (!next) throw ToolError(next.error().message);
      if (!*next) break;
      Json encoded = **next;
      trace::bytes_to_text_model(encoded);
      size = encoded.dump().size();
      element = std::move(**next);
    }
    auto decoded = trace::decode_element(std::move(*element));
    if (!decoded) throw ToolError(fmt::format("element {}: {}", r.position(), decoded.error().message));
    switch (decoded->kind) {
      case trace::Element::Kind::Header: builder.header(decoded->header); break;
      case trace::Element::Kind::Event: builder.event(std::move(decoded->event), size); break;
      case trace::Element::Kind::End:
        builder.end(decoded->end);
        ended = true;
        break;
    }
  }
  timeline::TraceSource source{opts.trace_path, std::string(trace::trace_format_name({r.format(), r.compression()})), r.file_size(),
                               r.truncated()};
  uint64_t events = builder.events();
  std::string page = replace_once(timeline::kPage, "@WASMRR_SCRIPT_HASH@", script_hash());
  page = replace_once(page, "@WASMRR_DATA@", page_json(builder.finish(source)));

  if (page_path == "-") {
    if (std::fwrite(page.data(), 1, page.size(), stdout) != page.size() || std::fflush(stdout) != 0)
      throw ToolError("writing the page to stdout failed");
    return 0;
  }
  std::unique_ptr<FILE, int (*)(FILE*)> out(std::fopen(page_path.c_str(), "wb"), &std::fclose);
  if (!out) throw ToolError(fmt::format("cannot write the page `{}`: {}", printable(page_path), std::strerror(errno)));
  bool ok = std::fwrite(page.data(), 1, page.size(), out.get()) == page.size();
  ok = std::fflush(out.get()) == 0 && ok;
  if (!ok) throw ToolError(fmt::format("writing the page `{}` failed: {}", printable(page_path), std::strerror(errno)));
  if (std::fclose(out.release()) != 0)
    throw ToolError(fmt::format("writing the page `{}` failed: {}", printable(page_path), std::strerror(errno)));
  fmt::print("wrote {}: {} events, {} bytes\n", printable(page_path), events, page.size());
  return 0;
}

}  // namespace wasmrr::cli
