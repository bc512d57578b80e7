#include "trace/flush_scheduler.h"

#include <algorithm>
#include <thread>

#include "trace/writer.h"

namespace wasmrr::trace {

FlushScheduler& FlushScheduler::instance() {
  // Never destroyed, and its thread detached: a writer closed during static
  // destruction, or a thread still recording at exit, finds it still there.
  static FlushScheduler* scheduler = new FlushScheduler();
  return *scheduler;
}

void FlushScheduler::schedule(TraceWriter* w, Clock::time_point due) {
  std::lock_guard lock(mutex_);
  if (!started_) {
    started_ = true;
    std::thread([this] { loop(); }).detach();
  }
  due_.push_back({due, w});
  if (due_.size() == 1) wake_.notify_one();
}

void FlushScheduler::cancel(TraceWriter* w) {
  std::unique_lock lock(mutex_);
  std::erase_if(due_, [w](const Due& d) { return d.writer == w; });
  flushed_.wait(lock, [&] { return in_flush_ != w; });
}

void FlushScheduler::loop() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return !due_.empty(); });
    Due next = due_.front();
    if (Clock::now() < next.at) {
      wake_.wait_until(lock, next.at);
      continue;  // the front may have been cancelled meanwhile
    }
    due_.pop_front();
    in_flush_ = next.writer;
    lock.unlock();
    next.writer->flush_due();
    lock.lock();
    in_flush_ = nullptr;
    flushed_.notify_all();
  }
}

}  // namespace wasmrr::trace
