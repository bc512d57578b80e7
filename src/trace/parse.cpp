#include "trace/parse.h"

#include <utility>

#include <fmt/format.h>

namespace wasmrr::trace {

namespace {

// RFC 3629 UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
bool valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto b = static_cast<uint8_t>(s[i]);
    if (b < 0x80) { i++; continue; }
    size_t len;
    uint32_t cp;
    if ((b & 0xe0) == 0xc0) { len = 2; cp = b & 0x1f; }
    else if ((b & 0xf0) == 0xe0) { len = 3; cp = b & 0x0f; }
    else if ((b & 0xf8) == 0xf0) { len = 4; cp = b & 0x07; }
    else return false;
    if (s.size() - i < len) return false;
    for (size_t k = 1; k < len; k++) {
      auto c = static_cast<uint8_t>(s[i + k]);
      if ((c & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3f);
    }
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += len;
  }
  return true;
}

// The DOM builder of nlohmann, stopped early on deep nesting or bad text.
class BoundedSax : public nlohmann::detail::json_sax_dom_parser<Json> {
  using Base = nlohmann::detail::json_sax_dom_parser<Json>;

 public:
  explicit BoundedSax(Json& root) : Base(root, /*allow_exceptions=*/false) {}

  bool start_object(size_t len) { return enter() && Base::start_object(len); }
  bool start_array(size_t len) { return enter() && Base::start_array(len); }
  bool end_object() { depth_--; return Base::end_object(); }
  bool end_array() { depth_--; return Base::end_array(); }
  bool string(string_t& s) { return check_text(s) && Base::string(s); }
  bool key(string_t& s) { return check_text(s) && Base::key(s); }

  template <class Exception>
  bool parse_error(size_t position, const std::string& token, const Exception& ex) {
    error_ = ex.what();
    end_of_input_ = error_.find("unexpected end of input") != std::string::npos;
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
    return p;
  }

 private:
  bool enter() {
    if (++depth_ <= kMaxNesting) return true;
    error_ = fmt::format("values nested more than {} levels deep", kMaxNesting);
    return false;
  }
  bool check_text(const string_t& s) {
    if (valid_utf8(s)) return true;
    error_ = "a text string that is not valid UTF-8";
    return false;
  }

  size_t depth_ = 0;
  std::string error_;
  bool end_of_input_ = false;
};

// Runs one sax_parse. The DOM builder throws out_of_range even when told not
// to throw (a CBOR array or map whose declared length exceeds max_size()), so
// any json exception becomes an Invalid outcome here.
template <typename Input>
Parsed parse_with(Input&& input, nlohmann::detail::input_format_t format, bool strict) {
  Json root;
  BoundedSax sax(root);
  try {
    bool ok = Json::sax_parse(std::forward<Input>(input), &sax, format, strict);
    return sax.outcome(ok, root);
  } catch (const Json::exception& e) {
    Parsed p;
    p.status = Parsed::Status::Invalid;
    p.error = e.what();
    return p;
  }
}

}  // namespace

Parsed parse_json_text(std::string_view text) {
  return parse_with(text, nlohmann::detail::input_format_t::json, /*strict=*/true);
}

Parsed parse_json_stream(std::istream& in) {
  return parse_with(in, nlohmann::detail::input_format_t::json, /*strict=*/true);
}

Parsed parse_cbor_item(std::istream& in) {
  // strict=false: a CBOR sequence goes on after this item.
  return parse_with(in, nlohmann::detail::input_format_t::cbor, /*strict=*/false);
}

Parsed parse_cbor_bytes(std::string_view bytes) {
  return parse_with(bytes, nlohmann::detail::input_format_t::cbor, /*strict=*/true);
}

}  // namespace wasmrr::trace
