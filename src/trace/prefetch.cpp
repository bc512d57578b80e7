#include "trace/prefetch.h"

#include <signal.h>

#include <exception>

namespace wasmrr::trace {

Prefetcher::Prefetcher(RawInput& source) : source_(source) {
  for (size_t i = 0; i < kChunks; i++) free_.emplace_back(new char[kBufferBytes]);  // not zeroed: pages are touched as they fill
  // The thread takes no signal: a stop (cli/stop_watch.h) or a serve's
  // sigwait is for the threads that expect them.
  sigset_t all, previous;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &previous);
  try {
    thread_ = std::thread([this] { loop(); });
  } catch (...) {
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    throw;
  }
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
}

Prefetcher::~Prefetcher() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  free_changed_.notify_all();
  thread_.join();
}

Prefetcher::Chunk Prefetcher::next() {
  std::unique_lock lock(mutex_);
  ready_changed_.wait(lock, [this] { return !ready_.empty() || ended_; });
  if (ready_.empty()) return {};
  Chunk chunk = std::move(ready_.front());
  ready_.pop_front();
  return chunk;
}

void Prefetcher::recycle(std::unique_ptr<char[]> buffer) {
  {
    std::lock_guard lock(mutex_);
    free_.push_back(std::move(buffer));
  }
  free_changed_.notify_one();
}

std::string Prefetcher::error() const {
  std::lock_guard lock(mutex_);
  return error_;
}

bool Prefetcher::cut_short() const {
  std::lock_guard lock(mutex_);
  return cut_short_;
}

Prefetcher::Filled Prefetcher::fill(char* data) {
  Filled out;
  try {
    while (out.size < kChunkBytes) {
      ssize_t got = source_.read(data + out.size, kChunkBytes - out.size);
      if (got < 0) {
        out.failure = source_.error().empty() ? "read error" : source_.error();
        break;
      }
      if (got == 0) {
        out.at_end = true;
        break;
      }
      out.size += static_cast<size_t>(got);
    }
  } catch (const std::exception& e) {  // e.g. out of memory in a decompressor
    out.failure = e.what();
  }
  return out;
}

void Prefetcher::loop() {
  while (true) {
    std::unique_ptr<char[]> buffer;
    {
      std::unique_lock lock(mutex_);
      free_changed_.wait(lock, [this] { return stop_ || !free_.empty(); });
      if (stop_) return;
      buffer = std::move(free_.back());
      free_.pop_back();
    }
    Filled filled = fill(buffer.get() + kHeadroom);
    const bool last = filled.at_end || !filled.failure.empty();
    const bool cut_short = filled.at_end && source_.cut_short();
    std::lock_guard lock(mutex_);
    // The bytes read before the end or a failure come first.
    if (filled.size > 0) ready_.push_back({std::move(buffer), filled.size});
    if (last) {
      ended_ = true;
      error_ = std::move(filled.failure);
      cut_short_ = cut_short;
    }
    ready_changed_.notify_one();
    if (last) return;
  }
}

}  // namespace wasmrr::trace
