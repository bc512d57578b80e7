#include "cli/timeline/timeline_data.h"

#include <algorithm>

#include <fmt/format.h>

#include "cli/options.h"
#include "cli/timeline/timeline_trackers.h"
#include "runtime/host.h"
#include "trace/readable.h"
#include "util/printable.h"

namespace wasmrr::cli::timeline {

using trace::Json;

namespace {

constexpr char kDigits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

}  // namespace

void put_varint(std::string& out, uint64_t v) {
  while (v >= 32) {
    out += kDigits[32 | (v & 31)];
    v >>= 5;
  }
  out += kDigits[v];
}

std::string cut_text(std::string text, size_t max) {
  if (text.size() <= max) return text;
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) n--;  // not inside a character
  text.resize(n);
  text += "\u2026";
  return text;
}

TimelineBuilder::TimelineBuilder(Limits limits) : limits_(limits), trackers_(std::make_unique<Trackers>(limits_)) {}
TimelineBuilder::~TimelineBuilder() = default;

void TimelineBuilder::header(const trace::Header& h) { header_ = h; }

uint32_t TimelineBuilder::function_of(const std::string& name) {
  auto it = function_index_.find(name);
  if (it != function_index_.end()) return it->second;
  Function f;
  f.name = name;
  runtime::FuncName split = runtime::split_func_name(name);
  // One lane per interface, versions aside; a function of no interface
  // (a root-level import) has the lane of its own name's instance part.
  std::string lane = split.interface ? split.interface->unversioned() : std::string(split.instance);
  if (lane.empty()) lane = "(root)";
  auto l = lane_index_.find(lane);
  if (l == lane_index_.end()) {
    l = lane_index_.emplace(lane, static_cast<uint32_t>(lanes_.size())).first;
    lanes_.push_back(lane);
  }
  f.lane = l->second;
  f.func = split.func;
  if (split.func == "now") {
    if (lane == "wasi:clocks/monotonic-clock") f.clock = Clock::Monotonic;
    else if (lane == "wasi:clocks/wall-clock") f.clock = Clock::Wall;
  }
  // Calls that a guest makes by the million and that tell little one by one.
  f.notable = !(lane.starts_with("wasi:clocks/") || lane.starts_with("wasi:random/") || lane == "wasi:io/poll" ||
                split.func == "[method]pollable.ready" || split.func == "[method]pollable.block" ||
                split.func.starts_with("[resource-drop]pollable"));
  uint32_t index = static_cast<uint32_t>(functions_.size());
  functions_.push_back(std::move(f));
  function_index_.emplace(name, index);
  return index;
}

TimelineBuilder::Detail TimelineBuilder::detail_of(uint64_t index, const trace::Event& e) const {
  Detail d{index, cut_text(trace::readable(e.args, limits_.bytes_shown), limits_.detail_chars), {}, {}};
  if (e.exit) d.end = fmt::format("exit {}", *e.exit);
  else if (e.trap) d.end = "trap: " + cut_text(printable(*e.trap), limits_.detail_chars);
  else d.results = cut_text(trace::readable(e.results, limits_.bytes_shown), limits_.detail_chars);
  return d;
}

void TimelineBuilder::event(trace::Event&& e, uint64_t encoded_size) {
  uint64_t index = events_++;
  uint32_t fn = function_of(e.fn);
  Function& f = functions_[fn];
  f.count++;
  put_varint(fn_column_, fn);
  put_varint(size_column_, encoded_size);

  if (f.clock != Clock::None && e.results.size() == 1) {
    const Json& r = e.results[0];
    if (f.clock == Clock::Monotonic && r.is_number_unsigned()) {
      monotonic_.push_back({index, r.get<uint64_t>()});
    } else if (f.clock == Clock::Wall && r.is_object() && r.contains("seconds") && r.contains("nanoseconds") &&
               r["seconds"].is_number_unsigned() && r["nanoseconds"].is_number_unsigned()) {
      uint64_t s = r["seconds"].get<uint64_t>(), ns = r["nanoseconds"].get<uint64_t>();
      if (s < UINT64_MAX / 2000000000ull) wall_.push_back({index, s * 1000000000ull + ns});
    }
  }

  // The details kept: the first events, then the notable ones, within the
  // budget; the last ones whatever it.
  bool keep = false;
  if (details_chars_ < limits_.details_budget) {
    if (index < limits_.first_details) keep = true;
    else if (f.notable && notable_kept_ < limits_.notable_details) {
      keep = true;
      notable_kept_++;
    }
  }
  trackers_->add(index, lanes_[f.lane], f.func, e);
  if (keep) {
    details_.push_back(detail_of(index, e));
    details_chars_ += details_.back().chars();
  } else if (limits_.last_details > 0) {
    last_.emplace_back(index, std::move(e));
    if (last_.size() > limits_.last_details) last_.pop_front();
  }
}

void TimelineBuilder::end(const trace::End& e) { end_ = e; }

Json TimelineBuilder::finish(const TraceSource& source) {
  Json out = Json::object();
  out["version"] = 1;
  Json src = Json::object();
  src["path"] = printable(source.path);
  src["format"] = source.format;
  src["size"] = source.file_size ? Json(*source.file_size) : Json();
  out["trace"] = std::move(src);
  out["header"] = header_ ? trace::to_json(*header_) : Json();
  out["events"] = events_;

  Json lanes = Json::array();
  for (const auto& l : lanes_) lanes.push_back(printable(l));
  out["lanes"] = std::move(lanes);
  Json functions = Json::array();
  for (const auto& f : functions_) functions.push_back(Json::array({printable(f.name), f.lane, f.count}));
  out["functions"] = std::move(functions);  // [name, lane, events]
  out["fn"] = std::move(fn_column_);
  out["size"] = std::move(size_column_);

  // Guest time: the monotonic clock's readings, else the wall clock's, made
  // nondecreasing; the page interpolates between them.
  bool monotonic = monotonic_.size() >= 2 || (!monotonic_.empty() && wall_.size() < 2);
  const std::vector<Anchor>& anchors = monotonic ? monotonic_ : wall_;
  Json clock = Json::object();
  clock["name"] = anchors.empty() ? Json() : Json(monotonic ? "monotonic-clock" : "wall-clock");
  clock["readings"] = anchors.size();
  std::string idx, ns;
  uint64_t first_ns = anchors.empty() ? 0 : anchors.front().ns, prev_index = 0, prev_ns = first_ns;
  for (const auto& a : anchors) {
    uint64_t t = std::max(a.ns, prev_ns);
    put_varint(idx, a.index - prev_index);
    put_varint(ns, t - prev_ns);
    prev_index = a.index;
    prev_ns = t;
  }
  clock["first_ns"] = first_ns;
  clock["span_ns"] = prev_ns - first_ns;
  clock["index"] = std::move(idx);  // event index of each reading, as deltas
  clock["ns"] = std::move(ns);      // its time, as deltas from the one before (the first from first_ns)
  out["clock"] = std::move(clock);
  monotonic_.clear();
  wall_.clear();

  // [index, args, results, end] in event order.
  Json details = Json::array();
  auto put = [&](const Detail& d) {
    Json row = Json::array({d.index, d.args, d.results});
    if (!d.end.empty()) row.push_back(d.end);
    details.push_back(std::move(row));
  };
  // Two runs in event order, of different events: merged.
  auto kept = details_.begin();
  for (const auto& [index, e] : last_) {
    for (; kept != details_.end() && kept->index < index; ++kept) put(*kept);
    put(detail_of(index, e));
  }
  for (; kept != details_.end(); ++kept) put(*kept);
  out["details"] = std::move(details);
  out["details_limits"] = Json::object({{"first", limits_.first_details},
                                        {"notable", limits_.notable_details},
                                        {"last", limits_.last_details},
                                        {"chars", limits_.detail_chars}});

  trackers_->finish(out);

  Json end = Json::object();
  if (end_) {
    end = trace::to_json(*end_);
    end["text"] = trace::describe(*end_);
    if (end_->is_stop()) end["replay"] = "A replay replays every event and stops there too, with the same exit status.";
  } else {
    end["end"] = nullptr;
    end["text"] = "none: the recording was cut short (killed or crashed)";
    end["replay"] = fmt::format("A replay replays its {} event{}, then reports that the trace ends there (exit {}).",
                                events_, events_ == 1 ? "" : "s", kExitDivergence);
  }
  end["truncated"] = source.truncated;
  out["end"] = std::move(end);
  return out;
}

}  // namespace wasmrr::cli::timeline
