// wasm-rr inspect: what a trace holds, for people.
#include <filesystem>
#include <algorithm>
#include <functional>
#include <ctime>
#include <map>
#include <tuple>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "abi/async.h"
#include "cli/options.h"
#include "cli/trace_summary.h"
#include "rr/faults.h"
#include "trace/json_bytes.h"
#include "trace/readable.h"
#include "trace/reader.h"
#include "util/printable.h"

namespace wasmrr::cli {

namespace {

void print_header(const trace::Header& h, const trace::TraceReader& r) {
  std::string format = trace::trace_format_name({r.format(), r.compression()});
  if (r.packed())
    fmt::print("trace:      {} (a pack: the component and a {} trace of {} bytes)\n", r.path(), format,
               r.file_size().value_or(0));
  else if (auto size = r.file_size())
    fmt::print("trace:      {} ({}, {} bytes)\n", r.path(), format, *size);
  else
    fmt::print("trace:      {} ({}, read from a pipe)\n", r.path() == "-" ? "(stdin)" : r.path(), format);
  // Everything below comes from the trace: escaped (util/printable.h).
  auto join = [](const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : " ") + printable(s);
    return out;
  };
  fmt::print("recorded:   {} by wasm-rr {}\n", printable(h.start_time), printable(h.wasm_rr_version));
  fmt::print("component:  {} ({} bytes, SHA-256 {})\n", printable(h.component_name), h.component_size,
             printable(h.component_sha256));
  fmt::print("args:       {}\n", shell_words(h.args));  // `a` `b c` is a 'b c'
  fmt::print("env names:  {}\n", h.env_names.empty() ? "(none)" : join(h.env_names));
  for (const auto& p : h.preopens)
    fmt::print("dir:        {} -> {}{}\n", printable(p.host), printable(p.guest), p.read_only ? " (read-only)" : "");
  if (!h.redacted.empty()) fmt::print("redacted:   {}\n", join(h.redacted));
  if (h.export_call)
    fmt::print("request:    {} (to {}#{})\n", trace::request_line(*h.export_call), printable(h.export_call->instance),
               printable(h.export_call->func));
  if (h.world) {
    std::string world = h.world->seed ? fmt::format("seed {}", *h.world->seed) : std::string("the real one");
    if (!h.world->faults.empty()) world += ", --faults " + printable(h.world->faults);
    if (!h.world->flags.empty()) world += ", " + join(h.world->flags);
    fmt::print("world:      {}\n", world);
  }
}

// The faults a run was given (an end's "faults"), as the run printed them.
void print_faults(const trace::Json& faults) {
  if (faults.is_null()) return;
  try {
    rr::FaultPlan plan = rr::fault_plan_from_json(faults);
    fmt::print("faults:     {} injected{}\n", plan.size(), plan.empty() ? "" : ":");
    for (const auto& f : plan) fmt::print("  {}\n", rr::describe(f));
  } catch (const std::exception& e) {
    fmt::print("faults:     (not readable: {})\n", printable(e.what()));
  }
}

// inspect --stats: where a trace's events and bytes go, and the guest time
// its clock readings span.
class TraceStats {
  // An element's size as the JSON text of a trace writes it.
  static uint64_t json_size(trace::Json element) {
    trace::bytes_to_text_model(element);
    return element.dump().size();
  }

 public:
  explicit TraceStats(trace::Format format) : format_(format) {}

  // `encoded_size`: the element's size as read, where the reader knows it.
  void add(uint64_t index, const trace::Json& element, const trace::Event& event, std::optional<uint64_t> encoded_size) {
    uint64_t bytes = encoded_size ? *encoded_size : json_size(element);
    std::string_view fn = event.fn;
    std::string interface(fn.substr(0, fn.find('#')));
    functions_[event.fn].add(bytes);
    interfaces_[interface].add(bytes);
    largest_.emplace_back(bytes, index, event.fn);
    std::sort(largest_.rbegin(), largest_.rend());
    if (largest_.size() > 5) largest_.pop_back();
    if (fn.find("wasi:clocks/monotonic-clock") == 0 && fn.ends_with("#now") && event.results.size() == 1 &&
        event.results[0].is_number_unsigned()) {
      uint64_t ns = event.results[0].get<uint64_t>();
      monotonic_first_ = std::min(monotonic_first_, ns);
      monotonic_last_ = std::max(monotonic_last_, ns);
      monotonic_reads_++;
    }
    if (fn.find("wasi:clocks/wall-clock") == 0 && fn.ends_with("#now") && event.results.size() == 1)
      add_wall_clock(event.results[0]);
    if (fn.starts_with(kStreamsPrefix)) {
      add_stream_call(fn.substr(kStreamsPrefix.size()), event);
    } else {
      note_handles(index, event);
    }
  }

  void print() const {
    auto table = [](const char* title, const std::map<std::string, Tally>& rows) {
      std::vector<std::pair<uint64_t, std::string>> sorted;
      for (const auto& [name, t] : rows) sorted.emplace_back(t.bytes, name);
      std::sort(sorted.rbegin(), sorted.rend());
      fmt::print("{}\n  {:>9}  {:>12}  name\n", title, "events", "bytes");
      for (const auto& [bytes, name] : sorted) fmt::print("  {:>9}  {:>12}  {}\n", rows.at(name).events, bytes, printable(name));
    };
    table("by interface:", interfaces_);
    table("by function:", functions_);
    if (monotonic_reads_ > 1)
      fmt::print("guest time:  {} monotonic-clock readings spanning {:.6f} s\n", monotonic_reads_,
                 static_cast<double>(monotonic_last_ - monotonic_first_) / 1e9);
    else
      fmt::print("guest time:  {} monotonic-clock readings (no span)\n", monotonic_reads_);
    if (wall_reads_ > 0)
      fmt::print("wall clock:  {} reading{} from {} to {} ({:.6f} s)\n", wall_reads_, wall_reads_ == 1 ? "" : "s",
                 utc_text(wall_first_), utc_text(wall_last_), static_cast<double>(wall_last_ - wall_first_) / 1e9);
    fmt::print("largest events:\n");
    for (const auto& [bytes, index, fn] : largest_) fmt::print("  #{:<8} {:>12} bytes  {}\n", index, bytes, printable(fn));
    if (!streams_.empty()) print_streams();
  }

  trace::Json to_json() const {
    auto table = [](const std::map<std::string, Tally>& rows) {
      trace::Json t = trace::Json::object();
      for (const auto& [name, tally] : rows) t[name] = {{"events", tally.events}, {"bytes", tally.bytes}};
      return t;
    };
    trace::Json largest = trace::Json::array();
    for (const auto& [bytes, index, fn] : largest_) largest.push_back({{"event", index}, {"fn", fn}, {"bytes", bytes}});
    trace::Json clock = {{"readings", monotonic_reads_}};
    if (monotonic_reads_ > 0) {
      clock["first_ns"] = monotonic_first_;
      clock["last_ns"] = monotonic_last_;
      clock["span_ns"] = monotonic_last_ - monotonic_first_;
    }
    trace::Json wall = {{"readings", wall_reads_}};
    if (wall_reads_ > 0) {
      wall["first"] = utc_text(wall_first_);
      wall["last"] = utc_text(wall_last_);
      wall["span_ns"] = wall_last_ - wall_first_;
    }
    return {{"bytes_in", trace::format_name(format_)}, {"by_interface", table(interfaces_)},
            {"by_function", table(functions_)}, {"monotonic_clock", clock}, {"wall_clock", wall},
            {"largest_events", largest}, {"async_streams", streams_json()}};
  }

 private:
  // A wall-clock datetime {seconds, nanoseconds}, as nanoseconds since 1970
  // (well inside 64 bits until 2554). Readings before 1970 are not counted.
  void add_wall_clock(const trace::Json& datetime) {
    if (!datetime.is_object() || !datetime.contains("seconds") || !datetime.contains("nanoseconds")) return;
    const auto& s = datetime["seconds"];
    const auto& n = datetime["nanoseconds"];
    if (!s.is_number_unsigned() || !n.is_number_unsigned() || s.get<uint64_t>() > (UINT64_MAX / 1000000000) - 1) return;
    uint64_t ns = s.get<uint64_t>() * 1000000000 + std::min<uint64_t>(n.get<uint64_t>(), 999999999);
    wall_first_ = std::min(wall_first_, ns);
    wall_last_ = std::max(wall_last_, ns);
    wall_reads_++;
  }
  static std::string utc_text(uint64_t ns) {
    std::time_t t = static_cast<std::time_t>(ns / 1000000000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                       tm.tm_hour, tm.tm_min, tm.tm_sec, ns / 1000000 % 1000);
  }

  // The host's side of the streams and futures of an async run
  // (wasm-rr:async/streams, docs/async.md), by id.
  static constexpr std::string_view kStreamsPrefix = "wasm-rr:async/streams#";
  struct StreamTally {
    uint64_t writes = 0, written = 0;  // take: elements the guest wrote for the host
    uint64_t reads = 0, read = 0;      // give: elements the host gave the guest
    uint64_t polls = 0;                // resolve: a future the host writes, asked for
    bool resolved = false, ended = false, dropped = false;
  };
  static uint64_t elements(const trace::Json& list) {
    if (list.is_binary()) return list.get_binary().size();
    if (list.is_array()) return list.size();
    return list.is_number_unsigned() ? list.get<uint64_t>() : 0;  // a count, without payload
  }
  // Where each stream or future came from. The host's ids (from
  // abi::AsyncRegistry::kFirstHostId, 2^31 + 1: docs/async.md) are returned
  // by the call that made them; the guest's are the {"handle": n} an argument
  // of the last call before the host first used it held (resource handles
  // look the same, so this is the best guess a trace allows).
  static constexpr uint64_t kFirstHostId = abi::AsyncRegistry::kFirstHostId;
  static void each_handle(const trace::Json& v, const std::function<void(uint64_t)>& f, int depth = 0) {
    if (depth > 8) return;
    if (v.is_object() && v.size() == 1 && v.contains("handle") && v["handle"].is_number_unsigned()) {
      f(v["handle"].get<uint64_t>());
    } else if (v.is_array() || v.is_object()) {
      for (const auto& item : v) each_handle(item, f, depth + 1);
    }
  }
  void note_handles(uint64_t index, const trace::Event& event) {
    for (const auto& r : event.results)
      each_handle(r, [&](uint64_t id) {
        if (id >= kFirstHostId) origins_.try_emplace(id, fmt::format("returned by {} at event {}", event.fn, index));
      });
    for (const auto& a : event.args)
      each_handle(a, [&](uint64_t id) {
        if (id < kFirstHostId) last_passed_[id] = fmt::format("passed to {} at event {}", event.fn, index);
      });
  }
  void add_stream_call(std::string_view op, const trace::Event& event) {
    if (event.args.empty() || !event.args[0].is_number_unsigned()) return;
    const uint64_t id = event.args[0].get<uint64_t>();
    if (auto passed = last_passed_.find(id); passed != last_passed_.end()) {
      origins_.try_emplace(id, passed->second);
      last_passed_.erase(passed);
    }
    StreamTally& t = streams_[id];
    const bool answered = event.results.size() == 1;
    const bool none = answered && event.results[0].is_null();
    if (op == "take" && event.args.size() == 2) {
      t.writes++;
      t.written += elements(event.args[1]);
    } else if (op == "give") {
      t.reads++;
      if (answered && !none) t.read += elements(event.results[0]);
      t.ended = t.ended || none;
    } else if (op == "resolve") {
      t.polls++;
      t.resolved = t.resolved || (answered && !none);
    } else if (op == "dropped") {
      t.dropped = true;
    }
  }
  void print_streams() const {
    fmt::print("async streams and futures the host held (docs/async.md):\n");
    for (const auto& [id, t] : streams_) {
      std::vector<std::string> what;
      if (t.writes) what.push_back(fmt::format("the guest wrote {} element(s) in {} write(s)", t.written, t.writes));
      if (t.reads) what.push_back(fmt::format("the guest read {} element(s) in {} read(s)", t.read, t.reads));
      if (t.ended) what.push_back("the host's end ended");
      if (t.polls) what.push_back(fmt::format("a future asked for {} time(s), {}", t.polls, t.resolved ? "resolved" : "never resolved"));
      if (t.dropped) what.push_back("the guest dropped its end");
      auto origin = origins_.find(id);
      fmt::print("  #{:<10} {}{}\n", id, origin == origins_.end() ? "" : printable(origin->second) + ": ",
                 fmt::join(what, "; "));
    }
  }
  trace::Json streams_json() const {
    trace::Json out = trace::Json::object();
    for (const auto& [id, t] : streams_)
      out[std::to_string(id)] = {{"writes", t.writes}, {"written", t.written}, {"reads", t.reads}, {"read", t.read},
                                 {"ended", t.ended}, {"future_polls", t.polls}, {"resolved", t.resolved},
                                 {"dropped", t.dropped}};
    for (const auto& [id, text] : origins_)
      if (out.contains(std::to_string(id))) out[std::to_string(id)]["origin"] = text;
    return out;
  }

  struct Tally {
    uint64_t events = 0, bytes = 0;
    void add(uint64_t b) {
      events++;
      bytes += b;
    }
  };
  trace::Format format_;
  std::map<std::string, Tally> functions_, interfaces_;
  std::vector<std::tuple<uint64_t, uint64_t, std::string>> largest_;  // (bytes, index, function), largest first
  uint64_t monotonic_first_ = UINT64_MAX, monotonic_last_ = 0, monotonic_reads_ = 0;
  uint64_t wall_first_ = UINT64_MAX, wall_last_ = 0, wall_reads_ = 0;
  std::map<uint64_t, StreamTally> streams_;
  std::map<uint64_t, std::string> origins_;      // stream or future id -> where it came from
  std::map<uint64_t, std::string> last_passed_;  // a guest handle -> the last call that took it
};

// inspect --json: the same report as one JSON object, for scripts. Events
// (with --events) are streamed, one a line, so a large trace needs no memory.
class JsonReport {
 public:
  explicit JsonReport(const InspectOptions& opts) : opts_(opts) {}

  void header(const trace::Json& raw, const trace::TraceReader& r) {
    trace::Json about = {{"path", r.path()}, {"format", trace::trace_format_name({r.format(), r.compression()})}, {"packed", r.packed()}};
    if (auto size = r.file_size()) about["bytes"] = *size;
    fmt::print("{{\"trace\":{},\n\"header\":{}", dump(about), dump(text_model(raw)));
    if (opts_.events) fmt::print(",\n\"events\":[");
  }
  void event(uint64_t index, const trace::Json& raw) {
    trace::Json e = text_model(raw);
    e["index"] = index;
    fmt::print("{}\n{}", first_event_ ? "" : ",", dump(e));
    first_event_ = false;
  }
  void finish(uint64_t events, const std::optional<trace::End>& end, const std::map<std::string, uint64_t>& per_function,
              const TraceStats* stats) {
    if (opts_.events) fmt::print("\n]");
    trace::Json calls = trace::Json::object();
    for (const auto& [fn, n] : per_function) calls[fn] = n;
    trace::Json tail = {{"event_count", events},
                        {"complete", end.has_value()},
                        {"end", end ? trace::to_json(*end) : trace::Json()},
                        {"end_text", end ? trace::describe(*end) : "none: the recording was cut short (killed or crashed)"},
                        {"calls_by_function", calls}};
    if (stats) tail["stats"] = stats->to_json();
    std::string text = dump(tail);
    fmt::print(",\n{}\n", text.substr(1));  // the tail's members continue the object
  }

 private:
  // A trace's strings may be any bytes (a hostile CBOR trace): never a throw.
  static std::string dump(const trace::Json& j) { return j.dump(-1, ' ', false, trace::Json::error_handler_t::replace); }
  static trace::Json text_model(trace::Json j) {
    trace::bytes_to_text_model(j);  // bytes as {"$bytes": base64}, as JSON traces hold them
    return j;
  }
  const InspectOptions& opts_;
  bool first_event_ = true;
};

int files_json(trace::TraceReader& reader) {
  FilesWrittenWatcher watcher;
  reader.set_observer(&watcher);
  while (true) {
    auto el = reader.next();
    if (!el) throw ToolError(el.error().message);
    if (!*el) break;
  }
  reader.set_observer(nullptr);
  trace::Json files = trace::Json::array();
  for (const auto& [path, change] : watcher.changes()) files.push_back({{"path", path}, {"change", change.describe()}});
  fmt::print("{}\n", trace::Json{{"files_written", files}}.dump(-1, ' ', false, trace::Json::error_handler_t::replace));
  return 0;
}

}  // namespace

int inspect_command(const InspectOptions& opts) {
  auto reader = trace::TraceReader::open(opts.trace_path);
  if (!reader) throw ToolError(reader.error().message);
  if (opts.files && opts.json) return files_json(**reader);
  if (opts.files) return print_files_written(**reader, stdout) ? 0 : kExitToolError;
  std::optional<JsonReport> json;
  if (opts.json) json.emplace(opts);
  uint64_t events = 0;
  std::map<std::string, uint64_t> per_function;
  std::optional<trace::End> end;
  TraceStats stats((*reader)->format());
  while (true) {
    auto el = (*reader)->next();
    if (!el) throw ToolError(el.error().message);
    if (!*el) break;
    trace::Json raw = opts.events || opts.stats || opts.json ? **el : trace::Json();
    auto decoded = trace::decode_element(std::move(**el));
    if (!decoded) throw ToolError(fmt::format("element {}: {}", (*reader)->position(), decoded.error().message));
    switch (decoded->kind) {
      case trace::Element::Kind::Header:
        if (json) json->header(raw, **reader);
        else print_header(decoded->header, **reader);
        break;
      case trace::Element::Kind::Event:
        if (opts.events && events >= opts.first_event && events <= opts.last_event) {
          if (json) json->event(events, raw);
          else fmt::print("#{} {}\n", events, trace::readable(raw));
        }
        if (opts.stats) stats.add(events, raw, decoded->event, (*reader)->cbor_element_size());
        events++;
        per_function[decoded->event.fn]++;
        break;
      case trace::Element::Kind::End: end = decoded->end; break;
    }
  }
  if (json) {
    json->finish(events, end, per_function, opts.stats ? &stats : nullptr);
    return 0;
  }
  fmt::print("events:     {}\n", events);
  if (!end) fmt::print("end:        none: the recording was cut short (killed or crashed)\n");
  else fmt::print("end:        {}\n", trace::describe(*end));
  if (end) print_faults(end->faults);
  if (end && end->response.is_object()) fmt::print("response:   {}\n", trace::describe_response(end->response));
  if (opts.stats) {
    stats.print();
    return 0;
  }
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
