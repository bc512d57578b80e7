#include "trace/compact.h"

#include <fmt/format.h>

#include "trace/parse.h"
#include "trace/sha256.h"
#include "trace/value_sink.h"

namespace wasmrr::trace {

// --- the name tables -------------------------------------------------------------

std::optional<uint32_t> CompactNames::Table::find(std::string_view name) const {
  auto it = index_.find(name);
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

void CompactNames::Table::define(std::string_view name) {
  if (names_.size() >= kMaxNames || name.size() > kMaxNameBytes || index_.find(name) != index_.end()) return;
  index_.emplace(std::string(name), static_cast<uint32_t>(names_.size()));
  names_.emplace_back(name);
}

// --- digests ----------------------------------------------------------------------

bool digest_bytes(std::string_view hex, std::string& raw) {
  if (hex.size() != 64) return false;
  auto nibble = [](char c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1; };
  raw.resize(32);
  for (size_t i = 0; i < 32; i++) {
    int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    raw[i] = static_cast<char>(hi << 4 | lo);
  }
  return true;
}

// --- reading a compact event ----------------------------------------------------

// Walks one compact event item by item, checking it; learns the names it
// defines (learn != null) and/or writes it out as the plain map (out != null).
class CompactWalker {
 public:
  CompactWalker(std::string_view in, const CompactNames& names, CompactNames* learn, std::string* out, size_t limit)
      : in_(in), names_(names), learn_(learn), out_(out), limit_(limit) {}

  // The event's function, by name; empty where it is none.
  std::string_view function_name() {
    Head h;
    if (!head(h) || h.major != 4 || !head(h)) return {};
    if (h.major == 0) {
      const std::string* name = names_.function_name(h.arg);
      return name ? std::string_view(*name) : std::string_view();
    }
    std::string_view name;
    if (h.major != 3 || !payload(h, name)) return {};
    return name;
  }

  Result<void> event() {
    Head h;
    WASMRR_TRY(head(h));
    if (h.major != 4 || h.indefinite || h.arg < 2)
      return make_error("a compact event must be an array of at least 2 items (function, outcome)");
    WASMRR_TRY(function());
    emit_text("args");
    emit_head(4, h.arg - 2);
    for (uint64_t i = 0; i + 2 < h.arg; i++) WASMRR_TRY(item(1));
    WASMRR_TRY(outcome());
    if (pos_ != in_.size()) return make_error("bytes after the event's last item");
    if (out_ && out_->size() > limit_) return too_large();
    return {};
  }

 private:
  struct Head {
    uint8_t major = 0;
    bool indefinite = false;
    uint64_t arg = 0;
    size_t start = 0;  // where the head began
  };

  Result<void> head(Head& h) {
    h.start = pos_;
    if (pos_ >= in_.size()) return make_error("the event ends inside an item");
    auto b = static_cast<uint8_t>(in_[pos_++]);
    h.major = b >> 5;
    uint8_t info = b & 31;
    h.indefinite = info == 31;
    h.arg = info;
    if (info >= 24 && info <= 27) {
      size_t n = size_t{1} << (info - 24);
      if (in_.size() - pos_ < n) return make_error("the event ends inside an item");
      h.arg = 0;
      for (size_t i = 0; i < n; i++) h.arg = (h.arg << 8) | static_cast<uint8_t>(in_[pos_++]);
    } else if (info >= 28 && info <= 30) {
      return make_error(fmt::format("reserved additional information {} in the head 0x{:02x}", info, b));
    }
    if (h.indefinite) return make_error("an indefinite-length item or a break (compact events use definite lengths only)");
    return {};
  }

  // A function name or a map key: text (defining it), or the number of one
  // defined before.
  Result<void> name(bool function, std::string_view& out) {
    Head h;
    WASMRR_TRY(head(h));
    const char* what = function ? "function" : "key";
    if (h.major == 0) {
      const std::string* known = function ? names_.function_name(h.arg) : names_.key_name(h.arg);
      if (!known)
        return make_error(fmt::format("{} number {} is not defined (the trace has defined {} so far)", what, h.arg,
                                      function ? names_.functions() : names_.keys()));
      out = *known;
      return {};
    }
    if (h.major != 3)
      return make_error(function ? "an event's function must be a name or a name's number"
                                 : "a map key must be a name or a name's number");
    WASMRR_TRY(payload(h, out));
    if (learn_) (function ? learn_->functions_ : learn_->keys_).define(out);
    return {};
  }

  Result<void> function() {
    std::string_view fn;
    WASMRR_TRY(name(true, fn));
    emit_head(5, 3);
    emit_text("fn");
    emit_text(fn);
    return {};
  }

  Result<void> outcome() {
    if (pos_ < in_.size() && static_cast<uint8_t>(in_[pos_]) == kCborUndefined) {
      pos_++;
      emit_text("results");
      emit_head(4, 0);
      return {};
    }
    if (pos_ < in_.size() && (static_cast<uint8_t>(in_[pos_]) >> 5) == 6) {
      Head h;
      WASMRR_TRY(head(h));
      switch (h.arg) {
        case kTagExit: emit_text("exit"); break;
        case kTagTrap: emit_text("trap"); break;
        case kTagResults: emit_text("results"); break;
        default: return make_error(fmt::format("an event's outcome with the unknown tag {}", h.arg));
      }
      return item(1);
    }
    emit_text("results");
    emit_head(4, 1);
    return item(1);
  }

  // One value, copied with its map keys' numbers written out as their names.
  Result<void> item(size_t depth) {
    if (depth > kMaxNesting) return make_error(fmt::format("values nested more than {} levels deep", kMaxNesting));
    Head h;
    WASMRR_TRY(head(h));
    switch (h.major) {
      case 2: case 3: {
        std::string_view bytes;
        WASMRR_TRY(payload(h, bytes));
        copy(h.start);
        return {};
      }
      case 4:
        if (h.arg > in_.size() - pos_) return make_error("an array declaring more items than the event holds");
        copy(h.start);
        for (uint64_t i = 0; i < h.arg; i++) WASMRR_TRY(item(depth + 1));
        return {};
      case 5:
        if (h.arg > (in_.size() - pos_) / 2) return make_error("a map declaring more entries than the event holds");
        copy(h.start);
        for (uint64_t i = 0; i < h.arg; i++) {
          std::string_view name;
          WASMRR_TRY(key(name));
          if (is_digest_key(name) && digest_value()) continue;
          WASMRR_TRY(item(depth + 1));
        }
        return {};
      case 6:
        copy(h.start);
        return item(depth + 1);  // the parser refuses it, naming it
      default:
        copy(h.start);  // integers, simple values, floats
        return {};
    }
  }

  Result<void> key(std::string_view& key_name) {
    WASMRR_TRY(name(false, key_name));
    emit_text(key_name);
    return {};
  }

  // A digest's 32 bytes, written out as its hex text; false (nothing read)
  // for any other value, which is copied as it is.
  bool digest_value() {
    if (in_.size() - pos_ < 34 || static_cast<uint8_t>(in_[pos_]) != 0x58 || static_cast<uint8_t>(in_[pos_ + 1]) != 32)
      return false;
    emit_text(hex_digits(in_.substr(pos_ + 2, 32)));
    pos_ += 34;
    return true;
  }

  // The bytes of a string whose head is h.
  Result<void> payload(const Head& h, std::string_view& bytes) {
    if (h.arg > in_.size() - pos_) return make_error("the event ends inside a string");
    bytes = in_.substr(pos_, h.arg);
    pos_ += h.arg;
    return {};
  }

  void copy(size_t start) {
    if (out_ && out_->size() <= limit_) out_->append(in_.substr(start, pos_ - start));
  }
  void emit_head(uint8_t major, uint64_t n) {
    if (!out_) return;
    CborSink sink(*out_);
    if (major == 4) sink.begin_array(n);
    else sink.begin_map(n);
  }
  void emit_text(std::string_view s) {
    if (out_ && out_->size() <= limit_) CborSink(*out_).text(s);
  }
  Result<void> too_large() const {
    return make_error(fmt::format("an event of {} bytes whose names, written out, would take more than {} bytes",
                                  in_.size(), limit_));
  }

  std::string_view in_;
  size_t pos_ = 0;
  const CompactNames& names_;
  CompactNames* learn_;
  std::string* out_;
  size_t limit_;
};

std::string_view compact_event_function(std::string_view event, const CompactNames& names) {
  CompactWalker walker(event, names, nullptr, nullptr, 0);
  return walker.function_name();
}

Result<void> CompactNames::learn(std::string_view event) {
  return CompactWalker(event, *this, this, nullptr, 0).event();
}

Result<void> expand_compact_event(std::string_view event, const CompactNames& names, std::string& out, size_t limit) {
  return CompactWalker(event, names, nullptr, &out, out.size() + limit).event();
}

uint64_t expansion_limit(uint64_t encoded_size) { return parse_budget(encoded_size); }

Parsed parse_compact_event(std::string_view event, const CompactNames& names, std::string& scratch) {
  scratch.clear();
  if (auto expanded = expand_compact_event(event, names, scratch, expansion_limit(event.size())); !expanded) {
    Parsed p;
    p.status = Parsed::Status::Invalid;
    p.error = expanded.error().message;
    return p;
  }
  return parse_cbor_bytes(scratch);
}

// --- writing a compact event ----------------------------------------------------

namespace {

// A value of the trace model as a plain event holds it (nlohmann's to_cbor),
// its map keys through the sink's names.
void write_value(CborSink& sink, std::string& out, const Json& v) {
  switch (v.type()) {
    case Json::value_t::object:
      sink.begin_map(v.size());
      for (const auto& [k, item] : v.items()) {
        sink.key(k);
        if (is_digest_key(k) && item.is_string()) sink.digest(item.get_ref<const std::string&>());
        else write_value(sink, out, item);
      }
      return;
    case Json::value_t::array:
      sink.begin_array(v.size());
      for (const auto& item : v) write_value(sink, out, item);
      return;
    case Json::value_t::string: sink.text(v.get_ref<const std::string&>()); return;
    case Json::value_t::binary: {
      const auto& b = v.get_binary();
      sink.bytes(std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
      return;
    }
    case Json::value_t::number_unsigned: sink.uint(v.get<uint64_t>()); return;
    case Json::value_t::number_integer: sink.sint(v.get<int64_t>()); return;
    default: Json::to_cbor(v, out); return;  // null, booleans, floats (exactly as to_cbor writes them)
  }
}

// A digest key holding bytes (a hand-made trace): the compact form could not
// tell them from the digest's own bytes, so such an event stays a plain map.
bool has_bytes_as_digest(const Json& v) {
  if (v.is_array()) {
    for (const auto& item : v)
      if (has_bytes_as_digest(item)) return true;
  } else if (v.is_object()) {
    for (const auto& [k, item] : v.items())
      if ((is_digest_key(k) && item.is_binary()) || has_bytes_as_digest(item)) return true;
  }
  return false;
}

bool has_event_shape(const Json& e) {
  if (!e.is_object() || e.size() != 3) return false;
  auto it = e.begin();
  if (it.key() != "fn" || !it->is_string()) return false;
  ++it;
  if (it.key() != "args" || !it->is_array() || has_bytes_as_digest(*it)) return false;
  ++it;
  if (has_bytes_as_digest(*it)) return false;
  if (it.key() == "results") return it->is_array();
  if (it.key() == "exit") return it->is_number_integer();
  if (it.key() == "trap") return it->is_string();
  return false;
}

}  // namespace

bool encode_compact_event(const Json& element, const CompactNames& names, std::string& out) {
  if (!has_event_shape(element)) return false;
  CborSink sink(out);
  sink.use_names(&names);
  auto it = element.begin();
  const std::string& fn = it->get_ref<const std::string&>();
  const Json& args = *++it;
  const Json& outcome = *++it;
  sink.begin_array(2 + args.size());
  if (auto index = names.function(fn)) sink.uint(*index);
  else sink.text(fn);
  for (const auto& a : args) write_value(sink, out, a);
  const std::string& kind = it.key();
  if (kind == "results" && outcome.size() == 1) {
    write_value(sink, out, outcome[0]);
  } else if (kind == "results" && outcome.empty()) {
    out += static_cast<char>(kCborUndefined);
  } else {
    sink.tag(kind == "exit" ? kTagExit : kind == "trap" ? kTagTrap : kTagResults);
    write_value(sink, out, outcome);
  }
  return true;
}

}  // namespace wasmrr::trace
