// Stops a run from outside: SIGINT, SIGTERM and SIGHUP, and --timeout.
//
// A watcher thread waits for a signal (delivered through a self-pipe) or the
// deadline. When one comes, it calls the mode's on_stop (record writes the
// end record; every mode prints what happened) and ends the process with
// 128+signal, or kExitTimeout, wherever the guest is: computing, blocked in a
// host call or sleeping. Ending from the watcher instead of unwinding the guest
// is what makes the stop prompt in every case, and it is safe: the guest's
// effects are all host calls, which are done or not, and the trace writer
// serialises the end record against the guest's own events.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <thread>

#include "trace/trace.h"

namespace wasmrr::cli {

// The exit status of a run stopped from outside, recorded or replayed:
// 128 + the signal's number, or kExitTimeout.
int stop_exit_code(const trace::End& end);

struct StopCause {
  int signal = 0;                       // 0: the timeout
  std::chrono::microseconds timeout{0};
  bool is_timeout() const { return signal == 0; }
  int exit_code() const { return stop_exit_code(end_record()); }
  std::string signal_name() const;      // "SIGINT"
  std::string describe() const;         // "interrupted by SIGINT", "the guest ran longer than --timeout 2 s"
  // The trace's end record for this stop (its event count is the recorder's to fill in).
  trace::End end_record() const;
};


class StopWatch {
 public:
  using OnStop = std::function<void(const StopCause&)>;
  // Installs the signal handlers and starts watching; the deadline counts from now.
  StopWatch(std::optional<std::chrono::microseconds> timeout, OnStop on_stop);
  // Stops watching and restores the signals' previous handlers.
  ~StopWatch();
  StopWatch(const StopWatch&) = delete;
  StopWatch& operator=(const StopWatch&) = delete;

 private:
  void watch();

  std::optional<std::chrono::steady_clock::time_point> deadline_;
  std::optional<std::chrono::microseconds> timeout_;
  OnStop on_stop_;
  int pipe_[2] = {-1, -1};
  std::thread watcher_;
};

}  // namespace wasmrr::cli
