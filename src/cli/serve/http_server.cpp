#include "cli/serve/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "cli/options.h"
#include "cli/serve/microhttpd_api.h"
#include "cli/serve/reply_stream.h"
#include "wasi/http/field_text.h"
#include "wasi/http/request_body.h"

namespace wasmrr::cli {

struct HttpServer::Exchange {
  std::string uri;  // as the client sent it: path and query
  bool started = false;
  bool too_large = false;  // by its content-length: 413, and the guest never sees it
  bool in_flight = false;  // handed to the handler; counted in in_flight_ until the connection is done with it
  uint64_t received = 0;   // body bytes read
  std::shared_ptr<wasi::RequestBodySource> body;  // the body, as it arrives, for the guest
  std::shared_ptr<ReplyStream> reply;
};

namespace {

// Hop-by-hop and framing headers are the server's to write, not the guest's.
bool server_owned(const std::string& name) {
  std::string n = wasi::lower_ascii(name);
  return n == "content-length" || n == "transfer-encoding" || n == "connection" || n == "keep-alive";
}

}  // namespace

struct ServerCallbacks {
  // MHD_OPTION_URI_LOG_CALLBACK: the first thing known of a request, with
  // its URI as sent (the access handler gets it unescaped and without the query).
  static void* begin(void* /*cls*/, const char* uri, MHD_Connection* /*connection*/) {
    auto* ex = new HttpServer::Exchange;
    ex->uri = uri ? uri : "/";
    return ex;
  }

  static MHD_Result header(void* cls, MHD_ValueKind /*kind*/, const char* key, const char* value) {
    auto* request = static_cast<wasi::ServerRequest*>(cls);
    if (key) request->headers.emplace_back(wasi::lower_ascii(key), value ? value : "");
    return MHD_YES;
  }

  static MHD_Result queue(MHD_Connection* connection, unsigned status, const wasi::FieldList& headers,
                           MHD_Response* response) {
    const MicrohttpdApi& mhd = microhttpd_api();
    if (!response) return MHD_NO;
    for (const auto& [name, value] : headers)
      if (!server_owned(name)) mhd.add_response_header(response, name.c_str(), value.c_str());
    MHD_Result ok = mhd.queue_response(connection, status, response);
    mhd.destroy_response(response);  // (the connection keeps it until it is sent)
    return ok;
  }

  static MHD_Result reply(MHD_Connection* connection, unsigned status, const wasi::FieldList& headers, std::string body) {
    return queue(connection, status, headers,
                 microhttpd_api().create_response_from_buffer(body.size(), body.data(), MHD_RESPMEM_MUST_COPY));
  }

  // A body still being written: the connection's thread reads it from the
  // ReplyStream as the guest writes it.
  struct Streaming {
    std::shared_ptr<ReplyStream> reply;
    MHD_Response* response = nullptr;  // for the trailers, added at the end
  };
  static ssize_t read_body(void* cls, uint64_t /*pos*/, char* buf, size_t max) {
    auto* s = static_cast<Streaming*>(cls);
    long n = s->reply->read(buf, max);
    if (n == ReplyStream::kCut) return MHD_CONTENT_READER_END_WITH_ERROR;
    if (n == ReplyStream::kEnd) {
      for (const auto& [name, value] : s->reply->trailers())
        if (!server_owned(name)) microhttpd_api().add_response_footer(s->response, name.c_str(), value.c_str());
      return MHD_CONTENT_READER_END_OF_STREAM;
    }
    return n;
  }
  static void body_done(void* cls) {
    auto* s = static_cast<Streaming*>(cls);
    s->reply->reader_gone();  // sent, or the client went away: the rest is dropped
    delete s;
  }

  // The request's head is here: the handler starts on it at once, and its
  // body follows as it arrives.
  static void start(HttpServer& server, MHD_Connection* connection, const char* method, HttpServer::Exchange& ex) {
    wasi::ServerRequest request;
    request.method = method ? method : "GET";
    request.path_with_query = ex.uri;
    microhttpd_api().get_connection_values(connection, MHD_HEADER_KIND, &ServerCallbacks::header, &request);
    for (const auto& [name, value] : request.headers) {
      if (name == "host") request.authority = value;
      if (name == "content-length" && std::strtoull(value.c_str(), nullptr, 10) > server.options_.max_body)
        ex.too_large = true;
    }
    if (ex.too_large) return;
    ex.body = request.body_source = std::make_shared<wasi::RequestBodySource>();
    ex.reply = std::make_shared<ReplyStream>();
    server.in_flight_++;
    ex.in_flight = true;
    try {
      server.handler_(std::move(request), ex.reply);
    } catch (const std::exception& e) {
      ex.reply->answer_or_cut(500, {{"content-type", "text/plain"}}, fmt::format("wasm-rr: {}\n", e.what()));
    }
  }

  static void receive(HttpServer& server, HttpServer::Exchange& ex, std::string_view bytes) {
    if (!ex.body) return;  // (too large: dropped)
    if (ex.received + bytes.size() > server.options_.max_body) {
      wasi::HttpErrorCode e = wasi::HttpErrorCode::of(
          wasi::HttpErrorCode::Case::http_request_body_size,
          fmt::format("request body larger than --max-body ({} bytes)", server.options_.max_body));
      e.size = ex.received + bytes.size();
      ex.body->fail(e);
    }
    ex.body->push(bytes);  // (ignored once failed)
    ex.received += bytes.size();
  }

  // The request is read: the reply goes as the handler produces it.
  static MHD_Result answer(MHD_Connection* connection, HttpServer::Exchange& ex) {
    ex.body->end();
    ReplyStream::Head head = ex.reply->wait_head();
    if (head.complete) {
      ex.reply->reader_gone();
      return ServerCallbacks::reply(connection, head.status, head.headers, std::move(head.body));
    }
    auto* streaming = new Streaming{ex.reply};
    MHD_Response* response = microhttpd_api().create_response_from_callback(
        head.length.value_or(MHD_SIZE_UNKNOWN), 64 << 10, &read_body, streaming, &body_done);
    if (!response) {
      body_done(streaming);
      return MHD_NO;
    }
    streaming->response = response;
    return queue(connection, head.status, head.headers, response);
  }

  static MHD_Result access(void* cls, MHD_Connection* connection, const char* /*url*/, const char* method,
                           const char* /*version*/, const char* upload_data, size_t* upload_data_size, void** con_cls) {
    auto* server = static_cast<HttpServer*>(cls);
    auto* ex = static_cast<HttpServer::Exchange*>(*con_cls);
    if (!ex) return MHD_NO;
    if (!ex->started) {
      ex->started = true;
      start(*server, connection, method, *ex);
      return MHD_YES;
    }
    if (*upload_data_size > 0) {
      receive(*server, *ex, std::string_view(upload_data, *upload_data_size));
      *upload_data_size = 0;
      return MHD_YES;
    }
    if (ex->too_large)
      return reply(connection, 413, {{"content-type", "text/plain"}},
                   fmt::format("request body larger than --max-body ({} bytes)\n", server->options_.max_body));
    return answer(connection, *ex);
  }

  static void done(void* cls, MHD_Connection* /*connection*/, void** con_cls, MHD_RequestTerminationCode /*code*/) {
    auto* ex = static_cast<HttpServer::Exchange*>(*con_cls);
    if (ex && ex->body)  // (a no-op if the body was all read) the client went away: the guest's read fails
      ex->body->fail(wasi::HttpErrorCode::of(wasi::HttpErrorCode::Case::connection_terminated,
                                             "the client closed the connection before the end of the request"));
    if (ex && ex->reply) ex->reply->reader_gone();  // (also a no-op once the reply is sent)
    if (ex && ex->in_flight) static_cast<HttpServer*>(cls)->in_flight_--;
    delete ex;
    *con_cls = nullptr;
  }
};

HttpServer::HttpServer(Options options, Handler handler) : options_(std::move(options)), handler_(std::move(handler)) {
  const MicrohttpdApi* mhd;
  try {
    mhd = &microhttpd_api();
  } catch (const std::exception& e) {
    throw ToolError(e.what());
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(options_.port);
  if (inet_pton(AF_INET, options_.host.c_str(), &addr.sin_addr) != 1)
    throw ToolError(fmt::format("--addr: `{}` is not an IPv4 address (e.g. 127.0.0.1, 0.0.0.0)", options_.host));
  daemon_ = mhd->start_daemon(
      MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL | MHD_USE_ITC, 0, nullptr,
      nullptr, &ServerCallbacks::access, this, MHD_OPTION_SOCK_ADDR, reinterpret_cast<sockaddr*>(&addr),
      MHD_OPTION_URI_LOG_CALLBACK, &ServerCallbacks::begin, this, MHD_OPTION_NOTIFY_COMPLETED, &ServerCallbacks::done,
      this, MHD_OPTION_CONNECTION_TIMEOUT, options_.idle_timeout_seconds, MHD_OPTION_END);
  if (!daemon_)
    throw ToolError(fmt::format("cannot listen on {}:{}: {}", options_.host, options_.port,
                                errno ? std::strerror(errno) : "libmicrohttpd refused to start"));
  const MHD_DaemonInfo* info = mhd->get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT);
  port_ = info ? info->port : options_.port;
}

HttpServer::~HttpServer() {
  if (daemon_) microhttpd_api().stop_daemon(daemon_);
}

void HttpServer::stop_accepting() {
  if (!daemon_) return;
  int listening = microhttpd_api().quiesce_daemon(daemon_);  // the listening socket is ours to close now
  if (listening >= 0) ::close(listening);
}

}  // namespace wasmrr::cli
