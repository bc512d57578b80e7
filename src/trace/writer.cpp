#include "trace/writer.h"

#include "trace/flush_scheduler.h"
#include "trace/json_bytes.h"
#include "trace/staged_values.h"

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

Result<std::unique_ptr<TraceWriter>> TraceWriter::create(const std::string& path, TraceFormat format) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return make_error(fmt::format("cannot create trace `{}`: {}", path, std::strerror(errno)));
  return adopt(fd, path, format);
}

std::unique_ptr<TraceWriter> TraceWriter::adopt(int fd, std::string path, TraceFormat format) {
  return std::unique_ptr<TraceWriter>(new TraceWriter(fd, format, std::move(path)));
}

TraceWriter::TraceWriter(int fd, TraceFormat format, std::string path)
    : fd_(fd), format_(format.format), path_(std::move(path)) {
  buffer_.reserve(kBufferLimit + 4096);
  if (format.compression == Compression::Zstd) {
    zstd_ = std::make_unique<ZstdCompressor>();
    if (!zstd_->error().empty()) {
      failed_ = true;
      fmt::print(stderr, "wasm-rr: error: writing trace `{}`: {}\n", path_, zstd_->error());
    }
  }
}

TraceWriter::~TraceWriter() { (void)close(); }

void TraceWriter::flush_due() { drain(/*everything=*/true, /*due=*/true); }

void TraceWriter::write_pending() { drain(/*everything=*/false, /*due=*/false); }

// JSON layout: a JSON array with one element per line, so that a reader can
// stream it line by line and a truncated file is readable up to its last line:
//   [{"format":"wasm-rr-trace",...},
//   {"fn":"...","args":[...],"results":[...]},
//   {"end":"exit","status":0}]
// CBOR layout: a CBOR sequence (RFC 8742), one data item per element.
//
// Staged elements (a JSON trace's buffers), one after another, each a byte
// that says which, then:
//   kStagedText:   its length (8 bytes, native order), then its text;
//   kStagedScalar: its shape's address (write_scalar_event), then its
//                  numbers, 8 bytes each (native order);
//   kStagedCalls:  its length (8 bytes), then its staged calls
//                  (write_staged, trace/staged_values.h).
// write_buffered() makes them text, with the separators between them.
namespace {
constexpr char kStagedText = 0, kStagedScalar = 1, kStagedCalls = 2;
constexpr size_t kTextPiece = 1 << 20;  // made text and written at a time, about

template <typename T>
void put_raw(std::string& out, const T& v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}
template <typename T>
T get_raw(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
}  // namespace

void TraceWriter::begin_element() {
  if (buffer_.empty() && !flush_scheduled_ && !closing_) {
    flush_scheduled_ = true;
    FlushScheduler::instance().schedule(this, FlushScheduler::Clock::now() + kFlushDelay);
  }
  elements_++;
}

// A full buffer is handed over to the flusher, which writes it at once. When
// closing, close() writes everything instead.
void TraceWriter::end_element(Lock& lock) {
  if (buffer_.size() < kBufferLimit || closing_) return;
  room_.wait(lock, [this] { return pending_.size() < kMaxPending || closing_; });
  if (closing_) return;
  // A write is asked for when pending_ fills from empty: until the flusher
  // takes it (and empties it), that request is still to come.
  const bool ask = pending_.empty();
  if (ask) pending_.swap(buffer_);  // no copy, and buffer_ takes pending_'s old storage
  else pending_ += buffer_;
  buffer_.clear();
  if (ask) FlushScheduler::instance().write_soon(this);
}

void TraceWriter::append_bytes(char kind, std::string_view head, std::string_view tail) {
  begin_element();
  if (format_ != Format::Json) {
    buffer_.append(head).append(tail);
    return;
  }
  buffer_ += kind;
  put_raw(buffer_, uint64_t{head.size() + tail.size()});
  buffer_.append(head).append(tail);
}

void TraceWriter::write_encoded(std::string_view element, bool names_new) {
  Lock lock(mutex_);
  if (fd_ < 0) return;
  append_bytes(kStagedText, element);
  if (names_new) learn(element);
  end_element(lock);
}

void TraceWriter::write_encoded_parts(std::string_view head, std::string_view tail) {
  Lock lock(mutex_);
  if (fd_ < 0) return;
  append_bytes(kStagedText, head, tail);
  end_element(lock);
}

void TraceWriter::write_staged(std::string_view calls) {
  Lock lock(mutex_);
  if (fd_ < 0 || format_ != Format::Json) return;
  append_bytes(kStagedCalls, calls);
  end_element(lock);
}

const ScalarEventShape* TraceWriter::add_scalar_shape(ScalarEventShape shape) {
  if (format_ != Format::Json || shape.values() > ScalarEventShape::kMaxValues) return nullptr;
  Lock lock(mutex_);
  return &shapes_.emplace_back(std::move(shape));
}

void TraceWriter::write_scalar_event(const ScalarEventShape& shape, const uint64_t* values) {
  Lock lock(mutex_);
  if (fd_ < 0) return;
  begin_element();
  buffer_ += kStagedScalar;
  put_raw(buffer_, &shape);
  buffer_.append(reinterpret_cast<const char*>(values), shape.values() * sizeof(uint64_t));
  end_element(lock);
}

// A compact event's names are defined once it is written (trace/compact.h).
void TraceWriter::learn(std::string_view element) {
  if (format_ != Format::Cbor || !is_compact_event(element)) return;
  if (auto learnt = names_.learn(element); !learnt && !bad_element_) {
    // A bug of the encoder. Everything is still written (nothing recorded is
    // lost; the reader reports the element), and close() fails.
    bad_element_ = true;
    fmt::print(stderr, "wasm-rr: error: writing trace `{}`: {}\n", path_, learnt.error().message);
  }
}

void TraceWriter::write(const Json& element) {
  Lock lock(mutex_);
  if (fd_ < 0) return;
  append(element, lock);
}

void TraceWriter::append(const Json& element, Lock& lock) {
  if (format_ == Format::Json) {
    // Made first: dump() throws on text that is not UTF-8, and then nothing
    // is staged (a text element cut short would break the file's JSON).
    std::string text;
    if (contains_binary(element)) {
      Json copy = element;
      bytes_to_text_model(copy);
      text = copy.dump(-1, ' ', false, Json::error_handler_t::strict);
    } else {
      text = element.dump(-1, ' ', false, Json::error_handler_t::strict);
    }
    append_bytes(kStagedText, text);
  } else {
    begin_element();
    size_t start = buffer_.size();
    if (encode_compact_event(element, names_, buffer_)) learn(std::string_view(buffer_).substr(start));
    else Json::to_cbor(element, buffer_);
  }
  end_element(lock);
}

void TraceWriter::flush() { drain(/*everything=*/true, /*due=*/false); }

uint64_t TraceWriter::bytes_written() const {
  std::lock_guard io(io_mutex_);
  return bytes_written_;
}

void TraceWriter::drain(bool everything, bool due) {
  std::lock_guard io(io_mutex_);
  {
    std::lock_guard lock(mutex_);
    if (due) flush_scheduled_ = false;
    if (fd_ < 0 || (due && closing_)) return;
    taken_.swap(pending_);  // what was handed over first: the file keeps the order
    pending_.clear();
    if (everything) {
      if (taken_.empty()) taken_.swap(buffer_);  // no copy while the writing thread waits for the lock
      else taken_ += buffer_;
      buffer_.clear();
    }
    room_.notify_all();
  }
  write_buffered(taken_, /*end=*/false);
  taken_.clear();
}

void TraceWriter::write_buffered(const std::string& buffered, bool end) {
  if (format_ != Format::Json) return write_block(buffered, end);
  const char* p = buffered.data();
  const char* const stop = p + buffered.size();
  while (p < stop) {
    out_ += first_ ? "[" : ",\n";
    first_ = false;
    if (*p == kStagedText || *p == kStagedCalls) {
      const bool calls = *p == kStagedCalls;
      auto size = get_raw<uint64_t>(p + 1);
      p += 1 + sizeof size;
      if (calls) render_staged(std::string_view(p, size), out_);
      else out_.append(p, size);
      p += size;
    } else {
      const auto* shape = get_raw<const ScalarEventShape*>(p + 1);
      p += 1 + sizeof shape;
      const size_t n = shape->values();
      uint64_t values[ScalarEventShape::kMaxValues];  // aligned, as the buffer's are not
      std::memcpy(values, p, n * sizeof(uint64_t));
      p += n * sizeof(uint64_t);
      render_json(*shape, std::span(values, n), out_);
    }
    if (out_.size() >= kTextPiece && p < stop) {
      write_block(out_, /*end=*/false);
      out_.clear();
    }
  }
  if (end) out_ += first_ ? "[]\n" : "]\n";
  write_block(out_, end);
  out_.clear();
}

// A compressed trace: the bytes are compressed now, ending a zstd block (or,
// at `end`, the frame), so that the file is decodable up to here.
void TraceWriter::write_block(const std::string& bytes, bool end) {
  if (!zstd_) return write_out(bytes);
  if (bytes.empty() && !end) return;
  if (!failed_ && !zstd_->compress(bytes, end, compressed_)) {
    failed_ = true;
    fmt::print(stderr, "wasm-rr: error: writing trace `{}`: {}\n", path_, zstd_->error());
  }
  write_out(compressed_);
}

void TraceWriter::write_out(const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size() && !failed_) {
    ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      failed_ = true;
      fmt::print(stderr, "wasm-rr: error: writing trace `{}`: {}\n", path_, std::strerror(errno));
      break;
    }
    done += static_cast<size_t>(n);
  }
  bytes_written_ += done;
}

Result<void> TraceWriter::close() {
  return close_with(nullptr);
}

Result<void> TraceWriter::close_with(const std::function<Json(uint64_t elements)>& make_last) {
  {
    Lock lock(mutex_);
    if (fd_ >= 0 && make_last) append(make_last(elements_), lock);
    closing_ = true;  // nothing is scheduled or handed over from now on
    room_.notify_all();
  }
  FlushScheduler::instance().cancel(this);
  std::lock_guard io(io_mutex_);
  std::lock_guard lock(mutex_);
  if (fd_ < 0) return {};
  taken_.swap(pending_);
  taken_ += buffer_;
  pending_.clear();
  buffer_.clear();
  write_buffered(taken_, /*end=*/true);
  int rc = ::close(fd_);
  fd_ = -1;
  if (failed_ || bad_element_ || rc != 0) return make_error(fmt::format("writing trace `{}` failed", path_));
  return {};
}

}  // namespace wasmrr::trace
