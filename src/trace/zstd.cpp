#include "trace/zstd.h"

#include <zstd.h>

#include <cstring>

#include <fmt/format.h>

namespace wasmrr::trace {

bool looks_like_zstd(std::string_view b) {
  if (b.size() < 4) return false;
  uint32_t magic = static_cast<uint32_t>(static_cast<uint8_t>(b[0])) | static_cast<uint32_t>(static_cast<uint8_t>(b[1])) << 8 |
                   static_cast<uint32_t>(static_cast<uint8_t>(b[2])) << 16 | static_cast<uint32_t>(static_cast<uint8_t>(b[3])) << 24;
  return magic == ZSTD_MAGICNUMBER || (magic & ZSTD_MAGIC_SKIPPABLE_MASK) == ZSTD_MAGIC_SKIPPABLE_START;
}

// --- writing -----------------------------------------------------------------

struct ZstdCompressor::Impl {
  ZSTD_CCtx* cctx = nullptr;
  ~Impl() { ZSTD_freeCCtx(cctx); }
};

ZstdCompressor::ZstdCompressor() : impl_(std::make_unique<Impl>()) {
  impl_->cctx = ZSTD_createCCtx();
  if (!impl_->cctx) {
    error_ = "cannot allocate a zstd compressor";
    return;
  }
  ZSTD_CCtx_setParameter(impl_->cctx, ZSTD_c_compressionLevel, kLevel);
  ZSTD_CCtx_setParameter(impl_->cctx, ZSTD_c_checksumFlag, 1);
}

ZstdCompressor::~ZstdCompressor() = default;

bool ZstdCompressor::compress(std::string_view in, bool end, std::string& out) {
  out.clear();
  if (!impl_->cctx) return false;
  ZSTD_inBuffer input{in.data(), in.size(), 0};
  ZSTD_EndDirective mode = end ? ZSTD_e_end : ZSTD_e_flush;
  // Enough for the input in one pass, in the usual case.
  size_t chunk = ZSTD_compressBound(in.size()) + 64;
  while (true) {
    size_t used = out.size();
    out.resize(used + chunk);
    ZSTD_outBuffer output{out.data() + used, chunk, 0};
    size_t left = ZSTD_compressStream2(impl_->cctx, &output, &input, mode);
    out.resize(used + output.pos);
    if (ZSTD_isError(left)) {
      error_ = fmt::format("zstd: {}", ZSTD_getErrorName(left));
      return false;
    }
    if (left == 0) return true;  // all of `in` is out, the block (or frame) ended
    chunk = std::max(left, size_t{4096});
  }
}

// --- reading -----------------------------------------------------------------

namespace {

class ZstdInput final : public RawInput {
 public:
  explicit ZstdInput(std::unique_ptr<RawInput> source)
      : source_(std::move(source)), dctx_(ZSTD_createDCtx()), in_buf_(new char[ZSTD_DStreamInSize()]) {
    if (dctx_) ZSTD_DCtx_setParameter(dctx_, ZSTD_d_windowLogMax, 27);  // 128 MiB
  }
  ~ZstdInput() override { ZSTD_freeDCtx(dctx_); }
  ZstdInput(const ZstdInput&) = delete;
  ZstdInput& operator=(const ZstdInput&) = delete;

  ssize_t read(char* buf, size_t n) override {
    if (!dctx_) {
      error_ = "cannot allocate a zstd decompressor";
      return -1;
    }
    if (!error_.empty()) return -1;
    while (true) {
      ZSTD_outBuffer out{buf, n, 0};
      size_t before = in_.pos;
      if (in_.pos < in_.size || !at_frame_end_) {
        size_t r = ZSTD_decompressStream(dctx_, &out, &in_);
        if (ZSTD_isError(r)) {
          error_ = fmt::format("invalid zstd data: {}", ZSTD_getErrorName(r));
          return -1;
        }
        // The frame ended when a call that did something says so.
        if (out.pos > 0 || in_.pos > before) at_frame_end_ = r == 0;
        if (out.pos > 0) return static_cast<ssize_t>(out.pos);
        if (in_.pos < in_.size) continue;  // headers and such: nothing to give yet
      }
      if (eof_) return 0;
      ssize_t got = source_->read(in_buf_.get(), ZSTD_DStreamInSize());
      if (got < 0) {
        error_ = source_->error();
        if (error_.empty()) error_ = "read error";
        return -1;
      }
      if (got == 0) {
        eof_ = true;
        cut_short_ = !at_frame_end_;
        return 0;
      }
      in_ = ZSTD_inBuffer{in_buf_.get(), static_cast<size_t>(got), 0};
    }
  }
  std::string error() const override { return error_; }
  bool cut_short() const override { return cut_short_; }

 private:
  std::unique_ptr<RawInput> source_;
  ZSTD_DCtx* dctx_;
  std::unique_ptr<char[]> in_buf_;
  ZSTD_inBuffer in_{nullptr, 0, 0};
  bool at_frame_end_ = false;  // nothing started yet counts as inside: an input must hold a frame
  bool eof_ = false;
  bool cut_short_ = false;
  std::string error_;
};

}  // namespace

std::unique_ptr<RawInput> zstd_input(std::unique_ptr<RawInput> source) {
  return std::make_unique<ZstdInput>(std::move(source));
}

}  // namespace wasmrr::trace
