// serve: a request's body as it arrives from the client. The connection's
// thread pushes what it reads; the guest's incoming-body stream
// (RequestBodyInputStream) reads it, blocking or polling, while more comes.
// The bytes waiting are bounded by serve's --max-body, which the connection
// enforces.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "wasi/common/clock.h"
#include "wasi/http/error_code.h"
#include "wasi/io/stream.h"

namespace wasmrr::wasi {

class RequestBodySource {
 public:
  RequestBodySource();
  ~RequestBodySource();
  RequestBodySource(const RequestBodySource&) = delete;
  RequestBodySource& operator=(const RequestBodySource&) = delete;

  // --- the connection's side ---
  void push(std::string_view bytes);
  void end();
  // The body cannot be read to its end (too large, the client went away):
  // the guest's next read after the bytes before gets this error.
  void fail(HttpErrorCode why);

  // --- the guest's side ---
  struct Taken {
    std::string bytes;  // empty: nothing now (see at_end, failure)
    bool at_end = false;
    std::optional<HttpErrorCode> failure;
  };
  Taken take(size_t max);
  bool readable();        // there are bytes, the end or a failure; also consumes a wake-up of wake_fd()
  int wake_fd() const { return wake_fd_; }  // readable when something changed

 private:
  void changed();  // with mutex_ held
  std::mutex mutex_;
  std::string pending_;
  size_t at_ = 0;  // in pending_: what was read
  bool ended_ = false;
  std::optional<HttpErrorCode> failure_;
  int wake_fd_ = -1;  // an eventfd
};

// Its reads wait in poll_all (wasi/io/pollable.h), so that serve --timeout
// can end them (wasi/io/wait_cancel.h).
class RequestBodyInputStream final : public InputStream {
 public:
  RequestBodyInputStream(std::shared_ptr<RequestBodySource> source, const MonotonicClock& clock)
      : source_(std::move(source)), clock_(clock) {}
  StreamResult<std::string> read(uint64_t len) override;
  StreamResult<std::string> blocking_read(uint64_t len) override;
  std::shared_ptr<Pollable> subscribe() override;

 private:
  std::shared_ptr<RequestBodySource> source_;
  const MonotonicClock& clock_;
};

}  // namespace wasmrr::wasi
