// serve's workers: N threads, each with its own engine (SpiderMonkey
// contexts are per thread), taking requests from one queue. The component is
// compiled once, by the first worker, whose engine shares the compiled code
// with the others' (engine::Engine::share, adopt). Every request runs in a fresh
// instance of the component with a fresh host, so that no state leaks from
// one request to the next.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "cli/guest.h"
#include "cli/serve/reply_stream.h"
#include "wasi/io/wait_cancel.h"

namespace wasmrr::cli {

class RequestWorkers {
 public:
  // What a worker does with a request on its own engine and modules.
  // `number`: the request's place in the order of arrival (from 1).
  using Serve = std::function<void(engine::Engine&, runtime::ModuleCache&, uint64_t number, wasi::ServerRequest,
                                    const std::shared_ptr<ReplyStream>& reply)>;

  // Starts `count` workers, the first compiling the component; throws
  // ToolError (naming the component) if one cannot. `timeout`: a request
  // running longer is interrupted (its guest code ends as a trap).
  RequestWorkers(unsigned count, const LoadedComponent& component, const GuestLimits& limits,
                 std::optional<std::chrono::microseconds> timeout, Serve serve);
  ~RequestWorkers();  // finishes the queued requests, then joins

  // Queues `request` for the next free worker, which answers it through `reply`.
  void submit(uint64_t number, wasi::ServerRequest request, std::shared_ptr<ReplyStream> reply);
  // Interrupts every request running now (their clients get 500), in its
  // code or in a host call's wait: the end of a shutdown that waited long
  // enough.
  void interrupt_all();

 private:
  struct Job {
    uint64_t number = 0;
    wasi::ServerRequest request;
    std::shared_ptr<ReplyStream> reply;
  };
  struct Worker {
    std::thread thread;
    engine::Engine* engine = nullptr;  // set once it is ready
    wasi::WaitCancel* waits = nullptr;   // its thread's: --timeout also ends a handler waiting in the host
    std::optional<std::chrono::steady_clock::time_point> busy_since;
  };
  void work(Worker& w, std::promise<void> ready);
  void start_engine(std::unique_ptr<engine::Engine>& engine, std::unique_ptr<runtime::ModuleCache>& modules);
  void watch();
  void interrupt(Worker& w);  // with mutex_ held
  void worker_lost();
  static void refuse(ReplyStream& reply);
  void shutdown();

  const LoadedComponent& component_;
  GuestLimits limits_;
  std::optional<std::chrono::microseconds> timeout_;
  Serve serve_;
  std::mutex mutex_;
  std::condition_variable wake_;           // a job or the stop, for the workers
  std::condition_variable wake_watchdog_;  // the stop, for the watchdog
  std::deque<Job> queue_;
  unsigned live_ = 0;  // workers serving (started, and not stopped for want of an engine)
  std::shared_ptr<const runtime::SharedModules> shared_modules_;  // from the first worker's compilation
  bool stopping_ = false;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::thread watchdog_;
};

}  // namespace wasmrr::cli
