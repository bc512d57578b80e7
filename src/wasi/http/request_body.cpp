#include "wasi/http/request_body.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include "wasi/http/body.h"
#include "wasi/io/pollable.h"

namespace wasmrr::wasi {

RequestBodySource::RequestBodySource() : wake_fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}

RequestBodySource::~RequestBodySource() {
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

void RequestBodySource::changed() {
  uint64_t one = 1;
  if (wake_fd_ >= 0) (void)!::write(wake_fd_, &one, sizeof one);
}

void RequestBodySource::push(std::string_view bytes) {
  std::lock_guard lock(mutex_);
  if (ended_ || failure_ || bytes.empty()) return;
  if (at_ > 0 && at_ >= pending_.size() / 2) {  // what was read goes, rather than the buffer growing
    pending_.erase(0, at_);
    at_ = 0;
  }
  pending_ += bytes;
  changed();
}

void RequestBodySource::end() {
  std::lock_guard lock(mutex_);
  ended_ = true;
  changed();
}

void RequestBodySource::fail(HttpErrorCode why) {
  std::lock_guard lock(mutex_);
  if (ended_ || failure_) return;
  failure_ = std::move(why);
  changed();
}

RequestBodySource::Taken RequestBodySource::take(size_t max) {
  std::lock_guard lock(mutex_);
  Taken t;
  size_t n = std::min(max, pending_.size() - at_);
  t.bytes = pending_.substr(at_, n);
  at_ += n;
  if (at_ == pending_.size()) {
    t.at_end = ended_;
    t.failure = failure_;
  }
  return t;
}

bool RequestBodySource::readable() {
  uint64_t count;
  if (wake_fd_ >= 0) (void)!::read(wake_fd_, &count, sizeof count);  // (before looking: a change after it wakes again)
  std::lock_guard lock(mutex_);
  return at_ < pending_.size() || ended_ || failure_;
}

StreamResult<std::string> RequestBodyInputStream::read(uint64_t len) {
  RequestBodySource::Taken t = source_->take(io_chunk(len));
  if (!t.bytes.empty()) return std::move(t.bytes);
  if (t.failure) return http_stream_error(*t.failure);
  if (t.at_end) return StreamError::closed();
  return std::string();  // nothing yet
}

StreamResult<std::string> RequestBodyInputStream::blocking_read(uint64_t len) {
  subscribe()->block(clock_);
  return read(len);
}

std::shared_ptr<Pollable> RequestBodyInputStream::subscribe() {
  return Pollable::on_check(source_->wake_fd(), [s = source_] { return s->readable(); });
}

}  // namespace wasmrr::wasi
