// serve's replies as the guest produces them (cli/serve/reply_stream.h): the
// stream between a worker and a connection on its own, and through the real
// HTTP server (libmicrohttpd on loopback) to a raw socket client, with a
// handler thread standing in for the guest.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <thread>

#include "cli/serve/http_server.h"
#include "cli/serve/reply_stream.h"
#include "wasi/http/request_body.h"

namespace wasmrr::cli {
namespace {

using namespace std::chrono_literals;

TEST(ReplyStream, TheHeadWaitsForTheFirstBytesOfTheBody) {
  ReplyStream s;
  auto head = std::async(std::launch::async, [&] { return s.wait_head(); });
  s.start(200, {{"x-a", "1"}}, std::nullopt);
  EXPECT_EQ(head.wait_for(50ms), std::future_status::timeout) << "a head with no body yet is not sent";
  s.write("part 0");
  ReplyStream::Head h = head.get();
  EXPECT_EQ(h.status, 200u);
  EXPECT_FALSE(h.complete);
  char buf[16];
  EXPECT_EQ(s.read(buf, sizeof buf), 6);
  EXPECT_EQ(std::string(buf, 6), "part 0");
  s.finish({{"x-t", "2"}});
  EXPECT_EQ(s.read(buf, sizeof buf), ReplyStream::kEnd);
  EXPECT_EQ(s.trailers(), (wasi::FieldList{{"x-t", "2"}}));
}

TEST(ReplyStream, AResponseThatIsAllThereIsSentWhole) {
  ReplyStream s;
  s.start(201, {}, 5);
  s.write("hel");
  s.write("lo");
  s.handler_returned();
  ReplyStream::Head h = s.wait_head();
  EXPECT_TRUE(h.complete);
  EXPECT_EQ(h.status, 201u);
  EXPECT_EQ(h.body, "hello");
}

TEST(ReplyStream, AFailureBeforeTheClientHasAnythingIsAWhole500) {
  ReplyStream s;
  s.start(200, {}, std::nullopt);
  s.write("part of the guest's body");
  EXPECT_FALSE(s.answer_or_cut(500, {}, "the handler trapped\n"));
  ReplyStream::Head h = s.wait_head();
  EXPECT_TRUE(h.complete);
  EXPECT_EQ(h.status, 500u);
  EXPECT_EQ(h.body, "the handler trapped\n");
}

TEST(ReplyStream, AFailureOnceTheClientHasTheHeadCutsIt) {
  ReplyStream s;
  s.start(200, {}, std::nullopt);
  s.write("part 0");
  ReplyStream::Head h = s.wait_head();
  EXPECT_FALSE(h.complete);
  EXPECT_TRUE(s.answer_or_cut(500, {}, "the handler trapped\n"));
  char buf[16];
  EXPECT_EQ(s.read(buf, sizeof buf), 6);  // what was written still goes
  EXPECT_EQ(s.read(buf, sizeof buf), ReplyStream::kCut);
}

TEST(ReplyStream, AWriterAheadOfItsReaderWaitsAndAGoneReaderReleasesIt) {
  ReplyStream s;
  s.start(200, {}, std::nullopt);
  std::string big(ReplyStream::kWindow, 'x');
  s.write(big);  // fills the window
  auto more = std::async(std::launch::async, [&] { s.write("more"); });
  EXPECT_EQ(more.wait_for(50ms), std::future_status::timeout) << "a full window does not take more";
  std::vector<char> buf(1 << 20);
  EXPECT_GT(s.read(buf.data(), buf.size()), 0);
  EXPECT_EQ(more.wait_for(2s), std::future_status::ready);
  s.write(big);
  auto blocked = std::async(std::launch::async, [&] { s.write("blocked"); });
  EXPECT_EQ(blocked.wait_for(50ms), std::future_status::timeout);
  s.reader_gone();
  EXPECT_EQ(blocked.wait_for(2s), std::future_status::ready) << "a client that went away does not hold the guest";
}

// --- through the server ----------------------------------------------------------

int connect_to(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  timeval tv{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

// Reads until `until` is in what was read, or the connection ends.
std::string read_until(int fd, std::string& got, std::string_view until) {
  char buf[4096];
  while (got.find(until) == std::string::npos) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    got.append(buf, static_cast<size_t>(n));
  }
  return got;
}

// The handler's side: starts, writes part 0, waits until the client has it,
// then ends as `end` says.
struct GatedHandler {
  enum End { Finish, Fail };
  explicit GatedHandler(End e) : end(e) {}
  End end;
  std::promise<void> client_has_part_0;
  std::thread thread;

  void operator()(wasi::ServerRequest, std::shared_ptr<ReplyStream> reply) {
    auto gate = client_has_part_0.get_future().share();
    thread = std::thread([reply, gate, how = end] {
      reply->start(200, {{"content-type", "text/plain"}}, std::nullopt);
      reply->write("part 0\n");
      gate.wait();
      reply->write("part 1\n");
      if (how == Finish) {
        reply->finish({{"x-checksum", "abc"}});
        reply->handler_returned();
      } else {
        reply->answer_or_cut(500, {}, "failed\n");
      }
    });
  }
};

TEST(ServeStreaming, TheBodyReachesTheClientAsItIsWrittenWithItsTrailers) {
  GatedHandler handler(GatedHandler::Finish);
  HttpServer server({"127.0.0.1", 0, 1 << 20, 30}, [&](wasi::ServerRequest r, std::shared_ptr<ReplyStream> reply) {
    handler(std::move(r), std::move(reply));
  });
  int fd = connect_to(server.port());
  std::string req = "GET /s HTTP/1.1\r\nHost: x\r\nTE: trailers\r\n\r\n";
  ASSERT_EQ(::send(fd, req.data(), req.size(), 0), static_cast<ssize_t>(req.size()));
  std::string got;
  read_until(fd, got, "part 0\n");
  ASSERT_NE(got.find("part 0\n"), std::string::npos) << "part 0 did not come before the handler went on: " << got;
  EXPECT_EQ(got.find("part 1"), std::string::npos);
  EXPECT_NE(got.find("HTTP/1.1 200"), std::string::npos) << got;
  EXPECT_NE(got.find("Transfer-Encoding: chunked"), std::string::npos) << got;
  handler.client_has_part_0.set_value();
  read_until(fd, got, "x-checksum: abc\r\n\r\n");
  EXPECT_NE(got.find("part 1\n"), std::string::npos) << got;
  EXPECT_NE(got.find("x-checksum: abc"), std::string::npos) << "the trailers: " << got;
  ::close(fd);
  handler.thread.join();
}

TEST(ServeStreaming, AFailureAfterTheHeadWasSentCutsTheConnection) {
  GatedHandler handler(GatedHandler::Fail);
  HttpServer server({"127.0.0.1", 0, 1 << 20, 30}, [&](wasi::ServerRequest r, std::shared_ptr<ReplyStream> reply) {
    handler(std::move(r), std::move(reply));
  });
  int fd = connect_to(server.port());
  std::string req = "GET /s HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_EQ(::send(fd, req.data(), req.size(), 0), static_cast<ssize_t>(req.size()));
  std::string got;
  read_until(fd, got, "part 0\n");
  handler.client_has_part_0.set_value();
  read_until(fd, got, "never there");  // to the connection's end
  EXPECT_NE(got.find("HTTP/1.1 200"), std::string::npos) << got;
  EXPECT_NE(got.find("part 1\n"), std::string::npos) << "what was written before the failure goes: " << got;
  EXPECT_EQ(got.find("\r\n0\r\n"), std::string::npos) << "a cut response has no last chunk: " << got;
  ::close(fd);
  handler.thread.join();
}

// The request's body reaches the handler as the client sends it: the
// handler has the first chunk before the client sends the second.
TEST(ServeStreaming, TheRequestBodyReachesTheHandlerAsItArrives) {
  std::promise<void> handler_has_part_1;
  std::thread handler_thread;
  HttpServer server({"127.0.0.1", 0, 1 << 20, 30}, [&](wasi::ServerRequest r, std::shared_ptr<ReplyStream> reply) {
    handler_thread = std::thread([&, body = r.body_source, reply] {
      auto clock = wasi::system_monotonic_clock();
      wasi::RequestBodyInputStream in(body, *clock);
      std::string got;
      bool told = false;
      while (true) {
        auto part = in.blocking_read(1 << 16);
        if (!part.ok()) break;  // closed: the end
        got += part.value();
        if (!told && got.find("part 1;") != std::string::npos) {
          told = true;
          handler_has_part_1.set_value();
        }
      }
      reply->start(200, {}, std::nullopt);
      reply->write("read: " + got);
      reply->finish({});
    });
  });
  int fd = connect_to(server.port());
  std::string head = "POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n7\r\npart 1;\r\n";
  ASSERT_EQ(::send(fd, head.data(), head.size(), 0), static_cast<ssize_t>(head.size()));
  ASSERT_EQ(handler_has_part_1.get_future().wait_for(10s), std::future_status::ready)
      << "the handler did not get the first chunk before the rest was sent";
  std::string rest = "7\r\npart 2.\r\n0\r\n\r\n";
  ASSERT_EQ(::send(fd, rest.data(), rest.size(), 0), static_cast<ssize_t>(rest.size()));
  std::string got;
  read_until(fd, got, "read: part 1;part 2.");
  EXPECT_NE(got.find("read: part 1;part 2."), std::string::npos) << got;
  ::close(fd);
  handler_thread.join();
}

// A body over the limit: by its content-length, 413 without the handler; a
// chunked one, the handler's read fails with HTTP-request-body-size.
TEST(ServeStreaming, ABodyOverTheLimitIs413OrAFailedRead) {
  std::promise<std::string> read_error;
  std::thread handler_thread;
  int handled = 0;
  HttpServer server({"127.0.0.1", 0, 100, 30}, [&](wasi::ServerRequest r, std::shared_ptr<ReplyStream> reply) {
    handled++;
    handler_thread = std::thread([&, body = r.body_source, reply] {
      auto clock = wasi::system_monotonic_clock();
      wasi::RequestBodyInputStream in(body, *clock);
      while (true) {
        auto part = in.blocking_read(1 << 16);
        if (!part.ok()) {
          read_error.set_value(part.error().message);
          break;
        }
      }
      reply->answer_or_cut(400, {}, "too much\n");
    });
  });
  int fd = connect_to(server.port());
  std::string big = "POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 200\r\n\r\n" + std::string(200, 'x');
  ASSERT_EQ(::send(fd, big.data(), big.size(), 0), static_cast<ssize_t>(big.size()));
  std::string got;
  read_until(fd, got, "\r\n\r\n");
  EXPECT_EQ(got.rfind("HTTP/1.1 413", 0), 0u) << got;
  ::close(fd);
  EXPECT_EQ(handled, 0);
  fd = connect_to(server.port());
  std::string chunked = "POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n96\r\n" +
                        std::string(150, 'y') + "\r\n0\r\n\r\n";
  ASSERT_EQ(::send(fd, chunked.data(), chunked.size(), 0), static_cast<ssize_t>(chunked.size()));
  auto error = read_error.get_future();
  ASSERT_EQ(error.wait_for(10s), std::future_status::ready);
  EXPECT_NE(error.get().find("larger than --max-body"), std::string::npos);
  got.clear();
  read_until(fd, got, "too much");
  EXPECT_EQ(got.rfind("HTTP/1.1 400", 0), 0u) << got;
  ::close(fd);
  handler_thread.join();
}

}  // namespace
}  // namespace wasmrr::cli
