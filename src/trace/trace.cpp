#include "trace/trace.h"

#include <fmt/format.h>

#include "util/printable.h"

namespace wasmrr::trace {

std::string_view format_name(Format f) { return f == Format::Json ? "json" : "cbor"; }

std::string trace_format_name(TraceFormat f) {
  std::string name(format_name(f.format));
  if (f.compression == Compression::Zstd) name += ".zst";
  return name;
}

Result<TraceFormat> format_from_name(const std::string& name) {
  for (Format f : {Format::Json, Format::Cbor})
    for (Compression c : {Compression::None, Compression::Zstd})
      if (name == trace_format_name({f, c})) return TraceFormat{f, c};
  return make_error(fmt::format("unknown trace format `{}` (expected json, cbor, json.zst or cbor.zst)", name));
}

Result<TraceFormat> format_from_path(const std::string& path) {
  auto ends_with = [&](std::string_view ext) { return path.size() >= ext.size() && path.ends_with(ext); };
  if (ends_with(".json")) return TraceFormat{Format::Json, Compression::None};
  if (ends_with(".cbor")) return TraceFormat{Format::Cbor, Compression::None};
  if (ends_with(".json.zst")) return TraceFormat{Format::Json, Compression::Zstd};
  if (ends_with(".cbor.zst")) return TraceFormat{Format::Cbor, Compression::Zstd};
  return make_error(fmt::format("cannot tell the trace format of `{}` from its extension: use .json, .cbor, .json.zst "
                                "or .cbor.zst, or -f json|cbor|json.zst|cbor.zst",
                                path));
}

Json to_json(const Header& h) {
  Json preopens = Json::array();
  for (const auto& p : h.preopens) preopens.push_back({{"host", p.host}, {"guest", p.guest}, {"read_only", p.read_only}});
  Json j{{"format", kFormatName},
              {"version", kFormatVersion},
              {"wasm_rr_version", h.wasm_rr_version},
              {"component", {{"name", h.component_name}, {"sha256", h.component_sha256}, {"size", h.component_size}}},
              {"command", {{"args", h.args}, {"env_names", h.env_names}, {"preopens", preopens}, {"redacted", h.redacted}}},
              {"start_time", h.start_time}};
  if (h.max_memory || h.max_handles) {
    Json limits = Json::object();
    if (h.max_memory) limits["max_memory"] = *h.max_memory;
    if (h.max_handles) limits["max_handles"] = *h.max_handles;
    j["limits"] = std::move(limits);
  }
  if (h.dedup_window) j["dedup"] = {{"window", *h.dedup_window}};
  if (h.world) {
    Json w{{"flags", h.world->flags}};
    if (h.world->seed) w["seed"] = *h.world->seed;
    if (!h.world->faults.empty()) w["faults"] = h.world->faults;
    j["world"] = std::move(w);
  }
  if (h.export_call) {
    const ExportCall& e = *h.export_call;
    j["export"] = {{"instance", e.instance}, {"func", e.func}, {"args", e.args}, {"request", e.request}};
  }
  return j;
}

Json to_json(const Event& e) {
  Json j{{"fn", e.fn}, {"args", e.args}};
  if (e.exit) j["exit"] = *e.exit;
  else if (e.trap) j["trap"] = *e.trap;
  else j["results"] = e.results;
  return j;
}

static Json end_without_faults(const End& e) {
  switch (e.kind) {
    case End::Kind::Exit: return Json{{"end", "exit"}, {"status", e.status}};
    case End::Kind::Trap: return Json{{"end", "trap"}, {"message", e.message}, {"backtrace", e.backtrace}};
    case End::Kind::Signal:
      return Json{{"end", "signal"}, {"signal", e.signal_name}, {"number", e.signal}, {"events", e.events}};
    case End::Kind::Timeout: return Json{{"end", "timeout"}, {"timeout_ms", e.timeout_ms}, {"events", e.events}};
  }
  return Json{{"end", "exit"}, {"status", e.status}};
}

Json to_json(const End& e) {
  Json j = end_without_faults(e);
  if (!e.faults.is_null()) j["faults"] = e.faults;
  if (!e.response.is_null()) j["response"] = e.response;
  return j;
}

std::string describe(const End& e) {
  auto events = [&] { return fmt::format("{} event{}", e.events, e.events == 1 ? "" : "s"); };
  switch (e.kind) {
    case End::Kind::Exit: return fmt::format("exit status {}", e.status);
    case End::Kind::Trap: return "trap: " + printable(e.message);
    case End::Kind::Signal: return fmt::format("interrupted by {} after {}", printable(e.signal_name), events());
    case End::Kind::Timeout: {
      // As the limit is spelled when it is reached (cli/units.h duration_text).
      std::string limit = e.timeout_ms % 1000 == 0 ? fmt::format("{} s", e.timeout_ms / 1000) : fmt::format("{} ms", e.timeout_ms);
      return fmt::format("stopped by --timeout {} after {}", limit, events());
    }
  }
  return "";
}

std::string request_line(const ExportCall& call) {
  const Json& r = call.request;
  auto text = [&](const char* key) { return r.is_object() && r.contains(key) && r[key].is_string(); };
  if (!text("method") || !text("path")) return "(not said)";
  return printable(r["method"].get<std::string>() + " " + r["path"].get<std::string>());
}

std::string describe_response(const Json& r) {
  if (!r.is_object()) return "";
  size_t body = r.contains("body") && r["body"].is_binary() ? r["body"].get_binary().size() : 0;
  return fmt::format("{} ({} bytes of body{})", r.value("status", Json()).dump(), body,
                     r.contains("by") ? ", answered by wasm-rr" : r.contains("cut") ? ", then the connection was cut" : "");
}

namespace {

// Field access that reports what is missing or mistyped, and where.
class Fields {
 public:
  // `where` is empty or ends in ": " (the part of the element being read).
  Fields(const Json& j, std::string where = "") : j_(j), where_(std::move(where)) {}

  const Json& get(const char* key, Json::value_t type) const {
    auto it = j_.find(key);
    if (it == j_.end()) throw std::runtime_error(fmt::format("{}missing field `{}`", where_, key));
    bool ok = it->type() == type ||
              (type == Json::value_t::number_integer && it->type() == Json::value_t::number_unsigned);
    if (!ok) throw std::runtime_error(fmt::format("{}field `{}` is a {}, expected a {}", where_, key, it->type_name(),
                                                  Json(type).type_name()));
    return *it;
  }
  bool has(const char* key) const { return j_.contains(key); }
  std::string str(const char* key) const { return get(key, Json::value_t::string).get<std::string>(); }
  const Json& arr(const char* key) const { return get(key, Json::value_t::array); }
  const Json& obj(const char* key) const { return get(key, Json::value_t::object); }
  // An integer in [min, max]; anything else (a float, a number out of range,
  // which a cast would silently wrap) is an error naming the field.
  int64_t num(const char* key, int64_t min = INT64_MIN, int64_t max = INT64_MAX) const {
    const Json& v = get(key, Json::value_t::number_integer);
    bool in_range = v.is_number_unsigned() ? v.get<uint64_t>() <= static_cast<uint64_t>(max)
                                           : v.get<int64_t>() >= min && v.get<int64_t>() <= max;
    if (!in_range) throw std::runtime_error(fmt::format("{}field `{}`: {} is out of range [{}, {}]", where_, key, v.dump(), min, max));
    return v.get<int64_t>();
  }
  uint64_t unum(const char* key, uint64_t max = UINT64_MAX) const {
    const Json& v = get(key, Json::value_t::number_integer);
    if (!v.is_number_unsigned() && v.get<int64_t>() < 0)
      throw std::runtime_error(fmt::format("{}field `{}`: {} is out of range [0, {}]", where_, key, v.dump(), max));
    if (v.get<uint64_t>() > max)
      throw std::runtime_error(fmt::format("{}field `{}`: {} is out of range [0, {}]", where_, key, v.dump(), max));
    return v.get<uint64_t>();
  }
  std::vector<std::string> strings(const char* key) const {
    std::vector<std::string> out;
    for (const auto& s : arr(key)) {
      if (!s.is_string()) throw std::runtime_error(fmt::format("{}`{}` must hold strings", where_, key));
      out.push_back(s.get<std::string>());
    }
    return out;
  }

 private:
  const Json& j_;
  std::string where_;
};

Header decode_header(const Json& j) {
  Fields f(j);
  if (f.str("format") != kFormatName)
    throw std::runtime_error(fmt::format("not a wasm-rr trace (format is `{}`)", f.str("format")));
  if (f.num("version") != kFormatVersion)
    throw std::runtime_error(fmt::format("trace format version {} is not supported (this wasm-rr reads version {})",
                                         f.num("version"), kFormatVersion));
  Header h;
  h.wasm_rr_version = f.str("wasm_rr_version");
  Fields c(f.obj("component"), "component: ");
  h.component_name = c.str("name");
  h.component_sha256 = c.str("sha256");
  h.component_size = c.unum("size");
  Fields cmd(f.obj("command"), "command: ");
  h.args = cmd.strings("args");
  h.env_names = cmd.strings("env_names");
  for (const auto& p : cmd.arr("preopens")) {
    Fields pf(p, "command.preopens: ");
    h.preopens.push_back({pf.str("host"), pf.str("guest"), pf.get("read_only", Json::value_t::boolean).get<bool>()});
  }
  if (cmd.has("redacted")) h.redacted = cmd.strings("redacted");
  h.start_time = f.str("start_time");
  if (f.has("limits")) {
    Fields limits(f.obj("limits"), "limits: ");
    auto positive = [&](const char* key) {
      int64_t v = limits.num(key);
      if (v <= 0) throw std::runtime_error(fmt::format("limits: `{}` must be positive", key));
      return static_cast<uint64_t>(v);
    };
    if (limits.has("max_memory")) h.max_memory = positive("max_memory");
    if (limits.has("max_handles")) h.max_handles = positive("max_handles");
  }
  if (f.has("dedup")) {
    Fields dedup(f.obj("dedup"), "dedup: ");
    int64_t window = dedup.num("window");
    if (window <= 0) throw std::runtime_error("dedup: `window` must be positive");
    h.dedup_window = static_cast<uint64_t>(window);
  }
  if (f.has("world")) {
    Fields w(f.obj("world"), "world: ");
    World world;
    if (w.has("seed")) world.seed = w.unum("seed");
    if (w.has("faults")) world.faults = w.str("faults");
    if (w.has("flags")) world.flags = w.strings("flags");
    h.world = std::move(world);
  }
  if (f.has("export")) {
    Fields e(f.obj("export"), "export: ");
    ExportCall call;
    call.instance = e.str("instance");
    call.func = e.str("func");
    call.args = e.arr("args");
    if (e.has("request")) call.request = f.obj("export").at("request");
    h.export_call = std::move(call);
  }
  return h;
}

}  // namespace

Result<Element> decode_element(Json j) {
  try {
    if (!j.is_object()) return make_error(fmt::format("expected an object, found a {}", j.type_name()));
    Element el;
    Fields f(j);
    if (j.contains("format")) {
      el.kind = Element::Kind::Header;
      el.header = decode_header(j);
    } else if (j.contains("fn")) {
      el.kind = Element::Kind::Event;
      el.event.fn = f.str("fn");
      el.event.args = std::move(j["args"]);
      if (!el.event.args.is_array()) return make_error("field `args` must be an array");
      if (j.contains("exit")) {
        el.event.exit = static_cast<int>(f.num("exit", 0, 255));  // a process exit status
      } else if (j.contains("trap")) {
        el.event.trap = f.str("trap");
      } else {
        el.event.results = std::move(j["results"]);
        if (!el.event.results.is_array()) return make_error("field `results` must be an array");
      }
    } else if (j.contains("end")) {
      el.kind = Element::Kind::End;
      std::string kind = f.str("end");
      if (kind == "exit") {
        el.end.status = static_cast<int>(f.num("status", 0, 255));
      } else if (kind == "trap") {
        el.end.kind = End::Kind::Trap;
        el.end.message = f.str("message");
        el.end.backtrace = f.strings("backtrace");
      } else if (kind == "signal") {
        el.end.kind = End::Kind::Signal;
        el.end.signal_name = f.str("signal");
        int64_t number = f.num("number");
        if (number < 1 || number > 64) return make_error(fmt::format("signal number {} is out of range", number));
        el.end.signal = static_cast<int>(number);
        el.end.events = f.unum("events");
      } else if (kind == "timeout") {
        el.end.kind = End::Kind::Timeout;
        el.end.timeout_ms = f.unum("timeout_ms");
        el.end.events = f.unum("events");
      } else {
        return make_error(fmt::format("unknown end kind `{}` (expected exit, trap, signal or timeout)", kind));
      }
      if (j.contains("response")) {
        if (!j["response"].is_object()) return make_error("field `response` must be an object");
        el.end.response = std::move(j["response"]);
      }
      if (j.contains("faults")) {
        if (!j["faults"].is_array()) return make_error("field `faults` must be an array");
        el.end.faults = std::move(j["faults"]);
      }
    } else {
      return make_error("not a header, event or end (no `format`, `fn` or `end` field)");
    }
    return el;
  } catch (const std::exception& e) {
    return make_error(e.what());
  }
}

}  // namespace wasmrr::trace
