// The HTTP client behind wasi:http/outgoing-handler: libcurl's multi
// interface, driven on the guest's thread without helper threads.
//
// How waiting works. curl's socket interface (CURLMOPT_SOCKETFUNCTION /
// TIMERFUNCTION) tells the client which sockets each transfer waits on and
// when curl's next timeout is due. The client keeps all of them in ONE epoll
// set, together with a timerfd for curl's timeout, a timerfd for the
// request-options deadlines and an eventfd raised whenever a transfer makes
// progress. So the whole client is one pollable fd (wake_fd()): it becomes
// readable exactly when driving curl could change something. Every HTTP
// pollable (future response, body stream, future trailers, request body
// stream) is a Pollable::on_check(wake_fd, check) whose check first drives
// curl (drive(): non-blocking socket actions, completions, deadlines) and
// then reads its own condition. wasi:io/poll's poll_all thus waits with one
// ppoll on HTTP, sockets, streams and timers together, never spinning.
//
// Memory stays flat: a response body is buffered up to kResponseBufferHigh
// bytes, then the transfer is paused (CURL_WRITEFUNC_PAUSE) until the guest
// reads; a request body is read by curl as the guest writes it (the read
// callback pauses when the guest has not written yet).
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "wasi/http/error_code.h"
#include "wasi/io/pollable.h"

namespace wasmrr::wasi {

// Header fields in order; names lowercase, values as raw bytes.
using FieldList = std::vector<std::pair<std::string, std::string>>;

inline constexpr size_t kResponseBufferHigh = 1 << 20;
inline constexpr size_t kRequestBufferHigh = 1 << 20;

class HttpTransfer;

// An outgoing body on its way to curl: the guest writes, curl reads. Shared by
// the outgoing-body resource, its output-stream and the transfer.
class ResponseSink;

struct RequestBody {
  std::deque<std::string> chunks;
  size_t pending = 0;            // bytes in `chunks`
  uint64_t written = 0;          // total bytes the guest wrote
  std::optional<uint64_t> declared_length;  // from a content-length header
  bool finished = false;         // outgoing-body.finish succeeded
  bool aborted = false;          // dropped unfinished, or finish failed: curl aborts the upload
  bool stream_taken = false;
  bool discard = false;          // an outgoing-response body outside serve: nobody will read it
  bool response = false;         // an outgoing-response body: written for a client, not sent by curl
  FieldList trailers;
  std::weak_ptr<HttpTransfer> transfer;  // set when the request is sent
  std::shared_ptr<ResponseSink> sink;    // a response body in serve: where it goes as it is written (server.h)

  void append(std::string bytes);
  size_t take(char* dest, size_t max);
  // Tells a waiting transfer that bytes or the end arrived.
  void notify() const;
  // At the body's end: the error of a length other than its content-length
  // declared (which must not reach the server); nullopt if it matches or none
  // was declared.
  std::optional<HttpErrorCode> length_error() const;
};

// What outgoing-handler.handle sends.
struct HttpRequestSpec {
  std::string method;  // a token: "GET", "POST", ...
  std::string url;
  FieldList headers;
  std::shared_ptr<RequestBody> body;  // null: no request body
  std::optional<uint64_t> connect_timeout_ns;
  std::optional<uint64_t> first_byte_timeout_ns;
  std::optional<uint64_t> between_bytes_timeout_ns;
};

class HttpClient : public std::enable_shared_from_this<HttpClient> {
 public:
  // Throws Trap if curl or the fds cannot be set up.
  static std::shared_ptr<HttpClient> create();
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Starts a request; a setup failure is reported as the transfer's error.
  std::shared_ptr<HttpTransfer> start(HttpRequestSpec spec);

  // Runs curl on whatever is ready now, without blocking.
  void drive();
  // Readable when drive() may make progress.
  int wake_fd() const { return epoll_fd_; }
  // A pollable that drives the client and then asks `condition`.
  std::shared_ptr<Pollable> pollable(std::function<bool()> condition);

 private:
  friend class HttpTransfer;
  HttpClient() = default;
  void init();
  void note_progress();
  void watch_socket(int fd, int curl_what, bool known);
  void collect_done();
  void enforce_deadlines();
  void arm_deadline_timer();
  void detach(HttpTransfer* t);
  friend struct CurlCallbacks;

  void* multi_ = nullptr;  // CURLM*
  int epoll_fd_ = -1;
  int curl_timer_fd_ = -1;
  int deadline_timer_fd_ = -1;
  int progress_fd_ = -1;
  bool driving_ = false;
  std::set<HttpTransfer*> active_;
};

// One request and its response, shared by the wasi:http resources that refer
// to it (future, incoming-response, incoming-body, its stream, future-trailers).
// Destroying the last reference cancels the transfer.
class HttpTransfer {
 public:
  HttpTransfer(std::shared_ptr<HttpClient> client, HttpRequestSpec spec);
  ~HttpTransfer();
  HttpTransfer(const HttpTransfer&) = delete;
  HttpTransfer& operator=(const HttpTransfer&) = delete;

  HttpClient& client() const { return *client_; }

  // The response's status and headers arrived (a final, non-1xx section).
  bool has_head() const { return has_head_; }
  // The future response resolves: a head arrived, or the transfer ended.
  bool head_ready() const { return has_head_ || done_; }
  bool done() const { return done_; }
  const std::optional<HttpErrorCode>& error() const { return error_; }
  uint16_t status() const { return status_; }
  const FieldList& headers() const { return headers_; }
  const FieldList& trailers() const { return trailers_; }

  size_t buffered() const { return buffered_; }
  // Takes up to `max` buffered body bytes, resuming a paused transfer.
  std::string take_body(size_t max);
  // incoming-body.finish: the rest of the body is read and dropped.
  void discard_body();
  // The request body got bytes or its end.
  void resume_upload();

 private:
  friend class HttpClient;
  bool setup();
  void configure_method();
  void configure_body();
  void fail(HttpErrorCode e);
  void finish(int curl_code);
  void set_pause(bool recv, bool send);
  void header_line(std::string_view line);
  size_t on_body(const char* data, size_t len);
  size_t on_upload(char* dest, size_t max);
  std::optional<uint64_t> deadline() const;
  friend struct CurlCallbacks;

  std::shared_ptr<HttpClient> client_;
  HttpRequestSpec spec_;
  void* easy_ = nullptr;         // CURL*
  void* header_list_ = nullptr;  // curl_slist*
  bool in_multi_ = false;

  bool has_head_ = false;
  bool in_head_ = false;  // between a status line and its blank line
  bool done_ = false;
  bool discard_ = false;
  bool recv_paused_ = false;
  bool send_paused_ = false;
  std::optional<HttpErrorCode> error_;
  uint16_t status_ = 0;
  FieldList headers_;
  FieldList trailers_;
  std::deque<std::string> body_;
  size_t buffered_ = 0;
  uint64_t started_ns_ = 0;
  uint64_t last_byte_ns_ = 0;
};

}  // namespace wasmrr::wasi
