// The one thread that writes out every TraceWriter's buffer kFlushDelay after
// the first element waiting in it, and every full buffer a writer hands over
// (trace/writer.h). One thread for all the
// writers of the process, not one per writer: serve --record opens a trace
// per request, and starting and joining a thread for each cost about a third
// of what recording a small request costs.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>

namespace wasmrr::trace {

class TraceWriter;

class FlushScheduler {
 public:
  using Clock = std::chrono::steady_clock;

  // The process's scheduler; its thread starts at the first schedule().
  static FlushScheduler& instance();

  // `w`'s flush_due() is to be called at `due`, on the scheduler's thread.
  // Called with w's mutex held (the scheduler never holds its own lock while
  // it takes a writer's). Due times come in order: the delay is the same
  // for every writer.
  void schedule(TraceWriter* w, Clock::time_point due);
  // `w`'s write_pending() is to be called as soon as the thread can, before
  // any flush that is due. Called with w's mutex held.
  void write_soon(TraceWriter* w);
  // After this returns, w is neither scheduled nor being flushed. Called
  // without w's mutex held (a flush in progress needs it).
  void cancel(TraceWriter* w);

 private:
  FlushScheduler() = default;
  void loop();
  void start_locked();
  // Runs w's call outside mutex_ (held by `lock`), as in_flush_.
  template <typename Call>
  void run(std::unique_lock<std::mutex>& lock, TraceWriter* w, Call call);

  struct Due {
    Clock::time_point at;
    TraceWriter* writer;
  };
  std::mutex mutex_;
  std::condition_variable wake_;       // a new due time, for the thread
  std::condition_variable flushed_;    // in_flush_ done, for cancel()
  std::deque<Due> due_;                // in order of `at`
  std::deque<TraceWriter*> soon_;      // write_soon()'s, in order
  TraceWriter* in_flush_ = nullptr;    // being flushed, outside mutex_
  bool started_ = false;
};

}  // namespace wasmrr::trace
