// Streams trace elements to a file as the guest runs. Memory stays bounded:
// elements are encoded into a small buffer that is written out (write(2), so
// it survives the process being killed) by the flusher thread
// (trace/flush_scheduler.h, one for all writers): at once when the buffer
// fills, and at most kFlushDelay after the first element that is waiting,
// however long the guest then blocks, sleeps or computes. A killed recording
// therefore loses at most the last few milliseconds of events, and the file
// up to there stays readable. A compressed trace (Compression::Zstd) is
// compressed at each of those writes, ending a zstd block there
// (trace/zstd.h), so the same holds for it; the elements are encoded as for
// an uncompressed one. The guest's thread neither writes nor compresses: it
// hands a full buffer over and goes on, and waits only while kMaxPending
// bytes are already waiting for the disk.
//
// A CBOR trace's buffer holds the file's bytes. A JSON trace's holds its
// elements staged (see "Staged elements" in writer.cpp): each element's
// text, the calls that write it (write_staged), or a scalar event's numbers
// (write_scalar_event), which the flusher thread makes text, with the commas
// and brackets between the elements.
//
// Threading: write*, flush and close may be called from any thread. mutex_
// guards the buffers (uncontended on the hot path: the flusher takes it only
// to take a buffer, so it is a SpinMutex); io_mutex_ the compressor, the
// file and the text being made, so that buffers are written in the order
// they were filled. Lock order: io_mutex_, then mutex_.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "trace/compact.h"
#include "trace/scalar_event.h"
#include "trace/trace.h"
#include "trace/zstd.h"
#include "util/spin_mutex.h"

namespace wasmrr::trace {

class TraceWriter {
 public:
  static constexpr size_t kBufferLimit = 512 * 1024;
  // Full buffers handed over and not yet written, at most.
  static constexpr size_t kMaxPending = 4 * kBufferLimit;
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
  // The element `head` then `tail`, which define no names (the recorder's
  // scalar events: a cached start, then numbers).
  void write_encoded_parts(std::string_view head, std::string_view tail);
  // A JSON trace's element as the calls that write its text
  // (trace/staged_values.h), which the flusher thread makes. Ignored by a
  // CBOR trace's writer.
  void write_staged(std::string_view calls);
  // A JSON trace's scalar event of a function whose shape add_scalar_shape()
  // returned: its numbers, shape.values() of them at `values`, which the
  // flusher thread writes as text (trace/scalar_event.h).
  void write_scalar_event(const ScalarEventShape& shape, const uint64_t* values);
  // Keeps `shape` for write_scalar_event, for as long as the writer lives.
  // Null for a CBOR trace, whose events are encoded as they come, and for a
  // shape of more than ScalarEventShape::kMaxValues numbers.
  const ScalarEventShape* add_scalar_shape(ScalarEventShape shape);
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

  // The flusher's calls: kFlushDelay after the first element waiting, and
  // after a full buffer was handed over.
  void flush_due();
  void write_pending();

 private:
  using Lock = std::unique_lock<SpinMutex>;
  TraceWriter(int fd, TraceFormat format, std::string path);
  // With mutex_ held (`lock`):
  void begin_element();
  void end_element(Lock& lock);
  void append(const Json& element, Lock& lock);
  void learn(std::string_view element);
  // A new element of `head` then `tail`: in a JSON trace staged as `kind`
  // (text or calls), with its length.
  void append_bytes(char kind, std::string_view head, std::string_view tail = {});
  // Writes out what was handed over and, if `everything`, what is buffered;
  // `due`: the scheduled flush's (it is no longer scheduled). Takes both locks.
  void drain(bool everything, bool due);
  // With io_mutex_ held: writes buffered bytes out; at `end`, the last.
  // A JSON trace's staged elements are made text first, a piece at a time.
  void write_buffered(const std::string& buffered, bool end);
  // With io_mutex_ held: compresses (ending a block, or at `end` the frame) and writes.
  void write_block(const std::string& bytes, bool end);
  void write_out(const std::string& bytes);

  int fd_;  // changed only with both locks held
  Format format_;
  std::string path_;

  mutable SpinMutex mutex_;
  std::condition_variable_any room_;  // pending_ was taken, or closing_
  std::string buffer_;            // elements being added
  std::string pending_;           // full buffers handed over, for the flusher
  CompactNames names_;
  std::deque<ScalarEventShape> shapes_;  // add_scalar_shape's: they stay where they are
  uint64_t elements_ = 0;
  bool bad_element_ = false;  // an encoded element that learn() refused
  bool closing_ = false;
  bool flush_scheduled_ = false;  // the flusher will call flush_due()

  mutable std::mutex io_mutex_;
  std::string taken_;                     // the buffered bytes being written, reused
  std::string out_;                       // a JSON trace's text made of them, reused
  bool first_ = true;                     // no JSON element made text yet
  std::unique_ptr<ZstdCompressor> zstd_;  // null: uncompressed
  std::string compressed_;                // zstd_'s output, reused
  bool failed_ = false;
  uint64_t bytes_written_ = 0;
};

}  // namespace wasmrr::trace
