// wasi:http: the curl-based client (streaming with flat memory, errors,
// timeouts, uploads, trailers, waiting without spinning) and the host
// functions of wasi:http/types and outgoing-handler, against a small HTTP
// server on 127.0.0.1 run by the test itself.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "util/trap.h"
#include "wasi/http/body.h"
#include "wasi/http/client.h"
#include "runtime/host.h"
#include "wasi_test_util.h"

namespace wasmrr::wasi {
namespace {

using abi::Value;
using runtime::Values;
using testing::HostHarness;
using C = HttpErrorCode::Case;

// --- a one-connection-at-a-time HTTP server -----------------------------------

bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Reads the request head (and returns it); a content-length body is appended.
std::string read_request(int fd) {
  std::string req;
  char buf[65536];
  while (req.find("\r\n\r\n") == std::string::npos) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return req;
    req.append(buf, static_cast<size_t>(n));
  }
  return req;
}

class TestServer {
 public:
  using Handler = std::function<void(int fd, const std::string& request)>;
  explicit TestServer(Handler handler) : handler_(std::move(handler)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(listen_fd_, 8);
    socklen_t len = sizeof a;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~TestServer() {
    stop_ = true;
    ::shutdown(listen_fd_, SHUT_RDWR);
    ::close(listen_fd_);
    thread_.join();
  }
  std::string authority() const { return fmt::format("127.0.0.1:{}", port_); }
  std::string url(std::string_view path) const { return fmt::format("http://{}{}", authority(), path); }

 private:
  void serve() {
    while (!stop_) {
      int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) return;
      std::string req = read_request(fd);
      handler_(fd, req);
      ::close(fd);
    }
  }
  Handler handler_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

char pattern(uint64_t i) { return static_cast<char>((i * 7 + i / 4096) % 251); }

// Serves `size` pattern bytes with a content-length.
void serve_pattern(int fd, uint64_t size) {
  send_all(fd, fmt::format("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", size));
  std::string chunk;
  for (uint64_t off = 0; off < size;) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(65536, size - off));
    chunk.resize(n);
    for (size_t i = 0; i < n; ++i) chunk[i] = pattern(off + i);
    if (!send_all(fd, chunk)) return;
    off += n;
  }
}

void serve_text(int fd, std::string_view body, std::string_view extra_headers = "") {
  send_all(fd, fmt::format("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n{}\r\n{}", body.size(),
                           extra_headers, body));
}

long max_rss_kb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

HttpRequestSpec get(const std::string& url) {
  HttpRequestSpec spec;
  spec.method = "GET";
  spec.url = url;
  return spec;
}

void wait_for(HttpClient& client, std::function<bool()> cond) {
  auto clock = system_monotonic_clock();
  client.pollable(std::move(cond))->block(*clock);
}

// --- the client ---------------------------------------------------------------

// A 64 MiB body read by a slow reader: the host never buffers more than its
// bound (the transfer pauses), and the process's peak memory barely moves.
TEST(HttpClient, StreamsALargeBodyWithFlatMemory) {
  constexpr uint64_t kSize = 64ull << 20;
  TestServer server([](int fd, const std::string&) { serve_pattern(fd, kSize); });
  auto client = HttpClient::create();
  auto clock = system_monotonic_clock();
  long rss_before = max_rss_kb();
  auto t = client->start(get(server.url("/large")));
  HttpBodyInputStream in(t, *clock);
  uint64_t total = 0;
  size_t max_buffered = 0;
  bool same = true;
  for (;;) {
    auto r = in.blocking_read(1 << 16);
    if (!r.ok()) {
      EXPECT_EQ(r.error().kind, StreamError::Kind::closed) << r.error().message;
      break;
    }
    for (size_t i = 0; i < r.value().size(); ++i) same = same && r.value()[i] == pattern(total + i);
    total += r.value().size();
    max_buffered = std::max(max_buffered, t->buffered());
    if (total % (8 << 20) < (1 << 16)) std::this_thread::sleep_for(std::chrono::milliseconds(20));  // slow reader
  }
  EXPECT_EQ(total, kSize);
  EXPECT_TRUE(same) << "body bytes differ from what the server sent";
  EXPECT_EQ(t->status(), 200);
  EXPECT_FALSE(t->error());
  EXPECT_LE(max_buffered, kResponseBufferHigh + (64 << 10));
  long growth_mb = (max_rss_kb() - rss_before) / 1024;
  EXPECT_LT(growth_mb, 16) << "peak memory grew by " << growth_mb << " MiB for a 64 MiB body";
}

TEST(HttpClient, ConnectionRefused) {
  int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(s);  // nobody listens on that port now
  auto client = HttpClient::create();
  auto t = client->start(get(fmt::format("http://127.0.0.1:{}/", ntohs(a.sin_port))));
  wait_for(*client, [&] { return t->done(); });
  ASSERT_TRUE(t->error());
  EXPECT_EQ(t->error()->which, C::connection_refused) << t->error()->debug;
  EXPECT_FALSE(t->has_head());
}

TEST(HttpClient, FirstByteTimeout) {
  TestServer server([](int fd, const std::string&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    serve_text(fd, "late");
  });
  auto client = HttpClient::create();
  auto spec = get(server.url("/"));
  spec.first_byte_timeout_ns = 150'000'000;
  auto start = std::chrono::steady_clock::now();
  double cpu_start = cpu_seconds();
  auto t = client->start(std::move(spec));
  wait_for(*client, [&] { return t->done(); });
  auto waited = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(t->error());
  EXPECT_EQ(t->error()->which, C::connection_read_timeout);
  EXPECT_LT(waited, std::chrono::milliseconds(1000));
  EXPECT_GE(waited, std::chrono::milliseconds(140));
  EXPECT_LT(cpu_seconds() - cpu_start, 0.1) << "waiting must not spin";
}

TEST(HttpClient, StreamsAChunkedUploadWithTrailers) {
  std::string received;
  TestServer server([&](int fd, std::string req) {
    while (req.find("\r\n0\r\n") == std::string::npos || req.substr(req.size() - 4) != "\r\n\r\n") {
      char buf[4096];
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      req.append(buf, static_cast<size_t>(n));
    }
    received = req;
    serve_text(fd, "got it");
  });
  auto client = HttpClient::create();
  auto clock = system_monotonic_clock();
  auto body = std::make_shared<RequestBody>();
  body->trailers = {{"x-sum", "7"}};
  auto spec = get(server.url("/upload"));
  spec.method = "POST";
  spec.body = body;
  auto t = client->start(std::move(spec));
  HttpBodyOutputStream out(body, client, *clock);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(out.write(fmt::format("part{};", i)).ok());
    ASSERT_TRUE(out.blocking_flush().ok());
  }
  body->finished = true;
  body->notify();
  HttpBodyInputStream in(t, *clock);
  std::string reply;
  for (auto r = in.blocking_read(100); r.ok(); r = in.blocking_read(100)) reply += r.value();
  EXPECT_EQ(reply, "got it");
  EXPECT_NE(received.find("POST /upload HTTP/1.1"), std::string::npos) << received;
  EXPECT_NE(received.find("Transfer-Encoding: chunked"), std::string::npos) << received;
  EXPECT_NE(received.find("part0;"), std::string::npos);
  EXPECT_NE(received.find("part2;"), std::string::npos);
  EXPECT_NE(received.find("x-sum: 7"), std::string::npos) << received;
}

TEST(HttpClient, ResponseTrailers) {
  TestServer server([](int fd, const std::string&) {
    send_all(fd,
             "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: x-checksum\r\nConnection: close\r\n\r\n"
             "5\r\nhello\r\n0\r\nx-checksum: 42\r\n\r\n");
  });
  auto client = HttpClient::create();
  auto t = client->start(get(server.url("/")));
  wait_for(*client, [&] { return t->done(); });
  EXPECT_FALSE(t->error());
  EXPECT_EQ(t->take_body(100), "hello");
  ASSERT_EQ(t->trailers().size(), 1u);
  EXPECT_EQ(t->trailers()[0].first, "x-checksum");
  EXPECT_EQ(t->trailers()[0].second, "42");
}

// poll over a slow response, a fast one and a timer: the fast one wins, and
// the wait for the slow one sleeps.
TEST(HttpClient, PollWaitsAcrossTransfersAndTimers) {
  TestServer server([](int fd, const std::string& req) {
    if (req.find("GET /slow") == 0) std::this_thread::sleep_for(std::chrono::milliseconds(400));
    serve_text(fd, "x");
  });
  auto client = HttpClient::create();
  auto clock = system_monotonic_clock();
  auto slow = client->start(get(server.url("/slow")));
  auto timer = Pollable::at_deadline(clock->now() + 5'000'000'000ull);
  auto slow_p = client->pollable([&] { return slow->head_ready(); });
  double cpu_start = cpu_seconds();
  std::vector<const Pollable*> ps{slow_p.get(), timer.get()};
  EXPECT_EQ(poll_all(ps, *clock), std::vector<uint32_t>{0});
  EXPECT_LT(cpu_seconds() - cpu_start, 0.1) << "waiting must not spin";
  auto fast = client->start(get(server.url("/fast")));  // served after the slow one
  auto fast_p = client->pollable([&] { return fast->head_ready(); });
  std::vector<const Pollable*> ps2{timer.get(), fast_p.get()};
  EXPECT_EQ(poll_all(ps2, *clock), std::vector<uint32_t>{1});
  EXPECT_EQ(fast->status(), 200);
}

// --- the host functions -------------------------------------------------------

const std::string kTypes = "wasi:http/types";

Value entry(const std::string& name, const std::string& value) {
  return Value::tuple({Value::string(name), Value::byte_list(value)});
}

// A host whose wasi:http may reach destinations matching `specs` (--allow-http).
WasiConfig allow_http(const std::vector<std::string>& specs) {
  WasiConfig c;
  for (const auto& spec : specs) {
    std::string error;
    auto rule = parse_http_rule(spec, error);
    EXPECT_TRUE(rule) << spec << ": " << error;
    if (rule) c.http.allow(*rule);
  }
  return c;
}

// outgoing-handler.handle of a GET to http://AUTHORITY/ (the result value).
Value handle_get(HostHarness& h, const std::string& authority) {
  uint32_t f = h.call1(kTypes, "[constructor]fields").rep();
  uint32_t req = h.call1(kTypes, "[constructor]outgoing-request", {Value::own(f)}).rep();
  h.call(kTypes, "[method]outgoing-request.set-scheme", {Value::borrow(req), Value::some(Value::variant(0))});
  h.call(kTypes, "[method]outgoing-request.set-authority", {Value::borrow(req), Value::some(Value::string(authority))});
  return h.call1("wasi:http/outgoing-handler", "handle", {Value::own(req), Value::none()});
}

// Waits for the response of a handled request; returns its status and its body's input-stream.
std::pair<uint16_t, uint32_t> response_body(HostHarness& h, const Value& handled) {
  uint32_t future = handled.payload().rep();
  uint32_t p = h.call1(kTypes, "[method]future-incoming-response.subscribe", {Value::borrow(future)}).rep();
  h.call("wasi:io/poll", "[method]pollable.block", {Value::borrow(p)});
  Value got = h.call1(kTypes, "[method]future-incoming-response.get", {Value::borrow(future)});
  EXPECT_TRUE(got.is_some() && got.payload().is_ok() && got.payload().payload().is_ok()) << "no response";
  uint32_t resp = got.payload().payload().payload().rep();
  auto status = static_cast<uint16_t>(h.call1(kTypes, "[method]incoming-response.status", {Value::borrow(resp)}).num);
  uint32_t body = h.call1(kTypes, "[method]incoming-response.consume", {Value::borrow(resp)}).payload().rep();
  return {status, h.call1(kTypes, "[method]incoming-body.stream", {Value::borrow(body)}).payload().rep()};
}

constexpr uint32_t kRequestDenied = 15;  // error-code.HTTP-request-denied

TEST(HttpTypes, FieldsValidateAndBecomeImmutable) {
  HostHarness h;
  Value bad = h.call1(kTypes, "[static]fields.from-list", {Value::list({entry("bad name", "v")})});
  EXPECT_EQ(bad, Value::err(Value::variant(0)));  // invalid-syntax
  Value forbidden = h.call1(kTypes, "[static]fields.from-list", {Value::list({entry("Connection", "close")})});
  EXPECT_EQ(forbidden, Value::err(Value::variant(1)));
  Value crlf = h.call1(kTypes, "[static]fields.from-list", {Value::list({entry("x-a", "a\r\nb")})});
  EXPECT_EQ(crlf, Value::err(Value::variant(0)));

  Value ok = h.call1(kTypes, "[static]fields.from-list", {Value::list({entry("X-A", "1"), entry("x-b", "2")})});
  ASSERT_TRUE(ok.is_ok());
  uint32_t f = ok.payload().rep();
  EXPECT_EQ(h.call1(kTypes, "[method]fields.append", {Value::borrow(f), Value::string("x-a"), Value::byte_list("3")}),
            Value::ok());
  Value got = h.call1(kTypes, "[method]fields.get", {Value::borrow(f), Value::string("X-a")});
  EXPECT_EQ(got, Value::list({Value::byte_list("1"), Value::byte_list("3")}));
  EXPECT_EQ(h.call1(kTypes, "[method]fields.delete", {Value::borrow(f), Value::string("x-b")}), Value::ok());
  EXPECT_EQ(h.call1(kTypes, "[method]fields.has", {Value::borrow(f), Value::string("x-b")}), Value::boolean(false));

  uint32_t req = h.call1(kTypes, "[constructor]outgoing-request", {Value::own(f)}).rep();
  uint32_t headers = h.call1(kTypes, "[method]outgoing-request.headers", {Value::borrow(req)}).rep();
  EXPECT_EQ(h.call1(kTypes, "[method]fields.set", {Value::borrow(headers), Value::string("x-c"),
                                                   Value::list({Value::byte_list("v")})}),
            Value::err(Value::variant(2)));  // immutable
  Value entries = h.call1(kTypes, "[method]fields.entries", {Value::borrow(headers)});
  EXPECT_EQ(entries, Value::list({entry("x-a", "1"), entry("x-a", "3")}));
  uint32_t copy = h.call1(kTypes, "[method]fields.clone", {Value::borrow(headers)}).rep();
  EXPECT_EQ(h.call1(kTypes, "[method]fields.append", {Value::borrow(copy), Value::string("x-c"), Value::byte_list("v")}),
            Value::ok());
}

TEST(HttpTypes, RequestSettersValidate) {
  HostHarness h;
  uint32_t f = h.call1(kTypes, "[constructor]fields").rep();
  uint32_t req = h.call1(kTypes, "[constructor]outgoing-request", {Value::own(f)}).rep();
  EXPECT_EQ(h.call1(kTypes, "[method]outgoing-request.method", {Value::borrow(req)}), Value::variant(0));
  EXPECT_EQ(h.call1(kTypes, "[method]outgoing-request.set-method",
                    {Value::borrow(req), Value::variant(9, Value::string("BAD METHOD"))}),
            Value::err());
  EXPECT_EQ(h.call1(kTypes, "[method]outgoing-request.set-authority",
                    {Value::borrow(req), Value::some(Value::string("a/b"))}),
            Value::err());
  EXPECT_EQ(h.call1(kTypes, "[method]outgoing-request.set-path-with-query",
                    {Value::borrow(req), Value::some(Value::string("/a b"))}),
            Value::err());
  EXPECT_TRUE(h.call1(kTypes, "[method]outgoing-request.body", {Value::borrow(req)}).is_ok());
  EXPECT_EQ(h.call1(kTypes, "[method]outgoing-request.body", {Value::borrow(req)}), Value::err());
  // No authority: the handler refuses the request (HTTP-request-URI-invalid).
  Value r = h.call1("wasi:http/outgoing-handler", "handle", {Value::own(req), Value::none()});
  EXPECT_EQ(r, Value::err(Value::variant(19)));
}

TEST(HttpTypes, ServerSideResourcesTrap) {
  HostHarness h;
  EXPECT_THROW(h.call(kTypes, "[method]incoming-request.method", {Value::borrow(1)}), wasmrr::Trap);
  EXPECT_THROW(h.call(kTypes, "[static]response-outparam.set", {Value::own(1), Value::err(Value::variant(38))}),
               wasmrr::Trap);
}

// The whole client flow through the host functions, as a guest makes it.
TEST(HttpTypes, GetThroughTheHostFunctions) {
  TestServer server([](int fd, const std::string& req) {
    bool has_header = req.find("x-test: yes") != std::string::npos;
    serve_text(fd, has_header ? "hello" : "no header", "X-Reply: 1\r\n");
  });
  HostHarness h(allow_http({"*"}));
  Value f = h.call1(kTypes, "[static]fields.from-list", {Value::list({entry("x-test", "yes")})});
  uint32_t req = h.call1(kTypes, "[constructor]outgoing-request", {Value::own(f.payload().rep())}).rep();
  h.call(kTypes, "[method]outgoing-request.set-scheme", {Value::borrow(req), Value::some(Value::variant(0))});
  h.call(kTypes, "[method]outgoing-request.set-authority", {Value::borrow(req), Value::some(Value::string(server.authority()))});
  h.call(kTypes, "[method]outgoing-request.set-path-with-query", {Value::borrow(req), Value::some(Value::string("/x?y=1"))});
  uint32_t opts = h.call1(kTypes, "[constructor]request-options").rep();
  h.call(kTypes, "[method]request-options.set-connect-timeout", {Value::borrow(opts), Value::some(Value::u64(2'000'000'000))});
  EXPECT_EQ(h.call1(kTypes, "[method]request-options.connect-timeout", {Value::borrow(opts)}),
            Value::some(Value::u64(2'000'000'000)));
  Value handled = h.call1("wasi:http/outgoing-handler", "handle", {Value::own(req), Value::some(Value::own(opts))});
  ASSERT_TRUE(handled.is_ok());
  uint32_t future = handled.payload().rep();
  uint32_t p = h.call1(kTypes, "[method]future-incoming-response.subscribe", {Value::borrow(future)}).rep();
  h.call("wasi:io/poll", "[method]pollable.block", {Value::borrow(p)});
  Value got = h.call1(kTypes, "[method]future-incoming-response.get", {Value::borrow(future)});
  ASSERT_TRUE(got.is_some());
  ASSERT_TRUE(got.payload().is_ok() && got.payload().payload().is_ok());
  uint32_t resp = got.payload().payload().payload().rep();
  EXPECT_EQ(h.call1(kTypes, "[method]future-incoming-response.get", {Value::borrow(future)}), Value::some(Value::err()));
  EXPECT_EQ(h.call1(kTypes, "[method]incoming-response.status", {Value::borrow(resp)}), Value::u16(200));
  uint32_t headers = h.call1(kTypes, "[method]incoming-response.headers", {Value::borrow(resp)}).rep();
  EXPECT_EQ(h.call1(kTypes, "[method]fields.get", {Value::borrow(headers), Value::string("x-reply")}),
            Value::list({Value::byte_list("1")}));
  uint32_t body = h.call1(kTypes, "[method]incoming-response.consume", {Value::borrow(resp)}).payload().rep();
  uint32_t stream = h.call1(kTypes, "[method]incoming-body.stream", {Value::borrow(body)}).payload().rep();
  std::string text;
  for (;;) {
    Value r = h.call1("wasi:io/streams", "[method]input-stream.blocking-read", {Value::borrow(stream), Value::u64(64)});
    if (!r.is_ok()) break;
    text += r.payload().str;
  }
  EXPECT_EQ(text, "hello");
  h.call(kTypes, "[resource-drop]fields", {Value::own(headers)});
  h.call("wasi:io/streams", "[resource-drop]input-stream", {Value::own(stream)});
  uint32_t trailers = h.call1(kTypes, "[static]incoming-body.finish", {Value::own(body)}).rep();
  EXPECT_EQ(h.call1(kTypes, "[method]future-trailers.get", {Value::borrow(trailers)}),
            Value::some(Value::ok(Value::ok(Value::none()))));
}

// A body stream that fails reports an io error whose http-error-code is set.
TEST(HttpTypes, BodyErrorsCarryTheirHttpErrorCode) {
  TestServer server([](int fd, const std::string&) {
    send_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nConnection: close\r\n\r\nonly this");
  });
  HostHarness h(allow_http({"*"}));
  uint32_t f = h.call1(kTypes, "[constructor]fields").rep();
  uint32_t req = h.call1(kTypes, "[constructor]outgoing-request", {Value::own(f)}).rep();
  h.call(kTypes, "[method]outgoing-request.set-scheme", {Value::borrow(req), Value::some(Value::variant(0))});
  h.call(kTypes, "[method]outgoing-request.set-authority", {Value::borrow(req), Value::some(Value::string(server.authority()))});
  uint32_t future = h.call1("wasi:http/outgoing-handler", "handle", {Value::own(req), Value::none()}).payload().rep();
  uint32_t p = h.call1(kTypes, "[method]future-incoming-response.subscribe", {Value::borrow(future)}).rep();
  h.call("wasi:io/poll", "[method]pollable.block", {Value::borrow(p)});
  uint32_t resp = h.call1(kTypes, "[method]future-incoming-response.get", {Value::borrow(future)})
                      .payload().payload().payload().rep();
  uint32_t body = h.call1(kTypes, "[method]incoming-response.consume", {Value::borrow(resp)}).payload().rep();
  uint32_t stream = h.call1(kTypes, "[method]incoming-body.stream", {Value::borrow(body)}).payload().rep();
  Value r;
  for (;;) {
    r = h.call1("wasi:io/streams", "[method]input-stream.blocking-read", {Value::borrow(stream), Value::u64(64)});
    if (!r.is_ok()) break;
  }
  ASSERT_EQ(r.payload().case_index(), 0u) << "expected last-operation-failed";
  uint32_t err = r.payload().payload().rep();
  Value code = h.call1(kTypes, "http-error-code", {Value::borrow(err)});
  EXPECT_EQ(code, Value::some(Value::variant(25)));  // HTTP-response-incomplete
}

// --- grants (--allow-http) -------------------------------------------------------

// Without a grant the request fails at once with HTTP-request-denied, never
// reaches the server, and stderr names the destination and the flag (once).
TEST(HttpGrants, DeniedWithoutAGrant) {
  std::atomic<int> served{0};
  TestServer server([&](int fd, const std::string&) {
    ++served;
    serve_text(fd, "hello");
  });
  HostHarness h;
  ::testing::internal::CaptureStderr();
  Value first = handle_get(h, server.authority());
  Value second = handle_get(h, server.authority());
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(first, Value::err(Value::variant(kRequestDenied)));
  EXPECT_EQ(second, Value::err(Value::variant(kRequestDenied)));
  std::string line = fmt::format("denied an HTTP request to {}: grant it with --allow-http={}", server.authority(),
                                 server.authority());
  EXPECT_NE(err.find(line), std::string::npos) << err;
  EXPECT_EQ(err.find(line), err.rfind(line)) << "named more than once:\n" << err;
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(served.load(), 0);
}

// Each SPEC form against a real server: granted ones get the response,
// others are denied.
TEST(HttpGrants, EachSpecFormGrantsWhatItNames) {
  TestServer server([](int fd, const std::string&) { serve_text(fd, "granted"); });
  const std::string port = server.authority().substr(server.authority().rfind(':') + 1);
  const std::string wrong_port = std::to_string(std::stoi(port) == 65535 ? 1 : std::stoi(port) + 1);
  struct Case {
    std::vector<std::string> specs;
    std::string authority;
    bool granted;
  };
  const Case cases[] = {
      {{"*"}, server.authority(), true},
      {{"127.0.0.1"}, server.authority(), true},
      {{"127.0.0.1:" + port}, server.authority(), true},
      {{"127.0.0.1:" + wrong_port}, server.authority(), false},
      {{"127.0.0.0:" + port}, server.authority(), false},
      {{"localhost"}, "localhost:" + port, true},
      {{"LOCALHOST:" + port}, "localhost:" + port, true},
      {{"localhost"}, server.authority(), false},  // a name does not grant its address
      {{"*.localhost"}, "localhost:" + port, false},
      {{"*.example.com", "example.com"}, server.authority(), false},
      {{"*:" + wrong_port, "127.0.0.1:" + port}, server.authority(), true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(fmt::format("--allow-http={} to {}", fmt::join(c.specs, " --allow-http="), c.authority));
    HostHarness h(allow_http(c.specs));
    ::testing::internal::CaptureStderr();
    Value handled = handle_get(h, c.authority);
    std::string err = ::testing::internal::GetCapturedStderr();
    if (!c.granted) {
      EXPECT_EQ(handled, Value::err(Value::variant(kRequestDenied)));
      EXPECT_NE(err.find("denied an HTTP request to"), std::string::npos) << err;
      continue;
    }
    ASSERT_TRUE(handled.is_ok());
    EXPECT_EQ(err, "");
    auto [status, stream] = response_body(h, handled);
    EXPECT_EQ(status, 200);
    Value r = h.call1("wasi:io/streams", "[method]input-stream.blocking-read", {Value::borrow(stream), Value::u64(64)});
    ASSERT_TRUE(r.is_ok());
    EXPECT_EQ(r.payload().str, "granted");
  }
}

// A huge len on an incoming body's stream returns what has arrived, at most
// one chunk (kMaxIoChunk); skip and blocking-skip likewise.
TEST(HttpTypes, HugeReadLengthsOnABodyReturnWhatIsAvailable) {
  constexpr uint64_t kHuge = ~uint64_t{0};
  constexpr uint64_t kSize = 3 * kMaxIoChunk + 123;
  TestServer server([](int fd, const std::string&) { serve_pattern(fd, kSize); });
  HostHarness h(allow_http({"127.0.0.1"}));
  auto [status, stream] = response_body(h, handle_get(h, server.authority()));
  EXPECT_EQ(status, 200);
  auto call = [&](const char* method) {
    return h.call1("wasi:io/streams", std::string("[method]input-stream.") + method,
                   {Value::borrow(stream), Value::u64(kHuge)});
  };
  uint64_t offset = 0;
  bool same = true;
  const char* const methods[] = {"blocking-read", "read", "blocking-skip", "skip"};
  for (size_t i = 0;; ++i) {
    const char* method = methods[i % 4];
    Value r = call(method);
    if (!r.is_ok()) {
      EXPECT_EQ(r.payload().case_index(), 1u) << "expected closed, after " << offset << " bytes";
      break;
    }
    uint64_t n = std::string_view(method).ends_with("skip") ? r.payload().num : r.payload().str.size();
    EXPECT_LE(n, kMaxIoChunk) << method;
    if (std::string_view(method) == "blocking-read" || std::string_view(method) == "blocking-skip") {
      EXPECT_GT(n, 0u) << method;
    }
    for (size_t k = 0; k < r.payload().str.size(); ++k) same = same && r.payload().str[k] == pattern(offset + k);
    offset += n;
  }
  EXPECT_EQ(offset, kSize);
  EXPECT_TRUE(same) << "body bytes differ from what the server sent";
}

// --- WASI 0.3: wasi:http/types@0.3.0 and wasi:http/client -----------------------

constexpr const char* kP3 = "0.3.0";

// request.new(headers, contents, trailers, none), with the guest's stream
// and future ids `body` (0: no body) and `trailers`; returns (request, transmit future).
std::pair<uint32_t, uint32_t> p3_request(HostHarness& h, const std::string& authority, uint32_t body,
                                         uint32_t trailers) {
  uint32_t f = h.call1(kTypes, "[constructor]fields", {}, kP3).rep();
  Value contents = body ? Value::some(Value::async_handle(abi::Kind::Stream, body)) : Value::none();
  Value made = h.call1(kTypes, "[static]request.new",
                       {Value::own(f), contents, Value::async_handle(abi::Kind::Future, trailers), Value::none()}, kP3);
  uint32_t req = made.items.at(0).rep();
  h.call(kTypes, "[method]request.set-scheme", {Value::borrow(req), Value::some(Value::variant(0))}, kP3);
  h.call(kTypes, "[method]request.set-authority", {Value::borrow(req), Value::some(Value::string(authority))}, kP3);
  return {req, static_cast<uint32_t>(made.items.at(1).num)};
}

TEST(P3Http, PostsAWrittenBodyAndStreamsTheResponse) {
  TestServer server([](int fd, const std::string& head) {
    std::string req = head;
    char buf[4096];
    while (req.find("payload") == std::string::npos) {
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      req.append(buf, static_cast<size_t>(n));
    }
    const bool ok = req.starts_with("POST / ") && req.find("payload") != std::string::npos;
    send_all(fd, ok ? "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                      "4\r\ngot \r\n7\r\npayload\r\n0\r\nx-sum: 7\r\n\r\n"
                    : "HTTP/1.1 400 Bad\r\nContent-Length: 0\r\n\r\n");
  });
  HostHarness h(allow_http({"127.0.0.1"}));
  auto [req, transmitted] = p3_request(h, server.authority(), 5, 6);
  h.call(kTypes, "[method]request.set-method", {Value::borrow(req), Value::variant(2 /* post */)}, kP3);
  h.streams_call("take", {Value::u32(5), Value::byte_list("payload")});
  h.streams_call("dropped", {Value::u32(5), Value::boolean(false)});
  h.streams_call("accept", {Value::u32(6), Value::list({Value::ok(Value::none())})});
  EXPECT_FALSE(h.streams_call("resolve", {Value::u32(transmitted)}).is_some());  // not sent yet
  Value sent = h.call1("wasi:http/client", "send", {Value::own(req)}, kP3);
  ASSERT_TRUE(sent.is_ok());
  EXPECT_EQ(h.streams_call("resolve", {Value::u32(transmitted)}), Value::some(Value::list({Value::ok()})));
  uint32_t resp = sent.payload().rep();
  EXPECT_EQ(h.call1(kTypes, "[method]response.get-status-code", {Value::borrow(resp)}, kP3), Value::u16(201));
  Value body = h.call1(kTypes, "[static]response.consume-body",
                       {Value::own(resp), Value::async_handle(abi::Kind::Future, 7)}, kP3);
  const uint32_t stream = static_cast<uint32_t>(body.items.at(0).num);
  std::string text;
  for (;;) {
    Value got = h.streams_call("give", {Value::u32(stream), Value::u32(64), Value::boolean(true)});
    if (!got.is_some()) break;
    text += got.payload().str;
  }
  EXPECT_EQ(text, "got payload");
  Value trailers = h.streams_call("resolve", {Value::u32(static_cast<uint32_t>(body.items.at(1).num))});
  ASSERT_TRUE(trailers.is_some());
  const Value& result = trailers.payload().items.at(0);
  ASSERT_TRUE(result.is_ok() && result.payload().is_some());
  uint32_t fields = result.payload().payload().rep();
  EXPECT_EQ(h.call1(kTypes, "[method]fields.copy-all", {Value::borrow(fields)}, kP3),
            Value::list({Value::tuple({Value::string("x-sum"), Value::byte_list("7")})}));
}

TEST(P3Http, ABodyStillBeingWrittenIsATrapThatSaysSo) {
  HostHarness h(allow_http({"*"}));
  auto [req, transmitted] = p3_request(h, "127.0.0.1:9", 5, 6);
  (void)transmitted;
  h.streams_call("take", {Value::u32(5), Value::byte_list("part")});
  try {
    h.call("wasi:http/client", "send", {Value::own(req)}, kP3);
    FAIL() << "send with an open body stream did not trap";
  } catch (const Trap& t) {
    EXPECT_NE(std::string(t.what()).find("body stream is still open"), std::string::npos) << t.what();
  }
}

TEST(P3Http, ABodyOfAnotherLengthThanItsContentLengthIsNotSent) {
  HostHarness h(allow_http({"*"}));
  Value f = h.call1(kTypes, "[static]fields.from-list", {Value::list({entry("content-length", "10")})}, kP3);
  Value made = h.call1(kTypes, "[static]request.new",
                       {Value::own(f.payload().rep()), Value::some(Value::async_handle(abi::Kind::Stream, 5)),
                        Value::async_handle(abi::Kind::Future, 6), Value::none()},
                       kP3);
  uint32_t req = made.items.at(0).rep();
  h.call(kTypes, "[method]request.set-authority", {Value::borrow(req), Value::some(Value::string("127.0.0.1:9"))}, kP3);
  h.streams_call("take", {Value::u32(5), Value::byte_list("short")});
  h.streams_call("dropped", {Value::u32(5), Value::boolean(false)});
  Value sent = h.call1("wasi:http/client", "send", {Value::own(req)}, kP3);
  ASSERT_FALSE(sent.is_ok());
  EXPECT_EQ(sent.payload().case_index(), static_cast<uint32_t>(C::http_request_body_size));
}

TEST(P3Http, ADeniedRequestFailsAndSoDoesItsTransmitFuture) {
  HostHarness h(allow_http({"example.com"}));
  auto [req, transmitted] = p3_request(h, "127.0.0.1:9", 0, 6);
  // through an imported handler: the same as client.send
  Value sent = h.call1("wasi:http/handler", "handle", {Value::own(req)}, kP3);
  ASSERT_FALSE(sent.is_ok());
  EXPECT_EQ(sent.payload().case_index(), static_cast<uint32_t>(C::http_request_denied));
  Value t = h.streams_call("resolve", {Value::u32(transmitted)});
  ASSERT_TRUE(t.is_some());
  EXPECT_FALSE(t.payload().items.at(0).is_ok());
}

TEST(P3Http, FieldsCopyAllAndGetAndDelete) {
  HostHarness h;
  Value f = h.call1(kTypes, "[static]fields.from-list", {Value::list({entry("a", "1"), entry("b", "2"), entry("a", "3")})},
                    kP3);
  ASSERT_TRUE(f.is_ok());
  uint32_t fields = f.payload().rep();
  EXPECT_EQ(h.call1(kTypes, "[method]fields.get-and-delete", {Value::borrow(fields), Value::string("A")}, kP3),
            Value::ok(Value::list({Value::byte_list("1"), Value::byte_list("3")})));
  EXPECT_EQ(h.call1(kTypes, "[method]fields.copy-all", {Value::borrow(fields)}, kP3),
            Value::list({Value::tuple({Value::string("b"), Value::byte_list("2")})}));
  EXPECT_EQ(h.registry().find("wasi:http/types@0.3.0", "[method]fields.entries"), nullptr);
  EXPECT_THROW(h.call(kTypes, "[static]response.new", {}, kP3), Trap);
}

}  // namespace
}  // namespace wasmrr::wasi
