// Zstandard (RFC 8878) for compressed traces (.json.zst, .cbor.zst): the
// writer's compressor, and a RawInput that decompresses another one.
//
// The writer compresses what it has buffered at each flush and ends the zstd
// block there (ZSTD_e_flush): everything flushed is decodable from the file
// alone, without the frame's end, so a killed recording is readable up to its
// last flush, as an uncompressed one. One frame spans the whole trace (the
// compression keeps its history across flushes); close() ends it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "trace/raw_input.h"

namespace wasmrr::trace {

// The first four bytes of a zstd frame (0xFD2FB528, little-endian), and of a
// skippable frame (0x184D2A50..5F).
bool looks_like_zstd(std::string_view first4);

class ZstdCompressor {
 public:
  // zstd's fastest level: on traces (many similar lines) it compresses
  // better than levels 2-7 too (a clock event: under 4 bytes; bench/rr.py).
  static constexpr int kLevel = 1;
  ZstdCompressor();
  ~ZstdCompressor();
  ZstdCompressor(const ZstdCompressor&) = delete;
  ZstdCompressor& operator=(const ZstdCompressor&) = delete;

  // Compresses `in`, ending a block (flush) or the frame (end); the
  // compressed bytes replace `out`'s contents. False on an error (error()).
  bool compress(std::string_view in, bool end, std::string& out);
  const std::string& error() const { return error_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string error_;
};

// Decompresses `source` (one zstd frame or several in a row). An input that
// ends inside a frame (a recording that was killed) ends there: read()
// returns 0 after the last byte it could decode, and cut_short() is then
// true. Data that is not valid zstd is an error (read() returns -1).
// Memory is flat: an input buffer, and the frame's window (at most 128 MiB by
// the frame's own declaration; traces wasm-rr writes use 2 MiB or less).
std::unique_ptr<RawInput> zstd_input(std::unique_ptr<RawInput> source);

}  // namespace wasmrr::trace
