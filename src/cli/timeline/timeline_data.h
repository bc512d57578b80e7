// The data of the timeline page (`inspect --html`), gathered in one pass over
// a trace: compact per-event columns (function, size, clock readings), the
// arguments and results of the events worth showing (bounded), the guest's
// stdout and stderr as lines, its HTTP requests, the files it read and wrote,
// and how the run ended. The page (page.html, timeline.js) reads it as one
// JSON object; docs/timeline.md describes it.
//
// Memory and output stay bounded for any trace: the columns cost a few bytes
// per event, everything else has a cap (Limits), and what was left out is
// counted so that the page can say so.
#pragma once

#include <cstdint>
#include <deque>
#include <utility>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "trace/trace.h"

namespace wasmrr::cli::timeline {

struct Limits {
  uint64_t first_details = 10000;     // events whose details are kept, from the start
  uint64_t notable_details = 20000;   // ... and of the notable ones (not clocks, random or polls) after those
  uint64_t last_details = 2000;       // ... and the last ones (how the run ended)
  uint64_t details_budget = 12u << 20;  // characters of details at most, the last ones aside
  size_t detail_chars = 800;          // an argument or result list shown cut to this many characters
  size_t bytes_shown = 200;           // bytes shown per byte string (trace/readable.h)
  size_t stdio_lines = 20000;         // lines of stdout and stderr kept
  size_t line_chars = 2000;           // a line cut to this many characters
  size_t http_requests = 10000;
  size_t files = 10000;
};

// A number column: unsigned integers in a string of base64url digits, 5 bits
// a digit, least significant first, bit 5 set on every digit but the last.
void put_varint(std::string& out, uint64_t v);

// `text` cut to at most `max` bytes on a UTF-8 character boundary, with "…" added if cut.
std::string cut_text(std::string text, size_t max);

class Trackers;  // timeline_trackers.h

struct TraceSource {
  std::string path;          // as given (`-` for stdin)
  std::string format;        // "json" | "cbor"
  std::optional<uint64_t> file_size;
  bool truncated = false;    // the file ends in the middle of an element
};

class TimelineBuilder {
 public:
  explicit TimelineBuilder(Limits limits = {});
  ~TimelineBuilder();

  void header(const trace::Header& h);
  // The next event; `encoded_size` is its size in the trace (bytes). The
  // event may be kept (moved from) until finish().
  void event(trace::Event&& e, uint64_t encoded_size);
  void end(const trace::End& e);

  uint64_t events() const { return events_; }
  // Everything, for the page (after the last element).
  trace::Json finish(const TraceSource& source);

 private:
  enum class Clock : uint8_t { None, Monotonic, Wall };
  struct Function {
    std::string name;
    std::string func;  // after the '#'
    uint32_t lane = 0;
    uint64_t count = 0;
    Clock clock = Clock::None;
    bool notable = true;  // its details are worth keeping past the first events
  };
  struct Detail {
    uint64_t index;
    std::string args, results, end;  // end: "exit N" or "trap: ..." for a call that did not return
    size_t chars() const { return args.size() + results.size() + end.size() + 16; }
  };
  struct Anchor {
    uint64_t index, ns;
  };

  uint32_t function_of(const std::string& name);
  Detail detail_of(uint64_t index, const trace::Event& e) const;

  Limits limits_;
  std::optional<trace::Header> header_;
  std::optional<trace::End> end_;
  uint64_t events_ = 0;

  std::vector<Function> functions_;
  std::unordered_map<std::string, uint32_t> function_index_;
  std::vector<std::string> lanes_;
  std::unordered_map<std::string, uint32_t> lane_index_;

  std::string fn_column_, size_column_;
  std::vector<Anchor> monotonic_, wall_;

  std::vector<Detail> details_;     // in event order
  // The last events not kept in details_, whose details are kept whatever
  // the budget: rendered at the end only (most of them leave the window).
  std::deque<std::pair<uint64_t, trace::Event>> last_;
  uint64_t details_chars_ = 0, notable_kept_ = 0;

  std::unique_ptr<Trackers> trackers_;
};

}  // namespace wasmrr::cli::timeline
