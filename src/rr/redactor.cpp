#include "rr/redactor.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace wasmrr::rr {

using trace::Json;

namespace {

// Shorter values are replaced under their names but not scrubbed elsewhere:
// they would be scrubbed out of unrelated text.
constexpr size_t kMinSecretLength = 4;

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string_view text_of(const Json& j) {
  if (j.is_string()) return j.get_ref<const std::string&>();
  const auto& b = j.get_binary();
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

Json same_kind(const Json& like, const std::string& text) {
  if (like.is_string()) return text;
  return Json::binary(Json::binary_t::container_type(text.begin(), text.end()));
}

bool is_text(const Json& j) { return j.is_string() || j.is_binary(); }

void replace_all(std::string& s, std::string_view what, std::string_view with) {
  for (size_t pos = s.find(what); pos != std::string::npos; pos = s.find(what, pos + with.size()))
    s.replace(pos, what.size(), with);
}

// The length of the token at the start of `s`: kRedacted, then `:N` if there.
size_t token_length(std::string_view s) {
  size_t n = kRedacted.size();
  auto digit = [&](size_t i) { return i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); };
  if (n < s.size() && s[n] == ':' && digit(n + 1)) {
    n++;
    while (digit(n)) n++;
  }
  return n;
}

// Glob match where each token in `pattern` stands for any text.
bool glob_match(std::string_view pattern, std::string_view text) {
  size_t star = pattern.find(kRedacted);
  if (star == std::string_view::npos) return pattern == text;
  std::string_view head = pattern.substr(0, star);
  if (!text.starts_with(head)) return false;
  std::string_view rest = pattern.substr(star + token_length(pattern.substr(star)));
  text.remove_prefix(head.size());
  for (size_t i = 0; i <= text.size(); i++)
    if (glob_match(rest, text.substr(i))) return true;
  return false;
}

}  // namespace

Redactor::Redactor(std::vector<std::string> names) {
  for (auto& n : names) names_.push_back(lower(n));
}

void Redactor::apply(Json& j) {
  if (!active()) return;
  size_t known = secrets_.size();
  find_pairs(j);
  if (secrets_.size() != known) {
    // Shorter values would be scrubbed out of unrelated text.
    scrub_order_.clear();
    for (const auto& s : secrets_)
      if (s.first.size() >= kMinSecretLength) scrub_order_.push_back(&s);
    std::stable_sort(scrub_order_.begin(), scrub_order_.end(),
                     [](const auto* a, const auto* b) { return a->first.size() > b->first.size(); });
  }
  if (!scrub_order_.empty()) scrub(j);
}

bool Redactor::is_name(const Json& key) const {
  if (!is_text(key)) return false;
  std::string k = lower(text_of(key));
  return std::find(names_.begin(), names_.end(), k) != names_.end();
}

const std::string& Redactor::token_for(const std::string& secret) {
  for (const auto& [value, token] : secrets_)
    if (value == secret) return token;
  secrets_.emplace_back(secret, fmt::format("{}:{}", kRedacted, secrets_.size() + 1));
  return secrets_.back().second;
}

void Redactor::redact(Json& value) {
  if (value.is_array()) {
    for (auto& v : value) redact(v);
    return;
  }
  if (!is_text(value)) return;
  value = same_kind(value, token_for(std::string(text_of(value))));
}

void Redactor::find_pairs(Json& j) {
  if (j.is_array()) {
    for (size_t i = 0; i + 1 < j.size(); i++)
      if (is_name(j[i]) && (is_text(j[i + 1]) || j[i + 1].is_array())) redact(j[i + 1]);
  }
  if (j.is_structured())
    for (auto& child : j) find_pairs(child);
}

void Redactor::scrub(Json& j) const {
  if (is_text(j)) {
    std::string text(text_of(j));
    bool changed = false;
    // Longest first: a secret that holds another is replaced whole.
    for (const auto* s : scrub_order_)
      if (text.find(s->first) != std::string::npos) {
        replace_all(text, s->first, s->second);
        changed = true;
      }
    if (changed) j = same_kind(j, text);
  } else if (j.is_structured()) {
    for (auto& child : j) scrub(child);
  }
}

bool contains_redacted(const Json& j) {
  if (is_text(j)) return text_of(j).find(kRedacted) != std::string_view::npos;
  if (j.is_structured())
    for (const auto& child : j)
      if (contains_redacted(child)) return true;
  return false;
}

bool matches_redacted(const Json& recorded, const Json& now) {
  if (is_text(recorded) && is_text(now)) return glob_match(text_of(recorded), text_of(now));
  if (recorded.type() != now.type() || recorded.size() != now.size()) return recorded == now;
  if (recorded.is_array()) {
    for (size_t i = 0; i < recorded.size(); i++)
      if (!matches_redacted(recorded[i], now[i])) return false;
    return true;
  }
  if (recorded.is_object()) {
    for (auto it = recorded.begin(); it != recorded.end(); ++it) {
      auto other = now.find(it.key());
      if (other == now.end() || !matches_redacted(it.value(), *other)) return false;
    }
    return true;
  }
  return recorded == now;
}

}  // namespace wasmrr::rr
