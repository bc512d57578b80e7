#include "rr/faults.h"

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include <fmt/format.h>

#include "util/printable.h"

namespace wasmrr::rr {
namespace {

// '*' matches any run of characters.
bool glob(std::string_view pattern, std::string_view text) {
  size_t star = pattern.find('*');
  if (star == std::string_view::npos) return pattern == text;
  if (!text.starts_with(pattern.substr(0, star))) return false;
  std::string_view rest = pattern.substr(star + 1);
  for (size_t i = star; i <= text.size(); i++)
    if (glob(rest, text.substr(i))) return true;
  return false;
}

std::optional<double> parse_rate(std::string_view s) {
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || !(v > 0) || v > 1) return std::nullopt;
  return v;
}

}  // namespace

bool FaultRule::matches(std::string_view fn) const {
  if (filter.empty()) return true;
  if (filter.find('*') == std::string::npos) return fn.starts_with(filter);
  return glob(filter, fn);
}

Result<FaultSpec> parse_fault_spec(std::string_view text, std::span<const std::string_view> world_kinds) {
  FaultSpec spec;
  spec.text = std::string(text);
  std::vector<std::string_view> kinds(std::begin(kCallFaultKinds), std::end(kCallFaultKinds));
  kinds.insert(kinds.end(), world_kinds.begin(), world_kinds.end());
  auto known = [&](std::string_view k) { return std::find(kinds.begin(), kinds.end(), k) != kinds.end(); };
  std::string all_kinds = fmt::format("{}", fmt::join(kinds, ", "));
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = std::min(text.find(',', start), text.size());
    std::string_view item = text.substr(start, comma - start);
    start = comma + 1;
    if (item.empty()) return make_error(fmt::format("--faults `{}`: an empty rule", printable(text)));
    FaultRule rule;
    size_t eq = item.rfind('=');
    if (eq != std::string_view::npos) {
      auto rate = parse_rate(item.substr(eq + 1));
      if (!rate)
        return make_error(fmt::format("--faults `{}`: rate `{}` must be a number in (0, 1]", printable(text),
                                      printable(item.substr(eq + 1))));
      rule.rate = *rate;
      item = item.substr(0, eq);
    }
    size_t at = item.find('@');
    std::string_view kind = item.substr(0, at);
    if (at != std::string_view::npos) rule.filter = std::string(item.substr(at + 1));
    if (kind == "all") {
      for (std::string_view k : kinds) {
        FaultRule r = rule;
        r.kind = std::string(k);
        spec.rules.push_back(std::move(r));
      }
      continue;
    }
    if (!known(kind))
      return make_error(fmt::format("--faults `{}`: unknown fault kind `{}` (expected {} or all)", printable(text),
                                    printable(kind), all_kinds));
    rule.kind = std::string(kind);
    spec.rules.push_back(std::move(rule));
  }
  return spec;
}

Json to_json(const InjectedFault& f) {
  return Json{{"event", f.event}, {"fn", f.fn},         {"site", f.site},
              {"occurrence", f.occurrence}, {"kind", f.kind}, {"detail", f.detail}};
}

Json to_json(const FaultPlan& plan) {
  Json out = Json::array();
  for (const auto& f : plan) out.push_back(to_json(f));
  return out;
}

FaultPlan fault_plan_from_json(const Json& j) {
  if (!j.is_array()) throw std::runtime_error("a fault plan must be an array of faults");
  FaultPlan plan;
  for (size_t i = 0; i < j.size(); i++) {
    const Json& f = j[i];
    auto fail = [&](const char* what) { throw std::runtime_error(fmt::format("fault {}: {}", i, what)); };
    if (!f.is_object()) fail("must be an object");
    InjectedFault out;
    auto num = [&](const char* key) {
      if (!f.contains(key) || !f[key].is_number_unsigned()) fail(fmt::format("`{}` must be a number", key).c_str());
      return f[key].get<uint64_t>();
    };
    auto str = [&](const char* key) {
      if (!f.contains(key) || !f[key].is_string()) fail(fmt::format("`{}` must be a string", key).c_str());
      return f[key].get<std::string>();
    };
    out.event = num("event");
    out.fn = str("fn");
    if (f.contains("site")) out.site = str("site");
    out.occurrence = num("occurrence");
    out.kind = str("kind");
    out.detail = f.value("detail", Json());
    if (!out.detail.is_object()) fail("`detail` must be an object");
    plan.push_back(std::move(out));
  }
  return plan;
}

std::string describe(const InjectedFault& f) {
  std::string what;
  const Json& d = f.detail;
  if (f.kind == "err") {
    what = fmt::format("err({})", d.contains("value") && !d["value"].is_null() ? d["value"].dump() : "");
  } else if (f.kind == "short" && d.contains("len") && d.contains("asked")) {
    what = fmt::format("short: {} bytes asked for, {} given", d["asked"].dump(), d["len"].dump());
  } else if (f.kind == "later" && d.contains("ready") && d.contains("of")) {
    what = fmt::format("later: only {} of {} reported ready", d["ready"].dump(), d["of"].dump());
  } else if (d.size() == 1 && d.contains("ns") && d["ns"].is_number_integer()) {
    what = fmt::format("{}: {:+.3f} s", f.kind, static_cast<double>(d["ns"].get<int64_t>()) / 1e9);
  } else {
    what = fmt::format("{} {}", f.kind, d.dump());
  }
  return printable(fmt::format("event {}  {}  {}", f.event, f.fn, what));
}

}  // namespace wasmrr::rr
