// wasm-rr diff A B: two traces compared call by call (trace/trace_diff.h),
// for people or (--json) for scripts: how their headers differ, where the
// runs part and exactly what differs there, then a summary.
//
// Two passes over each trace: the first keeps a few hashes per event (so a
// million events cost some 20 MB, not the events), the second reads the
// traces again for the events the report shows. A trace must therefore be a
// file, not a pipe.
#include <algorithm>
#include <filesystem>
#include <memory>
#include <optional>
#include <tuple>
#include <unordered_map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/options.h"
#include "trace/reader.h"
#include "trace/trace_diff.h"
#include "trace/value_diff.h"
#include "util/printable.h"

namespace wasmrr::cli {

namespace {

using trace::Json;

// Differing events detailed per stretch; the rest of a long stretch is counted.
constexpr size_t kShownPerStretch = 10;

// Function names as ids that both traces share.
class FunctionNames {
 public:
  uint32_t id(const std::string& fn) {
    auto [it, added] = ids_.try_emplace(fn, static_cast<uint32_t>(names_.size()));
    if (added) names_.push_back(fn);
    return it->second;
  }
  const std::string& name(uint32_t id) const { return names_.at(id); }
  size_t size() const { return names_.size(); }

 private:
  std::unordered_map<std::string, uint32_t> ids_;
  std::vector<std::string> names_;
};

// What the first pass keeps of one trace.
struct TraceSummary {
  std::string path;
  trace::TraceFormat format;
  uint64_t file_size = 0;           // of the trace (in a pack: of its trace)
  bool packed = false;              // a pack (trace/pack.h): the trace in it
  trace::Header header;
  trace::EventDigests events;
  std::vector<uint64_t> calls;      // per function id
  std::optional<trace::End> end;    // none: the recording was cut short
};

// The second pass reads each trace again: files only, not a pipe, a FIFO or
// standard input. Refused before opening: opening a FIFO waits for a writer.
std::unique_ptr<trace::TraceReader> open_file(const std::string& path) {
  constexpr const char* kWhy = "diff reads each trace twice, so it must be a file";
  if (path == "-") throw ToolError(fmt::format("cannot compare standard input (`-`): {}", kWhy));
  std::error_code ec;
  auto type = std::filesystem::status(path, ec).type();
  if (!ec && type != std::filesystem::file_type::regular && type != std::filesystem::file_type::directory)
    throw ToolError(fmt::format("`{}` is not a regular file: {}", path, kWhy));
  auto reader = trace::TraceReader::open(path);
  if (!reader) throw ToolError(reader.error().message);
  if (!(*reader)->file_size()) throw ToolError(fmt::format("`{}` is not a regular file: {}", path, kWhy));
  return std::move(*reader);
}

// The next element of a trace, decoded; nullopt at its end.
std::optional<trace::Element> next_element(trace::TraceReader& reader) {
  auto el = reader.next();
  if (!el) throw ToolError(el.error().message);
  if (!*el) return std::nullopt;
  auto decoded = trace::decode_element(std::move(**el));
  if (!decoded) throw ToolError(fmt::format("`{}` element {}: {}", reader.path(), reader.position(), decoded.error().message));
  return std::move(*decoded);
}

trace::Header read_header(trace::TraceReader& reader) {
  auto el = next_element(reader);
  if (!el) throw ToolError(fmt::format("`{}` holds no header: it is empty or truncated", reader.path()));
  if (el->kind != trace::Element::Kind::Header)
    throw ToolError(fmt::format("`{}`: the first element is not a trace header", reader.path()));
  return std::move(el->header);
}

TraceSummary summarize(const std::string& path, FunctionNames& names) {
  auto reader = open_file(path);
  TraceSummary t;
  t.path = path;
  t.format = {reader->format(), reader->compression()};
  t.file_size = *reader->file_size();
  t.packed = reader->packed();
  t.header = read_header(*reader);
  while (auto el = next_element(*reader)) {
    auto where = [&] { return fmt::format("`{}` element {}", path, reader->position()); };
    if (el->kind == trace::Element::Kind::Header) throw ToolError(where() + ": a second header");
    if (t.end) throw ToolError(where() + ": an element after the end record");
    if (el->kind == trace::Element::Kind::End) {
      t.end = std::move(el->end);
      continue;
    }
    uint32_t fn = names.id(el->event.fn);
    t.events.add(el->event, fn);
    if (t.calls.size() <= fn) t.calls.resize(fn + 1);
    t.calls[fn]++;
  }
  return t;
}

// --- the header -----------------------------------------------------------------

std::string words(const std::vector<std::string>& v) {
  if (v.empty()) return "(none)";
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : " ") + printable(s);
  return out;
}

// A header field that differs: as JSON (for --json) and as text.
struct HeaderField {
  std::string name;   // in --json
  std::string label;  // for people
  Json a, b;
  std::string a_text, b_text;
};

struct HeaderComparison {
  std::vector<HeaderField> differences;
  std::vector<std::string> notes;  // what differs but is not a difference
  bool component_same = true;
  std::string component;           // when the same: which
  bool requests = false;           // a or b is a request trace (serve --record)
};

Json component_json(const trace::Header& h) {
  return {{"name", h.component_name}, {"sha256", h.component_sha256}, {"size", h.component_size}};
}
std::string component_text(const trace::Header& h) {
  return fmt::format("{} ({} bytes, SHA-256 {})", printable(h.component_name), h.component_size, printable(h.component_sha256));
}

// Dirs as the guest sees them: the host's side is where the recording ran.
Json guest_dirs(const trace::Header& h) {
  Json dirs = Json::array();
  for (const auto& p : h.preopens) dirs.push_back({{"guest", p.guest}, {"read_only", p.read_only}});
  return dirs;
}
std::string dirs_text(const trace::Header& h) {
  std::string out;
  for (const auto& p : h.preopens)
    out += fmt::format("{}{} -> {}{}", out.empty() ? "" : ", ", printable(p.host), printable(p.guest), p.read_only ? " (read-only)" : "");
  return out.empty() ? "(none)" : out;
}

Json limits_json(const trace::Header& h) {
  Json j = Json::object();
  if (h.max_memory) j["max_memory"] = *h.max_memory;
  if (h.max_handles) j["max_handles"] = *h.max_handles;
  return j;
}
std::string limits_text(const trace::Header& h) {
  std::string out;
  if (h.max_memory) out += fmt::format("--max-memory {}", *h.max_memory);
  if (h.max_handles) out += fmt::format("{}--max-handles {}", out.empty() ? "" : " ", *h.max_handles);
  return out.empty() ? "(none)" : out;
}

// A request trace's export call (serve --record); null for a command's run.
Json request_json(const trace::Header& h) {
  if (!h.export_call) return nullptr;
  return {{"instance", h.export_call->instance}, {"func", h.export_call->func}, {"request", h.export_call->request}};
}
std::string request_text(const trace::Header& h) {
  if (!h.export_call) return "none: a run of wasi:cli/run";
  return fmt::format("{} (to {}#{})", trace::request_line(*h.export_call), printable(h.export_call->instance),
                     printable(h.export_call->func));
}

// Everything in the header but what differs from run to run anyway: the start
// time, the wasm-rr that recorded (a note), and the host side of the dirs (a note).
HeaderComparison compare_headers(const trace::Header& a, const trace::Header& b) {
  HeaderComparison c;
  auto field = [&](std::string name, std::string label, Json ja, Json jb, std::string ta, std::string tb) {
    if (ja != jb)
      c.differences.push_back({std::move(name), std::move(label), std::move(ja), std::move(jb), std::move(ta), std::move(tb)});
  };
  field("component", "component differs", component_json(a), component_json(b), component_text(a), component_text(b));
  c.component_same = c.differences.empty();
  if (c.component_same) c.component = component_text(a);
  field("args", "args differ", a.args, b.args, shell_words(a.args), shell_words(b.args));
  field("env_names", "env names differ", a.env_names, b.env_names, words(a.env_names), words(b.env_names));
  field("dirs", "dirs differ", guest_dirs(a), guest_dirs(b), dirs_text(a), dirs_text(b));
  field("redacted", "redacted names differ", a.redacted, b.redacted, words(a.redacted), words(b.redacted));
  field("limits", "limits differ", limits_json(a), limits_json(b), limits_text(a), limits_text(b));
  field("request", "requests differ", request_json(a), request_json(b), request_text(a), request_text(b));
  c.requests = a.export_call || b.export_call;
  if (guest_dirs(a) == guest_dirs(b) && dirs_text(a) != dirs_text(b))
    c.notes.push_back(fmt::format("the dirs come from other host paths: a {}; b {}", dirs_text(a), dirs_text(b)));
  if (a.wasm_rr_version != b.wasm_rr_version)
    c.notes.push_back(fmt::format("recorded by wasm-rr {} (a) and {} (b)", printable(a.wasm_rr_version),
                                  printable(b.wasm_rr_version)));
  return c;
}

// --- ends -------------------------------------------------------------------------

// An end as compared: everything but a trap's backtrace, whose code offsets
// differ between two builds of a component.
Json end_json(const std::optional<trace::End>& end) {
  if (!end) return nullptr;
  Json j = trace::to_json(*end);
  j.erase("backtrace");
  return j;
}

std::string end_text(const std::optional<trace::End>& end) {
  if (!end) return "none: the recording was cut short (killed or crashed)";
  std::string response = trace::describe_response(end->response);
  return trace::describe(*end) + (response.empty() ? "" : "; response " + response);
}

// --- the events shown -------------------------------------------------------------

// Reads a trace again, front to back, for the events a report shows.
class EventFetcher {
 public:
  explicit EventFetcher(const TraceSummary& t) : trace_(t) {}

  // Event `index`, at or after the one fetched last.
  trace::Event get(uint64_t index) {
    if (!reader_) {
      reader_ = open_file(trace_.path);
      (void)read_header(*reader_);
    }
    while (true) {
      auto el = next_element(*reader_);
      if (!el || el->kind != trace::Element::Kind::Event) break;
      if (next_++ < index) continue;
      if (index >= trace_.events.size() ||
          trace::event_hashes(el->event) != trace::EventHashes{trace_.events.call[index], trace_.events.whole[index]})
        break;
      return std::move(el->event);
    }
    throw ToolError(fmt::format("`{}` changed while it was being compared", trace_.path));
  }

 private:
  const TraceSummary& trace_;
  std::unique_ptr<trace::TraceReader> reader_;
  uint64_t next_ = 0;  // the index of the next event the reader gives
};

// What differs between two events of one changed call: the arguments (first
// difference), then the outcome.
std::vector<trace::ValueDifference> event_differences(const trace::Event& a, const trace::Event& b) {
  std::vector<trace::ValueDifference> out;
  if (auto d = trace::first_difference(a.args, b.args, "args")) out.push_back(std::move(*d));
  std::optional<trace::ValueDifference> outcome;
  if (!a.exit && !a.trap && !b.exit && !b.trap) outcome = trace::first_difference(a.results, b.results, "results");
  else if (a.exit && b.exit) outcome = trace::first_difference(*a.exit, *b.exit, "exit");
  else if (a.trap && b.trap) outcome = trace::first_difference(*a.trap, *b.trap, "trap");
  else {
    auto text = [](const trace::Event& e) {
      if (e.exit) return fmt::format("exit {}", *e.exit);
      if (e.trap) return "trap " + trace::short_readable(*e.trap);
      return "results " + trace::short_readable(e.results);
    };
    outcome.emplace();
    outcome->path = "outcome";
    outcome->a = text(a);
    outcome->b = text(b);
  }
  if (outcome) out.push_back(std::move(*outcome));
  return out;
}

// A call for people: fn(arg, ...) -> results, bytes as text or hex.
std::string call_text(const trace::Event& e) {
  std::string args;
  for (const auto& v : e.args) args += (args.empty() ? "" : ", ") + trace::short_readable(v, 160);
  std::string s = fmt::format("{}({})", printable(e.fn), args);
  if (e.exit) return s + fmt::format(" -> exit {}", *e.exit);
  if (e.trap) return s + " -> trap: " + printable(*e.trap);
  std::string results;
  for (const auto& v : e.results) results += (results.empty() ? "" : ", ") + trace::short_readable(v, 160);
  return e.results.empty() ? s : s + " -> " + results;
}

// One op of a stretch with its events read again.
struct Shown {
  trace::EventOp op;
  std::optional<trace::Event> a, b;
  std::vector<trace::ValueDifference> differences;  // Changed
};

struct Counts {
  uint64_t changed = 0, only_a = 0, only_b = 0;
};

Counts count(const trace::EventDiff& diff, size_t first_op, size_t op_count) {
  Counts c;
  for (size_t i = first_op; i < first_op + op_count; i++) {
    switch (diff.ops[i].kind) {
      case trace::EventOp::Kind::Changed: c.changed++; break;
      case trace::EventOp::Kind::OnlyA: c.only_a++; break;
      case trace::EventOp::Kind::OnlyB: c.only_b++; break;
    }
  }
  return c;
}

std::string plural(uint64_t n, std::string_view one, std::string_view many) { return fmt::format("{} {}", n, n == 1 ? one : many); }

std::string counts_text(const Counts& c) {
  std::vector<std::string> parts;
  if (c.changed) parts.push_back(plural(c.changed, "changed call", "changed calls"));
  if (c.only_a) parts.push_back(plural(c.only_a, "call only in a", "calls only in a"));
  if (c.only_b) parts.push_back(plural(c.only_b, "call only in b", "calls only in b"));
  return fmt::format("{}", fmt::join(parts, ", "));
}

// --- the comparison ---------------------------------------------------------------

struct Comparison {
  FunctionNames names;
  TraceSummary a, b;
  HeaderComparison header;
  trace::EventDiff events;
  bool ends_same = true;

  bool equivalent() const { return header.differences.empty() && events.stretches.empty() && ends_same; }

  Counts totals() const { return count(events, 0, events.ops.size()); }

  // The ops of a stretch that are shown, with their events, in order.
  template <typename F>
  void for_each_shown(const trace::Stretch& s, EventFetcher& fa, EventFetcher& fb, F&& shown) const {
    for (size_t i = s.first_op; i < s.first_op + std::min(s.op_count, kShownPerStretch); i++) {
      Shown sh{events.ops[i], {}, {}, {}};
      if (sh.op.kind != trace::EventOp::Kind::OnlyB) sh.a = fa.get(sh.op.a);
      if (sh.op.kind != trace::EventOp::Kind::OnlyA) sh.b = fb.get(sh.op.b);
      if (sh.a && sh.b) sh.differences = event_differences(*sh.a, *sh.b);
      shown(sh);
    }
  }
};

// Events [first, first + count) of a trace of `total` events.
std::string range_text(uint64_t first, uint64_t count, uint64_t total) {
  if (count == 1) return fmt::format("#{}", first);
  if (count > 1) return fmt::format("#{}-#{}", first, first + count - 1);
  if (total == 0) return "none (no events)";
  if (first == total) return fmt::format("none (after #{})", total - 1);
  return fmt::format("none (before #{})", first);
}

std::string stretch_kind(const Counts& c) {
  int kinds = (c.changed > 0) + (c.only_a > 0) + (c.only_b > 0);
  if (kinds > 1) return "mixed";
  return c.changed ? "changed" : c.only_a ? "only_a" : "only_b";
}

// --- the report for people --------------------------------------------------------

std::string difference_text(const trace::ValueDifference& d) {
  if (d.offset)
    return fmt::format("{}: {} bytes in a, {} in b; they part at offset {}: a {}, b {}", printable(d.path), d.a_size,
                       d.b_size, *d.offset, d.a.value_or(""), d.b.value_or(""));
  return fmt::format("{}: a {}, b {}", printable(d.path), d.a.value_or("(nothing)"), d.b.value_or("(nothing)"));
}

void print_trace_line(const char* side, const TraceSummary& t) {
  std::string what = t.packed ? fmt::format("a pack: the component and a {} trace of {} bytes", trace::trace_format_name(t.format), t.file_size)
                              : fmt::format("{}, {} bytes", trace::trace_format_name(t.format), t.file_size);
  fmt::print("{}: {} ({}): {}{}\n", side, printable(t.path), what, plural(t.events.size(), "event", "events"),
             t.end ? "" : ", cut short");
}

void print_header(const HeaderComparison& h) {
  fmt::print("header:\n");
  if (h.component_same) fmt::print("  component: the same, {}\n", h.component);
  for (const auto& f : h.differences) fmt::print("  {}:\n    a: {}\n    b: {}\n", f.label, f.a_text, f.b_text);
  if (h.differences.size() == (h.component_same ? 0 : 1))
    fmt::print("  the command is the same (args, env names, dirs, redacted names, limits{})\n", h.requests ? ", request" : "");
  for (const auto& n : h.notes) fmt::print("  note: {}\n", n);
}

void print_shown(const Shown& sh) {
  switch (sh.op.kind) {
    case trace::EventOp::Kind::OnlyA: fmt::print("  a #{}  only in a: {}\n", sh.op.a, call_text(*sh.a)); return;
    case trace::EventOp::Kind::OnlyB: fmt::print("  b #{}  only in b: {}\n", sh.op.b, call_text(*sh.b)); return;
    case trace::EventOp::Kind::Changed:
      fmt::print("  a #{}  {}\n  b #{}  {}\n", sh.op.a, call_text(*sh.a), sh.op.b, call_text(*sh.b));
      for (const auto& d : sh.differences) fmt::print("    differs: {}\n", difference_text(d));
      return;
  }
}

void print_stretch(const Comparison& c, size_t index, EventFetcher& fa, EventFetcher& fb) {
  const trace::Stretch& s = c.events.stretches[index];
  std::string title = index == 0 ? fmt::format("first difference (stretch 1 of {})", c.events.stretches.size())
                                 : fmt::format("stretch {} of {}", index + 1, c.events.stretches.size());
  fmt::print("{}: a {}, b {}: {}\n", title, range_text(s.a_first, s.a_count, c.a.events.size()),
             range_text(s.b_first, s.b_count, c.b.events.size()), counts_text(count(c.events, s.first_op, s.op_count)));
  c.for_each_shown(s, fa, fb, print_shown);
  if (s.op_count > kShownPerStretch) {
    Counts rest = count(c.events, s.first_op + kShownPerStretch, s.op_count - kShownPerStretch);
    fmt::print("  ... {} more: {}\n", s.op_count - kShownPerStretch, counts_text(rest));
  }
}

void print_functions(const Comparison& c) {
  std::vector<std::tuple<std::string, uint64_t, uint64_t>> differing;
  for (uint32_t id = 0; id < c.names.size(); id++) {
    uint64_t na = id < c.a.calls.size() ? c.a.calls[id] : 0, nb = id < c.b.calls.size() ? c.b.calls[id] : 0;
    if (na != nb) differing.emplace_back(c.names.name(id), na, nb);
  }
  if (differing.empty()) {
    fmt::print("  calls by function: the same in both\n");
    return;
  }
  std::sort(differing.begin(), differing.end());
  fmt::print("  calls by function, where they differ:\n  {:>9} {:>9}  function\n", "a", "b");
  for (const auto& [fn, na, nb] : differing) fmt::print("  {:>9} {:>9}  {}\n", na, nb, printable(fn));
}

void print_ends(const std::optional<trace::End>& a, const std::optional<trace::End>& b) {
  fmt::print("  the ends differ:\n    a: {}\n    b: {}\n", end_text(a), end_text(b));
  if (end_text(a) != end_text(b) || !a || !b) return;
  // The same in words: say where, e.g. a response's headers or body.
  Json ja = end_json(a), jb = end_json(b);
  std::vector<std::string> where;
  for (const auto& [key, value] : ja.items()) {
    if (jb.contains(key) && jb[key] == value) continue;
    if (key == "response" && value.is_object() && jb[key].is_object()) {
      for (const auto& [part, v] : value.items())
        if (!jb[key].contains(part) || jb[key][part] != v) where.push_back("response " + part);
    } else {
      where.push_back(key);
    }
  }
  for (const auto& [key, value] : jb.items())
    if (!ja.contains(key)) where.push_back(key);
  fmt::print("    they differ in: {}\n", fmt::join(where, ", "));
}

void print_text(const Comparison& c, bool all) {
  print_trace_line("a", c.a);
  print_trace_line("b", c.b);
  print_header(c.header);
  EventFetcher fa(c.a), fb(c.b);
  size_t stretches = c.events.stretches.size();
  for (size_t i = 0; i < (all ? stretches : std::min<size_t>(stretches, 1)); i++) print_stretch(c, i, fa, fb);
  fmt::print("summary:\n");
  if (stretches == 0) {
    fmt::print("  differing stretches: none (all {} the same)\n", plural(c.a.events.size(), "call", "calls"));
  } else {
    fmt::print("  differing stretches: {} ({}){}\n", stretches, counts_text(c.totals()),
               stretches > 1 && !all ? "; --all shows every one" : "");
  }
  if (c.events.coarse)
    fmt::print("  note: too many differences to align every call exactly in reasonable time: the calls were aligned "
               "around those that each trace makes once, so some stretches may be longer than they need be\n");
  print_functions(c);
  if (c.ends_same) fmt::print("  both ended: {}\n", end_text(c.a.end));
  else print_ends(c.a.end, c.b.end);
  fmt::print("{}\n", c.equivalent() ? "the traces are equivalent" : "the traces differ");
}

// --- the report for scripts (--json) ----------------------------------------------

Json difference_json(const Shown& sh, const trace::ValueDifference* d) {
  Json j = Json::object();
  j["kind"] = sh.op.kind == trace::EventOp::Kind::Changed ? "changed" : sh.op.kind == trace::EventOp::Kind::OnlyA ? "only_a" : "only_b";
  if (sh.a) j["a_event"] = sh.op.a;
  if (sh.b) j["b_event"] = sh.op.b;
  j["fn"] = sh.a ? sh.a->fn : sh.b->fn;
  if (!d) {  // a call only one side makes: the whole call
    j["path"] = "";
    j["a"] = sh.a ? Json(call_text(*sh.a)) : Json();
    j["b"] = sh.b ? Json(call_text(*sh.b)) : Json();
    return j;
  }
  j["path"] = d->path;
  j["a"] = d->a ? Json(*d->a) : Json();
  j["b"] = d->b ? Json(*d->b) : Json();
  if (d->offset) {
    j["offset"] = *d->offset;
    j["a_size"] = d->a_size;
    j["b_size"] = d->b_size;
  }
  return j;
}

Json stretch_json(const Comparison& c, const trace::Stretch& s, EventFetcher& fa, EventFetcher& fb) {
  Counts n = count(c.events, s.first_op, s.op_count);
  Json differences = Json::array();
  c.for_each_shown(s, fa, fb, [&](const Shown& sh) {
    if (sh.differences.empty()) differences.push_back(difference_json(sh, nullptr));
    for (const auto& d : sh.differences) differences.push_back(difference_json(sh, &d));
  });
  return {{"a", {{"first", s.a_first}, {"count", s.a_count}}},
          {"b", {{"first", s.b_first}, {"count", s.b_count}}},
          {"kind", stretch_kind(n)},
          {"changed", n.changed},
          {"only_a", n.only_a},
          {"only_b", n.only_b},
          {"differences", std::move(differences)},
          {"more", s.op_count - std::min(s.op_count, kShownPerStretch)}};
}

Json trace_json(const TraceSummary& t) {
  return {{"path", t.path}, {"format", trace::trace_format_name(t.format)}, {"packed", t.packed}, {"events", t.events.size()},
          {"end", end_json(t.end)}};
}

std::string dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

// One JSON object, written as it goes: the stretches last, one at a time, so
// that --all on two very different traces does not hold them all.
void print_json(const Comparison& c, bool all) {
  Json header = {{"same", c.header.differences.empty()}, {"differences", Json::array()}};
  for (const auto& f : c.header.differences) header["differences"].push_back({{"field", f.name}, {"a", f.a}, {"b", f.b}});
  Json functions = Json::array();
  for (uint32_t id = 0; id < c.names.size(); id++)
    functions.push_back({{"fn", c.names.name(id)}, {"a", id < c.a.calls.size() ? c.a.calls[id] : 0},
                         {"b", id < c.b.calls.size() ? c.b.calls[id] : 0}});
  std::sort(functions.begin(), functions.end(), [](const Json& x, const Json& y) { return x["fn"] < y["fn"]; });
  Json head = {{"equivalent", c.equivalent()},
               {"a", trace_json(c.a)},
               {"b", trace_json(c.b)},
               {"header", std::move(header)},
               {"alignment", c.events.coarse ? "coarse" : "exact"},
               {"stretch_count", c.events.stretches.size()},
               {"functions", std::move(functions)},
               {"ends", {{"a", end_json(c.a.end)}, {"b", end_json(c.b.end)}, {"same", c.ends_same}}}};
  std::string text = dump(head);
  text.pop_back();  // the closing brace: the stretches follow
  fmt::print("{},\"stretches\":[", text);
  EventFetcher fa(c.a), fb(c.b);
  size_t shown = all ? c.events.stretches.size() : std::min<size_t>(c.events.stretches.size(), 1);
  for (size_t i = 0; i < shown; i++)
    fmt::print("{}{}", i ? "," : "", dump(stretch_json(c, c.events.stretches[i], fa, fb)));
  fmt::print("]}}\n");
}

}  // namespace

int diff_command(const DiffOptions& opts) {
  Comparison c;
  c.a = summarize(opts.a_path, c.names);
  c.b = summarize(opts.b_path, c.names);
  c.header = compare_headers(c.a.header, c.b.header);
  c.events = trace::diff_events(c.a.events, c.b.events);
  c.ends_same = end_json(c.a.end) == end_json(c.b.end);
  if (opts.json) print_json(c, opts.all);
  else print_text(c, opts.all);
  return c.equivalent() ? 0 : 1;
}

}  // namespace wasmrr::cli
