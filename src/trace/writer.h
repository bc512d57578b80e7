// Streams trace elements to a file as the guest runs. Memory stays bounded:
// elements are encoded into a small buffer that is written out (write(2), so
// it survives the process being killed) when it fills, and by the flusher
// thread (trace/flush_scheduler.h, one for all writers) at most kFlushDelay
// after the first element that is waiting, however
// long the guest then blocks, sleeps or computes. A killed recording therefore
// loses at most the last few milliseconds of events, and the file up to there
// stays readable. A compressed trace (Compression::Zstd) is compressed at
// each of those writes, ending a zstd block there (trace/zstd.h), so the same
// holds for it; the elements are encoded as for an uncompressed one.
//
// Threading: write*, flush and close may be called from any thread; they are
// serialised by one mutex (uncontended on the hot path: the flusher takes it
// about once per kFlushDelay).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "trace/compact.h"
#include "trace/trace.h"
#include "trace/zstd.h"

namespace wasmrr::trace {

class TraceWriter {
 public:
  static constexpr size_t kBufferLimit = 64 * 1024;
  // How long an element may wait in the buffer. The promise (README) is 10 ms;
  // the rest leaves room for a loaded machine's scheduler and the write itself.
  static constexpr std::chrono::milliseconds kFlushDelay{3};

  // Creates (truncates) `path`.
  static Result<std::unique_ptr<TraceWriter>> create(const std::string& path, TraceFormat format);
  // Writes to an open file descriptor, which the writer then owns; `path` is for messages.
  static std::unique_ptr<TraceWriter> adopt(int fd, std::string path, TraceFormat format);
  static Result<std::unique_ptr<TraceWriter>> create(const std::string& path, Format format) {
    return create(path, TraceFormat{format});
  }
  static std::unique_ptr<TraceWriter> adopt(int fd, std::string path, Format format) {
    return adopt(fd, std::move(path), TraceFormat{format});
  }
  ~TraceWriter();

  void write(const Json& element);
  // Writes an element already encoded in this writer's format (see
  // rr/event_encoder.h). `names_new`: false if the encoder knows it wrote no
  // name out (a compact event's function and keys all numbers), which
  // spares learning what it defines.
  void write_encoded(std::string_view element, bool names_new = true);
  // The names the events written so far have defined (a CBOR trace's compact
  // events, trace/compact.h): what an encoder may refer to by number. Read
  // it only on the thread that writes events.
  const CompactNames& names() const { return names_; }
  Format format() const { return format_; }
  Compression compression() const { return zstd_ ? Compression::Zstd : Compression::None; }
  // Writes everything buffered to the file.
  void flush();
  // Completes the file (the JSON array's closing bracket) and closes it.
  // Later writes are ignored.
  Result<void> close();
  // Writes make_last(elements written so far) as the last element and closes,
  // in one step: no other thread's element can come between.
  Result<void> close_with(const std::function<Json(uint64_t elements)>& make_last);

  // Bytes written to the file (compressed ones, for a compressed trace).
  uint64_t bytes_written() const;

  // The flusher's call, kFlushDelay after the first element waiting.
  void flush_due();

 private:
  TraceWriter(int fd, TraceFormat format, std::string path);
  // With mutex_ held:
  void begin_element();
  void end_element();
  void append(const Json& element);
  void learn(std::string_view element);
  void flush_locked(bool end = false);
  void write_out(const std::string& bytes);
  Result<void> close_locked();

  int fd_;
  Format format_;
  std::string path_;

  mutable std::mutex mutex_;
  std::string buffer_;
  std::unique_ptr<ZstdCompressor> zstd_;  // null: uncompressed
  std::string compressed_;                // zstd_'s output, reused
  CompactNames names_;
  bool first_ = true;
  uint64_t elements_ = 0;
  bool failed_ = false;
  bool bad_element_ = false;  // an encoded element that learn() refused
  bool closing_ = false;
  bool flush_scheduled_ = false;  // the flusher will call flush_due()
  uint64_t bytes_written_ = 0;
};

}  // namespace wasmrr::trace
