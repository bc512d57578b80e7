// wasm-rr serve: runs a wasi:http/proxy component (one that exports
// wasi:http/incoming-handler) as an HTTP/1.1 server. Each request runs in a
// fresh instance on one of the workers (cli/serve/request_workers.h); the
// guest's response goes back to the client when its handler returns.
#include <signal.h>

#include <chrono>
#include <thread>

#include <fmt/format.h>

#include "cli/guest.h"
#include "cli/options.h"
#include "cli/serve/http_server.h"
#include "cli/serve/request_workers.h"
#include "cli/units.h"
#include "util/printable.h"
#include "wasi/http/server.h"
#include "wasi/wasi.h"

namespace wasmrr::cli {
namespace {

using Clock = std::chrono::steady_clock;

HttpReply plain(unsigned status, std::string text) {
  return HttpReply{status, {{"content-type", "text/plain; charset=utf-8"}}, std::move(text)};
}

// What the client gets for how the guest's handler ended.
HttpReply reply_of(const runtime::Outcome& outcome, const wasi::ServerResponse& r, std::string& problem) {
  if (outcome.kind == runtime::Outcome::Kind::Trapped) {
    problem = "guest trapped: " + printable(outcome.trap_message);
    if (outcome.trap_message == engine::Engine::kInterruptedMessage) {
      problem = "the guest ran longer than --timeout";
      return plain(500, "the handler ran out of time\n");
    }
    return plain(500, "the handler trapped\n");
  }
  if (outcome.kind == runtime::Outcome::Kind::Exited) {
    problem = fmt::format("the guest exited (status {}) instead of answering", outcome.exit_status);
    return plain(500, "the handler exited\n");
  }
  if (!r.set) {
    problem = "the guest returned without setting a response";
    return plain(500, "the handler set no response\n");
  }
  if (r.error) {
    problem = "the guest answered with an error: " + *r.error;
    return plain(500, "the handler answered with an error\n");
  }
  if (r.body && r.body->stream_taken && !r.body->finished) {
    problem = "the guest did not finish the response body";
    return plain(500, "the handler did not finish its response\n");
  }
  HttpReply reply{r.status, r.headers, {}};
  if (r.body)
    for (const auto& chunk : r.body->chunks) reply.body += chunk;
  return reply;
}

HttpReply serve_one(const ServeOptions& opts, const LoadedComponent& component, const GuestLimits& limits,
                    engine::Engine& engine, runtime::ModuleCache& modules, wasi::ServerRequest request) {
  auto start = Clock::now();
  std::string method = request.method, path = request.path_with_query;
  runtime::HostRegistry registry;
  wasi::WasiHost host(guest_config(opts.guest));
  host.register_all(registry);
  runtime::PassthroughInterposer passthrough;
  runtime::InstantiateOptions options;
  options.modules = &modules;
  options.max_handles = limits.handle_limit();
  runtime::Runtime rt(engine, registry, passthrough);
  HttpReply reply;
  std::string problem;
  if (auto r = rt.instantiate(component.ast, options); !r) {
    problem = "cannot instantiate: " + r.error().message;
    reply = plain(500, "the component could not be instantiated\n");
  } else {
    auto response = std::make_shared<wasi::ServerResponse>();
    auto outcome = wasi::handle_incoming_request(rt, host, std::move(request), response);
    if (!outcome) {
      problem = outcome.error().message;
      reply = plain(500, "the component has no HTTP handler\n");
    } else {
      reply = reply_of(*outcome, *response, problem);
    }
  }
  double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  fmt::print(stderr, "wasm-rr: {} {} {} {:.1f} ms{}\n", printable(method), printable(path), reply.status, ms,
             problem.empty() ? "" : " (" + problem + ")");
  return reply;
}

// "127.0.0.1:8080", ":8080" (all interfaces), "8080".
std::pair<std::string, uint16_t> parse_addr(const std::string& addr) {
  size_t colon = addr.rfind(':');
  std::string host = colon == std::string::npos ? "127.0.0.1" : addr.substr(0, colon);
  std::string port = colon == std::string::npos ? addr : addr.substr(colon + 1);
  if (host.empty()) host = "0.0.0.0";
  auto n = parse_decimal(port);
  if (!n || *n > 65535) throw ToolError(fmt::format("--addr `{}`: expected HOST:PORT (e.g. 127.0.0.1:8080)", printable(addr)));
  return {host, static_cast<uint16_t>(*n)};
}

}  // namespace

int serve_command(const ServeOptions& opts) {
  LoadedComponent component = load_component(opts.guest.component_path);
  GuestLimits limits = guest_limits(opts.guest.limits);
  auto max_body = parse_size(opts.max_body);
  if (!max_body) throw ToolError("--max-body " + max_body.error().message);
  auto [host, port] = parse_addr(opts.addr);
  (void)guest_config(opts.guest);  // bad --dir or grants are said once, before listening
  unsigned workers = opts.workers ? opts.workers : std::max(1u, std::thread::hardware_concurrency());
  // SIGINT and SIGTERM are waited for here; every thread started below
  // inherits the mask, so none of them is interrupted by one.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  RequestWorkers pool(workers, component, limits, limits.timeout,
                      [&](engine::Engine& e, runtime::ModuleCache& m, wasi::ServerRequest r) {
                        return serve_one(opts, component, limits, e, m, std::move(r));
                      });
  HttpServer server({host, port, *max_body, 30}, [&](wasi::ServerRequest r) { return pool.handle(std::move(r)); });
  fmt::print(stderr, "wasm-rr: serving {} on http://{}:{} ({} worker{})\n", printable(component.path), host,
             server.port(), workers, workers == 1 ? "" : "s");
  int signal = 0;
  sigwait(&stop_signals, &signal);
  server.stop_accepting();
  fmt::print(stderr, "wasm-rr: {}: no new connections; finishing {} request{} in flight\n",
             signal == SIGINT ? "SIGINT" : "SIGTERM", server.in_flight(), server.in_flight() == 1 ? "" : "s");
  auto deadline = Clock::now() + std::chrono::seconds(10);
  while (server.in_flight() > 0 && Clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (server.in_flight() > 0)
    fmt::print(stderr, "wasm-rr: {} request{} still running after 10 s: stopping anyway\n", server.in_flight(),
               server.in_flight() == 1 ? "" : "s");
  return 0;
}

}  // namespace wasmrr::cli
