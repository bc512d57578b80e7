#include "trace/parse.h"

#include <iterator>
#include <limits>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "util/utf8.h"

namespace wasmrr::trace {

namespace {

// nlohmann's messages read "[json.exception.parse_error.101] parse error at
// line 1, column 7: syntax error while parsing value - ...". The id means
// nothing to a user, and the position is relative to where this parse began
// (one element of a streamed trace; the reader names the line itself): keep
// only what went wrong.
std::string json_problem(std::string msg) {
  if (msg.starts_with("[json.exception.")) {
    if (auto close = msg.find("] "); close != std::string::npos) msg.erase(0, close + 2);
  }
  if (msg.starts_with("parse error")) {
    if (auto colon = msg.find(": "); colon != std::string::npos) msg.erase(0, colon + 2);
  }
  return msg;
}


// Estimated heap bytes of each kind of node in an ordered_json DOM (a json is
// 16 bytes, held in a vector that may be up to twice its size; containers,
// strings and byte strings are separate allocations; an object entry is a
// pair of a std::string key and a json). Measured on a crafted trace of each
// kind: the estimate is within a factor of 1.5 of the resident memory.
constexpr uint64_t kScalarCost = 32;
constexpr uint64_t kStringCost = 64;     // + its length
constexpr uint64_t kBinaryCost = 80;     // + its length
constexpr uint64_t kContainerCost = 96;
constexpr uint64_t kKeyCost = 80;        // + its length

// The DOM builder of nlohmann, stopped early on deep nesting, bad text, too
// many keys or too much memory.
class BoundedSax : public nlohmann::detail::json_sax_dom_parser<Json> {
  using Base = nlohmann::detail::json_sax_dom_parser<Json>;

 public:
  // `input_size`: the input's size if known (an error past it means the input
  // ended); `source`: for a streamed input, where the budget grows as it is read.
  BoundedSax(Json& root, uint64_t input_size, const ByteSource* source = nullptr)
      : Base(root, /*allow_exceptions=*/false), input_size_(input_size), source_(source),
        source_start_(source ? source->consumed() : 0) {}

  bool null() { return charge(kScalarCost) && Base::null(); }
  bool boolean(bool v) { return charge(kScalarCost) && Base::boolean(v); }
  bool number_integer(number_integer_t v) { return charge(kScalarCost) && Base::number_integer(v); }
  bool number_unsigned(number_unsigned_t v) { return charge(kScalarCost) && Base::number_unsigned(v); }
  bool number_float(number_float_t v, const string_t& s) { return charge(kScalarCost) && Base::number_float(v, s); }
  bool binary(binary_t& b) { return charge(kBinaryCost + b.size()) && Base::binary(b); }
  bool start_object(size_t len) {
    if (!enter() || !charge(kContainerCost)) return false;
    keys_.push_back(0);
    return Base::start_object(len);
  }
  bool start_array(size_t len) { return enter() && charge(kContainerCost) && Base::start_array(len); }
  bool end_object() {
    depth_--;
    if (!keys_.empty()) keys_.pop_back();
    return Base::end_object();
  }
  bool end_array() { depth_--; return Base::end_array(); }
  bool string(string_t& s) { return check_text(s) && charge(kStringCost + s.size()) && Base::string(s); }
  bool key(string_t& s) {
    if (!keys_.empty() && ++keys_.back() > kMaxObjectKeys) {
      bound_ = true;
      error_ = fmt::format("an object with more than {} keys", kMaxObjectKeys);
      return false;
    }
    return check_text(s) && charge(kKeyCost + s.size()) && Base::key(s);
  }

  template <class Exception>
  bool parse_error(size_t position, const std::string& token, const Exception& ex) {
    error_ = json_problem(ex.what());
    end_of_input_ = position > input_size_ || error_.find("unexpected end of input") != std::string::npos;
    return Base::parse_error(position, token, ex);
  }

  Parsed outcome(bool ok, Json& root) const {
    Parsed p;
    if (ok && error_.empty()) {
      p.value = std::move(root);
      return p;
    }
    p.status = end_of_input_ ? Parsed::Status::EndOfInput : Parsed::Status::Invalid;
    p.error = error_.empty() ? "invalid input" : error_;
    p.bound = bound_;
    return p;
  }

 private:
  bool enter() {
    if (++depth_ <= kMaxNesting) return true;
    bound_ = true;
    error_ = fmt::format("values nested more than {} levels deep", kMaxNesting);
    return false;
  }
  bool check_text(const string_t& s) {
    if (unicode::is_valid_utf8(s)) return true;
    bound_ = true;
    error_ = "a text string that is not valid UTF-8";
    return false;
  }
  bool charge(uint64_t bytes) {
    cost_ += bytes;
    uint64_t encoded = source_ ? source_->consumed() - source_start_ : input_size_;
    uint64_t budget = parse_budget(encoded);
    if (cost_ <= budget) return true;
    bound_ = true;
    error_ = fmt::format(
        "too large once parsed: its values would take more than {} MiB of memory (an element may take {} MiB plus "
        "{} times its {} encoded bytes)",
        budget >> 20, kParseAllowance >> 20, kParseFactor, encoded);
    return false;
  }

  uint64_t input_size_;
  const ByteSource* source_;
  uint64_t source_start_;
  uint64_t cost_ = 0;
  size_t depth_ = 0;
  std::vector<uint32_t> keys_;  // keys seen in each open object
  std::string error_;
  bool end_of_input_ = false;
  bool bound_ = false;
};

// Runs one sax_parse. The DOM builder throws out_of_range even when told not
// to throw (a CBOR array or map whose declared length exceeds max_size()), so
// any json exception becomes an Invalid outcome here.
template <typename Parse>
Parsed parse_with(BoundedSax& sax, Json& root, Parse&& parse) {
  try {
    bool ok = parse(&sax);
    return sax.outcome(ok, root);
  } catch (const Json::exception& e) {
    Parsed p;
    p.status = Parsed::Status::Invalid;
    p.error = json_problem(e.what());
    return p;
  }
}

template <typename Input>
Parsed parse_input(Input&& input, uint64_t size, nlohmann::detail::input_format_t format, bool strict) {
  Json root;
  BoundedSax sax(root, size);
  return parse_with(sax, root, [&](BoundedSax* s) { return Json::sax_parse(std::forward<Input>(input), s, format, strict); });
}

// An input iterator over a ByteSource, for nlohmann's iterator input adapter,
// which compares the iterator with the end sentinel before every byte.
class SourceIterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = char;

  explicit SourceIterator(ByteSource* src = nullptr) : src_(src) {}
  char operator*() const { return static_cast<char>(src_->peek()); }
  SourceIterator& operator++() {
    src_->advance();
    return *this;
  }
  // Only ever compared with the end sentinel (src_ == nullptr).
  bool operator==(const SourceIterator& other) const { return at_end() == other.at_end(); }
  bool operator!=(const SourceIterator& other) const { return !(*this == other); }

 private:
  bool at_end() const { return src_ == nullptr || src_->peek() < 0; }
  ByteSource* src_;
};

}  // namespace

Parsed parse_json_text(std::string_view text) {
  return parse_input(text, text.size(), nlohmann::detail::input_format_t::json, /*strict=*/true);
}

Parsed parse_json_stream(std::istream& in) {
  return parse_input(in, std::numeric_limits<uint64_t>::max(), nlohmann::detail::input_format_t::json, /*strict=*/true);
}

Parsed parse_cbor_item(std::istream& in) {
  // strict=false: a CBOR sequence goes on after this item.
  return parse_input(in, std::numeric_limits<uint64_t>::max(), nlohmann::detail::input_format_t::cbor, /*strict=*/false);
}

Parsed parse_cbor_bytes(std::string_view bytes) {
  return parse_input(bytes, bytes.size(), nlohmann::detail::input_format_t::cbor, /*strict=*/true);
}

Parsed parse_json_prefix(ByteSource& src) {
  Json root;
  BoundedSax sax(root, std::numeric_limits<uint64_t>::max(), &src);
  Parsed p = parse_with(sax, root, [&](BoundedSax* s) {
    return Json::sax_parse(SourceIterator(&src), SourceIterator(), s, nlohmann::detail::input_format_t::json,
                           /*strict=*/false);
  });
  if (p.status != Parsed::Status::Ok) {
    if (src.peek() < 0) p.status = Parsed::Status::EndOfInput;
  }
  return p;
}

}  // namespace wasmrr::trace
