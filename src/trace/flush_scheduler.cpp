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

void FlushScheduler::start_locked() {
  if (started_) return;
  started_ = true;
  std::thread([this] { loop(); }).detach();
}

void FlushScheduler::schedule(TraceWriter* w, Clock::time_point due) {
  std::lock_guard lock(mutex_);
  start_locked();
  due_.push_back({due, w});
  if (due_.size() == 1) wake_.notify_one();
}

void FlushScheduler::write_soon(TraceWriter* w) {
  std::lock_guard lock(mutex_);
  start_locked();
  soon_.push_back(w);
  wake_.notify_one();
}

void FlushScheduler::cancel(TraceWriter* w) {
  std::unique_lock lock(mutex_);
  std::erase_if(due_, [w](const Due& d) { return d.writer == w; });
  std::erase(soon_, w);
  flushed_.wait(lock, [&] { return in_flush_ != w; });
}

template <typename Call>
void FlushScheduler::run(std::unique_lock<std::mutex>& lock, TraceWriter* w, Call call) {
  in_flush_ = w;
  lock.unlock();
  call(*w);
  lock.lock();
  in_flush_ = nullptr;
  flushed_.notify_all();
}

void FlushScheduler::loop() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return !due_.empty() || !soon_.empty(); });
    if (!soon_.empty()) {
      TraceWriter* w = soon_.front();
      soon_.pop_front();
      run(lock, w, [](TraceWriter& tw) { tw.write_pending(); });
      continue;
    }
    Due next = due_.front();
    if (Clock::now() < next.at) {
      wake_.wait_until(lock, next.at);
      continue;  // the front may have been cancelled meanwhile, or a write come
    }
    due_.pop_front();
    run(lock, next.writer, [](TraceWriter& tw) { tw.flush_due(); });
  }
}

}  // namespace wasmrr::trace
