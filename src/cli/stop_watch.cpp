#include "cli/stop_watch.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>

#include <fmt/format.h>

#include "cli/options.h"
#include "cli/units.h"

namespace wasmrr::cli {

namespace {

constexpr std::array kStopSignals = {SIGINT, SIGTERM, SIGHUP};
constexpr char kQuit = 0;  // written by the destructor; signals are written as their number

std::atomic<int> g_signal_pipe{-1};
std::array<struct sigaction, kStopSignals.size()> g_previous{};

// Async-signal-safe: one write(2) of the signal number.
void on_signal(int signo) {
  int saved = errno;
  char byte = static_cast<char>(signo);
  int fd = g_signal_pipe.load();
  if (fd >= 0) (void)!::write(fd, &byte, 1);
  errno = saved;
}

}  // namespace

int stop_exit_code(const trace::End& end) {
  return end.kind == trace::End::Kind::Timeout ? kExitTimeout : 128 + end.signal;
}

trace::End StopCause::end_record() const {
  trace::End end;
  if (is_timeout()) {
    end.kind = trace::End::Kind::Timeout;
    end.timeout_ms = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count());
  } else {
    end.kind = trace::End::Kind::Signal;
    end.signal = signal;
    end.signal_name = signal_name();
  }
  return end;
}

std::string StopCause::signal_name() const {
  switch (signal) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    case SIGHUP: return "SIGHUP";
    default: return fmt::format("signal {}", signal);
  }
}

std::string StopCause::describe() const {
  if (is_timeout()) return fmt::format("the guest ran longer than --timeout {}", duration_text(timeout));
  return "interrupted by " + signal_name();
}

StopWatch::StopWatch(std::optional<std::chrono::microseconds> timeout, OnStop on_stop)
    : timeout_(timeout), on_stop_(std::move(on_stop)) {
  if (::pipe2(pipe_, O_CLOEXEC | O_NONBLOCK) != 0)
    throw ToolError(fmt::format("cannot create a pipe: {}", std::strerror(errno)));
  g_signal_pipe.store(pipe_[1]);
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;  // the guest's host calls go on; the watcher ends the run
  for (size_t i = 0; i < kStopSignals.size(); i++) sigaction(kStopSignals[i], &sa, &g_previous[i]);
  if (timeout) deadline_ = std::chrono::steady_clock::now() + *timeout;
  watcher_ = std::thread([this] { watch(); });
}

StopWatch::~StopWatch() {
  char quit = kQuit;
  (void)!::write(pipe_[1], &quit, 1);
  if (watcher_.joinable()) watcher_.join();
  for (size_t i = 0; i < kStopSignals.size(); i++) sigaction(kStopSignals[i], &g_previous[i], nullptr);
  g_signal_pipe.store(-1);
  ::close(pipe_[0]);
  ::close(pipe_[1]);
}

void StopWatch::watch() {
  for (;;) {
    int wait_ms = -1;
    if (deadline_) {
      auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline_ - std::chrono::steady_clock::now());
      wait_ms = static_cast<int>(std::max<int64_t>(0, std::min<int64_t>(left.count(), 1 << 30)));
    }
    pollfd p{pipe_[0], POLLIN, 0};
    int n = ::poll(&p, 1, wait_ms);
    if (n < 0 && errno == EINTR) continue;
    StopCause cause;
    if (n > 0) {
      char byte = kQuit;
      if (::read(pipe_[0], &byte, 1) != 1) continue;
      if (byte == kQuit) return;
      cause.signal = byte;
    } else if (n == 0 && deadline_ && std::chrono::steady_clock::now() >= *deadline_) {
      cause.timeout = *timeout_;
    } else {
      continue;
    }
    if (on_stop_) on_stop_(cause);
    // Skip destructors and atexit handlers: the main thread is still running the guest.
    std::_Exit(cause.exit_code());
  }
}

}  // namespace wasmrr::cli
