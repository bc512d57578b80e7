// Reads a trace one element at a time, in one pass over the input, so that it
// can come from a file, a pipe, a FIFO or stdin (`-`). The format is recognised
// from the first bytes (JSON starts with `[`; CBOR with a map), so a renamed
// file still reads. A file that ends in the middle of an element (a recording
// that was killed) reads up to its last whole element and then reports
// truncated(). A pack (.wasmrr, trace/pack.h) reads as the trace it holds; a
// zstd-compressed trace (trace/zstd.h) as the trace it decompresses to.
//
// Memory: the input is read through one buffer that holds at most the element
// being read (it grows for a large element); a parsed element is bounded by
// parse_budget() of its encoded size (trace/parse.h); an encoded element is at
// most kMaxElementBytes.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "trace/compact.h"
#include "trace/parse.h"
#include "trace/trace.h"

namespace wasmrr::trace {

// No element of a real trace comes near this (host reads are at most 1 MiB;
// a 64 MiB result is the largest the tests use); it bounds a declared CBOR
// length and an element line, whatever the input is.
constexpr uint64_t kMaxElementBytes = 1ull << 30;

class InputBuffer;  // reader.cpp

// Sees every element the reader reads, once, as it is read (e.g. to gather
// what `--files-written` prints during a replay's one pass over the trace).
class ElementObserver {
 public:
  virtual ~ElementObserver() = default;
  // Whether an element given as text (next_text()) is of interest: only then
  // is it parsed for element(). `encoded` is its JSON text or CBOR bytes;
  // `function` the name of a compact CBOR event's function (trace/compact.h),
  // which its bytes may give only as a number, and empty for other elements.
  virtual bool wants(std::string_view encoded, std::string_view function) {
    (void)encoded, (void)function;
    return true;
  }
  virtual void element(const Json& j) = 0;
};

class TraceReader {
 public:
  // `path` may be `-`: standard input. Pipes and FIFOs work: nothing is read twice.
  static Result<std::unique_ptr<TraceReader>> open(const std::string& path);
  ~TraceReader();

  // The next element; nullopt at the end of the trace (check truncated()).
  Result<std::optional<Json>> next();

  // For the replayer's fast path: the next element's encoded bytes, unparsed:
  // a line of a JSON trace in the one-element-per-line layout, or one CBOR
  // item. `available` is false where the reader cannot tell an element's
  // extent without parsing it (a JSON trace laid out otherwise): then use
  // next(). parse_text() of the text gives exactly what next() would have
  // returned.
  struct Text {
    bool available = false;
    bool end = false;  // no more elements (as next() returning nullopt)
    std::string_view text;  // valid until the next read
  };
  Result<Text> next_text();
  Result<std::optional<Json>> parse_text(std::string_view text);
  // For the replayer's scalar fast path in a CBOR trace, which decodes the
  // next event straight from the input buffer instead of scanning it first
  // with next_text(): the bytes after the element read last, as many as are
  // buffered (reading only when none is: empty at the end of the input).
  // They may end inside an element. Valid until the next read.
  std::string_view peek_cbor();
  // Takes the first `size` bytes of peek_cbor() as the next element, as
  // next_text() would have read it. Only for a compact event that defines no
  // names (its function and its map keys all numbers of names defined
  // already), which the caller checked.
  void take_cbor(size_t size);
  // The same for a JSON trace in the one-element-per-line layout, after an
  // element's line that ended with `,`: the bytes from the next line's start,
  // as many as are buffered (they may end inside it); else empty (use
  // next_text()). The caller finds the line's end: a scan for it would cost
  // a replayed clock read more than decoding the line does.
  std::string_view peek_json();
  // Takes the first `size` bytes of peek_json() and the newline after them
  // as the next element, as next_text() would have: only for a line the
  // caller checked is one element followed by `,` (an event), then `\n`.
  void take_json_line(size_t size);

  void set_observer(ElementObserver* observer) { observer_ = observer; }

  Format format() const { return format_; }
  // The names the compact events read so far have defined (trace/compact.h):
  // what the replayer's encoder may refer to by number.
  const CompactNames& names() const { return names_; }
  // The encoded size of the CBOR item read last (nullopt in a JSON trace).
  std::optional<uint64_t> cbor_element_size() const { return cbor_size_; }
  // True once next() has met the end of a file that was not completed (for a
  // compressed trace, also one whose zstd frame was cut short).
  bool truncated() const;
  // 0-based position of the element last returned (0 = the header).
  uint64_t position() const { return position_ - 1; }
  const std::string& path() const { return path_; }
  // The file's size if it is a regular file (not for a pipe or stdin from
  // one); for a pack, the size of the trace in it.
  std::optional<uint64_t> file_size() const { return file_size_; }
  // Whether the trace was read out of a pack (trace/pack.h).
  bool packed() const { return packed_; }
  // Whether the trace is compressed (trace/zstd.h); file_size() is then the
  // compressed size.
  Compression compression() const { return compression_; }

 private:
  enum class Expect : uint8_t { Open, FirstValue, Value, Separator, Done };
  TraceReader(std::string path, Format format, std::unique_ptr<InputBuffer> in);

  // JSON, one element per line.
  Result<bool> read_line(std::string_view& text);
  Result<std::optional<Json>> parse_line(std::string_view text, bool counted);
  void accept_line();  // the line read last holds an element: what comes next
  Result<void> check_trailing(uint64_t line);
  // JSON laid out otherwise: streamed value by value from where the lines stopped.
  void switch_to_free(bool rewind_line);
  Result<std::optional<Json>> next_free();
  // CBOR.
  Result<Text> next_cbor_text();
  Result<std::optional<Json>> cbor_result(Parsed parsed);
  Parsed parse_cbor_element(std::string_view text);
  std::string cbor_error(std::string_view what) const;

  void notify(const Json& j) {
    if (observer_) observer_->element(j);
  }
  void notify_text(std::string_view text);

  std::string path_;
  Format format_;
  std::unique_ptr<InputBuffer> in_;
  std::optional<uint64_t> file_size_;
  bool packed_ = false;
  Compression compression_ = Compression::None;
  ElementObserver* observer_ = nullptr;
  uint64_t position_ = 0;
  bool truncated_ = false;

  // CBOR state.
  CompactNames names_;
  std::string expanded_;  // a compact event written out as a plain one, reused
  std::optional<uint64_t> cbor_size_;

  // JSON state.
  bool free_ = false;          // not (or no longer) one element per line
  Expect expect_ = Expect::Open;
  uint64_t line_number_ = 0;   // line mode: the line read last (1-based)
  size_t line_bytes_ = 0;      // line mode: bytes of that line, its newline included
  bool line_last_ = false;     // the line read last ended with the closing `]`
  bool line_comma_ = false;    // ... with a `,`
  bool line_newline_ = false;  // ... with a newline
  bool line_more_ = false;     // more input follows that line
  Expect expect_before_ = Expect::Open;  // expect_ before that line
  bool trailing_checked_ = false;
  uint64_t free_line_ = 1;     // free mode: the line at the read position
};

}  // namespace wasmrr::trace
