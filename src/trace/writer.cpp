#include "trace/writer.h"

#include "trace/json_bytes.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace wasmrr::trace {

static bool contains_binary(const Json& j) {
  if (j.is_binary()) return true;
  if (!j.is_structured()) return false;
  for (const auto& child : j)
    if (contains_binary(child)) return true;
  return false;
}

Result<std::unique_ptr<TraceWriter>> TraceWriter::create(const std::string& path, Format format) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return make_error(fmt::format("cannot create trace `{}`: {}", path, std::strerror(errno)));
  return adopt(fd, path, format);
}

std::unique_ptr<TraceWriter> TraceWriter::adopt(int fd, std::string path, Format format) {
  return std::unique_ptr<TraceWriter>(new TraceWriter(fd, format, std::move(path)));
}

TraceWriter::TraceWriter(int fd, Format format, std::string path)
    : fd_(fd), format_(format), path_(std::move(path)) {
  buffer_.reserve(kBufferLimit + 4096);
  flusher_ = std::thread([this] { flusher_loop(); });
}

TraceWriter::~TraceWriter() { (void)close(); }

// Waits for the first element that is not yet written, gives later ones
// kFlushDelay to join it, and writes them all.
void TraceWriter::flusher_loop() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_flusher_.wait(lock, [this] { return closing_ || !buffer_.empty(); });
    if (closing_) return;
    wake_flusher_.wait_for(lock, kFlushDelay, [this] { return closing_; });
    if (closing_) return;
    flush_locked();
  }
}

// JSON layout: a JSON array with one element per line, so that a reader can
// stream it line by line and a truncated file is readable up to its last line:
//   [{"format":"wasm-rr-trace",...},
//   {"fn":"...","args":[...],"results":[...]},
//   {"end":"exit","status":0}]
// CBOR layout: a CBOR sequence (RFC 8742), one data item per element.
void TraceWriter::begin_element() {
  if (buffer_.empty()) wake_flusher_.notify_one();  // it starts the clock when it gets the lock
  if (format_ == Format::Json) buffer_ += first_ ? "[" : ",\n";
  first_ = false;
  elements_++;
}

void TraceWriter::end_element() {
  if (buffer_.size() >= kBufferLimit) flush_locked();
}

void TraceWriter::write_encoded(std::string_view element) {
  std::lock_guard lock(mutex_);
  if (fd_ < 0) return;
  begin_element();
  buffer_ += element;
  end_element();
}

void TraceWriter::write(const Json& element) {
  std::lock_guard lock(mutex_);
  if (fd_ < 0) return;
  append(element);
}

void TraceWriter::append(const Json& element) {
  begin_element();
  if (format_ == Format::Json) {
    if (contains_binary(element)) {
      Json text = element;
      bytes_to_text_model(text);
      buffer_ += text.dump(-1, ' ', false, Json::error_handler_t::strict);
    } else {
      buffer_ += element.dump(-1, ' ', false, Json::error_handler_t::strict);
    }
  } else {
    Json::to_cbor(element, buffer_);
  }
  end_element();
}

void TraceWriter::flush() {
  std::lock_guard lock(mutex_);
  flush_locked();
}

uint64_t TraceWriter::bytes_written() const {
  std::lock_guard lock(mutex_);
  return bytes_written_;
}

void TraceWriter::flush_locked() {
  if (fd_ < 0) return;
  size_t done = 0;
  while (done < buffer_.size() && !failed_) {
    ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      failed_ = true;
      fmt::print(stderr, "wasm-rr: error: writing trace `{}`: {}\n", path_, std::strerror(errno));
      break;
    }
    done += static_cast<size_t>(n);
  }
  bytes_written_ += done;
  buffer_.clear();
}

Result<void> TraceWriter::close() {
  return close_with(nullptr);
}

Result<void> TraceWriter::close_with(const std::function<Json(uint64_t elements)>& make_last) {
  {
    std::lock_guard lock(mutex_);
    if (fd_ >= 0 && make_last) append(make_last(elements_));
    closing_ = true;
  }
  wake_flusher_.notify_one();
  if (flusher_.joinable() && flusher_.get_id() != std::this_thread::get_id()) flusher_.join();
  std::lock_guard lock(mutex_);
  return close_locked();
}

Result<void> TraceWriter::close_locked() {
  if (fd_ < 0) return {};
  if (format_ == Format::Json) buffer_ += first_ ? "[]\n" : "]\n";
  flush_locked();
  int rc = ::close(fd_);
  fd_ = -1;
  if (failed_ || rc != 0) return make_error(fmt::format("writing trace `{}` failed", path_));
  return {};
}

}  // namespace wasmrr::trace
