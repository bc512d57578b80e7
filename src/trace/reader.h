// Reads a trace one element at a time, in constant memory, whatever its size.
// The format is recognised from the content (JSON starts with `[`; CBOR with a
// map), so a renamed file still reads. A file that ends in the middle of an
// element (a recording that was killed) reads up to its last whole element and
// then reports truncated().
#pragma once

#include <fstream>
#include <memory>
#include <optional>
#include <string>

#include "trace/parse.h"
#include "trace/trace.h"

namespace wasmrr::trace {

class TraceReader {
 public:
  static Result<std::unique_ptr<TraceReader>> open(const std::string& path);

  // The next element; nullopt at the end of the trace (check truncated()).
  Result<std::optional<Json>> next();

  // For the replayer's fast path: the next element's encoded bytes, unparsed:
  // a line of a JSON trace in the one-element-per-line layout, or one CBOR
  // item. `available` is false where the reader cannot tell an element's
  // extent without parsing it (a JSON trace read whole; a CBOR item with
  // indefinite lengths or too deep): then use next(). parse_text() of the
  // text gives exactly what next() would have returned.
  struct Text {
    bool available = false;
    bool end = false;  // no more elements (as next() returning nullopt)
    std::string_view text;  // valid until the next read
  };
  Result<Text> next_text();
  Result<std::optional<Json>> parse_text(std::string_view text);

  Format format() const { return format_; }
  // True once next() has met the end of a file that was not completed.
  bool truncated() const { return truncated_; }
  // 0-based position of the element last returned (0 = the header).
  uint64_t position() const { return position_ - 1; }
  const std::string& path() const { return path_; }

 private:
  TraceReader(std::string path, Format format);
  Result<std::optional<Json>> next_json();
  // Reads the next element line: its text (brackets and separator removed);
  // false at the end of the file or after the closing bracket.
  Result<bool> read_line(std::string_view& text);
  Result<std::optional<Json>> parse_line(std::string_view text, bool counted);
  Result<std::optional<Json>> parse_cbor_text(std::string_view bytes);
  Result<std::optional<Json>> cbor_result(Parsed parsed);
  bool scan_cbor_item(std::string& out, size_t depth);
  uint64_t file_size_ = 0;
  std::string item_;       // the CBOR item last scanned
  std::streamoff cbor_offset_ = 0;  // where the next CBOR item starts
  Result<std::optional<Json>> next_cbor();
  Result<void> load_whole_json();  // for hand-edited, pretty-printed traces

  std::string path_;
  Format format_;
  std::ifstream in_;
  std::string line_;
  uint64_t line_number_ = 0;
  uint64_t position_ = 0;
  bool closed_ = false;     // saw the closing `]` (JSON)
  bool line_last_ = false;  // the line read last ended with the closing `]`
  bool truncated_ = false;
  bool whole_ = false;      // elements come from whole_json_
  Json whole_json_;
  size_t whole_index_ = 0;
};

}  // namespace wasmrr::trace
