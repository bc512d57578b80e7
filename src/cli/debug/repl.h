// The gdb-style command loop of `wasm-rr debug`: a Frontend of the debug
// Session that reads commands (from -x FILE first, then stdin, with a prompt
// and line editing on a terminal) and prints what gdb would. Commands and
// their short forms: `help` lists them; docs/debugging.md explains them.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "cli/debug/session.h"

namespace wasmrr::cli::debug {

class Repl final : public Frontend {
 public:
  // Commands come from `in` (a terminal when `interactive`: prompt and line
  // editing); answers go to `out`.
  Repl(std::istream& in, std::ostream& out, bool interactive);
  ~Repl() override;

  // Runs these commands (from -x FILE) before reading any.
  void queue_commands(std::vector<std::string> commands) { queued_ = std::move(commands); }

  Command stopped(Session& session) override;
  void refused(const std::string& why) override;

 private:
  // A command's effect: resume the guest with a Command, or stay at the prompt.
  using Outcome = std::optional<Command>;

  std::optional<std::string> next_line();
  std::optional<std::string> read_typed_line();
  Outcome run_command(Session& s, const std::string& line);
  Outcome info(Session& s, const std::vector<std::string>& words);
  void show_stop(Session& s);
  void show_location(Session& s, size_t frame, bool with_function);
  void show_source_line(Session& s, const FrameView& f, uint32_t line);
  void add_breakpoint(Session& s, const std::string& location);
  void delete_breakpoint(Session& s, const std::vector<std::string>& words);
  void backtrace(Session& s);
  void select_frame(Session& s, long frame);
  void list(Session& s, const std::vector<std::string>& words);
  void print(Session& s, const std::string& expression);
  void locals(Session& s, bool parameters);
  void examine(Session& s, const std::vector<std::string>& words);
  void info_events(Session& s, const std::vector<std::string>& words);
  void info_memory(Session& s);
  void info_globals(Session& s);
  bool ended(Session& s, std::string_view what);

  std::istream& in_;
  std::ostream& out_;
  bool interactive_;
  std::vector<std::string> queued_;
  size_t frame_ = 0;               // the selected frame (frame, up, down)
  bool refused_ = false;           // the last command was refused: the stop is not shown again
  std::string last_function_;      // of the last stop: steps within it show only the line
  uint64_t print_count_ = 0;       // $1, $2, ...
  std::string last_command_;       // an empty line repeats it, as in gdb (on a terminal)
  bool warned_no_editline_ = false;  // said once that the prompt has no line editing
  struct Listed {
    const engine::Module* module = nullptr;
    std::string file;
    uint32_t next = 0;             // `list` again goes on from here
  } listed_;
};

}  // namespace wasmrr::cli::debug
