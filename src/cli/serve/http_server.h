// The HTTP/1.1 server of `wasm-rr serve`: libmicrohttpd (microhttpd_api.h),
// one thread per connection, so that a slow or stalled client holds only its
// own thread. Each request is read whole (up to a limit: 413 beyond), handed
// to the handler on its connection's thread, and the reply sent. Malformed
// requests get 400 from libmicrohttpd without reaching the handler.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "wasi/http/server.h"

struct MHD_Daemon;

namespace wasmrr::cli {

struct HttpReply {
  unsigned status = 500;
  wasi::FieldList headers;
  std::string body;
};

class HttpServer {
 public:
  using Handler = std::function<HttpReply(wasi::ServerRequest)>;
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
  // Requests read and not yet answered.
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
