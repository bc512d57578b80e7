// Reads a trace's input ahead, on a thread of its own, into chunks that the
// reader then takes whole, without copying them: a replay's guest thread
// neither waits for read(2) nor decompresses (trace/zstd.h), as a recording's
// thread neither writes nor compresses (trace/writer.h). Only for an input
// whose reads never block for long (a regular file, the trace in a pack, a
// compressed stream of one of those): the destructor waits for the read in
// progress, so a pipe that never sends would hold it for ever.
//
// Memory stays flat: kChunks buffers go round, each kHeadroom + kChunkBytes
// long. A chunk's data starts after its headroom, where the reader puts the
// start of an element that began in the chunk before, so that every element
// is contiguous without a copy of the rest of the chunk.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "trace/raw_input.h"

namespace wasmrr::trace {

class Prefetcher {
 public:
  static constexpr size_t kChunkBytes = 1 << 20;
  static constexpr size_t kHeadroom = 64 << 10;
  static constexpr size_t kBufferBytes = kHeadroom + kChunkBytes;
  static constexpr size_t kChunks = 3;  // one being read, one read ahead, one with the reader

  // Reads `source`, which must outlive the prefetcher and which nothing else
  // may read meanwhile. Throws std::system_error if no thread can be started
  // (the source is then untouched).
  explicit Prefetcher(RawInput& source);
  ~Prefetcher();
  Prefetcher(const Prefetcher&) = delete;
  Prefetcher& operator=(const Prefetcher&) = delete;

  struct Chunk {
    std::unique_ptr<char[]> buffer;  // kBufferBytes; the data starts at kHeadroom
    size_t size = 0;                 // bytes of data; 0: the input ended (or failed)
  };
  // The next chunk, once it is read. After the last one: size 0, and then
  // error() says whether the input failed, cut_short() whether it was cut short.
  Chunk next();
  // A buffer of kBufferBytes for the thread to fill again.
  void recycle(std::unique_ptr<char[]> buffer);
  std::string error() const;
  bool cut_short() const;

 private:
  void loop();
  // Up to kChunkBytes at `data`, from the source: how many, and whether the
  // input ended or failed after them.
  struct Filled {
    size_t size = 0;
    bool at_end = false;
    std::string failure;  // not empty: the input failed
  };
  Filled fill(char* data);

  RawInput& source_;  // only the thread reads it
  mutable std::mutex mutex_;
  std::condition_variable ready_changed_;  // for next()
  std::condition_variable free_changed_;   // for the thread
  std::deque<Chunk> ready_;
  std::vector<std::unique_ptr<char[]>> free_;
  bool ended_ = false;  // the thread met the end or an error: nothing more comes
  bool stop_ = false;
  std::string error_;
  bool cut_short_ = false;
  std::thread thread_;
};

}  // namespace wasmrr::trace
