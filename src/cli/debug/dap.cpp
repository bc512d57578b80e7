#include "cli/debug/dap.h"

#include "cli/units.h"
#include "trace/pack.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

namespace wasmrr::cli::debug {
namespace {

using Json = nlohmann::json;

constexpr int kThread = 1;  // the guest: DAP wants a thread, a replay has one

// A request that cannot be answered as asked (its message is the answer).
struct BadRequest : std::runtime_error {
  using std::runtime_error::runtime_error;
};

Json capabilities() {
  return {{"supportsConfigurationDoneRequest", true},
          {"supportsFunctionBreakpoints", true},
          {"supportsStepBack", true},
          {"supportsGotoTargetsRequest", true},
          {"supportsEvaluateForHovers", true},
          {"supportsSteppingGranularity", true},
          {"supportsTerminateRequest", true}};
}

std::string trimmed(const std::string& text) {
  size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string::npos) return "";
  return text.substr(start, text.find_last_not_of(" \t\r\n") - start + 1);
}


// `prefix` replaced by `with` when `path` begins with it as whole path components.
std::optional<std::string> replace_prefix(const std::string& path, const std::string& prefix, const std::string& with) {
  if (prefix.empty() || !path.starts_with(prefix)) return std::nullopt;
  if (path.size() != prefix.size() && prefix.back() != '/' && path[prefix.size()] != '/') return std::nullopt;
  return with + path.substr(prefix.size());
}

// The longest prefix among `map`'s (from, to) pairs, replaced.
std::optional<std::string> map_path(const std::string& path, const std::vector<std::pair<std::string, std::string>>& map,
                                    bool reverse) {
  std::optional<std::string> best;
  size_t best_length = 0;
  for (const auto& [from, to] : map) {
    const std::string& a = reverse ? to : from;
    const std::string& b = reverse ? from : to;
    auto mapped = replace_prefix(path, a, b);
    if (mapped && a.size() >= best_length) {
      best = mapped;
      best_length = a.size();
    }
  }
  return best;
}

std::vector<std::string> components(const std::string& path) {
  std::vector<std::string> out;
  std::istringstream in(path);
  for (std::string c; std::getline(in, c, '/');)
    if (!c.empty() && c != ".") out.push_back(c);
  return out;
}

// Whether the line table's `found` path can name the client's `asked` file: a
// relative DWARF path (tests/x/a.c, ./a.c) must be a tail of the client's
// path, so that a shorter suffix tried (a.c) does not pick another directory's
// a.c. An absolute one is taken as it is (it was compiled elsewhere).
bool plausible(const std::string& found, const std::string& asked) {
  if (found.starts_with("/")) return true;
  std::vector<std::string> f = components(found), a = components(asked);
  return f.size() <= a.size() && std::equal(f.rbegin(), f.rend(), a.rbegin());
}

std::string value_of(const runtime::GuestGlobal& g) {
  engine::GlobalType t = g.global->type();
  CoreVal v = g.global->get();
  switch (t.type) {
    case CoreType::I32: return fmt::format("{} (0x{:x})", v.as_i32(), v.as_u32());
    case CoreType::I64: return fmt::format("{} (0x{:x})", v.as_i64(), v.bits);
    case CoreType::F32: return fmt::format("{}", v.as_f32());
    case CoreType::F64: return fmt::format("{}", v.as_f64());
    default: return "(a reference)";
  }
}

std::string value_of(CoreType type, const CoreVal& v) {
  switch (type) {
    case CoreType::I64: return fmt::format("{}", v.as_i64());
    case CoreType::F32: return fmt::format("{}", v.as_f32());
    case CoreType::F64: return fmt::format("{}", v.as_f64());
    default: return fmt::format("{}", v.as_i32());
  }
}

// A request's arguments: an object, also when the client sends none or null.
Json arguments_of(const Json& request) {
  auto it = request.find("arguments");
  return it != request.end() && it->is_object() ? *it : Json::object();
}

// What `when` says in the REPL.
std::string when(const Position& p) {
  if (p.at_end) return fmt::format("at the end, after {} events", p.event);
  if (p.hit) return fmt::format("between events {} and {} (event {} is next)", p.event == 0 ? 0 : p.event - 1, p.event, p.event);
  return fmt::format("before event {}", p.event);
}

}  // namespace

DapServer::DapServer(int in_fd, int out_fd) : channel_(in_fd, out_fd) {}
DapServer::~DapServer() = default;

int DapServer::serve() {
  try {
    if (!await_launch()) return launch_failed_ ? kExitToolError : 0;
    return run_session();
  } catch (const ProtocolError& e) {
    fmt::print(stderr, "wasm-rr: error: debug --dap: {}\n", e.what());
    return kExitToolError;
  }
}

// --- before the session: initialize, launch ---

bool DapServer::await_launch() {
  for (;;) {
    std::optional<Json> m = channel_.read();
    if (!m) return false;
    if (m->at("type") != "request") continue;
    const Json& command = (*m)["command"];
    if (command == "initialize") {
      channel_.respond(*m, capabilities());
    } else if (command == "launch" && !launch_failed_) {
      if (launch(*m)) return true;
    } else if (command == "disconnect" || command == "terminate") {
      channel_.respond(*m);
      return false;
    } else if (launch_failed_) {
      channel_.fail(*m, "the launch failed: there is nothing to debug");
    } else {
      held_.push_back(std::move(*m));  // answered at the first stop, when the guest's code is there
    }
  }
}

// Takes the launch's arguments; false when they are wrong (answered, and
// `terminated` sent).
bool DapServer::launch(const Json& request) {
  auto reject = [&](const std::string& why) {
    channel_.fail(request, why);
    channel_.event("terminated");
    launch_failed_ = true;
    return false;
  };
  try {
    Json args = arguments_of(request);
    if (args.contains("cwd")) {
      std::string cwd = args["cwd"].get<std::string>();
      if (::chdir(cwd.c_str()) != 0) return reject(fmt::format("launch: cannot change to the directory `{}`: {}", cwd, std::strerror(errno)));
    }
    options_.component_path = args.value("component", "");
    if (options_.component_path.empty())
      return reject("launch: `component` is required (the path of the recorded component)");
    // A pack (.wasmrr) holds the trace too.
    options_.trace_path = args.value("trace", trace::is_pack_file(options_.component_path) ? options_.component_path
                                                                                            : "wasm-rr-trace.json");
    options_.force = args.value("force", false);
    stop_on_entry_ = args.value("stopOnEntry", false);
    Json map = args.value("sourceMap", Json::object());  // named: items() refers to it
    for (const auto& [from, to] : map.items()) source_map_.emplace_back(from, to.get<std::string>());
  } catch (const Json::exception& e) {
    return reject(fmt::format("launch: bad arguments: {}", e.what()));
  }
  launch_request_ = request;
  return true;
}

int DapServer::run_session() {
  Session session(options_, *this);
  session.send_output_to([this](int fd, std::string_view bytes) {
    channel_.event("output", {{"category", fd == 2 ? "stderr" : "stdout"}, {"output", std::string(bytes)}});
  });
  int status = 0;
  try {
    status = session.run();
  } catch (const ToolError& e) {
    return finish(kExitToolError, e.what());
  }
  if (quit_) return status;
  if (terminating_) return drain(status);
  // Only a divergence ends a run without a stop (its report is on stderr).
  return finish(status, status == kExitDivergence ? "the replay diverged from the trace (wasm-rr's stderr has the report)"
                                                  : fmt::format("the session ended with status {}", status));
}

// The session cannot go on: says why (to the launch, when not answered yet),
// then waits for the client to disconnect.
int DapServer::finish(int status, const std::string& why) {
  if (launch_request_) {
    channel_.fail(*launch_request_, why);
    launch_request_.reset();
  } else {
    say(fmt::format("wasm-rr: {}", why), "stderr");
  }
  return drain(status);
}

int DapServer::drain(int status) {
  if (!terminated_sent_) channel_.event("terminated");
  terminated_sent_ = true;
  for (;;) {
    std::optional<Json> m = channel_.read();
    if (!m || (*m)["command"] == "disconnect") {
      if (m) channel_.respond(*m);
      return status;
    }
    if ((*m)["type"] == "request") channel_.fail(*m, "the debug session has ended");
  }
}

// --- while stopped ---

Command DapServer::stopped(Session& s) {
  if (launch_request_) {  // the first stop: the guest's code is loaded, breakpoints can be placed
    channel_.respond(*launch_request_);
    launch_request_.reset();
    channel_.event("initialized");
  } else if (refused_) {  // the same stop again: the client was told the guest runs
    std::string why = *refused_;
    refused_.reset();
    say(why);
    announce_stop(s, why);
  } else {
    announce_stop(s, "");
  }
  if (Outcome c = answer_held(s)) return *c;
  return serve_requests(s);
}

// Requests that came before the first stop, in order; those after one that
// resumes the guest wait for the next stop.
DapServer::Outcome DapServer::answer_held(Session& s) {
  while (!held_.empty()) {
    Json r = std::move(held_.front());
    held_.erase(held_.begin());
    if (Outcome c = handle(s, r)) return c;
  }
  return std::nullopt;
}

void DapServer::refused(const std::string& why) { refused_ = why; }

Command DapServer::serve_requests(Session& s) {
  for (;;) {
    std::optional<Json> m = channel_.read();
    if (!m) {  // the client is gone: as a disconnect
      quit_ = true;
      return Command{Command::Quit};
    }
    if (Outcome c = handle(s, *m)) return *c;
  }
}

Command DapServer::resume(Command c) {
  references_.clear();  // they name this stop's values
  return c;
}

void DapServer::say(const std::string& text, const char* category) {
  channel_.event("output", {{"category", category}, {"output", text + "\n"}});
}

void DapServer::announce_stop(Session& s, const std::string& description) {
  const Stop& stop = s.stop();
  if (!stop.note.empty()) say(stop.note);
  Json body = {{"threadId", kThread}, {"allThreadsStopped", true}};
  std::string text;
  switch (stop.why) {
    case Stop::Entry: body["reason"] = "entry"; break;
    case Stop::Breakpoint:
      body["reason"] = "breakpoint";
      body["hitBreakpointIds"] = stop.breakpoints;
      break;
    case Stop::Goto: body["reason"] = "goto"; break;
    case Stop::End:
      // Not `terminated`: the replay can still go back from here.
      body["reason"] = "pause";
      text = fmt::format("the replay has ended: {} after {} events", stop.ending, stop.position.event);
      say(text + " (reverse commands and goto go back)");
      break;
    default: body["reason"] = "step"; break;  // Step, Finish, NoTarget
  }
  if (!stop.position.hit && !stop.position.at_end)
    text = fmt::format("before event {}: the guest calls {}", stop.position.event, stop.pending_call);
  if (!description.empty()) text = description;
  if (!text.empty()) {
    body["description"] = text;
    body["text"] = text;
  }
  channel_.event("stopped", std::move(body));
}

DapServer::Outcome DapServer::handle(Session& s, const Json& m) {
  if (m.at("type") != "request") return std::nullopt;  // nothing is asked of the client: no responses come
  std::string command;
  try {
    command = m.at("command").get<std::string>();
    return dispatch(s, command, m, arguments_of(m));
  } catch (const Json::exception& e) {
    channel_.fail(m, fmt::format("bad arguments for `{}`: {}", command, e.what()));
  } catch (const BadRequest& e) {
    channel_.fail(m, e.what());
  }
  return std::nullopt;
}

DapServer::Outcome DapServer::dispatch(Session& s, const std::string& command, const Json& request, const Json& args) {
  bool by_instruction = args.value("granularity", "") == "instruction";
  // Resuming requests: answered first, then the guest goes.
  auto go = [&](Command::Kind kind, Json body = Json::object()) -> Outcome {
    configured_ = true;
    channel_.respond(request, std::move(body));
    return resume(Command{kind});
  };
  if (command == "initialize") channel_.respond(request, capabilities());
  else if (command == "configurationDone") return configuration_done(s, request);
  else if (command == "threads") channel_.respond(request, {{"threads", Json::array({{{"id", kThread}, {"name", "guest"}}})}});
  else if (command == "setBreakpoints") set_breakpoints(s, request, args);
  else if (command == "setFunctionBreakpoints") set_function_breakpoints(s, request, args);
  else if (command == "setExceptionBreakpoints") channel_.respond(request, {{"breakpoints", Json::array()}});
  else if (command == "stackTrace") stack_trace(s, request, args);
  else if (command == "scopes") scopes(s, request, args);
  else if (command == "variables") variables(s, request, args);
  else if (command == "evaluate") return evaluate(s, request, args);
  else if (command == "continue") return go(Command::Continue, {{"allThreadsContinued", true}});
  else if (command == "next") return go(by_instruction ? Command::StepInstruction : Command::Next);
  else if (command == "stepIn") return go(by_instruction ? Command::StepInstruction : Command::Step);
  else if (command == "stepOut") return go(Command::Finish);
  else if (command == "stepBack") return go(by_instruction ? Command::ReverseStepInstruction : Command::ReverseNext);
  else if (command == "reverseContinue") return go(Command::ReverseContinue);
  else if (command == "gotoTargets") goto_targets(s, request, args);
  else if (command == "goto") {
    int64_t target = args.at("targetId").get<int64_t>();
    if (target < 1) {
      channel_.fail(request, fmt::format("no goto target {}", target));
      return std::nullopt;
    }
    channel_.respond(request);
    return resume(Command{Command::Goto, static_cast<uint64_t>(target - 1)});
  } else if (command == "pause") {  // the replay only runs between requests: it is stopped already
    channel_.respond(request);
    announce_stop(s, "");
  } else if (command == "disconnect") {
    channel_.respond(request);
    quit_ = true;
    return resume(Command{Command::Quit});
  } else if (command == "terminate") {  // the client asks to end: `terminated`, then it disconnects
    channel_.respond(request);
    terminating_ = true;
    return resume(Command{Command::Quit});
  } else {
    channel_.fail(request, fmt::format("`{}` is not supported", command));
  }
  return std::nullopt;
}

DapServer::Outcome DapServer::configuration_done(Session& s, const Json& request) {
  channel_.respond(request);
  if (configured_) return std::nullopt;
  configured_ = true;
  if (s.stop().why == Stop::Entry && !stop_on_entry_) return resume(Command{Command::Continue});
  announce_stop(s, "");
  return std::nullopt;
}

DapServer::Outcome DapServer::evaluate(Session& s, const Json& request, const Json& args) {
  std::string expression = trimmed(args.at("expression").get<std::string>());
  std::string context = args.value("context", "");
  size_t frame = static_cast<size_t>(std::max<int64_t>(0, args.value("frameId", int64_t{0})));
  if (context == "repl") {  // the REPL's time commands, typed in the editor's debug console
    if (expression == "when") {
      channel_.respond(request, {{"result", when(s.stop().position)}, {"variablesReference", 0}});
      return std::nullopt;
    }
    if (expression.starts_with("goto ") || expression == "goto") {
      auto n = parse_decimal(trimmed(expression.substr(4)));
      if (!n) {
        channel_.fail(request, "usage: goto N (an event number)");
        return std::nullopt;
      }
      channel_.respond(request, {{"result", fmt::format("going to event {}", *n)}, {"variablesReference", 0}});
      return resume(Command{Command::Goto, *n});
    }
  }
  auto v = s.evaluate(expression, frame);
  if (!v) {
    channel_.fail(request, v.error().message);
    return std::nullopt;
  }
  Json j = variable_json(*v, frame);
  channel_.respond(request, {{"result", j["value"]}, {"type", j["type"]}, {"variablesReference", j["variablesReference"]}});
  return std::nullopt;
}

// --- breakpoints ---

void DapServer::set_breakpoints(Session& s, const Json& request, const Json& args) {
  const Json& source = args.at("source");
  std::string path = source.value("path", "");
  std::vector<uint32_t> lines;
  if (args.contains("breakpoints")) {
    for (const Json& b : args["breakpoints"]) lines.push_back(b.at("line").get<uint32_t>());
  } else if (args.contains("lines")) {  // the deprecated form
    for (const Json& l : args["lines"]) lines.push_back(l.get<uint32_t>());
  }
  for (int id : line_breakpoints_[path]) s.delete_breakpoint(id);
  line_breakpoints_[path].clear();
  std::string compiled = to_compiled(path).value_or(path);
  Json out = Json::array();
  for (uint32_t line : lines) {
    Result<BreakpointInfo> b = path.empty() ? Result<BreakpointInfo>(make_error("the source has no path"))
                                            : add_line_breakpoint(s, compiled, line);
    if (b) line_breakpoints_[path].push_back(b->id);
    // The editor's file for that DWARF path: frames in it point there (a relative DWARF path may not be readable here).
    if (b && b->source && path.starts_with("/")) opened_[b->source->file] = path;
    Json j = breakpoint_json(b);
    if (b && !j.contains("source")) j["source"] = source;
    if (!b) j["line"] = line;
    out.push_back(std::move(j));
  }
  channel_.respond(request, {{"breakpoints", std::move(out)}});
}

// The client names a file by its path here; the DWARF by its path at
// compile time, often relative (tests/guests/c_debug/debug_loop.c). The
// Session matches a DWARF path that ends with the given one, so the client's
// path is tried whole, then without its first component, and so on: the
// longest tail that has the line wins.
Result<BreakpointInfo> DapServer::add_line_breakpoint(Session& s, const std::string& path, uint32_t line) {
  BreakpointSpec spec;
  spec.kind = BreakpointSpec::Line;
  spec.line = line;
  spec.text = path;
  Result<BreakpointInfo> first = s.add_breakpoint(spec);
  if (first) return first;
  std::vector<std::string> parts = components(path);
  for (size_t skip = 0; skip < parts.size(); skip++) {
    spec.text.clear();
    for (size_t i = skip; i < parts.size(); i++) spec.text += (i > skip ? "/" : "") + parts[i];
    Result<BreakpointInfo> b = s.add_breakpoint(spec);
    if (!b) continue;
    if (b->source && !plausible(b->source->file, path)) {  // another directory's file of that name
      s.delete_breakpoint(b->id);
      break;
    }
    return b;
  }
  return first;
}

void DapServer::set_function_breakpoints(Session& s, const Json& request, const Json& args) {
  for (int id : function_breakpoints_) s.delete_breakpoint(id);
  function_breakpoints_.clear();
  Json out = Json::array();
  for (const Json& f : args.at("breakpoints")) {
    BreakpointSpec spec;
    spec.kind = BreakpointSpec::Function;
    spec.text = f.at("name").get<std::string>();
    Result<BreakpointInfo> b = s.add_breakpoint(spec);
    if (b) function_breakpoints_.push_back(b->id);
    out.push_back(breakpoint_json(b));
  }
  channel_.respond(request, {{"breakpoints", std::move(out)}});
}

Json DapServer::breakpoint_json(const Result<BreakpointInfo>& b) const {
  if (!b) return {{"verified", false}, {"message", b.error().message}};
  Json j = {{"id", b->id}, {"verified", true}, {"message", b->where}};
  if (b->source && b->source->line != 0) {
    j["line"] = b->source->line;
    if (b->source->column != 0) j["column"] = b->source->column;
    if (b->spec.kind == BreakpointSpec::Function) {
      std::string path = to_local(b->source->file).value_or(b->source->file);
      j["source"] = {{"name", std::filesystem::path(path).filename().string()}, {"path", path}};
    }
  }
  return j;
}

// --- frames and values ---

size_t DapServer::frame_of(Session& s, const Json& args, const char* key) {
  int64_t id = args.at(key).get<int64_t>();
  if (id < 0 || static_cast<size_t>(id) >= s.frames().size())
    throw BadRequest(fmt::format("no frame {} (the guest has {} frames now)", id, s.frames().size()));
  return static_cast<size_t>(id);
}

int DapServer::reference(Reference r) {
  references_.push_back(std::move(r));
  return static_cast<int>(references_.size());
}

void DapServer::stack_trace(Session& s, const Json& request, const Json& args) {
  std::vector<FrameView> frames = s.frames();
  size_t start = static_cast<size_t>(std::max<int64_t>(0, args.value("startFrame", int64_t{0})));
  int64_t levels = args.value("levels", int64_t{0});
  size_t end = levels > 0 ? std::min(frames.size(), start + static_cast<size_t>(levels)) : frames.size();
  Json out = Json::array();
  for (size_t i = start; i < end; i++) {
    const FrameView& f = frames[i];
    Json j = {{"id", i}, {"name", f.function}, {"line", 0}, {"column", 0},
              {"instructionPointerReference", fmt::format("0x{:x}", f.frame.where.offset)}};
    if (f.source && f.source->line != 0) {
      std::string path = local_path(s, f);
      j["source"] = {{"name", std::filesystem::path(path).filename().string()}, {"path", path}};
      j["line"] = f.source->line;
      j["column"] = std::max<uint32_t>(1, f.source->column);
    } else {  // code without lines (the C library, a guest without -g): as the backtrace shows it
      j["name"] = f.text;
      j["presentationHint"] = "subtle";
    }
    out.push_back(std::move(j));
  }
  channel_.respond(request, {{"stackFrames", std::move(out)}, {"totalFrames", frames.size()}});
}

void DapServer::scopes(Session& s, const Json& request, const Json& args) {
  size_t frame = frame_of(s, args, "frameId");
  Json out = Json::array();
  out.push_back({{"name", "Arguments"}, {"presentationHint", "arguments"}, {"expensive", false},
                 {"variablesReference", reference({Reference::Arguments, frame, ""})}});
  out.push_back({{"name", "Locals"}, {"presentationHint", "locals"}, {"expensive", false},
                 {"variablesReference", reference({Reference::Locals, frame, ""})}});
  out.push_back({{"name", "Globals"}, {"expensive", false}, {"variablesReference", reference({Reference::Globals, frame, ""})}});
  channel_.respond(request, {{"scopes", std::move(out)}});
}

void DapServer::variables(Session& s, const Json& request, const Json& args) {
  int64_t ref = args.at("variablesReference").get<int64_t>();
  if (ref < 1 || static_cast<size_t>(ref) > references_.size()) {
    channel_.fail(request, fmt::format("no variablesReference {} (the guest has moved since)", ref));
    return;
  }
  Reference r = references_[static_cast<size_t>(ref - 1)];  // a copy: variable_json adds references
  Json out = Json::array();
  switch (r.kind) {
    case Reference::Arguments:
    case Reference::Locals: {
      std::vector<debuginfo::VariableEntry> vars = s.variables(r.frame);
      for (const debuginfo::VariableEntry& v : vars)
        if (v.is_parameter == (r.kind == Reference::Arguments)) out.push_back(variable_json(v.shown, r.frame));
      if (vars.empty() && r.kind == Reference::Locals) out = wasm_locals(s, r.frame);
      break;
    }
    case Reference::Globals: out = globals(s); break;
    case Reference::Children: {
      auto parts = s.children(r.expression, r.frame);
      // A pointer's one part is its pointee: its members are shown instead,
      // as editors show a pointer to a struct (p: x, y rather than p: *p: x, y).
      if (parts && parts->size() == 1 && parts->front().name.starts_with("*") && parts->front().expandable &&
          !parts->front().value.empty() && (parts->front().value.back() == '}' || parts->front().value.back() == ']')) {
        if (auto inner = s.children(parts->front().expression, r.frame)) parts = std::move(inner);
      }
      if (!parts) {
        channel_.fail(request, parts.error().message);
        return;
      }
      for (const debuginfo::ShownValue& v : *parts) out.push_back(variable_json(v, r.frame));
      break;
    }
  }
  channel_.respond(request, {{"variables", std::move(out)}});
}

Json DapServer::variable_json(const debuginfo::ShownValue& v, size_t frame) {
  std::string expression = v.expression.empty() ? v.name : v.expression;
  Json j = {{"name", v.name}, {"value", v.value}, {"type", v.type}, {"evaluateName", expression}, {"variablesReference", 0}};
  if (v.expandable) j["variablesReference"] = reference({Reference::Children, frame, expression});
  return j;
}

// A frame without DWARF variables: its wasm locals, when its code has no debugging information at all.
Json DapServer::wasm_locals(Session& s, size_t frame) {
  Json out = Json::array();
  std::vector<FrameView> frames = s.frames();
  if (frame >= frames.size() || frames[frame].source) return out;
  const engine::DebugFrame& f = frames[frame].frame;
  for (size_t i = 0; i < f.locals.size() && i < f.local_types.size(); i++)
    out.push_back({{"name", fmt::format("var{}", i)}, {"value", value_of(f.local_types[i], f.locals[i])},
                   {"type", core_type_name(f.local_types[i])}, {"variablesReference", 0}});
  return out;
}

Json DapServer::globals(Session& s) {
  Json out = Json::array();
  if (s.stop().position.at_end) return out;
  for (const runtime::GuestGlobal& g : s.globals()) {
    engine::GlobalType t = g.global->type();
    out.push_back({{"name", g.name}, {"value", value_of(g) + (t.mutable_ ? "" : " (immutable)")},
                   {"type", core_type_name(t.type)}, {"variablesReference", 0}});
  }
  return out;
}

// Targets are the replay's events reached so far, whatever line is asked:
// `goto` goes to the moment before event N (id N + 1: DAP ids are not 0).
void DapServer::goto_targets(Session& s, const Json& request, const Json& args) {
  int64_t line = args.value("line", int64_t{0});
  Json out = Json::array();
  for (uint64_t e = 0; e < s.events_known(); e++)
    out.push_back({{"id", e + 1}, {"label", fmt::format("event {}: {}", e, s.function_of(e))}, {"line", line}});
  channel_.respond(request, {{"targets", std::move(out)}});
}

// --- paths: compile time and here ---

std::optional<std::string> DapServer::to_local(const std::string& compiled) const { return map_path(compiled, source_map_, false); }
std::optional<std::string> DapServer::to_compiled(const std::string& local) const { return map_path(local, source_map_, true); }

// A frame's file as the client can open it: mapped by sourceMap, else the
// file a breakpoint of the client's was placed in, else where the Session
// reads the source (its path made absolute), else as DWARF says.
std::string DapServer::local_path(Session& s, const FrameView& f) const {
  const std::string& file = f.source->file;
  if (auto mapped = to_local(file)) return *mapped;
  if (auto opened = opened_.find(file); opened != opened_.end()) return opened->second;
  auto line = s.source_line(f.frame.where.module, file, f.source->line);
  if (!line) return file;
  std::error_code ec;
  std::string read = std::filesystem::absolute(line->path, ec).lexically_normal().string();
  if (ec) read = line->path;
  return to_local(read).value_or(read);
}

}  // namespace wasmrr::cli::debug
