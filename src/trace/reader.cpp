#include "trace/reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#include "trace/json_bytes.h"
#include "trace/pack.h"
#include "trace/parse.h"
#include "trace/prefetch.h"
#include "trace/zstd.h"

namespace wasmrr::trace {

// The input, read once through one buffer. Bytes stay in the buffer from the
// read position on, so an element can be scanned to its end before it is
// consumed, and the bytes of the element consumed last can be given back
// (unconsume) as long as nothing was read since.
class InputBuffer final : public RawInput {
 public:
  explicit InputBuffer(std::unique_ptr<RawInput> source) : source_(std::move(source)) {}
  InputBuffer(const InputBuffer&) = delete;
  InputBuffer& operator=(const InputBuffer&) = delete;

  // At least n bytes from the read position, or false (at the end of the
  // input, or on an error: see error()).
  bool need(size_t n) { return end_ - pos_ >= n || fill(n); }
  const char* data() const { return buf_.get() + pos_; }
  size_t available() const { return end_ - pos_; }
  void consume(size_t n) {
    pos_ += n;
    offset_ += n;
  }
  void unconsume(size_t n) {
    pos_ -= n;
    offset_ -= n;
  }
  uint64_t offset() const { return offset_; }  // bytes consumed since the start
  const std::string& error_text() const { return error_; }

  // As a RawInput, for a pack read from this input (the pack's first block
  // was looked at through the buffer already).
  ssize_t read(char* buf, size_t n) override {
    if (!need(1)) return error_.empty() ? 0 : -1;
    size_t take = std::min(n, available());
    std::memcpy(buf, data(), take);
    consume(take);
    return static_cast<ssize_t>(take);
  }
  std::string error() const override { return error_; }
  bool cut_short() const override { return eof_ && (prefetcher_ ? prefetcher_->cut_short() : source_->cut_short()); }

  // From here on the source is read ahead on a thread (trace/prefetch.h):
  // only for one whose reads never block for long. Without a thread to be
  // had, it is read here, as before.
  void start_prefetch() {
    if (prefetcher_ || eof_ || !error_.empty()) return;
    try {
      prefetcher_ = std::make_unique<Prefetcher>(*source_);
    } catch (const std::system_error&) {
    }
  }

  // The next line: its length without the newline, and whether a newline ends
  // it (not for the input's last line). False at the end of the input.
  bool line(size_t& len, bool& newline) {
    size_t scanned = 0;
    while (true) {
      if (available() > scanned) {
        const void* nl = std::memchr(data() + scanned, '\n', available() - scanned);
        if (nl) {
          len = static_cast<size_t>(static_cast<const char*>(nl) - data());
          newline = true;
          return true;
        }
        scanned = available();
      }
      if (scanned > kMaxElementBytes) {
        error_ = fmt::format("a line longer than {} MiB (no trace element is that large)", kMaxElementBytes >> 20);
        return false;
      }
      if (!need(scanned + 1)) {
        if (scanned == 0 || !error_.empty()) return false;
        len = scanned;
        newline = false;
        return true;
      }
    }
  }

 private:
  static constexpr size_t kInitial = 256 << 10;
  static constexpr size_t kMinRead = 64 << 10;
  static constexpr size_t kShrinkAbove = 8 << 20;

  bool fill(size_t n) {
    while (end_ - pos_ < n) {
      if (eof_ || !error_.empty()) return false;
      if (prefetcher_) {
        take_chunk();
        continue;
      }
      if (cap_ - end_ < kMinRead || cap_ - pos_ < n) make_room(n);
      ssize_t got = source_->read(buf_.get() + end_, cap_ - end_);
      if (got < 0) {
        error_ = source_->error();
        if (error_.empty()) error_ = "read error";
        return false;
      }
      if (got == 0) {
        eof_ = true;
        return false;
      }
      end_ += static_cast<size_t>(got);
    }
    return true;
  }

  // The prefetcher's next chunk after the live bytes. Usually the chunk
  // becomes the buffer, the live bytes (the start of an element) copied into
  // its headroom; after more live bytes than that (a large element), the
  // chunk is copied into the buffer instead, as a read into it would have been.
  void take_chunk() {
    Prefetcher::Chunk chunk = prefetcher_->next();
    if (chunk.size == 0) {
      error_ = prefetcher_->error();
      eof_ = error_.empty();
      return;
    }
    const size_t live = end_ - pos_;
    const char* data = chunk.buffer.get() + Prefetcher::kHeadroom;
    if (live <= Prefetcher::kHeadroom) {
      char* start = chunk.buffer.get() + Prefetcher::kHeadroom - live;
      if (live) std::memcpy(start, buf_.get() + pos_, live);
      const bool recyclable = cap_ == Prefetcher::kBufferBytes;  // a chunk's buffer, not the first or make_room's
      std::unique_ptr<char[]> old = std::exchange(buf_, std::move(chunk.buffer));
      cap_ = Prefetcher::kBufferBytes;
      pos_ = Prefetcher::kHeadroom - live;
      end_ = Prefetcher::kHeadroom + chunk.size;
      prefetcher_->recycle(recyclable ? std::move(old) : std::unique_ptr<char[]>(new char[Prefetcher::kBufferBytes]));
      return;
    }
    if (cap_ - end_ < chunk.size) make_room(live + chunk.size);
    std::memcpy(buf_.get() + end_, data, chunk.size);
    end_ += chunk.size;
    prefetcher_->recycle(std::move(chunk.buffer));
  }

  // Moves the live bytes to the front, growing the buffer for n of them plus
  // a read, or shrinking it after a large element.
  void make_room(size_t n) {
    size_t live = end_ - pos_;
    size_t want = std::max(n, live) + kMinRead;
    size_t cap = cap_;
    if (want > cap) cap = std::max({want, cap * 2, kInitial});
    else if (cap > kShrinkAbove && want < cap / 4) cap = std::max(want * 2, kInitial);
    if (cap == cap_) {
      if (pos_ > 0) std::memmove(buf_.get(), buf_.get() + pos_, live);
    } else {
      std::unique_ptr<char[]> grown(new char[cap]);
      if (live) std::memcpy(grown.get(), buf_.get() + pos_, live);
      buf_ = std::move(grown);
      cap_ = cap;
    }
    pos_ = 0;
    end_ = live;
  }

  std::unique_ptr<RawInput> source_;
  std::unique_ptr<Prefetcher> prefetcher_;  // if set, the only reader of source_ (destroyed first)
  std::unique_ptr<char[]> buf_;
  size_t cap_ = 0, pos_ = 0, end_ = 0;
  uint64_t offset_ = 0;
  bool eof_ = false;
  std::string error_;
};

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// The free-layout JSON reader's view of the input, counting lines.
class LineCountingSource : public ByteSource {
 public:
  LineCountingSource(InputBuffer& in, uint64_t& line) : in_(in), line_(line) {}
  // An element may be at most kMaxElementBytes: past that, the input ends here.
  void start_element() { limit_ = in_.offset() + kMaxElementBytes; }
  bool too_large() const { return in_.offset() >= limit_; }
  int peek() override {
    if (too_large()) return -1;
    return in_.need(1) ? static_cast<uint8_t>(in_.data()[0]) : -1;
  }
  void advance() override {
    if (in_.data()[0] == '\n') line_++;
    in_.consume(1);
  }
  uint64_t consumed() const override { return in_.offset(); }
  void skip_space() {
    int c;
    while ((c = peek()) >= 0 && is_space(static_cast<char>(c))) advance();
  }

 private:
  InputBuffer& in_;
  uint64_t& line_;
  uint64_t limit_ = UINT64_MAX;
};

// CBOR (RFC 8949) item structure, checked before anything is parsed: heads,
// lengths, nesting, and integers nlohmann would wrap (a negative integer below
// -2^63 comes out of from_cbor as a positive one).
enum class Scan : uint8_t { Ok, End, Invalid };

class CborScanner {
 public:
  // `names`: where a compact event's names are defined as they are scanned
  // (trace/compact.h); its numbers are checked where they are used.
  CborScanner(InputBuffer& in, CompactNames& names) : in_(in), names_(names) {}

  // What an item is to a compact event: a name is defined where it is text.
  enum class Role : uint8_t { Value, Key, Function };

  // Scans the element at `off`, leaving `off` just after it.
  Scan element(size_t& off) {
    if (!need(off, 1)) return end();
    compact_ = (at(off) >> 5) == 4;  // an array: a compact event
    if (compact_ && flat_event(off)) return Scan::Ok;
    return item(off, 0);
  }

  // The usual compact event — a numbered function, numbers and byte strings,
  // already buffered — measured without the general walk (it defines no name).
  bool flat_event(size_t& off) {
    size_t avail = in_.available(), pos = off + 1;
    uint8_t head = at(off);
    if ((head & 31) >= 24) return false;
    for (size_t i = 0; i < (head & 31u); i++) {
      if (pos >= avail) return false;
      uint8_t h = at(pos++), major = h >> 5, info = h & 31;
      if (info >= 28 || (major != 0 && major != 2 && major != 7) || (major == 7 && info >= 25)) return false;
      uint64_t arg = info;
      if (info >= 24) {
        size_t n = size_t{1} << (info - 24);
        if (avail - pos < n) return false;
        arg = 0;
        for (size_t k = 0; k < n; k++) arg = (arg << 8) | at(pos + k);
        pos += n;
      }
      if (major == 2) {
        if (arg > avail - pos) return false;
        pos += arg;
      }
    }
    off = pos;
    return true;
  }

 private:
  // Scans the item at `off`, leaving `off` just after it.
  Scan item(size_t& off, size_t depth, Role role = Role::Value) {
    if (depth > kMaxNesting) return invalid(fmt::format("values nested more than {} levels deep", kMaxNesting));
    if (!need(off, 1)) return end();
    uint8_t head = at(off++);
    uint8_t major = head >> 5, info = head & 31;
    uint64_t arg = info;
    bool indefinite = false;
    if (info >= 24 && info <= 27) {
      size_t n = size_t{1} << (info - 24);
      if (!need(off, n)) return end();
      arg = 0;
      for (size_t i = 0; i < n; i++) arg = (arg << 8) | at(off + i);
      off += n;
    } else if (info >= 28 && info <= 30) {
      return invalid(fmt::format("reserved additional information {} in the head 0x{:02x}", info, head));
    } else if (info == 31) {
      indefinite = true;
      if (major == 0 || major == 1 || major == 6) return invalid(fmt::format("the head 0x{:02x} is not well-formed", head));
    }
    switch (major) {
      case 0: return Scan::Ok;
      case 1:
        if (arg > static_cast<uint64_t>(INT64_MAX))
          return invalid(fmt::format("the integer -1-{} is out of range (below -2^63)", arg));
        return Scan::Ok;
      case 2: case 3:
        if (indefinite) {
          while (true) {  // definite-length chunks of the same type, then a break
            if (!need(off, 1)) return end();
            uint8_t chunk = at(off);
            if (chunk == 0xff) {
              off++;
              return Scan::Ok;
            }
            if ((chunk >> 5) != major || (chunk & 31) == 31) return invalid("a bad chunk in an indefinite-length string");
            if (Scan s = item(off, depth + 1); s != Scan::Ok) return s;
          }
        }
        if (arg > kMaxElementBytes) return invalid(fmt::format("a string of {} bytes (larger than any trace element)", arg));
        if (!need(off, arg)) return end();
        if (major == 3 && role != Role::Value) define(role, std::string_view(in_.data() + off, arg));
        off += arg;
        return Scan::Ok;
      case 4: case 5: {
        if (indefinite) {
          for (uint64_t n = 0;; n++) {
            if (!need(off, 1)) return end();
            if (at(off) == 0xff) {
              if (major == 5 && n % 2) return invalid("a map with a key but no value");
              off++;
              return Scan::Ok;
            }
            if (Scan s = item(off, depth + 1); s != Scan::Ok) return s;
          }
        }
        if (arg > kMaxElementBytes)
          return invalid(fmt::format("{} declaring {} entries (more than any trace element holds)",
                                     major == 4 ? "an array" : "a map", arg));
        uint64_t items = major == 5 ? arg * 2 : arg;
        for (uint64_t i = 0; i < items; i++) {
          Role r = !compact_ ? Role::Value
                   : major == 5 && i % 2 == 0 ? Role::Key
                   : depth == 0 && i == 0 ? Role::Function : Role::Value;
          if (Scan s = item(off, depth + 1, r); s != Scan::Ok) return s;
        }
        return Scan::Ok;
      }
      case 6: return item(off, depth + 1);  // a tag and its item (the parser refuses tags)
      default:
        if (indefinite) return invalid("a break (0xff) outside an indefinite-length item");
        return Scan::Ok;  // simple values and floats
    }
  }


 public:
  const std::string& error() const { return error_; }

 private:
  void define(Role role, std::string_view name) {
    if (role == Role::Key) names_.define_key(name);
    else names_.define_function(name);
  }
  bool need(size_t off, uint64_t n) {
    if (off + n > kMaxElementBytes) {
      too_large_ = true;
      return false;
    }
    return in_.need(off + static_cast<size_t>(n));
  }
  uint8_t at(size_t off) const { return static_cast<uint8_t>(in_.data()[off]); }
  Scan end() {
    if (too_large_) return invalid(fmt::format("an element larger than {} MiB", kMaxElementBytes >> 20));
    return Scan::End;
  }
  Scan invalid(std::string why) {
    error_ = std::move(why);
    return Scan::Invalid;
  }

  InputBuffer& in_;
  CompactNames& names_;
  bool compact_ = false;
  std::string error_;
  bool too_large_ = false;
};

}  // namespace

Result<std::unique_ptr<TraceReader>> TraceReader::open(const std::string& path) {
  int fd = 0;
  bool owned = false;
  if (path != "-") {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return make_error(fmt::format("cannot open trace `{}`: {}", path, std::strerror(errno)));
    owned = true;
  }
  auto in = std::make_unique<InputBuffer>(fd_input(fd, owned));
  struct stat st {};
  std::optional<uint64_t> size;
  if (::fstat(fd, &st) == 0) {
    if (S_ISDIR(st.st_mode)) return make_error(fmt::format("cannot read trace `{}`: it is a directory", path));
    if (S_ISREG(st.st_mode)) size = static_cast<uint64_t>(st.st_size);
  }
  // A pack (trace/pack.h): its trace member is read instead, streaming.
  bool packed = in->need(kTarBlock) && looks_like_tar(std::string_view(in->data(), kTarBlock));
  if (packed) {
    auto pack = PackReader::open(std::move(in), path);
    if (!pack) return pack.error();
    auto member = PackReader::trace_input(std::move(*pack));
    if (!member) return member.error();
    in = std::make_unique<InputBuffer>(std::move(member->input));
    size = member->size;
  }
  // A zstd-compressed trace (trace/zstd.h), also inside a pack: its
  // decompressed bytes are read instead, streaming.
  Compression compression = Compression::None;
  if (in->need(4) && looks_like_zstd(std::string_view(in->data(), 4))) {
    in = std::make_unique<InputBuffer>(zstd_input(std::move(in)));
    compression = Compression::Zstd;
  }
  // Leading whitespace (a JSON trace may start with blank lines), then the first byte decides.
  uint64_t newlines = 0;
  while (in->need(1) && is_space(in->data()[0])) {
    newlines += in->data()[0] == '\n';
    in->consume(1);
  }
  if (!in->error_text().empty()) return make_error(fmt::format("cannot read trace `{}`: {}", path, in->error_text()));
  // A file's reads never block for long: the rest of a large one is read
  // ahead (not a pipe's; a small file is read whole by the first read).
  if (S_ISREG(st.st_mode) && static_cast<uint64_t>(st.st_size) > Prefetcher::kChunkBytes) in->start_prefetch();
  if (!in->need(1)) {
    if (!in->error_text().empty()) return make_error(fmt::format("cannot read trace `{}`: {}", path, in->error_text()));
    return make_error(fmt::format("trace `{}` is empty{}", path, in->cut_short() ? " (a zstd stream cut short before any data)" : ""));
  }
  auto c = static_cast<uint8_t>(in->data()[0]);
  Format format;
  if (c == '[' || c == '{') format = Format::Json;
  else if ((c & 0xe0) == 0xa0) format = Format::Cbor;  // CBOR map (major type 5)
  else return make_error(fmt::format("`{}` is not a wasm-rr trace (neither JSON nor CBOR: first byte 0x{:02x})", path, c));
  auto reader = std::unique_ptr<TraceReader>(new TraceReader(path, format, std::move(in)));
  reader->file_size_ = size;
  reader->packed_ = packed;
  reader->compression_ = compression;
  reader->line_number_ = newlines;
  return reader;
}

TraceReader::TraceReader(std::string path, Format format, std::unique_ptr<InputBuffer> in)
    : path_(std::move(path)), format_(format), in_(std::move(in)) {}

TraceReader::~TraceReader() = default;

bool TraceReader::truncated() const { return truncated_ || in_->cut_short(); }

Result<std::optional<Json>> TraceReader::next() {
  Result<std::optional<Json>> r = std::optional<Json>();
  if (format_ == Format::Cbor) {
    auto text = next_cbor_text();
    if (!text) return text.error();
    if (text->end) return std::optional<Json>();
    r = cbor_result(parse_cbor_element(text->text));
    if (r && *r) notify(**r);
  } else if (free_) {
    r = next_free();
  } else {
    std::string_view text;
    auto more = read_line(text);
    if (!more) return more.error();
    if (!*more) r = free_ ? next_free() : std::optional<Json>();
    else r = parse_line(text, /*counted=*/false);
  }
  if (r && *r) position_++;
  return r;
}

// --- JSON, one element per line (what TraceWriter writes) ---------------------

Result<bool> TraceReader::read_line(std::string_view& text) {
  while (true) {
    if (expect_ == Expect::Done) {
      WASMRR_TRY(check_trailing(line_number_ + 1));
      return false;
    }
    if (expect_ == Expect::Separator) {  // the last element's line had no `,` or `]`
      // At the end of the input (a killed recording), the trace is cut short
      // here, which the replayer wants to know at once; otherwise the layout
      // is not one element per line after all: read on value by value.
      size_t i = 0;
      while (i < (size_t{1} << 20) && in_->need(i + 1) && is_space(in_->data()[i])) i++;
      if (!in_->need(i + 1)) {
        if (!in_->error_text().empty()) return make_error(fmt::format("reading trace `{}`: {}", path_, in_->error_text()));
        truncated_ = true;
        return false;
      }
      switch_to_free(false);
      return false;
    }
    size_t len;
    bool newline;
    if (!in_->line(len, newline)) {
      if (!in_->error_text().empty()) return make_error(fmt::format("reading trace `{}`: {}", path_, in_->error_text()));
      truncated_ = true;  // no closing bracket: the recording did not finish
      return false;
    }
    line_number_++;
    line_bytes_ = len + newline;
    line_newline_ = newline;
    // Whether anything follows this line, known before it is consumed (a read
    // now could move the line's bytes, which a fallback to free mode needs).
    line_more_ = newline && in_->need(line_bytes_ + 1);
    text = trim(std::string_view(in_->data(), len));
    in_->consume(line_bytes_);
    expect_before_ = expect_;
    if (expect_ == Expect::Open) {
      if (text.empty()) continue;
      if (text.front() != '[') return make_error(fmt::format("`{}`: a JSON trace must be an array", path_));
      text.remove_prefix(1);
      text = trim(text);
      expect_ = Expect::FirstValue;
    }
    if (text.empty()) continue;
    line_last_ = line_comma_ = false;
    if (text.back() == ',') {
      text.remove_suffix(1);
      line_comma_ = true;
    } else if (text.back() == ']') {
      text.remove_suffix(1);
      line_last_ = true;
    }
    text = trim(text);
    if (text.empty()) {
      if (line_last_ && expect_ == Expect::FirstValue) {  // `[]`, or a `]` alone after `[`
        expect_ = Expect::Done;
        continue;
      }
      return make_error(fmt::format("`{}` line {}: invalid JSON: {}", path_, line_number_,
                                    line_last_ ? "`]` after `,` (an element is missing)" : "`,` without an element"));
    }
    return true;
  }
}

void TraceReader::accept_line() {
  expect_ = line_last_ ? Expect::Done : line_comma_ ? Expect::Value : Expect::Separator;
}

// `counted`: next_text() already counted this element in position_ and accepted its line.
Result<std::optional<Json>> TraceReader::parse_line(std::string_view text, bool counted) {
  // Bounded parse: nesting, UTF-8 and memory are checked as it goes (parse.h).
  Parsed parsed = parse_json_text(text);
  if (parsed.status != Parsed::Status::Ok) {
    if (parsed.bound) return make_error(fmt::format("`{}` line {}: invalid JSON: {}", path_, line_number_, parsed.error));
    if (counted) position_--;
    if (parsed.status == Parsed::Status::EndOfInput && !line_more_) {
      truncated_ = true;  // a half-written last line
      return std::optional<Json>();
    }
    // Not one element per line (pretty-printed, hand-edited, all on one
    // line), or broken: read on value by value from this line, which reports
    // what is wrong, and where.
    expect_ = expect_before_;
    switch_to_free(true);
    auto el = next_free();
    if (counted && el && *el) position_++;
    return el;
  }
  Json j = std::move(parsed.value);
  if (!counted) accept_line();
  try {
    bytes_from_text_model(j);
  } catch (const std::exception& e) {
    return make_error(fmt::format("`{}` line {}: {}", path_, line_number_, e.what()));
  }
  if (!counted) notify(j);
  return std::optional<Json>(std::move(j));
}

Result<void> TraceReader::check_trailing(uint64_t line) {
  if (trailing_checked_) return {};
  while (in_->need(1)) {
    char c = in_->data()[0];
    if (!is_space(c))
      return make_error(fmt::format("`{}` line {}: unexpected text after the closing `]` of the trace", path_, line));
    line += c == '\n';
    in_->consume(1);
  }
  if (!in_->error_text().empty()) return make_error(fmt::format("reading trace `{}`: {}", path_, in_->error_text()));
  trailing_checked_ = true;
  return {};
}

// --- JSON laid out otherwise: value by value ----------------------------------

void TraceReader::switch_to_free(bool rewind_line) {
  free_ = true;
  if (rewind_line) {
    in_->unconsume(line_bytes_);
    free_line_ = line_number_;
    line_number_--;
  } else {
    free_line_ = line_number_ + (line_newline_ ? 1 : 0);
  }
}

Result<std::optional<Json>> TraceReader::next_free() {
  LineCountingSource src(*in_, free_line_);
  uint64_t first_line = free_line_;  // where the element starts
  auto fail = [&](std::string_view what) {
    std::string where = first_line == free_line_ ? "" : fmt::format(" (in the element from line {})", first_line);
    return make_error(fmt::format("`{}` line {}: invalid JSON{}: {}", path_, free_line_, where, what));
  };
  while (true) {
    src.skip_space();
    first_line = free_line_;
    if (!in_->error_text().empty()) return make_error(fmt::format("reading trace `{}`: {}", path_, in_->error_text()));
    int c = src.peek();
    switch (expect_) {
      case Expect::Open:
        if (c < 0) return make_error(fmt::format("trace `{}` is empty", path_));
        if (c != '[') return make_error(fmt::format("`{}`: a JSON trace must be an array", path_));
        src.advance();
        expect_ = Expect::FirstValue;
        continue;
      case Expect::Separator:
        if (c < 0) break;
        if (c == ',') {
          src.advance();
          expect_ = Expect::Value;
          continue;
        }
        if (c == ']') {
          src.advance();
          expect_ = Expect::Done;
          continue;
        }
        return fail("expected `,` or `]` after an element");
      case Expect::Done:
        WASMRR_TRY(check_trailing(free_line_));
        return std::optional<Json>();
      case Expect::FirstValue:
      case Expect::Value:
        if (c == ']') {
          if (expect_ == Expect::Value) return fail("`]` after `,` (an element is missing)");
          src.advance();
          expect_ = Expect::Done;
          continue;
        }
        if (c == '-' || (c >= '0' && c <= '9')) return fail("an element must be an object, not a number");
        break;
    }
    if (c < 0) {  // the file ends where an element or separator should be
      truncated_ = true;
      return std::optional<Json>();
    }
    src.start_element();
    Parsed parsed = parse_json_prefix(src);
    if (!in_->error_text().empty()) return make_error(fmt::format("reading trace `{}`: {}", path_, in_->error_text()));
    if (src.too_large()) return fail(fmt::format("an element larger than {} MiB", kMaxElementBytes >> 20));
    if (parsed.status == Parsed::Status::EndOfInput) {
      truncated_ = true;
      return std::optional<Json>();
    }
    if (parsed.status != Parsed::Status::Ok) return fail(parsed.error);
    Json j = std::move(parsed.value);
    expect_ = Expect::Separator;
    try {
      bytes_from_text_model(j);
    } catch (const std::exception& e) {
      return make_error(fmt::format("`{}` line {}: {}", path_, first_line, e.what()));
    }
    notify(j);
    return std::optional<Json>(std::move(j));
  }
}

// --- the text interface (the replayer's fast path) -----------------------------

Result<TraceReader::Text> TraceReader::next_text() {
  Text out;
  if (format_ == Format::Cbor) {
    auto text = next_cbor_text();
    if (!text) return text.error();
    if (!text->end) {
      position_++;
      notify_text(text->text);
    }
    return text;
  }
  if (free_) return out;
  std::string_view text;
  auto more = read_line(text);
  if (!more) return more.error();
  if (!*more) {
    if (free_) return out;  // not available: next() reads on
    out.available = out.end = true;
    return out;
  }
  out.available = true;
  out.text = text;
  position_++;
  accept_line();
  notify_text(text);
  return out;
}

Result<std::optional<Json>> TraceReader::parse_text(std::string_view text) {
  if (format_ == Format::Cbor) {
    position_--;  // next_text() counted the item; count it again only if it parses
    auto r = cbor_result(parse_cbor_element(text));
    if (r && *r) position_++;
    return r;
  }
  return parse_line(text, /*counted=*/true);
}

void TraceReader::notify_text(std::string_view text) {
  if (!observer_) return;
  std::string_view function;
  if (format_ == Format::Cbor && is_compact_event(text)) function = compact_event_function(text, names_);
  if (!observer_->wants(text, function)) return;
  Parsed parsed = format_ == Format::Json ? parse_json_text(text) : parse_cbor_element(text);
  if (parsed.status != Parsed::Status::Ok) return;  // the element's reader reports it (or reads on)
  try {
    if (format_ == Format::Json) bytes_from_text_model(parsed.value);
  } catch (const std::exception&) {
    return;
  }
  observer_->element(parsed.value);
}

// --- CBOR: a sequence of items --------------------------------------------------

Result<TraceReader::Text> TraceReader::next_cbor_text() {
  Text out;
  out.available = true;
  if (!in_->need(1)) {
    if (!in_->error_text().empty()) return make_error(fmt::format("reading trace `{}`: {}", path_, in_->error_text()));
    // CBOR sequences have no closing mark; a complete trace ends with its end
    // element, which the replayer checks (a compressed stream knows when it
    // was cut short: truncated()).
    out.end = true;
    return out;
  }
  CborScanner scanner(*in_, names_);
  size_t off = 0;
  switch (scanner.element(off)) {
    case Scan::Ok: break;
    case Scan::End:
      if (!in_->error_text().empty()) return make_error(fmt::format("reading trace `{}`: {}", path_, in_->error_text()));
      truncated_ = true;  // the recording was killed in the middle of an item
      out.end = true;
      return out;
    case Scan::Invalid: return make_error(cbor_error(scanner.error()));
  }
  out.text = std::string_view(in_->data(), off);
  in_->consume(off);
  cbor_size_ = off;
  // A compact event (trace/compact.h) defined its names as it was scanned,
  // whichever way it is then parsed (or not, on the replayer's fast path).
  return out;
}

std::string_view TraceReader::peek_cbor() {
  if (!in_->need(1)) return {};
  return std::string_view(in_->data(), in_->available());
}

void TraceReader::take_cbor(size_t size) {
  std::string_view text(in_->data(), size);
  position_++;
  notify_text(text);
  in_->consume(size);
  cbor_size_ = size;
}

std::string_view TraceReader::peek_json() {
  if (format_ != Format::Json || free_ || expect_ != Expect::Value || !in_->need(1)) return {};
  return std::string_view(in_->data(), in_->available());
}

void TraceReader::take_json_line(size_t size) {
  line_number_++;
  line_bytes_ = size + 1;
  line_newline_ = line_comma_ = true;
  line_last_ = false;
  line_more_ = in_->available() > line_bytes_;
  expect_before_ = expect_;
  position_++;
  accept_line();
  notify_text(std::string_view(in_->data(), size - 1));  // the element, without its `,`
  in_->consume(line_bytes_);
}

Parsed TraceReader::parse_cbor_element(std::string_view text) {
  if (!is_compact_event(text)) return parse_cbor_bytes(text);
  return parse_compact_event(text, names_, expanded_);
}

std::string TraceReader::cbor_error(std::string_view what) const {
  return fmt::format("`{}`: invalid CBOR after element {}: {}", path_, position_, what);
}

Result<std::optional<Json>> TraceReader::cbor_result(Parsed parsed) {
  if (parsed.status == Parsed::Status::EndOfInput) {
    truncated_ = true;
    return std::optional<Json>();
  }
  if (parsed.status != Parsed::Status::Ok) return make_error(cbor_error(parsed.error));
  return std::optional<Json>(std::move(parsed.value));
}

}  // namespace wasmrr::trace
