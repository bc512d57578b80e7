#include "trace/reader.h"

#include "trace/json_bytes.h"
#include "trace/parse.h"

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

namespace wasmrr::trace {

namespace {

constexpr uint64_t kMaxWholeJsonBytes = 256ull << 20;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

Result<std::unique_ptr<TraceReader>> TraceReader::open(const std::string& path) {
  std::ifstream probe(path, std::ios::binary);
  if (!probe) return make_error(fmt::format("cannot open trace `{}`: {}", path, std::strerror(errno)));
  int c;
  do { c = probe.get(); } while (c != EOF && is_space(static_cast<char>(c)));
  if (c == EOF) return make_error(fmt::format("trace `{}` is empty", path));
  Format format;
  if (c == '[' || c == '{') format = Format::Json;
  else if ((c & 0xe0) == 0xa0 || c == 0xbf) format = Format::Cbor;  // CBOR map (major type 5)
  else return make_error(fmt::format("`{}` is not a wasm-rr trace (neither JSON nor CBOR: first byte 0x{:02x})", path, c));
  auto reader = std::unique_ptr<TraceReader>(new TraceReader(path, format));
  if (!reader->in_) return make_error(fmt::format("cannot open trace `{}`: {}", path, std::strerror(errno)));
  return reader;
}

TraceReader::TraceReader(std::string path, Format format)
    : path_(std::move(path)), format_(format), in_(path_, std::ios::binary) {
  std::error_code ec;
  file_size_ = std::filesystem::file_size(path_, ec);
}

Result<std::optional<Json>> TraceReader::next() {
  auto r = format_ == Format::Json ? next_json() : next_cbor();
  if (r && *r) position_++;
  return r;
}

// Streams the line-per-element layout that TraceWriter produces. Anything
// else that is valid JSON (a pretty-printed or hand-edited trace) is read whole.
Result<std::optional<Json>> TraceReader::next_json() {
  if (whole_) {
    if (whole_index_ >= whole_json_.size()) return std::optional<Json>();
    Json j = std::move(whole_json_[whole_index_++]);
    try {
      bytes_from_text_model(j);
    } catch (const std::exception& e) {
      return make_error(fmt::format("`{}` element {}: {}", path_, whole_index_ - 1, e.what()));
    }
    return std::optional<Json>(std::move(j));
  }
  std::string_view text;
  auto more = read_line(text);
  if (!more) return more.error();
  if (!*more) return std::optional<Json>();
  return parse_line(text, /*counted=*/false);
}

Result<bool> TraceReader::read_line(std::string_view& text) {
  while (!closed_) {
    if (!std::getline(in_, line_)) {
      if (in_.bad()) return make_error(fmt::format("reading trace `{}`: {}", path_, std::strerror(errno)));
      truncated_ = true;  // no closing bracket: the recording did not finish
      return false;
    }
    line_number_++;
    text = trim(line_);
    if (line_number_ == 1) {
      if (text.empty() || text.front() != '[') return make_error(fmt::format("`{}`: a JSON trace must be an array", path_));
      text.remove_prefix(1);
      text = trim(text);
    }
    if (text.empty()) continue;
    line_last_ = false;
    if (text.back() == ',') {
      text.remove_suffix(1);
    } else if (text.back() == ']') {
      text.remove_suffix(1);
      line_last_ = true;
    }
    text = trim(text);
    if (line_last_ && text.empty()) {
      closed_ = true;
      return false;
    }
    return true;
  }
  return false;
}

// `counted`: next_text() already counted this element in position_.
Result<std::optional<Json>> TraceReader::parse_line(std::string_view text, bool counted) {
  // Bounded parse: nesting and UTF-8 are checked before anything recurses (parse.h).
  Parsed parsed = parse_json_text(text);
  if (parsed.status != Parsed::Status::Ok) {
    if (line_number_ == 1 || text == "{") {
      if (counted) position_--;
      WASMRR_TRY(load_whole_json());
      auto el = next_json();
      if (counted && el && *el) position_++;
      return el;
    }
    bool too_deep = parsed.error.find("nested") != std::string::npos;
    if (in_.peek() == EOF && !too_deep) {  // a half-written last line
      truncated_ = true;
      if (counted) position_--;
      return std::optional<Json>();
    }
    return make_error(fmt::format("`{}` line {}: invalid JSON: {}", path_, line_number_, parsed.error));
  }
  Json j = std::move(parsed.value);
  closed_ = line_last_;
  try {
    bytes_from_text_model(j);
  } catch (const std::exception& e) {
    return make_error(fmt::format("`{}` line {}: {}", path_, line_number_, e.what()));
  }
  return std::optional<Json>(std::move(j));
}

// Copies one CBOR data item (RFC 8949) from the stream into `out`, checking
// only its structure: heads, definite lengths that fit in the file, nesting.
// False for anything else (indefinite lengths, a cut item, too deep): the
// caller seeks back and lets the full parser report it.
bool TraceReader::scan_cbor_item(std::string& out, size_t depth) {
  if (depth > kMaxNesting) return false;
  std::streambuf& buf = *in_.rdbuf();  // byte by byte without the istream's per-call checks
  int first = buf.sbumpc();
  if (first == EOF) return false;
  out += static_cast<char>(first);
  uint8_t major = static_cast<uint8_t>(first) >> 5, info = static_cast<uint8_t>(first) & 31;
  uint64_t arg = info;
  if (info >= 24 && info <= 27) {
    arg = 0;
    for (int i = 0; i < (1 << (info - 24)); i++) {
      int b = buf.sbumpc();
      if (b == EOF) return false;
      out += static_cast<char>(b);
      arg = (arg << 8) | static_cast<uint8_t>(b);
    }
  } else if (info > 27) {
    return false;  // indefinite length or reserved
  }
  switch (major) {
    case 0: case 1: case 7: return true;
    case 2: case 3: {
      if (arg > file_size_) return false;
      size_t at = out.size();
      out.resize(at + arg);
      return buf.sgetn(out.data() + at, static_cast<std::streamsize>(arg)) == static_cast<std::streamsize>(arg);
    }
    case 4: case 5: {
      uint64_t items = major == 5 ? arg * 2 : arg;
      if (arg > file_size_) return false;
      for (uint64_t i = 0; i < items; i++)
        if (!scan_cbor_item(out, depth + 1)) return false;
      return true;
    }
    default: return scan_cbor_item(out, depth + 1);  // 6: a tag and its item
  }
}

Result<TraceReader::Text> TraceReader::next_text() {
  Text out;
  if (format_ == Format::Cbor) {
    if (in_.peek() == EOF) {
      out.available = out.end = true;
      return out;
    }
    item_.clear();
    if (!scan_cbor_item(item_, 0)) {
      in_.clear();
      in_.seekg(cbor_offset_);
      return out;  // not available: next() parses and reports it
    }
    cbor_offset_ += static_cast<std::streamoff>(item_.size());
    out.available = true;
    out.text = item_;
    position_++;
    return out;
  }
  if (whole_) return out;
  out.available = true;
  auto more = read_line(out.text);
  if (!more) return more.error();
  out.end = !*more;
  if (!out.end) {
    position_++;
    closed_ = line_last_;
  }
  return out;
}

Result<std::optional<Json>> TraceReader::parse_text(std::string_view text) {
  if (format_ == Format::Cbor) return parse_cbor_text(text);
  return parse_line(text, /*counted=*/true);
}

Result<std::optional<Json>> TraceReader::parse_cbor_text(std::string_view bytes) {
  position_--;  // next_text() counted the item; count it again only if it parses
  auto r = cbor_result(parse_cbor_bytes(bytes));
  if (r && *r) position_++;
  return r;
}

Result<void> TraceReader::load_whole_json() {
  std::error_code ec;
  auto size = std::filesystem::file_size(path_, ec);
  if (ec || size > kMaxWholeJsonBytes)
    return make_error(fmt::format("`{}`: invalid JSON at line {} (a trace must have one element per line)", path_, line_number_));
  std::ifstream in(path_, std::ios::binary);
  Parsed parsed = parse_json_stream(in);
  if (parsed.status != Parsed::Status::Ok)
    return make_error(fmt::format("`{}` is not valid JSON: {}", path_, parsed.error));
  Json j = std::move(parsed.value);
  if (!j.is_array()) return make_error(fmt::format("`{}`: a JSON trace must be an array", path_));
  whole_ = true;
  whole_json_ = std::move(j);
  whole_index_ = position_;  // elements already returned are skipped
  return {};
}

Result<std::optional<Json>> TraceReader::next_cbor() {
  if (in_.peek() == EOF) {
    // CBOR sequences have no closing mark; a complete trace ends with its end element,
    // which the replayer checks.
    return std::optional<Json>();
  }
  auto r = cbor_result(parse_cbor_item(in_));
  cbor_offset_ = in_.tellg();  // the slow path: a syscall is fine here
  return r;
}

Result<std::optional<Json>> TraceReader::cbor_result(Parsed parsed) {
  if (parsed.status == Parsed::Status::EndOfInput) {
    truncated_ = true;
    return std::optional<Json>();
  }
  if (parsed.status != Parsed::Status::Ok)
    return make_error(fmt::format("`{}`: invalid CBOR after element {}: {}", path_, position_, parsed.error));
  return std::optional<Json>(std::move(parsed.value));
}

}  // namespace wasmrr::trace
