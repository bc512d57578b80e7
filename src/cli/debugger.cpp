#include "cli/debugger.h"

#include <fnmatch.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include <istream>
#include <ostream>
#include <sstream>

#include <fmt/format.h>

#include "util/printable.h"

namespace wasmrr::cli {
namespace {

std::vector<std::string> words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

std::optional<uint64_t> number(const std::string& text) {
  if (text.empty() || text.size() > 19 || text.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return std::stoull(text);
}

// Commands a user of gdb would try that need source-level debugging.
bool is_source_level(const std::string& cmd) {
  static const char* const kNames[] = {"step", "s", "next", "n", "finish", "stepi", "si", "reverse-step", "rs",
                                       "reverse-next", "rn", "reverse-finish", "print", "p", "list", "l",
                                       "frame", "f", "up", "down"};
  for (const char* n : kNames)
    if (cmd == n || cmd.starts_with(std::string(n) + "/")) return true;
  return false;
}

constexpr const char* kHelp =
    "Events are the replay's time: the guest stops before an event, in the host call it makes there.\n"
    "  break event N | break call PATTERN   stop before event N / before calls of imports matching PATTERN\n"
    "                                       (a glob: `call wasi:clocks/*`); short: b\n"
    "  delete [N]                           delete breakpoint N (all without N)\n"
    "  info breakpoints                     list them\n"
    "  continue (c)                         run to the next breakpoint, or the end\n"
    "  reverse-continue (rc)                back to the last breakpoint hit before now\n"
    "  goto N                               to event N, forward or back\n"
    "  when                                 the event the guest is stopped before\n"
    "  backtrace (bt)                       the guest's frames at this call\n"
    "  info events [N-M]                    the events around now (or N to M), as far as replayed\n"
    "  info memory, info globals            the guest's exported memories and globals\n"
    "  x/NFU ADDR                           examine memory 0 (info memory): N units of U (b h w g) as F\n"
    "                                       (x hex, d signed, u unsigned, c char, s string); ADDR 123 or 0x7b\n"
    "  quit (q)\n"
    "Source-level commands (break FILE:LINE, step, next, finish, print, info locals) are not\n"
    "available yet: see docs/debugging.md.\n";

}  // namespace

bool Debugger::Breakpoint::matches(uint64_t e, const std::string& function) const {
  if (event) return *event == e;
  return fnmatch(call_pattern.c_str(), function.c_str(), 0) == 0;
}

std::string Debugger::Breakpoint::describe() const {
  return event ? fmt::format("event {}", *event) : fmt::format("call {}", printable(call_pattern));
}

uint32_t Debugger::intern(const std::string& name) {
  auto it = name_ids_.find(name);
  if (it != name_ids_.end()) return it->second;
  names_.push_back(name);
  return name_ids_.emplace(name, static_cast<uint32_t>(names_.size() - 1)).first->second;
}

void Debugger::start_run(std::optional<uint64_t> stop_at, rr::Replayer& replayer) {
  replayer_ = &replayer;
  goto_ = stop_at;
  func_ids_.clear();  // a new run has new imports
}

void Debugger::before_event(uint64_t event, const runtime::ImportedFunc& f, const runtime::Values& args) {
  if (event >= history_.size()) {
    auto id = func_ids_.find(&f);
    if (id == func_ids_.end()) id = func_ids_.emplace(&f, intern(f.name)).first;
    history_.push_back(id->second);
  }
  bool stop = stop_at_next_ || goto_ == event;
  if (!stop && !goto_) {
    for (const Breakpoint& b : breakpoints_) stop = stop || b.matches(event, f.name);
  }
  if (!stop) return;
  stop_at_next_ = false;
  goto_.reset();
  now_ = event;
  pending_call_ = rr::describe_call(f, args);
  output_shown_to(event);
  show_stop();
  command_loop(false);
}

void Debugger::show_stop() {
  out_ << fmt::format("stopped before event {}: the guest calls {}\n", now_, pending_call_);
  std::vector<std::string> frames = replayer_->guest_backtrace();
  // The innermost frame with a source location says where the guest is.
  for (const std::string& f : frames) {
    if (f.find(" at ") != std::string::npos) {
      out_ << fmt::format("  in {}\n", printable(f));
      break;
    }
  }
  out_.flush();
}

void Debugger::at_end(const std::string& ending, uint64_t events) {
  now_ = events;
  pending_call_.clear();
  goto_.reset();
  out_ << fmt::format("the replay has ended: {} after {} events\n", ending, events);
  out_.flush();
  command_loop(true);
}

std::optional<std::string> Debugger::next_line() {
  if (!queued_.empty()) {
    std::string line = queued_.front();
    queued_.erase(queued_.begin());
    return line;
  }
  if (prompt_) {
    out_ << "(wasm-rr) ";
    out_.flush();
  }
  std::string line;
  if (!std::getline(in_, line)) return std::nullopt;
  return line;
}

void Debugger::command_loop(bool at_end) {
  for (;;) {
    std::optional<std::string> line = next_line();
    if (!line) throw Quit();  // end of input: as gdb does
    if (!prompt_ && !line->empty()) out_ << "(wasm-rr) " << *line << "\n";  // a transcript of scripted sessions
    Resume r = run_command(*line, at_end);
    out_.flush();
    if (r != Resume::Stay) return;
  }
}

Debugger::Resume Debugger::run_command(const std::string& line, bool at_end) {
  std::vector<std::string> w = words(line);
  if (w.empty()) return Resume::Stay;
  const std::string& cmd = w[0];
  if (cmd == "quit" || cmd == "q") throw Quit();
  if (cmd == "help" || cmd == "h") {
    out_ << kHelp;
    return Resume::Stay;
  }
  if (cmd == "when") {
    out_ << (at_end ? fmt::format("at the end, after {} events\n", now_) : fmt::format("before event {}\n", now_));
    return Resume::Stay;
  }
  if (cmd == "continue" || cmd == "c") {
    if (at_end) {
      out_ << "the replay has ended: `goto N` or `reverse-continue` go back\n";
      return Resume::Stay;
    }
    return Resume::Continue;
  }
  if (cmd == "goto") return go_to(w, at_end);
  if (cmd == "reverse-continue" || cmd == "rc") {
    for (uint64_t e = now_; e-- > 0;) {
      for (const Breakpoint& b : breakpoints_)
        if (b.matches(e, function_of(e))) throw Restart(e);
    }
    out_ << "no breakpoint is hit before now\n";
    return Resume::Stay;
  }
  if (cmd == "break" || cmd == "b") return add_breakpoint(w);
  if (cmd == "delete" || cmd == "d") return delete_breakpoint(w);
  if (cmd == "info" && w.size() >= 2 && (w[1] == "breakpoints" || w[1] == "b")) {
    if (breakpoints_.empty()) out_ << "no breakpoints\n";
    for (const Breakpoint& b : breakpoints_) out_ << fmt::format("  {}  {}\n", b.id, b.describe());
    return Resume::Stay;
  }
  if (cmd == "info" && w.size() >= 2 && w[1] == "events") return info_events(w);
  if (cmd == "backtrace" || cmd == "bt" || cmd == "where") {
    if (ended(at_end, "its frames are")) return Resume::Stay;
    std::vector<std::string> frames = replayer_->guest_backtrace();
    for (size_t i = 0; i < frames.size(); i++) out_ << fmt::format("#{:<3} {}\n", i, printable(frames[i]));
    return Resume::Stay;
  }
  if (cmd == "info" && w.size() >= 2 && w[1] == "memory") return info_memory(at_end);
  if (cmd == "info" && w.size() >= 2 && w[1] == "globals") return info_globals(at_end);
  if (cmd == "x" || cmd.starts_with("x/")) return examine(w, at_end);
  if (is_source_level(cmd) || (cmd == "info" && w.size() >= 2 && (w[1] == "locals" || w[1] == "args"))) {
    out_ << fmt::format("{}: not available yet (source-level debugging: see docs/debugging.md)\n", printable(line));
    return Resume::Stay;
  }
  out_ << fmt::format("unknown command `{}` (try `help`)\n", printable(line));
  return Resume::Stay;
}

Debugger::Resume Debugger::go_to(const std::vector<std::string>& w, bool at_end) {
  auto n = w.size() == 2 ? number(w[1]) : std::nullopt;
  if (!n) {
    out_ << "usage: goto N (an event number)\n";
    return Resume::Stay;
  }
  if (*n < now_ || (*n == now_ && at_end)) throw Restart(*n);
  if (*n == now_) {
    out_ << fmt::format("already before event {}\n", now_);
    return Resume::Stay;
  }
  if (at_end) {
    out_ << fmt::format("the recording has {} events (0 to {})\n", now_, now_ == 0 ? 0 : now_ - 1);
    return Resume::Stay;
  }
  goto_ = *n;
  return Resume::Goto;
}

Debugger::Resume Debugger::add_breakpoint(const std::vector<std::string>& w) {
  Breakpoint b{next_breakpoint_id_, std::nullopt, {}};
  if (w.size() == 3 && w[1] == "event" && number(w[2])) {
    b.event = number(w[2]);
  } else if (w.size() == 3 && w[1] == "call") {
    b.call_pattern = w[2];
  } else if (w.size() == 2) {
    out_ << fmt::format("break {}: source breakpoints (FILE:LINE, FUNCTION, *OFFSET) are not available yet; "
                        "use `break event N` or `break call PATTERN`\n", printable(w[1]));
    return Resume::Stay;
  } else {
    out_ << "usage: break event N | break call PATTERN\n";
    return Resume::Stay;
  }
  next_breakpoint_id_++;
  breakpoints_.push_back(b);
  out_ << fmt::format("breakpoint {}: {}\n", b.id, b.describe());
  return Resume::Stay;
}

Debugger::Resume Debugger::delete_breakpoint(const std::vector<std::string>& w) {
  if (w.size() == 1) {
    breakpoints_.clear();
    return Resume::Stay;
  }
  auto n = number(w[1]);
  auto it = std::find_if(breakpoints_.begin(), breakpoints_.end(), [&](const Breakpoint& b) { return n && b.id == static_cast<int>(*n); });
  if (it == breakpoints_.end()) {
    out_ << fmt::format("no breakpoint {}\n", printable(w[1]));
    return Resume::Stay;
  }
  breakpoints_.erase(it);
  return Resume::Stay;
}

Debugger::Resume Debugger::info_events(const std::vector<std::string>& w) {
  uint64_t from = now_ >= 5 ? now_ - 5 : 0, to = now_ + 5;
  if (w.size() == 3) {
    size_t dash = w[2].find('-');
    auto a = number(w[2].substr(0, dash));
    auto b = dash == std::string::npos ? a : number(w[2].substr(dash + 1));
    if (!a || !b || *b < *a) {
      out_ << "usage: info events [N-M]\n";
      return Resume::Stay;
    }
    from = *a;
    to = *b;
  }
  show_events(from, to);
  return Resume::Stay;
}

bool Debugger::ended(bool at_end, std::string_view what) {
  if (at_end) out_ << fmt::format("the guest has ended: {} gone (`goto N` goes back)\n", what);
  return at_end;
}

Debugger::Resume Debugger::info_memory(bool at_end) {
  if (ended(at_end, "its memories are")) return Resume::Stay;
  std::vector<runtime::GuestMemory> memories = replayer_->guest_memories();
  if (memories.empty()) out_ << "the guest exports no memory\n";
  for (size_t i = 0; i < memories.size(); i++) {
    size_t size = memories[i].memory->size();
    out_ << fmt::format("  {}  {}: {} pages ({} bytes)\n", i, memories[i].name, size / 65536, size);
  }
  return Resume::Stay;
}

Debugger::Resume Debugger::info_globals(bool at_end) {
  if (ended(at_end, "its globals are")) return Resume::Stay;
  std::vector<runtime::GuestGlobal> globals = replayer_->guest_globals();
  if (globals.empty()) out_ << "the guest exports no global\n";
  for (const runtime::GuestGlobal& g : globals) {
    engine::GlobalType t = g.global->type();
    CoreVal v = g.global->get();
    std::string value;
    switch (t.type) {
      case CoreType::I32: value = fmt::format("{} (0x{:x})", v.as_i32(), v.as_u32()); break;
      case CoreType::I64: value = fmt::format("{} (0x{:x})", v.as_i64(), v.bits); break;
      case CoreType::F32: value = fmt::format("{}", v.as_f32()); break;
      case CoreType::F64: value = fmt::format("{}", v.as_f64()); break;
      default: value = "(a reference)"; break;
    }
    out_ << fmt::format("  {}: {} {}{}\n", g.name, core_type_name(t.type), value, t.mutable_ ? "" : " (immutable)");
  }
  return Resume::Stay;
}

namespace {

// gdb's x/NFU: count, format, unit size.
struct ExamineSpec {
  uint64_t count = 1;
  char format = 'x';
  unsigned unit = 4;
};

std::optional<ExamineSpec> examine_spec(std::string_view spec) {
  ExamineSpec e;
  size_t i = 0;
  if (i < spec.size() && std::isdigit(static_cast<unsigned char>(spec[i]))) {
    e.count = 0;
    while (i < spec.size() && std::isdigit(static_cast<unsigned char>(spec[i])) && e.count < 1'000'000)
      e.count = e.count * 10 + static_cast<uint64_t>(spec[i++] - '0');
    if (e.count == 0 || e.count >= 1'000'000) return std::nullopt;
  }
  for (; i < spec.size(); i++) {
    char c = spec[i];
    if (c == 'x' || c == 'd' || c == 'u' || c == 'c' || c == 's') e.format = c;
    else if (c == 'b') e.unit = 1;
    else if (c == 'h') e.unit = 2;
    else if (c == 'w') e.unit = 4;
    else if (c == 'g') e.unit = 8;
    else return std::nullopt;
  }
  if (e.format == 'c') e.unit = 1;
  return e;
}

std::optional<uint64_t> address(const std::string& text) {
  if (text.starts_with("0x") || text.starts_with("0X")) {
    if (text.size() == 2 || text.size() > 18 || text.find_first_not_of("0123456789abcdefABCDEF", 2) != std::string::npos)
      return std::nullopt;
    return std::stoull(text.substr(2), nullptr, 16);
  }
  return number(text);
}

}  // namespace

Debugger::Resume Debugger::examine(const std::vector<std::string>& w, bool at_end) {
  auto slash = w[0].find('/');
  auto spec = examine_spec(slash == std::string::npos ? "" : std::string_view(w[0]).substr(slash + 1));
  auto at = w.size() == 2 ? address(w[1]) : std::nullopt;
  if (!spec || !at) {
    out_ << "usage: x/NFU ADDR (N a count, F one of x d u c s, U one of b h w g; ADDR 123 or 0x7b)\n";
    return Resume::Stay;
  }
  if (ended(at_end, "its memory is")) return Resume::Stay;
  std::vector<runtime::GuestMemory> memories = replayer_->guest_memories();
  if (memories.empty()) {
    out_ << "the guest exports no memory\n";
    return Resume::Stay;
  }
  engine::Memory& memory = *memories[0].memory;
  const uint8_t* data = memory.data();
  uint64_t size = memory.size();
  if (spec->format == 's') {  // NUL-terminated strings, at most 4096 bytes each
    uint64_t a = *at;
    for (uint64_t n = 0; n < spec->count && a < size; n++) {
      uint64_t end = a;
      while (end < size && end - a < 4096 && data[end] != 0) end++;
      out_ << fmt::format("0x{:08x}: \"{}\"\n", a, printable(std::string(reinterpret_cast<const char*>(data + a), end - a)));
      a = end + 1;
    }
    return Resume::Stay;
  }
  uint64_t bytes = spec->count * spec->unit;
  if (*at > size || bytes > size - *at) {
    out_ << fmt::format("cannot read {} bytes at 0x{:x}: {} is {} bytes\n", bytes, *at, memories[0].name, size);
    return Resume::Stay;
  }
  unsigned per_line = spec->unit == 1 ? 8 : (spec->unit == 8 ? 2 : 4);
  for (uint64_t i = 0; i < spec->count; i++) {
    uint64_t a = *at + i * spec->unit;
    if (i % per_line == 0) out_ << fmt::format("{}0x{:08x}:", i ? "\n" : "", a);
    uint64_t v = 0;
    std::memcpy(&v, data + a, spec->unit);  // wasm memory is little-endian, as this host
    int shift = 64 - 8 * static_cast<int>(spec->unit);
    int64_t sv = static_cast<int64_t>(v << shift) >> shift;
    switch (spec->format) {
      case 'x': out_ << fmt::format(" 0x{:0{}x}", v, spec->unit * 2); break;
      case 'd': out_ << fmt::format(" {}", sv); break;
      case 'u': out_ << fmt::format(" {}", v); break;
      case 'c': out_ << fmt::format(" {} '{}'", v, printable(std::string(1, static_cast<char>(v)))); break;
    }
  }
  out_ << "\n";
  return Resume::Stay;
}

void Debugger::show_events(uint64_t from, uint64_t to) {
  for (uint64_t e = from; e <= to && e < history_.size(); e++)
    out_ << fmt::format("{} #{} {}\n", e == now_ ? "=>" : "  ", e, printable(function_of(e)));
  if (to >= history_.size() && history_.size() <= now_ + 1)
    out_ << fmt::format("   (events after #{} are not replayed yet)\n", history_.empty() ? 0 : history_.size() - 1);
}

}  // namespace wasmrr::cli
