// One response on its way from the worker running the guest's handler to the
// client's connection, as the guest produces it: the status line and headers
// when the guest sets the response, then its body as the guest writes it, then
// the end (with trailers) when the guest finishes it. The worker writes; the
// connection's thread (cli/serve/http_server.cpp) reads, blocking until there
// is something to send.
//
// The bytes in between are bounded (kWindow): a guest writing faster than its
// client reads waits in its write. A client that goes away makes the rest of
// the body be dropped, and the guest goes on.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>

#include "wasi/http/server.h"

namespace wasmrr::cli {

class ReplyStream final : public wasi::ResponseSink {
 public:
  static constexpr size_t kWindow = 4 << 20;

  // --- the worker's side ---
  // wasi::ResponseSink: the guest's response.
  void start(uint16_t status, const wasi::FieldList& headers, std::optional<uint64_t> length) override;
  void write(std::string_view bytes) override;
  void finish(const wasi::FieldList& trailers) override;
  // A whole response of wasm-rr's own (500: the guest set none, or trapped,
  // or left its body unfinished), if nothing of the guest's has reached the
  // client; else the connection is cut, so that the client sees the
  // response incomplete. True if it was cut.
  bool answer_or_cut(unsigned status, wasi::FieldList headers, std::string body);
  // The handler returned: a started response whose body the guest never
  // took ends here, empty.
  void handler_returned();

  // --- the connection's side ---
  struct Head {
    unsigned status = 500;
    wasi::FieldList headers;
    std::optional<uint64_t> length;  // the guest's content-length, if it declared one
    bool complete = false;           // everything is here already: `body` is the whole of it
    std::string body;
  };
  // Blocks until the response has started and has body bytes, or has ended
  // (without a start: 500, which the worker does not let happen).
  Head wait_head();
  // Up to `max` bytes of the body, blocking until there are some.
  enum : long { kEnd = -1, kCut = -2 };
  long read(char* dest, size_t max);
  wasi::FieldList trailers() const;
  // The client is gone (or the response sent): later writes are dropped.
  void reader_gone();

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool started_ = false, ended_ = false, cut_ = false, reader_gone_ = false;
  bool head_taken_ = false;  // the connection has it: the guest's response is the client's
  Head head_;
  std::deque<std::string> chunks_;
  size_t pending_ = 0;
  wasi::FieldList trailers_;
};

}  // namespace wasmrr::cli
