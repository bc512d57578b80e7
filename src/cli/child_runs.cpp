#include "cli/child_runs.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include <fmt/format.h>

#include "cli/options.h"

extern char** environ;

namespace wasmrr::cli {
namespace {

std::string self_path() {
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) throw ToolError(fmt::format("cannot find wasm-rr's own executable: {}", std::strerror(errno)));
  return std::string(buf, static_cast<size_t>(n));
}

int exit_code_of_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 128;
}

}  // namespace

ChildRuns::~ChildRuns() {
  for (const auto& [pid, child] : children_) ::kill(pid, SIGKILL);
  for (const auto& [pid, child] : children_) {
    int status;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
}

void ChildRuns::start(uint64_t id, const std::vector<std::string>& args, const std::string& stdout_path,
                      const std::string& stderr_path) {
  static const std::string self = self_path();
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(self.c_str()));
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  int rc = ::posix_spawn(&pid, self.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw ToolError(fmt::format("cannot start a run of wasm-rr: {}", std::strerror(rc)));
  children_.emplace(pid, Child{id, std::chrono::steady_clock::now()});
}

std::optional<ChildRuns::Done> ChildRuns::wait_any() {
  while (!children_.empty()) {
    int status = 0;
    pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid < 0 && errno == EINTR) continue;
    if (pid < 0) throw ToolError(fmt::format("waiting for a run: {}", std::strerror(errno)));
    if (pid > 0) {
      auto it = children_.find(pid);
      if (it == children_.end()) continue;  // not one of ours
      Done done{it->second.id, exit_code_of_status(status)};
      children_.erase(it);
      return done;
    }
    auto now = std::chrono::steady_clock::now();
    for (const auto& [p, child] : children_)
      if (now - child.started > deadline_) ::kill(p, SIGKILL);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return std::nullopt;
}

int run_child(const std::vector<std::string>& args, const std::string& stdout_path, const std::string& stderr_path,
              std::chrono::milliseconds deadline) {
  ChildRuns runs(deadline);
  runs.start(0, args, stdout_path, stderr_path);
  return runs.wait_any()->exit_code;
}

}  // namespace wasmrr::cli
