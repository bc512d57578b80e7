// The HTTP/1.1 server of `wasm-rr serve`: libmicrohttpd (microhttpd_api.h),
// one thread per connection, so that a slow or stalled client holds only its
// own thread. Each request goes to the handler once its head is read, its
// body following as it arrives (wasi/http/request_body.h; over a limit: 413
// by its content-length, else the guest's read fails), with a ReplyStream
// (cli/serve/reply_stream.h) to answer it through; the connection's thread sends the reply as it comes:
// at once with its length if it is all there when it starts, else chunked
// (HTTP/1.1) or up to the connection's end (HTTP/1.0), with the guest's
// trailers. Malformed requests get 400 from libmicrohttpd without reaching
// the handler.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "wasi/http/server.h"

struct MHD_Daemon;

namespace wasmrr::cli {

class ReplyStream;

class HttpServer {
 public:
  // Starts answering `request` through `reply`; returns at once (the
  // connection's thread then waits on `reply`).
  using Handler = std::function<void(wasi::ServerRequest request, std::shared_ptr<ReplyStream> reply)>;
  struct Options {
    std::string host = "127.0.0.1";
    uint16_t port = 8080;  // 0: any free port (port() says which)
    uint64_t max_body = 16 << 20;
    unsigned idle_timeout_seconds = 30;  // a client silent this long is disconnected
  };

  // Listens; throws ToolError if it cannot (address in use, bad address).
  HttpServer(Options options, Handler handler);
  ~HttpServer();  // stops (waits for the connection threads)
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  uint16_t port() const { return port_; }
  // Stops accepting connections; requests in flight go on.
  void stop_accepting();
  // Requests read and not yet answered to the end.
  int in_flight() const { return in_flight_.load(); }

  struct Exchange;  // one request on its way (http_server.cpp)

 private:
  friend struct ServerCallbacks;
  Options options_;
  Handler handler_;
  MHD_Daemon* daemon_ = nullptr;
  uint16_t port_ = 0;
  std::atomic<int> in_flight_{0};
};

}  // namespace wasmrr::cli
