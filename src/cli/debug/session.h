// The time machine behind `wasm-rr debug`: a replay that stops where a front
// end (the gdb-style REPL, the DAP server) asks, and goes back by running
// again. A replay is deterministic, so running it again reaches the same
// moment with the same state.
//
// Time. Events are the coarse clock: "before event N" is the moment the guest
// makes host call N, not answered yet. Between two events, a moment is "the
// h-th time the instruction at a code offset is reached" in that interval
// (interval N runs from the stop before event N-1 — the run's start for
// N = 0 — to the call of event N). Such a Position is exact and cheap to
// reach again: one breakpoint that counts. A stop whose count is not known
// (the end of a step) is known by its state instead — frames, locals,
// memory — and counted when a pass goes back through it.
//
// Going back. reverse-continue runs again from the start noting the last
// breakpoint hit before now; reverse-step, -next, -finish and -stepi run again
// to the interval now is in, single-step from there to now noting where lines
// begin, pick the target, and run once more to it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "cli/guest.h"
#include "cli/options.h"
#include "debuginfo/dwarf.h"
#include "engine/debugger.h"
#include "rr/replayer.h"
#include "util/trap.h"

namespace wasmrr::runtime {
class ModuleCache;
}

namespace wasmrr::cli::debug {

struct CodeHit {
  const engine::Module* module = nullptr;
  uint32_t offset = 0;
  uint64_t count = 0;  // 1: the first time in the interval
  bool operator==(const CodeHit&) const = default;
};

struct Position {
  uint64_t event = 0;           // before event N, or within interval N when `hit`
  std::optional<CodeHit> hit;   // a moment between events
  bool at_end = false;          // the run's end (after `event` events)
  bool at_start = false;        // instantiated, before the guest's first instruction (its start functions aside)
  bool operator==(const Position&) const = default;
};

// What a front end asks for when the guest is stopped.
struct Command {
  enum Kind {
    Continue, Step, Next, Finish, StepInstruction,
    ReverseContinue, ReverseStep, ReverseNext, ReverseFinish, ReverseStepInstruction,
    Goto, Quit,
  };
  Kind kind = Continue;
  uint64_t event = 0;  // Goto
};

// Why the guest stopped, as a front end tells it.
struct Stop {
  enum Why { Entry, Breakpoint, Step, Goto, Finish, End, NoTarget };
  Why why = Entry;
  Position position;
  std::vector<int> breakpoints;  // Breakpoint: the user's breakpoint numbers hit
  std::string pending_call;      // at an event: the call the guest makes
  std::string ending;            // End: how the guest ended
  std::string note;              // a sentence to show first ("no breakpoint is hit before now")
  bool instruction = false;      // a stop after stepi or reverse-stepi: in the middle of a line
};

// One frame of the stopped guest, with what DWARF says of it.
struct FrameView {
  engine::DebugFrame frame;
  std::string text;                          // a backtrace line, as replay prints it
  std::optional<debuginfo::SourceLocation> source;  // innermost (inlined) function's location
  std::string function;                      // source function if known, else the core name
};

struct BreakpointSpec {
  enum Kind { Event, Call, Line, Function, Offset };
  Kind kind = Event;
  uint64_t event = 0;       // Event
  std::string text;         // Call: the glob; Line: the file; Function: the name
  uint32_t line = 0;        // Line
  uint32_t offset = 0;      // Offset: a code offset in the first module with code there (the main one)
};

struct BreakpointInfo {
  int id = 0;
  BreakpointSpec spec;
  std::string where;        // "debug_loop.c:14 (2 places)", "event 5", "call wasi:clocks/*"
  std::optional<debuginfo::SourceLocation> source;  // for line/function breakpoints: where it really is
};

class Session;
struct Pass;         // what a run of the replay is for (session.cpp)
struct Fingerprint;  // a stop's state (session.cpp)

class Frontend {
 public:
  virtual ~Frontend() = default;
  // The guest is stopped (session.stop() says how); returns what to do. May
  // be called again with a refusal (`refused`) for a command that cannot be done here.
  virtual Command stopped(Session& session) = 0;
  virtual void refused(const std::string& why) = 0;
};

// Quits the session (an Abort, so the runtime lets it through).
struct Quit : Abort {
  Quit() : Abort("quit") {}
};

class Session final : public rr::ReplayController, public engine::DebugListener {
 public:
  Session(const DebugOptions& options, Frontend& frontend);
  ~Session() override;

  // Runs the session until the front end quits; the process's exit status.
  int run();
  // The guest's output goes to `sink` (fd 1 or 2, bytes) instead of this
  // process's stdout and stderr. Call before run().
  void send_output_to(std::function<void(int fd, std::string_view bytes)> sink) { output_sink_ = std::move(sink); }

  // --- while stopped ---
  const Stop& stop() const { return stop_; }
  std::vector<FrameView> frames();
  // Variables of frame N (0 innermost): parameters or the other locals.
  std::vector<debuginfo::VariableEntry> variables(size_t frame);
  Result<debuginfo::ShownValue> evaluate(const std::string& expression, size_t frame);
  Result<std::vector<debuginfo::ShownValue>> children(const std::string& expression, size_t frame);
  // Line `line` of `file` as `module`'s DWARF names it, for `list`.
  std::optional<debuginfo::SourceLine> source_line(const engine::Module* module, const std::string& file, uint32_t line);
  std::vector<runtime::GuestMemory> memories() const;
  std::vector<runtime::GuestGlobal> globals() const;
  // The memory frame N's code uses (memory 0 when unknown).
  std::shared_ptr<engine::Memory> memory_of(size_t frame);
  bool source_level() const { return engine_debugger_ != nullptr; }

  Result<BreakpointInfo> add_breakpoint(const BreakpointSpec& spec);
  bool delete_breakpoint(int id);
  void delete_all_breakpoints();
  const std::vector<BreakpointInfo>& breakpoints() const { return breakpoints_; }

  // Events reached so far, by function name.
  uint64_t events_known() const { return history_.size(); }
  const std::string& function_of(uint64_t event) const { return names_.at(history_.at(event)); }

 private:
  struct StepGoal;
  struct Run;

  // rr::ReplayController and engine::DebugListener.
  void before_event(uint64_t event, const runtime::ImportedFunc& f, const runtime::Values& args) override;
  void paused(const engine::Pause& pause) override;
  void instantiated();  // the component is instantiated: its start functions have run
  void look();          // engine::Debugger::look(), noted

  int run_once(Pass pass);
  void interval_begins(uint64_t interval);
  [[noreturn]] void at_end(const std::string& ending, uint64_t events);
  void stop_here(Stop stop);
  // Carries out a command: true resumes the guest; false: refused, ask
  // again; or it throws to run again.
  bool apply(const Command& command);
  bool begin_step(Command::Kind kind);
  bool step_goes_on(const engine::Debugger::Where& where);
  void scan_step(const engine::Debugger::Where& where, const Position& here);
  // A scan came back to the stop it started from (`count`: its count, now known).
  void found_now(std::optional<uint64_t> count);
  std::optional<Position> reverse_target(Stop::Why* why);
  bool code_breakpoints() const;
  void reverse_continue_by_events();  // returns only if refused
  [[noreturn]] void go_to(Position target, Stop::Why why, std::vector<int> ids, std::string note = "");

  uint64_t count_hit(const engine::Frame& at);
  bool breakpoint_hit(uint64_t event, const std::string& function, std::vector<int>* ids) const;
  Fingerprint fingerprint();
  bool is_now(const engine::Frame& at, uint64_t count);
  void temp_breakpoint(const engine::Module* module, uint32_t offset);
  void clear_temp_breakpoints();

  debuginfo::ModuleDebugInfo* debug_info(const engine::Module* module);
  std::optional<debuginfo::LineRow> line_at(const engine::Frame& at);  // nullopt for line 0 too
  bool has_lines(const engine::Frame& at);  // the function has DWARF lines
  std::optional<debuginfo::SourceLocation> location_of(const engine::Frame& at);
  Result<void> place(BreakpointInfo& b, std::vector<std::pair<const engine::Module*, uint32_t>>* sites);
  std::unique_ptr<debuginfo::FrameAccess> access(size_t frame);
  std::vector<runtime::GuestCode> code() const;

  uint32_t intern(const std::string& name);

  const DebugOptions& options_;
  Frontend& frontend_;
  std::unique_ptr<LoadedComponent> component_;
  std::unique_ptr<engine::Engine> engine_;       // one for every run: the component is compiled once
  std::unique_ptr<runtime::ModuleCache> modules_;
  std::unique_ptr<runtime::HostRegistry> no_host_;
  engine::Debugger* engine_debugger_ = nullptr;
  std::unique_ptr<Run> run_;                      // the replay in progress
  Stop stop_;
  std::optional<Position> entry_;                 // the guest's first instruction
  std::unique_ptr<Fingerprint> now_print_;        // the stop's state, when its count is not known
  std::vector<engine::DebugFrame> frames_cache_;  // this stop's frames, once asked for

  std::vector<BreakpointInfo> breakpoints_;
  std::map<int, int> user_of_engine_id_;          // engine breakpoint -> the user's
  std::multimap<int, std::pair<const engine::Module*, uint32_t>> sites_;  // where each user breakpoint is
  int next_breakpoint_ = 1;

  std::vector<uint32_t> history_;  // the function of every event reached, interned
  std::vector<std::string> names_;
  std::map<std::string, uint32_t, std::less<>> name_ids_;
  std::unordered_map<const runtime::ImportedFunc*, uint32_t> func_ids_;
  uint64_t output_shown_ = 0;
  std::function<void(int, std::string_view)> output_sink_;
  std::map<const engine::Module*, std::unique_ptr<debuginfo::ModuleDebugInfo>> debug_info_;
};

}  // namespace wasmrr::cli::debug
