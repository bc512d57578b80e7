#include "cli/units.h"

#include <cctype>
#include <cmath>
#include <string_view>

#include <fmt/format.h>

namespace wasmrr::cli {

namespace {

struct Number {
  double value = 0;
  std::string unit;
};

// A non-negative decimal number followed by an optional unit (letters).
Result<Number> split_number(const std::string& text, const char* what, const char* example) {
  size_t i = 0;
  bool digits = false, dot = false;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || (text[i] == '.' && !dot))) {
    digits = digits || text[i] != '.';
    dot = dot || text[i] == '.';
    i++;
  }
  Number n;
  n.unit = text.substr(i);
  bool unit_ok = true;
  for (char c : n.unit) unit_ok = unit_ok && std::isalpha(static_cast<unsigned char>(c));
  if (!digits || !unit_ok)
    return make_error(fmt::format("`{}` is not a {} (expected a number and a unit, e.g. {})", text, what, example));
  n.value = std::stod(text.substr(0, i));
  return n;
}

}  // namespace

Result<std::chrono::microseconds> parse_duration(const std::string& text) {
  auto n = split_number(text, "duration", "500ms, 2s or 1m");
  if (!n) return n.error();
  static const std::pair<std::string_view, double> kUnits[] = {
      {"", 1e6}, {"s", 1e6}, {"ms", 1e3}, {"us", 1}, {"m", 60e6}, {"min", 60e6}, {"h", 3600e6}};
  for (const auto& [unit, micros] : kUnits) {
    if (n->unit != unit) continue;
    double total = n->value * micros;
    if (total < 1) return make_error(fmt::format("duration `{}` must be at least 1us", text));
    if (total > 1e15) return make_error(fmt::format("duration `{}` is too long", text));
    return std::chrono::microseconds(static_cast<int64_t>(std::llround(total)));
  }
  return make_error(fmt::format("`{}`: unknown time unit `{}` (use ms, s, m or h)", text, n->unit));
}

Result<uint64_t> parse_size(const std::string& text) {
  auto n = split_number(text, "size", "64M or 1G");
  if (!n) return n.error();
  std::string unit;
  for (char c : n->unit) unit += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (std::string_view suffix : {"IB", "B"}) {
    if (unit.size() > suffix.size() - 1 && unit.ends_with(suffix)) {
      unit.resize(unit.size() - suffix.size());
      break;
    }
  }
  double scale = unit.empty() ? 1 : unit == "K" ? 1024.0 : unit == "M" ? 1048576.0 : unit == "G" ? 1073741824.0
                                 : unit == "T" ? 1099511627776.0 : 0;
  if (scale == 0) return make_error(fmt::format("`{}`: unknown size unit `{}` (use K, M or G)", text, n->unit));
  double bytes = n->value * scale;
  if (bytes < 1) return make_error(fmt::format("size `{}` must be at least 1 byte", text));
  if (bytes > 1.8e19) return make_error(fmt::format("size `{}` is too large", text));
  return static_cast<uint64_t>(bytes);
}

std::string duration_text(std::chrono::microseconds d) {
  auto us = d.count();
  if (us % 1000000 == 0) return fmt::format("{} s", us / 1000000);
  if (us % 1000 == 0) return fmt::format("{} ms", us / 1000);
  return fmt::format("{} us", us);
}

std::string size_text(uint64_t bytes) {
  if (bytes % (1ull << 30) == 0) return fmt::format("{} GiB", bytes >> 30);
  if (bytes % (1ull << 20) == 0) return fmt::format("{} MiB", bytes >> 20);
  if (bytes % 1024 == 0) return fmt::format("{} KiB", bytes >> 10);
  return fmt::format("{} bytes", bytes);
}

std::optional<uint64_t> parse_decimal(std::string_view text) {
  if (text.empty() || text.size() > 19 || text.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
  return std::stoull(std::string(text));
}

}  // namespace wasmrr::cli
