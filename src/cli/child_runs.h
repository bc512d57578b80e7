// Runs of wasm-rr itself as child processes (explore, shrink): one process
// per run, so that a guest that traps, hangs or exhausts memory costs only
// its run. Each child's stdin is /dev/null; its stdout and stderr go to files.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace wasmrr::cli {

class ChildRuns {
 public:
  // `deadline`: a child still running this long after it started is killed
  // (a safety net; the children's own --timeout should end them first).
  explicit ChildRuns(std::chrono::milliseconds deadline) : deadline_(deadline) {}
  ~ChildRuns();  // kills and reaps what still runs

  // Starts `wasm-rr ARGS...` (this executable); throws ToolError if it cannot.
  void start(uint64_t id, const std::vector<std::string>& args, const std::string& stdout_path,
             const std::string& stderr_path);
  size_t running() const { return children_.size(); }

  struct Done {
    uint64_t id;
    int exit_code;  // its status, or 128 + the signal that ended it
  };
  // Waits for one child to end (nullopt when none runs).
  std::optional<Done> wait_any();

 private:
  struct Child {
    uint64_t id;
    std::chrono::steady_clock::time_point started;
  };
  std::chrono::milliseconds deadline_;
  std::map<pid_t, Child> children_;
};

// Runs `wasm-rr ARGS...` to its end; its exit code.
int run_child(const std::vector<std::string>& args, const std::string& stdout_path, const std::string& stderr_path,
              std::chrono::milliseconds deadline);

}  // namespace wasmrr::cli
