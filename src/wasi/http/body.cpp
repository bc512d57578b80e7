#include "wasi/http/body.h"
#include "wasi/http/server.h"

#include <algorithm>

#include <fmt/format.h>

namespace wasmrr::wasi {

StreamError http_stream_error(const HttpErrorCode& e) {
  return StreamError::failed(e.debug, std::make_shared<HttpErrorDetail>(e));
}

// --- incoming body -------------------------------------------------------------

StreamResult<std::string> HttpBodyInputStream::read(uint64_t len) {
  if (t_->buffered() == 0 && !t_->done()) t_->client().drive();
  if (t_->buffered() > 0) return t_->take_body(io_chunk(len));
  if (!t_->done()) return std::string();
  // The failure is reported once; after it the stream is closed.
  if (t_->error() && !error_reported_) {
    error_reported_ = true;
    return http_stream_error(*t_->error());
  }
  return StreamError::closed();
}

StreamResult<std::string> HttpBodyInputStream::blocking_read(uint64_t len) {
  for (;;) {
    auto r = read(len);
    if (!r.ok() || !r.value().empty() || len == 0) return r;
    subscribe()->block(clock_);
  }
}

std::shared_ptr<Pollable> HttpBodyInputStream::subscribe() {
  HttpTransfer* t = t_.get();  // the pollable's owner keeps the stream, hence t_, alive
  return t_->client().pollable([t, keep = t_] { return t->buffered() > 0 || t->done(); });
}

// --- outgoing body -------------------------------------------------------------

std::optional<StreamError> HttpBodyOutputStream::failure() const {
  if (body_->finished || body_->aborted) return StreamError::closed();
  auto t = body_->transfer.lock();
  if (t && t->done()) {
    if (t->error()) return http_stream_error(*t->error());
    return StreamError::closed();  // the server answered without the rest of the body
  }
  return std::nullopt;
}

StreamResult<uint64_t> HttpBodyOutputStream::check_write() {
  if (auto f = failure()) return *f;
  // Before the request is sent nobody reads: the guest may write ahead.
  if (body_->discard || body_->transfer.expired()) return kMaxIoChunk;
  return uint64_t{kRequestBufferHigh - std::min(body_->pending, kRequestBufferHigh)};
}

StreamResult<Unit> HttpBodyOutputStream::write(std::string_view bytes) {
  if (auto f = failure()) return *f;
  if (body_->declared_length && body_->written + bytes.size() > *body_->declared_length) {
    HttpErrorCode e = HttpErrorCode::of(
        HttpErrorCode::Case::http_request_body_size,
        fmt::format("body longer than its content-length of {}", *body_->declared_length));
    e.size = body_->written + bytes.size();
    return http_stream_error(e);
  }
  body_->append(std::string(bytes));
  body_->notify();
  return Unit{};
}

StreamResult<Unit> HttpBodyOutputStream::flush() {
  if (auto f = failure()) return *f;
  return Unit{};
}

// Waits until curl has taken every written byte (only once the request is sent).
StreamResult<Unit> HttpBodyOutputStream::blocking_flush() {
  for (;;) {
    if (auto f = failure()) return *f;
    if (body_->pending == 0 || body_->transfer.expired()) return Unit{};
    pending_below(1)->block(clock_);
  }
}

std::shared_ptr<Pollable> HttpBodyOutputStream::subscribe() { return pending_below(kRequestBufferHigh); }

std::shared_ptr<Pollable> HttpBodyOutputStream::pending_below(size_t limit) const {
  return client_->pollable([body = body_, limit] {
    auto t = body->transfer.lock();
    return !t || t->done() || body->finished || body->aborted || body->pending < limit;
  });
}

// --- serve: a request's body and a response's -----------------------------------

StreamResult<std::string> BytesInputStream::read(uint64_t len) {
  if (at_ >= bytes_->size()) return StreamError::closed();
  size_t n = std::min(io_chunk(len), bytes_->size() - at_);
  std::string out = bytes_->substr(at_, n);
  at_ += n;
  return out;
}

std::shared_ptr<Pollable> BytesInputStream::subscribe() { return Pollable::always_ready(); }

StreamResult<uint64_t> ResponseBodyOutputStream::check_write() {
  if (body_->finished || body_->aborted) return StreamError::closed();
  return kMaxIoChunk;
}

StreamResult<Unit> ResponseBodyOutputStream::write(std::string_view bytes) {
  if (body_->finished || body_->aborted) return StreamError::closed();
  if (body_->declared_length && body_->written + bytes.size() > *body_->declared_length) {
    HttpErrorCode e = HttpErrorCode::of(HttpErrorCode::Case::http_response_body_size,
                                        fmt::format("body longer than its content-length of {}", *body_->declared_length));
    e.size = body_->written + bytes.size();
    return http_stream_error(e);
  }
  body_->append(std::string(bytes));
  if (body_->sink) body_->sink->write(bytes);
  return Unit{};
}

StreamResult<Unit> ResponseBodyOutputStream::flush() {
  if (body_->finished || body_->aborted) return StreamError::closed();
  return Unit{};
}

std::shared_ptr<Pollable> ResponseBodyOutputStream::subscribe() { return Pollable::always_ready(); }

}  // namespace wasmrr::wasi
