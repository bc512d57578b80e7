#include "cli/serve/request_workers.h"

#include <fmt/format.h>

namespace wasmrr::cli {

RequestWorkers::RequestWorkers(unsigned count, const LoadedComponent& component, const GuestLimits& limits,
                               std::optional<std::chrono::microseconds> timeout, Serve serve)
    : component_(component), limits_(limits), timeout_(timeout), serve_(std::move(serve)) {
  auto start_worker = [this] {
    workers_.push_back(std::make_unique<Worker>());
    std::promise<void> p;
    std::future<void> ready = p.get_future();
    workers_.back()->thread = std::thread([this, w = workers_.back().get(), p = std::move(p)]() mutable {
      work(*w, std::move(p));
    });
    return ready;
  };
  // The first worker compiles the component and shares its modules; the
  // others adopt them (start_engine), at once and in parallel.
  std::vector<std::future<void>> ready;
  try {
    start_worker().get();
    for (unsigned i = 1; i < count; i++) ready.push_back(start_worker());
    for (auto& r : ready) r.get();
  } catch (...) {
    shutdown();  // the workers that did start, before reporting
    throw;
  }
  if (timeout_) watchdog_ = std::thread([this] { watch(); });
}

RequestWorkers::~RequestWorkers() { shutdown(); }

void RequestWorkers::shutdown() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  wake_watchdog_.notify_all();
  for (auto& w : workers_)
    if (w->thread.joinable()) w->thread.join();
  if (watchdog_.joinable()) watchdog_.join();
}

void RequestWorkers::submit(uint64_t number, wasi::ServerRequest request, std::shared_ptr<ReplyStream> reply) {
  {
    std::lock_guard lock(mutex_);
    if (live_ == 0) {
      refuse(*reply);
      return;
    }
    queue_.push_back(Job{number, std::move(request), std::move(reply)});
  }
  wake_.notify_one();
}

void RequestWorkers::refuse(ReplyStream& reply) {
  reply.answer_or_cut(503, {{"content-type", "text/plain"}}, "wasm-rr: no worker is left to run the handler\n");
}

// A worker whose engine could not be replaced is gone; when none is left,
// the requests waiting, and every later one, get 503 rather than waiting forever.
void RequestWorkers::worker_lost() {
  std::lock_guard lock(mutex_);
  if (--live_ > 0) return;
  fmt::print(stderr, "wasm-rr: no worker is left: requests get 503\n");
  for (Job& job : queue_) refuse(*job.reply);
  queue_.clear();
}

// An engine that made this many instances is replaced by a fresh one: it
// keeps a small record of every host function made (engine.h). A new engine
// adopts the compiled modules: it compiles nothing.
constexpr uint64_t kRequestsPerEngine = 4096;

void RequestWorkers::start_engine(std::unique_ptr<engine::Engine>& engine, std::unique_ptr<runtime::ModuleCache>& modules) {
  modules.reset();
  engine.reset();
  auto e = engine::create_engine(limits_.engine_options());
  if (!e) throw ToolError(fmt::format("cannot start the engine: {}", e.error().message));
  engine = std::move(*e);
  std::shared_ptr<const runtime::SharedModules> shared;
  {
    std::lock_guard lock(mutex_);
    shared = shared_modules_;
  }
  if (shared) {
    auto adopted = runtime::ModuleCache::adopting(*engine, *shared);
    if (!adopted) throw ToolError(fmt::format("`{}`: {}", component_.path, adopted.error().message));
    modules = std::move(*adopted);
    return;
  }
  modules = std::make_unique<runtime::ModuleCache>(*engine);
  if (auto r = modules->compile_all(*component_.ast); !r)
    throw ToolError(fmt::format("`{}`: {}", component_.path, r.error().message));
  if (auto made = modules->share()) {
    std::lock_guard lock(mutex_);
    shared_modules_ = *made;
  }  // (else every worker compiles its own)
}

void RequestWorkers::work(Worker& w, std::promise<void> ready) {
  std::unique_ptr<engine::Engine> engine;
  std::unique_ptr<runtime::ModuleCache> modules;
  try {
    start_engine(engine, modules);
  } catch (...) {
    ready.set_exception(std::current_exception());
    return;
  }
  uint64_t served = 0;
  {
    std::lock_guard lock(mutex_);
    live_++;
    w.engine = engine.get();
    w.waits = &wasi::WaitCancel::this_thread();
  }
  ready.set_value();
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) break;  // stopping, and nothing left to answer
      job = std::move(queue_.front());
      queue_.pop_front();
      w.busy_since = std::chrono::steady_clock::now();
    }
    engine->clear_interrupt();
    w.waits->reset();
    size_t mark = engine->host_function_mark();
    try {
      serve_(*engine, *modules, job.number, std::move(job.request), job.reply);
    } catch (const std::exception& e) {
      job.reply->answer_or_cut(500, {{"content-type", "text/plain"}}, fmt::format("wasm-rr: {}\n", e.what()));
    }
    // The request's instance is gone: what its host functions held goes,
    // and so does its linear memory (SpiderMonkey reserves GBs of address
    // space for each, and frees them only when it collects).
    engine->retire_host_functions(mark);
    engine->collect_garbage();
    {
      std::lock_guard lock(mutex_);
      w.busy_since.reset();
      if (++served % kRequestsPerEngine == 0) w.engine = nullptr;  // the watchdog must not see it go
    }
    if (served % kRequestsPerEngine == 0) {
      try {
        start_engine(engine, modules);
      } catch (const std::exception& e) {
        fmt::print(stderr, "wasm-rr: a worker stopped: {}\n", e.what());
        worker_lost();
        break;
      }
      std::lock_guard lock(mutex_);
      w.engine = engine.get();
    }
  }
  std::lock_guard lock(mutex_);
  w.engine = nullptr;
}

// The guest's code ends at its next check; a wait in a host call ends now.
void RequestWorkers::interrupt(Worker& w) {
  w.engine->interrupt();
  if (w.waits) w.waits->cancel(engine::Engine::kInterruptedMessage);
}

void RequestWorkers::interrupt_all() {
  std::lock_guard lock(mutex_);
  for (auto& w : workers_)
    if (w->busy_since && w->engine) interrupt(*w);
}

// Interrupts the requests that run longer than --timeout.
void RequestWorkers::watch() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_watchdog_.wait_for(lock, std::chrono::milliseconds(10));
    auto now = std::chrono::steady_clock::now();
    for (auto& w : workers_)
      if (w->busy_since && w->engine && now - *w->busy_since > *timeout_) interrupt(*w);
  }
}

}  // namespace wasmrr::cli
