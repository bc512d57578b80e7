// The wasi:io streams of HTTP bodies: an incoming-body's input-stream reads
// what the transfer has buffered; an outgoing-body's output-stream feeds the
// request body curl reads (see client.h for flow control).
#pragma once

#include <memory>

#include "wasi/common/clock.h"
#include "wasi/http/client.h"
#include "wasi/io/stream.h"

namespace wasmrr::wasi {

class HttpBodyInputStream final : public InputStream {
 public:
  HttpBodyInputStream(std::shared_ptr<HttpTransfer> t, const MonotonicClock& clock)
      : t_(std::move(t)), clock_(clock) {}
  StreamResult<std::string> read(uint64_t len) override;
  StreamResult<std::string> blocking_read(uint64_t len) override;
  std::shared_ptr<Pollable> subscribe() override;

 private:
  std::shared_ptr<HttpTransfer> t_;
  const MonotonicClock& clock_;
  bool error_reported_ = false;
};

class HttpBodyOutputStream final : public OutputStream {
 public:
  HttpBodyOutputStream(std::shared_ptr<RequestBody> body, std::shared_ptr<HttpClient> client,
                       const MonotonicClock& clock)
      : body_(std::move(body)), client_(std::move(client)), clock_(clock) {}
  StreamResult<uint64_t> check_write() override;
  StreamResult<Unit> write(std::string_view bytes) override;
  StreamResult<Unit> flush() override;
  StreamResult<Unit> blocking_flush() override;
  std::shared_ptr<Pollable> subscribe() override;

 private:
  std::optional<StreamError> failure() const;
  // Ready when fewer than `limit` written bytes wait for curl (or it is over).
  std::shared_ptr<Pollable> pending_below(size_t limit) const;
  std::shared_ptr<RequestBody> body_;
  std::shared_ptr<HttpClient> client_;
  const MonotonicClock& clock_;
};

// serve: an incoming-request's body, read whole before the guest ran.
class BytesInputStream final : public InputStream {
 public:
  explicit BytesInputStream(std::shared_ptr<const std::string> bytes) : bytes_(std::move(bytes)) {}
  StreamResult<std::string> read(uint64_t len) override;
  StreamResult<std::string> blocking_read(uint64_t len) override { return read(len); }
  std::shared_ptr<Pollable> subscribe() override;

 private:
  std::shared_ptr<const std::string> bytes_;
  size_t at_ = 0;
};

// serve: an outgoing-response's body, going to the client as it is written
// once the response is set (ServerResponse::sink), and kept for the trace.
class ResponseBodyOutputStream final : public OutputStream {
 public:
  explicit ResponseBodyOutputStream(std::shared_ptr<RequestBody> body) : body_(std::move(body)) {}
  StreamResult<uint64_t> check_write() override;
  StreamResult<Unit> write(std::string_view bytes) override;
  StreamResult<Unit> flush() override;
  StreamResult<Unit> blocking_flush() override { return flush(); }
  std::shared_ptr<Pollable> subscribe() override;

 private:
  std::shared_ptr<RequestBody> body_;
};

// A stream error carrying an HTTP error-code (for http-error-code).
StreamError http_stream_error(const HttpErrorCode& e);

}  // namespace wasmrr::wasi
