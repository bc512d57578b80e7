// `wasm-rr debug --dap`: a Frontend of the debug Session that speaks the
// Debug Adapter Protocol on stdin/stdout, for editors (VS Code, nvim-dap).
// docs/debugging.md shows the editor configurations.
//
// The session's life: `initialize` is answered at once; `launch` starts the
// Session, and the launch response and the `initialized` event come at its
// first stop (the guest's first instruction), when the guest's code is loaded
// and breakpoints can be placed. Requests that come before wait for it.
// `configurationDone` then runs the guest (or shows the entry with
// stopOnEntry). While the guest is stopped, requests are answered through the
// Session; a resuming request is answered, then its Command is returned, and
// the next stop is told with a `stopped` event. One thread: the guest.
//
// Time travel: stepBack and reverseContinue go back; gotoTargets lists the
// replay's events reached so far (whatever line is asked) and goto goes to
// one. The replay's end is a stop too (reason "pause"), not the debuggee's
// termination: the user can still go back from it.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cli/debug/dap_protocol.h"
#include "cli/debug/session.h"
#include "cli/options.h"

namespace wasmrr::cli::debug {

class DapServer final : public Frontend {
 public:
  DapServer(int in_fd, int out_fd);
  ~DapServer() override;

  // Serves one debug session; the process's exit status.
  int serve();

  Command stopped(Session& session) override;
  void refused(const std::string& why) override;

 private:
  using Json = nlohmann::json;
  // A request's effect: resume the guest with a Command, or stay stopped.
  using Outcome = std::optional<Command>;

  // What a variablesReference stands for, until the guest resumes.
  struct Reference {
    enum Kind { Arguments, Locals, Globals, Children };
    Kind kind = Locals;
    size_t frame = 0;
    std::string expression;  // Children: whose parts
  };

  bool await_launch();
  bool launch(const Json& request);
  int run_session();
  int finish(int status, const std::string& why);
  int drain(int status);
  Command serve_requests(Session& s);
  Outcome answer_held(Session& s);
  Outcome handle(Session& s, const Json& request);
  Outcome dispatch(Session& s, const std::string& command, const Json& request, const Json& args);
  Outcome configuration_done(Session& s, const Json& request);
  Outcome evaluate(Session& s, const Json& request, const Json& args);
  Command resume(Command c);

  void announce_stop(Session& s, const std::string& description);
  void say(const std::string& text, const char* category = "console");

  void set_breakpoints(Session& s, const Json& request, const Json& args);
  Result<BreakpointInfo> add_line_breakpoint(Session& s, const std::string& path, uint32_t line);
  void set_function_breakpoints(Session& s, const Json& request, const Json& args);
  Json breakpoint_json(const Result<BreakpointInfo>& b) const;

  void stack_trace(Session& s, const Json& request, const Json& args);
  void scopes(Session& s, const Json& request, const Json& args);
  void variables(Session& s, const Json& request, const Json& args);
  Json variable_json(const debuginfo::ShownValue& v, size_t frame);
  Json wasm_locals(Session& s, size_t frame);
  Json globals(Session& s);
  void goto_targets(Session& s, const Json& request, const Json& args);
  size_t frame_of(Session& s, const Json& args, const char* key);
  int reference(Reference r);

  std::string local_path(Session& s, const FrameView& f) const;
  std::optional<std::string> to_local(const std::string& compiled) const;
  std::optional<std::string> to_compiled(const std::string& local) const;

  DapChannel channel_;
  DebugOptions options_;                    // the launch's; the Session holds a reference
  bool stop_on_entry_ = false;
  std::vector<std::pair<std::string, std::string>> source_map_;  // compile-time prefix -> local
  std::optional<Json> launch_request_;      // answered at the first stop
  std::vector<Json> held_;                  // requests before the guest's code is loaded
  bool launch_failed_ = false;
  bool configured_ = false;
  bool quit_ = false;                       // disconnect or the input's end
  bool terminating_ = false;                // terminate: the session ends, the client disconnects next
  bool terminated_sent_ = false;
  std::optional<std::string> refused_;      // the last command was refused: why
  std::vector<Reference> references_;       // variablesReference N is references_[N - 1]
  std::map<std::string, std::vector<int>> line_breakpoints_;  // client's source path -> Session ids
  std::vector<int> function_breakpoints_;
  std::map<std::string, std::string> opened_;  // DWARF path -> the client's path a line breakpoint resolved to it from
};

}  // namespace wasmrr::cli::debug
