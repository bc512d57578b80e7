// wasm-rr serve: runs a wasi:http/proxy component (one that exports
// wasi:http/incoming-handler) as an HTTP/1.1 server. Each request runs in a
// fresh instance on one of the workers (cli/serve/request_workers.h); the
// guest's response goes back to the client as the guest produces it
// (cli/serve/reply_stream.h).
#include <signal.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <thread>

#include <fmt/format.h>

#include "cli/guest.h"
#include "cli/options.h"
#include "cli/serve/http_server.h"
#include "cli/serve/request_workers.h"
#include "cli/units.h"
#include "rr/recorder.h"
#include "trace/writer.h"
#include "wasi/http/response_capture.h"
#include "util/printable.h"
#include "wasi/http/server.h"
#include "wasi/wasi.h"

namespace wasmrr::cli {
namespace {

using Clock = std::chrono::steady_clock;

// What the client gets when the guest's handler gives it no (complete)
// response: wasm-rr's own 500, or, once the guest's response has started,
// a cut connection.
struct Failure {
  std::string problem;  // for the log
  std::string text;     // the 500's body
};

// What went wrong with the guest's handler, if anything.
std::optional<Failure> failure_of(const runtime::Outcome& outcome, const wasi::ServerResponse& r) {
  if (outcome.kind == runtime::Outcome::Kind::Trapped) {
    if (outcome.trap_message == engine::Engine::kInterruptedMessage)
      return Failure{"the guest ran longer than --timeout", "the handler ran out of time\n"};
    return Failure{"guest trapped: " + printable(outcome.trap_message), "the handler trapped\n"};
  }
  if (outcome.kind == runtime::Outcome::Kind::Exited)
    return Failure{fmt::format("the guest exited (status {}) instead of answering", outcome.exit_status),
                   "the handler exited\n"};
  if (!r.set) return Failure{"the guest returned without setting a response", "the handler set no response\n"};
  if (r.error) return Failure{"the guest answered with an error: " + *r.error, "the handler answered with an error\n"};
  if (r.body && r.body->stream_taken && !r.body->finished)
    return Failure{"the guest did not finish the response body", "the handler did not finish its response\n"};
  return std::nullopt;
}

// The response as the client got it, for the trace's end and the log.
struct Sent {
  unsigned status = 500;
  wasi::FieldList headers;
  std::string body;
};

Sent guest_response(const wasi::ServerResponse& response) {
  Sent sent{response.status, response.headers, {}};
  if (response.body)
    for (const auto& chunk : response.body->chunks) sent.body += chunk;
  return sent;
}

// Ends the reply; `cut`: the guest's response had begun to reach the client
// when it failed, so the connection was cut.
Sent answer(const wasi::ServerResponse& response, const std::optional<Failure>& failure, ReplyStream& reply, bool& cut) {
  cut = false;
  if (!failure) {
    reply.handler_returned();
    return guest_response(response);
  }
  Sent ours{500, {{"content-type", "text/plain; charset=utf-8"}}, failure->text};
  cut = reply.answer_or_cut(ours.status, ours.headers, ours.body);
  return cut ? guest_response(response) : ours;  // (cut: the client got the guest's status and part of its body)
}

// serve --record: DIR/000017-GET-hello.json, named so that they sort by arrival.
// The slug is the path's first segment, as far as it is letters, digits, - and _.
std::string trace_name(uint64_t number, const wasi::ServerRequest& r) {
  auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; };
  std::string_view path = r.path_with_query;
  path.remove_prefix(std::min(path.find_first_not_of('/'), path.size()));
  std::string slug;
  for (char c : path) {
    if (!word(c) || slug.size() == 40) break;
    slug += c;
  }
  std::string method;
  for (char c : r.method)
    if (std::isalnum(static_cast<unsigned char>(c))) method += c;
  return fmt::format("{:06}-{}-{}.json", number, method.empty() ? "X" : method, slug.empty() ? "root" : slug);
}

// The highest NNNNNN of the NNNNNN-*.json traces in DIR (0: none): a new
// serve --record goes on from there, and overwrites nothing.
uint64_t last_recording_number(const std::string& dir) {
  uint64_t last = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (name.size() < 7 || name[6] != '-') continue;
    if (auto n = parse_decimal(std::string_view(name).substr(0, 6))) last = std::max(last, *n);
  }
  return last;
}

// A request's trace refers to bytes the guest had already in the last 64 MiB
// of it, rather than holding them again (record --dedup-window's default).
constexpr uint64_t kDedupWindow = uint64_t{64} << 20;

// One recording of one request: its trace, written as the handler runs.
struct RequestRecording {
  std::string path;
  std::unique_ptr<trace::TraceWriter> writer;
  std::unique_ptr<rr::Recorder> recorder;
};

std::optional<RequestRecording> start_recording(const ServeOptions& opts, uint64_t number,
                                                const wasi::ServerRequest& request) {
  if (!opts.record_dir) return std::nullopt;
  RequestRecording rec;
  rec.path = (std::filesystem::path(*opts.record_dir) / trace_name(number, request)).string();
  if (std::error_code ec; std::filesystem::exists(rec.path, ec))
    throw ToolError(fmt::format("--record: `{}` exists already: not overwritten", printable(rec.path)));
  auto writer = trace::TraceWriter::create(rec.path, {});
  if (!writer) throw ToolError(writer.error().message);
  rec.writer = std::move(*writer);
  rec.recorder = std::make_unique<rr::Recorder>(*rec.writer, std::vector<std::string>{}, kDedupWindow);
  return rec;
}

void serve_one(const ServeOptions& opts, const wasi::WasiConfig& world, const LoadedComponent& component,
               const GuestLimits& limits, const std::string& handler, engine::Engine& engine, runtime::ModuleCache& modules, uint64_t number,
               wasi::ServerRequest request, const std::shared_ptr<ReplyStream>& stream) {
  ReplyStream& reply = *stream;
  auto start = Clock::now();
  std::string method = request.method, path = request.path_with_query;
  std::optional<RequestRecording> rec = start_recording(opts, number, request);
  wasi::WasiConfig config = world;  // (each request's host gets its own)
  trace::Header header;
  if (rec) header = recording_header(component, config);
  runtime::HostRegistry registry;
  wasi::WasiHost host(std::move(config));
  host.register_all(registry);
  auto response = std::make_shared<wasi::ServerResponse>();
  // The response goes to the client as the guest produces it; the trace's
  // end keeps a copy of its body.
  response->sink = stream;
  response->keep_body = rec.has_value();
  runtime::Values args = wasi::incoming_handler_args(host, std::move(request), response);
  if (rec) {
    header.dedup_window = kDedupWindow;
    header.export_call = trace::ExportCall{handler, wasi::kHandleFunc, trace::Json::array(), {{"method", method}, {"path", path}}};
    for (const auto& a : args) header.export_call->args.push_back({{"handle", a.num}});
    rec->writer->write(trace::to_json(header));
  }
  runtime::PassthroughInterposer passthrough;
  runtime::CallInterposer& interposer = rec ? static_cast<runtime::CallInterposer&>(*rec->recorder) : passthrough;
  runtime::InstantiateOptions options;
  options.modules = &modules;
  options.max_handles = limits.handle_limit();
  runtime::Runtime rt(engine, registry, interposer);
  std::optional<Failure> failure;
  std::optional<runtime::Outcome> outcome;
  if (auto r = rt.instantiate(component.ast, options); !r) {
    failure = Failure{"cannot instantiate: " + r.error().message, "the component could not be instantiated\n"};
  } else if (auto o = rt.run_export(handler, wasi::kHandleFunc, std::move(args)); !o) {
    failure = Failure{o.error().message, "the component's HTTP handler could not be called\n"};
  } else {
    outcome = std::move(*o);
    failure = failure_of(*outcome, *response);
  }
  bool cut = false;
  Sent sent = answer(*response, failure, reply, cut);
  std::string problem = failure ? failure->problem + (cut ? " (the response was cut short)" : "") : "";
  if (rec) {
    trace::End end;
    end.response = wasi::response_json(static_cast<uint16_t>(sent.status), sent.headers, sent.body);
    if (failure && !cut) end.response["by"] = "wasm-rr";  // not the guest's: the reason it has none
    if (cut) end.response["cut"] = true;  // the client got this much, and then the connection ended
    runtime::Outcome ended =
        outcome.value_or(runtime::Outcome{runtime::Outcome::Kind::Trapped, 0, failure ? failure->problem : "", {}, {}});
    rec->recorder->finish(ended, std::move(end));
    if (auto closed = rec->writer->close(); !closed) problem += (problem.empty() ? "" : "; ") + closed.error().message;
  }
  double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  fmt::print(stderr, "wasm-rr: {} {} {} {:.1f} ms{}\n", printable(method), printable(path), sent.status, ms,
             problem.empty() ? "" : " (" + problem + ")");
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
  // The world every request gets: made once, so that bad --dir or grants,
  // and warnings about the environment, are said once, before listening.
  const wasi::WasiConfig world = guest_config(opts.guest);
  unsigned workers = opts.workers ? opts.workers : std::max(1u, std::thread::hardware_concurrency());
  // SIGINT and SIGTERM are waited for here; every thread started below
  // inherits the mask, so none of them is interrupted by one.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  auto handler = wasi::incoming_handler_export(*component.ast);
  if (!handler) throw ToolError(fmt::format("`{}`: {}", component.path, handler.error().message));
  uint64_t recorded_before = 0;
  if (opts.record_dir) {
    std::error_code ec;
    std::filesystem::create_directories(*opts.record_dir, ec);
    if (ec) throw ToolError(fmt::format("--record `{}`: {}", printable(*opts.record_dir), ec.message()));
    recorded_before = last_recording_number(*opts.record_dir);
  }
  RequestWorkers pool(workers, component, limits, limits.timeout,
                      [&](engine::Engine& e, runtime::ModuleCache& m, uint64_t number, wasi::ServerRequest r,
                          const std::shared_ptr<ReplyStream>& reply) {
                        serve_one(opts, world, component, limits, *handler, e, m, number, std::move(r), reply);
                      });
  std::atomic<uint64_t> arrivals{recorded_before};  // numbers go on after the traces already in DIR
  HttpServer server({host, port, *max_body, 30},
                    [&](wasi::ServerRequest r, std::shared_ptr<ReplyStream> reply) {
                      pool.submit(++arrivals, std::move(r), std::move(reply));
                    });
  fmt::print(stderr, "wasm-rr: serving {} on http://{}:{} ({} worker{})\n", printable(component.path), host,
             server.port(), workers, workers == 1 ? "" : "s");
  int signal = 0;
  sigwait(&stop_signals, &signal);
  server.stop_accepting();
  fmt::print(stderr, "wasm-rr: {}: no new connections; finishing {} request{} in flight\n",
             signal == SIGINT ? "SIGINT" : "SIGTERM", server.in_flight(), server.in_flight() == 1 ? "" : "s");
  auto deadline = Clock::now() + std::chrono::seconds(10);
  while (server.in_flight() > 0 && Clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (server.in_flight() > 0) {
    fmt::print(stderr, "wasm-rr: {} request{} still running after 10 s: interrupting {}\n", server.in_flight(),
               server.in_flight() == 1 ? "" : "s", server.in_flight() == 1 ? "it" : "them");
    pool.interrupt_all();
  }
  return 0;
}

}  // namespace wasmrr::cli
