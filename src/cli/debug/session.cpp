#include "cli/debug/session.h"

#include <fnmatch.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <utility>

#include <fmt/format.h>

#include "cli/guest.h"
#include "runtime/backtrace.h"
#include "runtime/module_cache.h"
#include "trace/reader.h"
#include "util/printable.h"
#include "wasi/cli/stdio_echo.h"
#include "wasi/common/wit_signatures.h"

namespace wasmrr::cli::debug {

// The state a stop is recognised by when its count is not known: equal
// fingerprints within one interval are the same moment (a program in the same
// state between the same two host calls does the same thing from there).
struct Fingerprint {
  uint64_t interval = 0;
  std::vector<std::pair<const engine::Module*, uint32_t>> frames;
  std::vector<uint64_t> locals;
  size_t memory = 0;
  bool operator==(const Fingerprint&) const = default;
};

// A forward step in progress: from which line (file:line, depth) it started.
struct Session::StepGoal {
  Command::Kind kind = Command::Step;
  std::optional<debuginfo::LineRow> line;
  size_t depth = 0;
};

// What one run of the replay is for.
struct Pass {
  enum Kind { Entry, Reach, ScanBreakpoints, ScanSteps };
  Kind kind = Entry;
  Position target;                 // Reach: stop there
  Stop::Why why = Stop::Goto;      // Reach: as what the stop is shown
  bool instruction = false;        // Reach: the stop is reverse-stepi's
  std::string note;                // Reach: said at the stop
  std::vector<int> breakpoints;    // Reach: the breakpoints hit there
  Stop now;                        // scans: the stop they go back from
  std::optional<Fingerprint> now_print;  // when now's count is not known
  Command::Kind reverse = Command::ReverseContinue;
  uint64_t from_interval = 0;      // ScanSteps: single-step from the start of this interval
};

// One instruction a step scan saw.
struct Record {
  Position at;
  size_t depth = 0;
  std::optional<debuginfo::LineRow> line;  // with a line (file, line) or none
  bool same_line(const Record& o) const {
    if (depth != o.depth || line.has_value() != o.line.has_value()) return false;
    return !line || (line->file == o.line->file && line->line == o.line->line);
  }
};
// Consecutive records on one line at one depth. `entered`: the line was
// reached from elsewhere, not returned to from a callee (a continuation).
struct LineRun {
  Record first, last;
  bool entered = false;
  bool from_caller = false;  // the first line of a function's run (its prologue, when more lines follow)
};

// The replay in progress and what this pass has seen.
struct Session::Run {
  Pass pass;
  rr::Replayer* replayer = nullptr;
  bool scanning = true;               // the pass's job is not done (a Reach not reached, a scan running)
  uint64_t interval = 0;              // interval N: the guest is between events N-1 and N
  std::map<std::pair<const engine::Module*, uint32_t>, uint64_t> counts;  // instructions reached in the interval
  std::set<std::pair<const engine::Module*, uint32_t>> covered;  // whose count is complete
  bool all_covered = false;           // single-stepping since the interval began: every count is
  std::optional<StepGoal> step;
  std::vector<int> temp_ids;          // engine breakpoints of this pass
  std::optional<Position> last_hit;   // ScanBreakpoints
  std::vector<int> last_ids;
  bool stepping = false;              // ScanSteps: single-stepping now
  // Single-stepping until the component is instantiated: breakpoints miss
  // code that core start functions run (SpiderMonkey sets them on an
  // instance once it is made), so a moment there is reached by steps.
  bool start_stepping = false;
  // The debugger has looked at this run's frames (a pause, look()): they stay
  // slow until they return (engine/debugger.h), the outermost for the whole run.
  bool observed = false;
  std::vector<LineRun> runs;          // ScanSteps
  std::optional<Record> latest, prior;  // ScanSteps: the latest instruction and the one before it
  bool entered_first = false;         // ScanSteps: the first line is one the guest entered (the run's start)
};

namespace {

// Thrown out of a replay (an Abort, so the runtime lets it through) to run
// it again for `pass`.
struct Restart : Abort {
  explicit Restart(Pass p) : Abort("restart"), pass(std::move(p)) {}
  Pass pass;
};

std::string ending_of(const runtime::Outcome& outcome) {
  if (outcome.kind == runtime::Outcome::Kind::Trapped)
    return fmt::format("the guest trapped ({})", printable(outcome.trap_message));
  if (outcome.kind == runtime::Outcome::Kind::Exited) return fmt::format("the guest exited with status {}", outcome.exit_status);
  return "the guest returned";
}

bool is_reverse(Command::Kind k) {
  return k == Command::ReverseContinue || k == Command::ReverseStep || k == Command::ReverseNext ||
         k == Command::ReverseFinish || k == Command::ReverseStepInstruction;
}

// A frame's view of the guest for DWARF expressions: its locals, its memory.
class GuestFrameAccess final : public debuginfo::FrameAccess {
 public:
  GuestFrameAccess(const engine::DebugFrame& f, std::shared_ptr<engine::Memory> m) : frame_(f), memory_(std::move(m)) {}
  std::optional<uint64_t> local(uint32_t index) override {
    if (index >= frame_.locals.size()) return std::nullopt;
    CoreType t = frame_.local_types[index];
    const CoreVal& v = frame_.locals[index];
    return t == CoreType::I32 || t == CoreType::F32 ? uint64_t{v.as_u32()} : v.bits;
  }
  std::optional<uint64_t> global(uint32_t) override { return std::nullopt; }
  bool read_memory(uint64_t address, std::span<uint8_t> out) override {
    if (!memory_) return false;
    uint64_t size = memory_->size();
    if (address > size || out.size() > size - address) return false;
    std::memcpy(out.data(), memory_->data() + address, out.size());
    return true;
  }

 private:
  engine::DebugFrame frame_;
  std::shared_ptr<engine::Memory> memory_;
};

}  // namespace


Session::Session(const DebugOptions& options, Frontend& frontend) : options_(options), frontend_(frontend) {}
Session::~Session() = default;

uint32_t Session::intern(const std::string& name) {
  auto it = name_ids_.find(name);
  if (it != name_ids_.end()) return it->second;
  names_.push_back(name);
  return name_ids_.emplace(name, static_cast<uint32_t>(names_.size() - 1)).first->second;
}

// --- the runs ---

int Session::run() {
  if (options_.trace_path == "-") throw ToolError("debug needs a trace file (it replays the trace again to go back), not `-`");
  component_ = std::make_unique<LoadedComponent>(load_component(options_.component_path));
  Pass pass;  // the session starts at the guest's first instruction
  for (;;) {
    try {
      return run_once(pass);
    } catch (const Restart& r) {
      pass = r.pass;
    } catch (const Quit&) {
      return 0;
    }
  }
}

int Session::run_once(Pass pass) {
  auto reader = trace::TraceReader::open(options_.trace_path);
  if (!reader) throw ToolError(reader.error().message);
  rr::Replayer replayer(**reader);
  wasi::StdioEcho echo;
  echo.quiet_before(output_shown_);
  if (output_sink_) echo.send_to(output_sink_);
  replayer.observe(echo);
  auto header = replayer.read_header();
  if (!header) throw ToolError(header.error().message);
  check_recorded_component(*header, *component_, options_.trace_path, options_.force);
  GuestLimits limits = recorded_limits(*header);
  if (!engine_) {
    engine::EngineOptions engine_options = limits.engine_options();
    engine_options.debug = true;
    auto made = engine::create_engine(engine_options);
    if (!made) throw ToolError(made.error().message);
    engine_ = std::move(*made);
    modules_ = std::make_unique<runtime::ModuleCache>(*engine_);
    engine_debugger_ = engine_->debugger();
    engine_debugger_->set_listener(this);
    no_host_ = std::make_unique<runtime::HostRegistry>();  // every import is answered from the trace
    wasi::declare_wasi_signatures(*no_host_);
  }
  func_ids_.clear();  // a new run has new imports
  run_ = std::make_unique<Run>();
  run_->pass = std::move(pass);
  run_->replayer = &replayer;
  engine_debugger_->cancel_step();
  interval_begins(0);
  replayer.control(*this);
  struct ClearRun {
    Session& s;
    ~ClearRun() {
      s.clear_temp_breakpoints();
      s.run_.reset();
    }
  } clear{*this};
  std::string ending;
  try {
    runtime::InstantiateOptions how{.require_host_impl = false, .modules = modules_.get()};
    how.instantiated = [this] { instantiated(); };
    // A request trace (serve --record) runs the handler it recorded.
    const trace::ExportCall* entry = header->export_call ? &*header->export_call : nullptr;
    runtime::Outcome outcome = run_guest_on(*engine_, *component_, *no_host_, replayer, how, limits, entry);
    trace::End end = replayer.finish(outcome);
    ending = ending_of(outcome);
    if (std::string response = trace::describe_response(end.response); !response.empty())
      ending += "; the client got the response " + response;
  } catch (const rr::Divergence& e) {
    return report_divergence(e.what(), options_.trace_path);
  } catch (const rr::BadTrace& e) {
    throw bad_trace_error(e.what(), e.from_reader(), options_.trace_path);
  } catch (const rr::Stopped& e) {
    ending = fmt::format("the recording was {}", trace::describe(e.end()));
  } catch (const rr::TraceEnded& e) {
    ending = e.what();
  }
  at_end(ending, replayer.events_replayed());
}

void Session::at_end(const std::string& ending, uint64_t events) {
  output_shown_ = std::max(output_shown_, events);
  Run& r = *run_;
  if (r.scanning && r.pass.kind >= Pass::ScanBreakpoints && r.pass.now.position.at_end) found_now(std::nullopt);
  Stop s;
  s.why = Stop::End;
  s.position = Position{events, std::nullopt, true};
  s.ending = ending;
  if (r.scanning && r.pass.kind == Pass::Reach && !r.pass.target.at_end && !r.pass.target.hit)
    s.note = events == 0 ? fmt::format("the recording has 0 events: event {} is past its end", r.pass.target.event)
                         : fmt::format("event {} is past the recording's end ({} events, 0 to {})", r.pass.target.event,
                                       events, events - 1);
  else if (r.scanning && r.pass.kind != Pass::Entry && !(r.pass.kind == Pass::Reach && r.pass.target.at_end))
    s.note = "the replay ended before it came back to where it was: is this replay deterministic?";
  r.scanning = false;
  stop_here(std::move(s));
  throw Quit();  // at the end no command resumes: they go back or quit
}

void Session::interval_begins(uint64_t interval) {
  Run& r = *run_;
  r.interval = interval;
  r.counts.clear();
  r.covered.clear();
  for (const auto& [id, site] : sites_) r.covered.insert(site);
  r.all_covered = r.stepping;
  if (!r.scanning) return;
  const Pass& p = r.pass;
  auto watch = [&](const Position& at) {
    if (!at.hit || at.event != interval) return;
    temp_breakpoint(at.hit->module, at.hit->offset);
    if (interval == 0) {
      r.start_stepping = true;
      engine_debugger_->step(engine::StepMode::Into);
    }
  };
  switch (p.kind) {
    case Pass::Entry: break;
    case Pass::Reach: watch(p.target); break;
    case Pass::ScanBreakpoints: watch(p.now.position); break;
    case Pass::ScanSteps:
      if (interval == p.from_interval) {
        r.stepping = r.all_covered = true;
        r.entered_first = interval == 0;
        engine_debugger_->step(engine::StepMode::Into);
      }
      break;
  }
}

// --- hooks ---

void Session::look() {
  engine_debugger_->look();
  run_->observed = true;
}

void Session::instantiated() {
  if (!run_) return;
  Run& r = *run_;
  if (r.start_stepping) {
    r.start_stepping = false;
    engine_debugger_->cancel_step();
  }
  // The session's first stop: the component is instantiated (the adapters'
  // start functions have run) and no instruction of the guest's run has.
  // No guest frame is live, so the stop leaves the code fast.
  if (r.scanning && r.pass.kind == Pass::Entry) {
    r.scanning = false;
    Stop s;
    s.why = Stop::Entry;
    s.position = Position{0, std::nullopt, false, true};
    s.note = r.pass.note;
    entry_ = s.position;
    stop_here(std::move(s));
  }
}

void Session::before_event(uint64_t event, const runtime::ImportedFunc& f, const runtime::Values& args) {
  if (event >= history_.size()) {
    auto id = func_ids_.find(&f);
    if (id == func_ids_.end()) id = func_ids_.emplace(&f, intern(f.name)).first;
    history_.push_back(id->second);
  }
  Run& r = *run_;
  if (event == 0 && (!sites_.empty() || !r.temp_ids.empty())) look();  // breakpoints work from here on
  Position here{event, std::nullopt, false};
  std::string note;
  auto event_stop = [&](Stop::Why why, std::vector<int> ids) {
    Stop s;
    s.why = why;
    s.note = note;
    s.position = here;
    s.breakpoints = std::move(ids);
    s.pending_call = rr::describe_call(f, args);
    output_shown_ = std::max(output_shown_, event);
    stop_here(std::move(s));
  };
  std::vector<int> ids;
  if (r.scanning) {
    const Pass& p = r.pass;
    switch (p.kind) {
      case Pass::Entry: break;
      case Pass::Reach:
        if (p.target == here) {
          r.scanning = false;
          note = p.note;
          event_stop(p.why, p.breakpoints);
        }
        break;
      case Pass::ScanBreakpoints:
        if (p.now.position == here) found_now(std::nullopt);
        if (r.scanning && breakpoint_hit(event, f.name, &ids)) {
          r.last_hit = here;
          r.last_ids = ids;
        }
        break;
      case Pass::ScanSteps:
        if (p.now.position == here) found_now(std::nullopt);
        break;
    }
  } else if (breakpoint_hit(event, f.name, &ids)) {
    if (r.step) engine_debugger_->cancel_step();
    r.step.reset();
    event_stop(Stop::Breakpoint, ids);
  }
  interval_begins(event + 1);
}

bool Session::breakpoint_hit(uint64_t event, const std::string& function, std::vector<int>* ids) const {
  for (const BreakpointInfo& b : breakpoints_) {
    bool hit = (b.spec.kind == BreakpointSpec::Event && b.spec.event == event) ||
               (b.spec.kind == BreakpointSpec::Call && fnmatch(b.spec.text.c_str(), function.c_str(), 0) == 0);
    if (hit) ids->push_back(b.id);
  }
  return !ids->empty();
}

uint64_t Session::count_hit(const engine::Frame& at) { return ++run_->counts[{at.module, at.offset}]; }

void Session::paused(const engine::Pause& pause) {
  auto where = engine_debugger_->where();
  if (!where) return;
  Run& r = *run_;
  r.observed = true;
  uint64_t count = count_hit(where->frame);
  const engine::Frame& at = where->frame;
  Position here{r.interval, CodeHit{at.module, at.offset, count}, false};
  bool counted = r.all_covered || r.covered.count({at.module, at.offset}) != 0;
  bool instruction = false;
  std::string note;
  std::vector<int> user_ids;
  for (int id : pause.breakpoints)
    if (auto u = user_of_engine_id_.find(id); u != user_of_engine_id_.end()) user_ids.push_back(u->second);
  std::sort(user_ids.begin(), user_ids.end());
  user_ids.erase(std::unique(user_ids.begin(), user_ids.end()), user_ids.end());

  auto code_stop = [&](Stop::Why why, std::vector<int> ids) {
    Stop s;
    s.why = why;
    s.position = here;
    if (!counted) s.position.hit->count = 0;  // not known: the fingerprint says
    s.breakpoints = std::move(ids);
    s.instruction = instruction;
    s.note = note;
    stop_here(std::move(s));
  };

  if (r.scanning) {
    const Pass& p = r.pass;
    switch (p.kind) {
      case Pass::Entry: return;  // (stops in instantiated())
      case Pass::Reach:
        if (p.target == here) {
          r.scanning = false;
          r.start_stepping = false;
          clear_temp_breakpoints();
          instruction = p.instruction;
          note = p.note;
          code_stop(p.why, p.breakpoints);
          return;
        }
        if (r.start_stepping) engine_debugger_->step(engine::StepMode::Into);
        return;
      case Pass::ScanBreakpoints:
        if (is_now(at, count)) {
          r.start_stepping = false;
          found_now(count);
          return;
        }
        if (r.start_stepping) engine_debugger_->step(engine::StepMode::Into);
        if (!user_ids.empty()) {
          r.last_hit = here;
          r.last_ids = user_ids;
        }
        return;
      case Pass::ScanSteps:
        if (!r.stepping) return;
        scan_step(*where, here);
        if (is_now(at, count)) {
          found_now(count);
          return;
        }
        engine_debugger_->step(engine::StepMode::Into);
        return;
    }
  }
  if (!user_ids.empty()) {
    r.step.reset();
    code_stop(Stop::Breakpoint, user_ids);
    return;
  }
  if (!r.step) return;  // a pause this pass asked for no longer (a breakpoint just deleted)
  if (step_goes_on(*where)) return;
  Stop::Why why = r.step->kind == Command::Finish ? Stop::Finish : Stop::Step;
  instruction = r.step->kind == Command::StepInstruction;
  r.step.reset();
  code_stop(why, {});
}

// --- stops and commands ---

void Session::stop_here(Stop s) {
  frames_cache_.clear();
  output_shown_ = std::max(output_shown_, s.position.event);  // a run again echoes only what comes after
  if (s.position.hit && s.position.hit->count == 0) now_print_ = std::make_unique<Fingerprint>(fingerprint());
  else now_print_.reset();
  stop_ = std::move(s);
  for (;;) {
    Command c = frontend_.stopped(*this);
    stop_.note.clear();
    if (apply(c)) return;
  }
}

bool Session::apply(const Command& c) {
  if (c.kind == Command::Quit) throw Quit();
  if (c.kind == Command::Goto) {
    Position target{c.event, std::nullopt, false};
    const Position& now = stop_.position;
    bool ahead = now.at_start || (!now.at_end && (c.event > now.event || (c.event == now.event && now.hit)));
    if (c.event == now.event && !now.hit && !now.at_end && !now.at_start) {
      frontend_.refused(fmt::format("already before event {}", c.event));
      return false;
    }
    if (stop_.position.at_end && c.event >= stop_.position.event) {
      const uint64_t events = stop_.position.event;
      frontend_.refused(events == 0 ? std::string("the recording has 0 events")
                                    : fmt::format("the recording has {} events (0 to {})", events, events - 1));
      return false;
    }
    if (ahead && run_->observed) go_to(target, Stop::Goto, {});  // a run from the start is faster (engine/debugger.h)
    if (ahead) {  // forward: let this run go on to it
      run_->pass = Pass{};
      run_->pass.kind = Pass::Reach;
      run_->pass.target = target;
      run_->scanning = true;
      run_->step.reset();
      return true;
    }
    go_to(target, Stop::Goto, {});
  }
  if (is_reverse(c.kind) && stop_.position.at_start) {
    frontend_.refused("at the start: the guest has run no instruction yet");
    return false;
  }
  if (is_reverse(c.kind)) {
    if (!source_level() && c.kind != Command::ReverseContinue) {
      frontend_.refused("reverse stepping needs the engine's debugger");
      return false;
    }
    if (c.kind == Command::ReverseContinue && !code_breakpoints()) {
      reverse_continue_by_events();
      return false;
    }
    Pass p;
    p.kind = c.kind == Command::ReverseContinue ? Pass::ScanBreakpoints : Pass::ScanSteps;
    p.reverse = c.kind;
    p.now = stop_;
    if (now_print_) p.now_print = *now_print_;
    p.from_interval = stop_.position.event;
    throw Restart(std::move(p));
  }
  if (stop_.position.at_end) {
    frontend_.refused("the replay has ended: `goto N` or a reverse command goes back");
    return false;
  }
  if (c.kind == Command::Continue) return true;
  return begin_step(c.kind);
}

bool Session::begin_step(Command::Kind kind) {
  if (stop_.position.at_start) {  // any step from the start: to the first instruction
    if (kind == Command::Finish) {
      frontend_.refused("\"finish\" not meaningful before the guest runs");
      return false;
    }
    engine_debugger_->break_on_next_call();
    run_->step = StepGoal{Command::StepInstruction, std::nullopt, 0};
    return true;
  }
  auto where = engine_debugger_->where();
  if (!where) {
    frontend_.refused("the guest is not running wasm code here");
    return false;
  }
  StepGoal goal;
  goal.kind = kind;
  goal.line = line_at(where->frame);
  goal.depth = where->depth;
  engine::StepMode mode = kind == Command::Next ? engine::StepMode::Over
                          : kind == Command::Finish ? engine::StepMode::Out
                                                    : engine::StepMode::Into;
  if (kind == Command::Finish && where->depth <= 1) {
    frontend_.refused("\"finish\" not meaningful in the outermost frame");
    return false;
  }
  engine_debugger_->step(mode);
  run_->step = goal;
  return true;
}

// Steps are instruction by instruction; a source step goes on until the line
// changes, leaving functions without lines and lines returned to mid-way.
bool Session::step_goes_on(const engine::Debugger::Where& where) {
  StepGoal& goal = *run_->step;
  if (goal.kind == Command::StepInstruction || goal.kind == Command::Finish) return false;
  std::optional<debuginfo::LineRow> line = line_at(where.frame);
  engine::StepMode again = goal.kind == Command::Next ? engine::StepMode::Over : engine::StepMode::Into;
  if (!line) {
    // Line 0 (compiler-made code in a function with lines) is part of the
    // line around it; a function without lines is left for its caller.
    bool leave = !has_lines(where.frame) && where.depth > 1;
    engine_debugger_->step(leave ? engine::StepMode::Out : again);
    return true;
  }
  if (where.depth < goal.depth) {  // returned mid-way into the caller's line: to that line's end
    goal.depth = where.depth;
    goal.line = line;
    engine_debugger_->step(again);
    return true;
  }
  if (where.depth > goal.depth) {  // stepped into a function: past its prologue (the line it opens on)
    goal.depth = where.depth;
    goal.line = line;
    engine_debugger_->step(again);
    return true;
  }
  bool same = goal.line && where.depth == goal.depth && goal.line->file == line->file && goal.line->line == line->line;
  if (same) {
    engine_debugger_->step(again);
    return true;
  }
  return false;
}

void Session::go_to(Position target, Stop::Why why, std::vector<int> ids, std::string note) {
  Pass p;
  p.kind = entry_ && target == *entry_ ? Pass::Entry : Pass::Reach;
  p.target = std::move(target);
  p.why = why;
  p.breakpoints = std::move(ids);
  p.note = std::move(note);
  throw Restart(std::move(p));
}

// --- going back ---

bool Session::code_breakpoints() const {
  return std::any_of(breakpoints_.begin(), breakpoints_.end(), [](const BreakpointInfo& b) {
    return b.spec.kind != BreakpointSpec::Event && b.spec.kind != BreakpointSpec::Call;
  });
}

// Breakpoints on events and calls only: the events so far say where the last
// hit is, without a pass to find it.
void Session::reverse_continue_by_events() {
  for (uint64_t e = stop_.position.event; e-- > 0;) {
    std::vector<int> ids;
    if (breakpoint_hit(e, function_of(e), &ids)) go_to(Position{e, std::nullopt, false}, Stop::Breakpoint, ids);
  }
  if (entry_ && !(stop_.position == *entry_))
    go_to(*entry_, Stop::Entry, {}, breakpoints_.empty() ? "no breakpoints: back at the start"
                                                           : "no breakpoint is hit before now: back at the start");
  frontend_.refused("no breakpoint is hit before now: this is the start");
}

Fingerprint Session::fingerprint() {
  Fingerprint f;
  f.interval = run_ ? run_->interval : 0;
  for (const engine::DebugFrame& d : engine_debugger_->frames()) {
    f.frames.emplace_back(d.where.module, d.where.offset);
    for (const CoreVal& v : d.locals) f.locals.push_back(v.bits);
  }
  for (const runtime::GuestMemory& m : memories()) {
    std::string_view bytes(reinterpret_cast<const char*>(m.memory->data()), m.memory->size());
    f.memory = f.memory * 31 + std::hash<std::string_view>{}(bytes);
  }
  return f;
}

bool Session::is_now(const engine::Frame& at, uint64_t count) {
  const Pass& p = run_->pass;
  const Position& now = p.now.position;
  if (!now.hit || now.at_end || now.event != run_->interval || now.hit->module != at.module || now.hit->offset != at.offset)
    return false;
  if (now.hit->count != 0) return now.hit->count == count;
  return p.now_print && fingerprint() == *p.now_print;
}

void Session::scan_step(const engine::Debugger::Where& where, const Position& here) {
  Run& r = *run_;
  Record rec{here, where.depth, line_at(where.frame)};
  // Line 0 (compiler-made code) belongs to the line before it in the same function.
  bool line_zero = !rec.line && has_lines(where.frame);
  if (line_zero && !r.runs.empty() && r.runs.back().last.depth == rec.depth && r.runs.back().last.line) {
    rec.line = r.runs.back().last.line;
  }
  if (r.runs.empty() || !r.runs.back().last.same_line(rec)) {
    // A line begun from a caller or the line before is entered; one
    // returned to from a callee is a continuation.
    bool entered = r.runs.empty() ? r.entered_first : r.runs.back().last.depth <= rec.depth;
    bool from_caller = !r.runs.empty() && r.runs.back().last.depth < rec.depth;
    r.runs.push_back({rec, rec, entered, from_caller});
  } else {
    r.runs.back().last = rec;
  }
  r.prior = r.latest;
  r.latest = rec;
}

void Session::found_now(std::optional<uint64_t> count) {
  Run& r = *run_;
  const Pass& p = r.pass;
  r.scanning = false;
  clear_temp_breakpoints();
  Stop::Why why = p.kind == Pass::ScanBreakpoints ? Stop::Breakpoint : Stop::Step;
  std::optional<Position> target;
  std::vector<int> ids;
  if (p.kind == Pass::ScanBreakpoints) {
    if (!r.last_hit && entry_) go_to(*entry_, Stop::Entry, {}, "no breakpoint is hit before now: back at the start");
    target = r.last_hit;
    ids = r.last_ids;
  } else {
    target = reverse_target(&why);
  }
  if (target) {
    Pass reach;
    reach.kind = Pass::Reach;
    reach.target = *target;
    reach.why = why;
    reach.breakpoints = ids;
    reach.instruction = p.reverse == Command::ReverseStepInstruction;
    throw Restart(std::move(reach));
  }
  if (p.kind == Pass::ScanSteps && p.from_interval == 0 && entry_ && !(p.now.position == *entry_))
    go_to(*entry_, Stop::Entry, {}, "no line runs before this one: back at the start");
  if (p.kind == Pass::ScanSteps && p.from_interval > 0) {  // not in the scanned intervals: scan from further back
    Pass wider = p;
    uint64_t span = p.now.position.event - p.from_interval + 1;
    wider.from_interval = p.from_interval > span ? p.from_interval - span : 0;
    throw Restart(std::move(wider));
  }
  Stop again = p.now;
  if (again.position.hit && count) again.position.hit->count = *count;  // now known
  if (!again.position.at_end) again.why = Stop::NoTarget;
  again.note = p.kind == Pass::ScanBreakpoints ? "no breakpoint is hit before now" : "the replay's start: there is nothing before";
  r.step.reset();
  stop_here(std::move(again));
}

// reverse-step, -next, -finish, -stepi: the target among the line runs from
// the scan's start to now (now's own instruction last, when now is code).
std::optional<Position> Session::reverse_target(Stop::Why* why) {
  const Run& r = *run_;
  const Pass& p = r.pass;
  const std::vector<LineRun>& runs = r.runs;
  bool now_is_record = p.now.position.hit.has_value();
  size_t depth = 0;
  if (now_is_record && r.latest) depth = r.latest->depth;
  else if (auto where = engine_debugger_->where()) depth = where->depth;
  switch (p.reverse) {
    case Command::ReverseStepInstruction: {
      const std::optional<Record>& before = now_is_record ? r.prior : r.latest;
      if (before) return before->at;
      return std::nullopt;
    }
    case Command::ReverseFinish:
      *why = Stop::Finish;
      for (size_t i = runs.size(); i-- > 0;)
        if (runs[i].last.depth < depth) return runs[i].last.at;  // the call, in the caller
      return std::nullopt;
    default: {
      // The latest line entered before now; the line now is in the middle of
      // counts, its start is before now.
      bool now_begins_run = now_is_record && !runs.empty() && runs.back().first.at == runs.back().last.at;
      for (size_t i = runs.size(); i-- > 0;) {
        const LineRun& run = runs[i];
        if (i + 1 == runs.size() && now_begins_run) continue;
        if (!run.entered || !run.first.line) continue;
        // A function's prologue, when the function went on to other lines:
        // back from its first line is the caller's line, as in gdb.
        if (run.from_caller && i + 1 < runs.size() && runs[i + 1].first.depth == run.first.depth) continue;
        if (p.reverse == Command::ReverseNext && run.first.depth > depth) continue;
        return run.first.at;
      }
      return std::nullopt;
    }
  }
}

// --- breakpoints ---

void Session::temp_breakpoint(const engine::Module* module, uint32_t offset) {
  auto id = engine_debugger_->add_breakpoint(*module, offset);
  if (!id) return;
  if (run_->interval > 0) look();  // set in a host call: see engine::Debugger::look()
  run_->temp_ids.push_back(*id);
  run_->covered.insert({module, offset});  // set at the interval's start: its count is complete
}

void Session::clear_temp_breakpoints() {
  if (!run_) return;
  for (int id : run_->temp_ids) engine_debugger_->remove_breakpoint(id);
  run_->temp_ids.clear();
}

// --- what a stopped guest shows ---

std::vector<runtime::GuestCode> Session::code() const {
  return run_ ? run_->replayer->guest_code() : std::vector<runtime::GuestCode>{};
}

debuginfo::ModuleDebugInfo* Session::debug_info(const engine::Module* module) {
  auto it = debug_info_.find(module);
  if (it != debug_info_.end()) return it->second.get();
  for (const runtime::GuestCode& c : code()) {
    if (c.module != module) continue;
    // The component's bytes outlive the session; the module is the cache's.
    return debug_info_.emplace(module, std::make_unique<debuginfo::ModuleDebugInfo>(c.bytes)).first->second.get();
  }
  return nullptr;
}

std::optional<debuginfo::LineRow> Session::line_at(const engine::Frame& at) {
  debuginfo::ModuleDebugInfo* info = debug_info(at.module);
  if (!info) return std::nullopt;
  auto row = info->line_at(at.offset);
  if (!row || row->line == 0) return std::nullopt;
  return row;
}

bool Session::has_lines(const engine::Frame& at) {
  debuginfo::ModuleDebugInfo* info = debug_info(at.module);
  return info && info->function_range(at.offset).has_value();
}

std::optional<debuginfo::SourceLocation> Session::location_of(const engine::Frame& at) {
  debuginfo::ModuleDebugInfo* info = debug_info(at.module);
  if (!info) return std::nullopt;
  std::vector<debuginfo::SourceLocation> where = info->locate(at.offset);
  if (where.empty()) return std::nullopt;
  return where.front();
}

std::vector<FrameView> Session::frames() {
  std::vector<FrameView> out;
  if (!run_ || stop_.position.at_end) return out;
  if (frames_cache_.empty()) frames_cache_ = engine_debugger_->frames();
  for (const engine::DebugFrame& f : frames_cache_) {
    FrameView v;
    v.frame = f;
    std::vector<std::string> lines = runtime::describe_frame(f.where, debug_info(f.where.module));
    v.text = lines.empty() ? f.where.text() : lines.back();
    v.source = location_of(f.where);
    v.function = v.source && !v.source->function.empty() ? v.source->function : debuginfo::demangle(f.where.function_name);
    if (v.function.empty()) v.function = fmt::format("wasm-function[{}]", f.where.function_index);
    out.push_back(std::move(v));
  }
  return out;
}

std::shared_ptr<engine::Memory> Session::memory_of(size_t frame) {
  std::vector<FrameView> fs = frames();
  if (frame < fs.size()) {
    for (const runtime::GuestCode& c : code())
      if (c.module == fs[frame].frame.where.module && c.memory) return c.memory;
  }
  std::vector<runtime::GuestMemory> all = memories();
  return all.empty() ? nullptr : all.front().memory;
}

std::unique_ptr<debuginfo::FrameAccess> Session::access(size_t frame) {
  std::vector<FrameView> fs = frames();
  if (frame >= fs.size()) return nullptr;
  return std::make_unique<GuestFrameAccess>(fs[frame].frame, memory_of(frame));
}

std::vector<debuginfo::VariableEntry> Session::variables(size_t frame) {
  std::vector<FrameView> fs = frames();
  if (frame >= fs.size()) return {};
  debuginfo::ModuleDebugInfo* info = debug_info(fs[frame].frame.where.module);
  auto a = access(frame);
  if (!info || !a) return {};
  return info->variables(fs[frame].frame.where.offset, *a);
}

Result<debuginfo::ShownValue> Session::evaluate(const std::string& expression, size_t frame) {
  std::vector<FrameView> fs = frames();
  if (frame >= fs.size()) return make_error(stop_.position.at_end ? "the guest has ended: its frames are gone" : "no frame selected");
  debuginfo::ModuleDebugInfo* info = debug_info(fs[frame].frame.where.module);
  auto a = access(frame);
  if (!info || !has_lines(fs[frame].frame.where))
    return make_error(fmt::format("`{}` has no debugging information (built without -g): `info locals` shows its wasm locals",
                                  printable(fs[frame].function)));
  return info->evaluate(expression, fs[frame].frame.where.offset, *a);
}

Result<std::vector<debuginfo::ShownValue>> Session::children(const std::string& expression, size_t frame) {
  std::vector<FrameView> fs = frames();
  if (frame >= fs.size()) return make_error("no frame selected");
  debuginfo::ModuleDebugInfo* info = debug_info(fs[frame].frame.where.module);
  auto a = access(frame);
  if (!info || !info->has_dwarf()) return make_error("no debugging information for this frame's code");
  return info->children(expression, fs[frame].frame.where.offset, *a);
}

std::optional<debuginfo::SourceLine> Session::source_line(const engine::Module* module, const std::string& file, uint32_t line) {
  debuginfo::ModuleDebugInfo* info = debug_info(module);
  if (!info) return std::nullopt;
  return info->source_line(file, line);
}

std::vector<runtime::GuestMemory> Session::memories() const {
  return run_ ? run_->replayer->guest_memories() : std::vector<runtime::GuestMemory>{};
}

std::vector<runtime::GuestGlobal> Session::globals() const {
  return run_ ? run_->replayer->guest_globals() : std::vector<runtime::GuestGlobal>{};
}

// --- breakpoints ---

// Where a source or code breakpoint goes: (module, offset) sites in every
// module that has the line, function or offset.
Result<void> Session::place(BreakpointInfo& b, std::vector<std::pair<const engine::Module*, uint32_t>>* sites) {
  const BreakpointSpec& spec = b.spec;
  std::vector<runtime::GuestCode> modules = code();
  if (modules.empty()) return make_error("the guest's code is not loaded yet");
  for (const runtime::GuestCode& c : modules) {
    debuginfo::ModuleDebugInfo* info = debug_info(c.module);
    switch (spec.kind) {
      case BreakpointSpec::Line:
        if (auto found = info->find_line(spec.text, spec.line)) {
          for (uint32_t offset : found->offsets) sites->emplace_back(c.module, offset);
          b.where = fmt::format("{}:{}", found->file, found->line);
        }
        break;
      case BreakpointSpec::Function: {
        for (const debuginfo::FunctionBreakpoint& f : info->find_function(spec.text)) {
          sites->emplace_back(c.module, f.offset);
          b.where = f.file.empty() ? f.name : fmt::format("{} at {}:{}", f.name, f.file, f.line);
        }
        if (!sites->empty()) break;
        for (const auto& [name, offset] : engine_debugger_->functions(*c.module)) {  // no DWARF: the name section
          if (name == spec.text || debuginfo::demangle(name) == spec.text) {
            sites->emplace_back(c.module, offset);
            b.where = fmt::format("{} (0x{:x})", name, offset);
          }
        }
        break;
      }
      case BreakpointSpec::Offset:
        sites->emplace_back(c.module, spec.offset);
        break;
      default: break;
    }
  }
  if (sites->empty()) {
    if (spec.kind == BreakpointSpec::Line) return make_error(fmt::format("no code at {}:{} (is the file's name right, and built with -g?)", spec.text, spec.line));
    return make_error(fmt::format("no function `{}` in the guest", spec.text));
  }
  if (sites->size() > 1) b.where += fmt::format(" ({} places)", sites->size());
  return {};
}

Result<BreakpointInfo> Session::add_breakpoint(const BreakpointSpec& spec) {
  BreakpointInfo b;
  b.spec = spec;
  std::vector<std::pair<const engine::Module*, uint32_t>> sites;
  switch (spec.kind) {
    case BreakpointSpec::Event: b.where = fmt::format("event {}", spec.event); break;
    case BreakpointSpec::Call: b.where = fmt::format("call {}", printable(spec.text)); break;
    default:
      if (stop_.position.at_end) return make_error("the guest has ended: set code breakpoints while it runs (`goto 0`)");
      WASMRR_TRY(place(b, &sites));
  }
  std::vector<int> engine_ids;
  for (const auto& [module, offset] : sites) {
    auto id = engine_debugger_->add_breakpoint(*module, offset);
    if (!id) {
      if (spec.kind == BreakpointSpec::Offset) continue;  // not code in this module
      return id.error();
    }
    engine_ids.push_back(*id);
    if (spec.kind == BreakpointSpec::Offset) b.where = fmt::format("*0x{:x}", offset);
    if (!b.source) b.source = location_of(engine::Frame{module, 0, offset, {}});
  }
  if (spec.kind == BreakpointSpec::Offset && engine_ids.empty())
    return make_error(fmt::format("0x{:x} is not in the code of any module", spec.offset));
  // Set while the guest runs: look at its frames (engine::Debugger::look());
  // at the start, the look before event 0 does it.
  if (!engine_ids.empty() && run_ && !run_->observed && !stop_.position.at_start) look();
  b.id = next_breakpoint_++;
  for (size_t i = 0; i < engine_ids.size(); i++) {
    user_of_engine_id_[engine_ids[i]] = b.id;
    sites_.emplace(b.id, sites[i]);
  }
  breakpoints_.push_back(b);
  return b;
}

bool Session::delete_breakpoint(int id) {
  auto it = std::find_if(breakpoints_.begin(), breakpoints_.end(), [&](const BreakpointInfo& b) { return b.id == id; });
  if (it == breakpoints_.end()) return false;
  for (auto e = user_of_engine_id_.begin(); e != user_of_engine_id_.end();) {
    if (e->second != id) {
      ++e;
      continue;
    }
    engine_debugger_->remove_breakpoint(e->first);
    e = user_of_engine_id_.erase(e);
  }
  breakpoints_.erase(it);
  sites_.erase(id);
  return true;
}

void Session::delete_all_breakpoints() {
  while (!breakpoints_.empty()) delete_breakpoint(breakpoints_.front().id);
}

}  // namespace wasmrr::cli::debug
