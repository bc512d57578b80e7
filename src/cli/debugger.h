// `wasm-rr debug`: a gdb-style command loop over a replay, with events as
// time. The guest stops before an event (the host call it makes there is
// not answered yet): at a breakpoint on an event or on calls of matching
// functions, or where `goto` sends it. Going back re-executes the replay
// from the start up to the earlier event, which a deterministic replay makes
// exact. While stopped, the guest is really in that call: its backtrace is
// the live one.
//
// Source-level work (breakpoints at FILE:LINE, step/next, locals, print)
// needs the engine's debugger support and is refused with a message saying
// so; see docs/debugging.md.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "cli/options.h"
#include "rr/replayer.h"
#include "util/trap.h"

namespace wasmrr::cli {

// Thrown out of a replay to end it (an Abort, so the runtime lets it through):
// go back to `event` by re-executing, or quit.
struct Restart : Abort {
  explicit Restart(uint64_t e) : Abort("restart"), event(e) {}
  uint64_t event;
};
struct Quit : Abort {
  Quit() : Abort("quit") {}
};

class Debugger final : public rr::ReplayController {
 public:
  // Commands come from `in`; answers go to `out`. `prompt`: print "(wasm-rr) " before each read.
  Debugger(std::istream& in, std::ostream& out, bool prompt) : in_(in), out_(out), prompt_(prompt) {}

  // Before a replay runs: it is to stop at `event` (after a Restart), or at
  // the first event (the start of a session).
  void start_run(std::optional<uint64_t> stop_at, rr::Replayer& replayer);
  void before_event(uint64_t event, const runtime::ImportedFunc& f, const runtime::Values& args) override;
  // After the guest ended (how: `ending`): commands until one goes back (throws Restart) or quits.
  void at_end(const std::string& ending, uint64_t events);
  // Runs commands (from -x FILE) before the first stop's prompt.
  void queue_commands(std::vector<std::string> commands) { queued_ = std::move(commands); }

  // Events the user has seen the output of: a re-execution echoes only later ones.
  uint64_t output_shown() const { return output_shown_; }
  void output_shown_to(uint64_t event) { output_shown_ = std::max(output_shown_, event); }

 private:
  struct Breakpoint {
    int id;
    std::optional<uint64_t> event;  // break event N
    std::string call_pattern;       // break call PATTERN (a glob over import names)
    bool matches(uint64_t e, const std::string& function) const;
    std::string describe() const;
  };
  enum class Resume { Continue, Goto, Stay };

  // Reads and runs commands until one resumes the replay.
  void command_loop(bool at_end);
  Resume run_command(const std::string& line, bool at_end);
  Resume go_to(const std::vector<std::string>& words, bool at_end);
  Resume add_breakpoint(const std::vector<std::string>& words);
  Resume delete_breakpoint(const std::vector<std::string>& words);
  Resume info_events(const std::vector<std::string>& words);
  // At the end of the run the guest's instances are gone: says so (`what`: "its memory is").
  bool ended(bool at_end, std::string_view what);
  Resume info_memory(bool at_end);
  Resume info_globals(bool at_end);
  Resume examine(const std::vector<std::string>& words, bool at_end);
  std::optional<std::string> next_line();
  void show_stop();
  void show_events(uint64_t from, uint64_t to);
  const std::string& function_of(uint64_t event) const { return names_.at(history_.at(event)); }
  uint32_t intern(const std::string& name);

  std::istream& in_;
  std::ostream& out_;
  bool prompt_;
  std::vector<std::string> queued_;

  rr::Replayer* replayer_ = nullptr;
  std::vector<Breakpoint> breakpoints_;
  int next_breakpoint_id_ = 1;
  std::optional<uint64_t> goto_;     // stop at this event (goto, a restart)
  bool stop_at_next_ = true;         // the session starts stopped at the first event
  uint64_t now_ = 0;                 // the event the guest is stopped before
  std::string pending_call_;         // and its call
  std::vector<uint32_t> history_;    // function of every event reached, interned
  std::vector<std::string> names_;
  std::map<std::string, uint32_t, std::less<>> name_ids_;
  std::unordered_map<const runtime::ImportedFunc*, uint32_t> func_ids_;  // this run's imports, interned
  uint64_t output_shown_ = 0;
};

}  // namespace wasmrr::cli
