#include "cli/debug/repl.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <istream>
#include <ostream>
#include <sstream>
#include <utility>

#include <fmt/format.h>

#include "cli/debug/editline_api.h"
#include "cli/units.h"
#include "util/printable.h"

namespace wasmrr::cli::debug {
namespace {

std::vector<std::string> split_words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// What follows the command word, as typed.
std::string rest_of(const std::string& line) {
  size_t start = line.find_first_not_of(" \t");
  size_t gap = line.find_first_of(" \t", start);
  if (gap == std::string::npos) return "";
  size_t arg = line.find_first_not_of(" \t", gap);
  if (arg == std::string::npos) return "";
  size_t end = line.find_last_not_of(" \t\r");
  return line.substr(arg, end - arg + 1);
}

std::optional<uint64_t> number(const std::string& text) { return parse_decimal(text); }

std::optional<uint64_t> hex_or_decimal(const std::string& text) {
  if (text.starts_with("0x") || text.starts_with("0X")) {
    if (text.size() == 2 || text.size() > 18 || text.find_first_not_of("0123456789abcdefABCDEF", 2) != std::string::npos)
      return std::nullopt;
    return std::stoull(text.substr(2), nullptr, 16);
  }
  return number(text);
}

bool is(const std::string& word, std::initializer_list<const char*> names) {
  for (const char* n : names)
    if (word == n) return true;
  return false;
}

constexpr const char* kHelp =
    "Time is the replay's events: `when` says where you are, `goto N` goes to event N, either way.\n"
    "Breakpoints\n"
    "  break FILE:LINE | LINE | FUNCTION | *0xOFFSET   stop when that code is reached (b)\n"
    "  break event N | break call PATTERN            stop before event N / before calls of imports\n"
    "                                                matching PATTERN (a glob: `call wasi:clocks/*`)\n"
    "  delete [N] (d), info breakpoints (info b)\n"
    "Running, forward and back\n"
    "  continue (c)          to the next breakpoint, or the end\n"
    "  step (s), next (n)    to the next source line (next: over calls)\n"
    "  finish                until the current function returns\n"
    "  stepi (si)            one instruction\n"
    "  reverse-continue (rc), reverse-step (rs), reverse-next (rn), reverse-finish, reverse-stepi (rsi)\n"
    "                        the same, backward in time\n"
    "  goto N                to event N;  when: the event now\n"
    "Looking\n"
    "  backtrace (bt), frame N (f), up [N], down [N], list [LINE | FILE:LINE | FUNCTION] (l)\n"
    "  info locals, info args, print EXPR (p)        C-like: names, *p, s.f, p->f, a[i], &x, arithmetic\n"
    "  x/NFU ADDR            examine memory: N units of U (b h w g) as F (x d u c s); ADDR an expression\n"
    "  info events [N-M], info memory, info globals\n"
    "  quit (q)\n";

}  // namespace

Repl::Repl(std::istream& in, std::ostream& out, bool interactive) : in_(in), out_(out), interactive_(interactive) {}
Repl::~Repl() = default;

std::optional<std::string> Repl::next_line() {
  if (!queued_.empty()) {
    std::string line = queued_.front();
    queued_.erase(queued_.begin());
    out_ << "(wasm-rr) " << line << "\n";
    return line;
  }
  if (interactive_) {
    std::optional<std::string> line = read_typed_line();
    if (!line) return std::nullopt;
    if (line->find_first_not_of(" \t") == std::string::npos) return last_command_;  // gdb: repeat the last command
    last_command_ = *line;
    return line;
  }
  std::string line;
  if (!std::getline(in_, line)) return std::nullopt;
  if (!line.empty()) out_ << "(wasm-rr) " << line << "\n";  // a transcript of scripted sessions
  return line;
}

// A line typed at the prompt: with editline's editing and history if it
// loads, else as a plain line after a plain prompt.
std::optional<std::string> Repl::read_typed_line() {
  std::string why;
  const EditlineApi* editline = editline_api(&why);
  out_.flush();
  if (!editline) {
    if (!std::exchange(warned_no_editline_, true)) out_ << "wasm-rr: no line editing: " << why << "\n";
    out_ << "(wasm-rr) " << std::flush;
    std::string line;
    if (!std::getline(in_, line)) return std::nullopt;
    return line;
  }
  char* typed = editline->readline("(wasm-rr) ");
  if (!typed) return std::nullopt;
  std::string line(typed);
  std::free(typed);
  if (line.find_first_not_of(" \t") != std::string::npos) editline->add_history(line.c_str());
  return line;
}

void Repl::refused(const std::string& why) {
  refused_ = true;
  out_ << why << "\n";
  out_.flush();
}

Command Repl::stopped(Session& s) {
  if (!std::exchange(refused_, false)) {  // a new stop (not the same one, asked again)
    frame_ = 0;
    listed_ = {};
    show_stop(s);
  }
  for (;;) {
    std::optional<std::string> line = next_line();
    if (!line) return {Command::Quit};  // end of input: as gdb does
    Outcome o = run_command(s, *line);
    out_.flush();
    if (o) return *o;
  }
}

// --- where the guest is ---

void Repl::show_stop(Session& s) {
  const Stop& stop = s.stop();
  if (!stop.note.empty()) out_ << stop.note << "\n";
  if (stop.why == Stop::End) {
    out_ << fmt::format("the replay has ended: {} after {} events\n", stop.ending, stop.position.event);
    last_function_.clear();
    out_.flush();
    return;
  }
  if (stop.position.at_start) {
    out_ << "the guest is instantiated and about to run its first instruction\n";
    last_function_.clear();
    out_.flush();
    return;
  }
  if (!stop.position.hit) {  // before an event: in the host call
    out_ << fmt::format("stopped before event {}: the guest calls {}\n", stop.position.event, stop.pending_call);
    for (const FrameView& f : s.frames()) {
      if (f.source && f.source->line != 0) {
        out_ << fmt::format("  in {}\n", printable(f.text));
        break;
      }
    }
    last_function_.clear();
    out_.flush();
    return;
  }
  std::vector<FrameView> frames = s.frames();
  if (stop.why == Stop::Breakpoint && !stop.breakpoints.empty()) {
    std::string ids;
    for (int id : stop.breakpoints) ids += (ids.empty() ? "" : ", ") + std::to_string(id);
    out_ << fmt::format("breakpoint {}, ", ids);
  }
  if (stop.why == Stop::Finish) out_ << "back in the caller: ";
  bool same_function = !frames.empty() && frames[0].function == last_function_ &&
                       (stop.why == Stop::Step || stop.why == Stop::NoTarget);
  show_location(s, 0, !same_function);
  last_function_ = frames.empty() ? "" : frames[0].function;
  out_.flush();
}

// "FUNCTION at FILE:LINE" then the line's text; "0xOFFSET in FUNCTION" without a line.
void Repl::show_location(Session& s, size_t frame, bool with_function) {
  std::vector<FrameView> frames = s.frames();
  if (frame >= frames.size()) {
    out_ << "(no guest frame)\n";
    return;
  }
  const FrameView& f = frames[frame];
  if (!f.source || f.source->line == 0) {
    out_ << fmt::format("0x{:x} in {}\n", f.frame.where.offset, printable(f.function));
    return;
  }
  if (with_function) out_ << fmt::format("{} at {}:{}\n", printable(f.function), printable(f.source->file), f.source->line);
  if (frame == 0 && s.stop().instruction) out_ << fmt::format("0x{:x}\t", f.frame.where.offset);  // mid-line, as gdb shows it
  show_source_line(s, f, f.source->line);
}

void Repl::show_source_line(Session& s, const FrameView& f, uint32_t line) {
  auto text = s.source_line(f.frame.where.module, f.source->file, line);
  if (text) out_ << fmt::format("{}\t{}\n", line, printable(text->text));
  else out_ << fmt::format("{}\tin {} (source not readable here)\n", line, printable(f.source->file));
}

// --- commands ---

Repl::Outcome Repl::run_command(Session& s, const std::string& line) {
  std::vector<std::string> w = split_words(line);
  if (w.empty()) return std::nullopt;
  const std::string& cmd = w[0];
  std::string arg = rest_of(line);
  if (is(cmd, {"quit", "q"})) return Command{Command::Quit};
  if (is(cmd, {"help", "h"})) {
    out_ << kHelp;
    return std::nullopt;
  }
  if (cmd == "when") {
    const Position& p = s.stop().position;
    if (p.at_end) out_ << fmt::format("at the end, after {} events\n", p.event);
    else if (p.at_start) out_ << "at the start, before event 0\n";
    else if (p.hit && p.event == 0) out_ << "before the first event (event 0 is next)\n";
    else if (p.hit) out_ << fmt::format("between events {} and {} (event {} is next)\n", p.event - 1, p.event, p.event);
    else out_ << fmt::format("before event {}\n", p.event);
    return std::nullopt;
  }
  struct Motion {
    const char* name;
    const char* short_name;
    Command::Kind kind;
  };
  static const Motion kMotions[] = {
      {"continue", "c", Command::Continue},
      {"step", "s", Command::Step},
      {"next", "n", Command::Next},
      {"finish", "fin", Command::Finish},
      {"stepi", "si", Command::StepInstruction},
      {"reverse-continue", "rc", Command::ReverseContinue},
      {"reverse-step", "rs", Command::ReverseStep},
      {"reverse-next", "rn", Command::ReverseNext},
      {"reverse-finish", "rf", Command::ReverseFinish},
      {"reverse-stepi", "rsi", Command::ReverseStepInstruction},
  };
  for (const Motion& m : kMotions)
    if (cmd == m.name || cmd == m.short_name) return Command{m.kind};
  if (cmd == "goto") {
    auto n = w.size() == 2 ? number(w[1]) : std::nullopt;
    if (!n) {
      out_ << "usage: goto N (an event number)\n";
      return std::nullopt;
    }
    return Command{Command::Goto, *n};
  }
  if (is(cmd, {"break", "b", "br"})) {
    add_breakpoint(s, arg);
    return std::nullopt;
  }
  if (is(cmd, {"delete", "d"})) {
    delete_breakpoint(s, w);
    return std::nullopt;
  }
  if (cmd == "info") return info(s, w);
  if (is(cmd, {"backtrace", "bt", "where"})) {
    backtrace(s);
    return std::nullopt;
  }
  if (is(cmd, {"frame", "f"})) {
    auto n = w.size() == 2 ? number(w[1]) : std::optional<uint64_t>(frame_);
    if (!n) out_ << "usage: frame N\n";
    else select_frame(s, static_cast<long>(*n));
    return std::nullopt;
  }
  if (cmd == "up" || cmd == "down") {
    auto n = w.size() == 2 ? number(w[1]) : std::optional<uint64_t>(1);
    if (!n) out_ << fmt::format("usage: {} [N]\n", cmd);
    else select_frame(s, static_cast<long>(frame_) + (cmd == "up" ? 1 : -1) * static_cast<long>(*n));
    return std::nullopt;
  }
  if (is(cmd, {"list", "l"})) {
    list(s, w);
    return std::nullopt;
  }
  if (is(cmd, {"print", "p"}) || cmd.starts_with("print/") || cmd.starts_with("p/")) {
    print(s, arg);
    return std::nullopt;
  }
  if (cmd == "x" || cmd.starts_with("x/")) {
    examine(s, w);
    return std::nullopt;
  }
  out_ << fmt::format("unknown command `{}` (try `help`)\n", printable(line));
  return std::nullopt;
}

Repl::Outcome Repl::info(Session& s, const std::vector<std::string>& w) {
  std::string what = w.size() >= 2 ? w[1] : "";
  if (is(what, {"breakpoints", "b", "break"})) {
    if (s.breakpoints().empty()) out_ << "no breakpoints\n";
    for (const BreakpointInfo& b : s.breakpoints()) out_ << fmt::format("  {}  {}\n", b.id, printable(b.where));
  } else if (what == "events") {
    info_events(s, w);
  } else if (what == "memory") {
    info_memory(s);
  } else if (what == "globals") {
    info_globals(s);
  } else if (what == "locals") {
    locals(s, false);
  } else if (what == "args") {
    locals(s, true);
  } else if (what == "frame") {
    show_location(s, frame_, true);
  } else {
    out_ << "info what? breakpoints, events [N-M], locals, args, frame, memory, globals\n";
  }
  return std::nullopt;
}

bool Repl::ended(Session& s, std::string_view what) {
  if (s.stop().position.at_end) out_ << fmt::format("the guest has ended: {} gone (`goto N` goes back)\n", what);
  return s.stop().position.at_end;
}

void Repl::add_breakpoint(Session& s, const std::string& location) {
  std::vector<std::string> w = split_words(location);
  BreakpointSpec spec;
  if (w.size() == 2 && w[0] == "event" && number(w[1])) {
    spec.kind = BreakpointSpec::Event;
    spec.event = *number(w[1]);
  } else if (w.size() == 2 && w[0] == "call") {
    spec.kind = BreakpointSpec::Call;
    spec.text = w[1];
  } else if (w.size() == 1 && w[0].starts_with("*")) {
    auto offset = hex_or_decimal(w[0].substr(1));
    if (!offset || *offset > UINT32_MAX) {
      out_ << "usage: break *0xOFFSET (a code offset, as backtraces show it)\n";
      return;
    }
    spec.kind = BreakpointSpec::Offset;
    spec.offset = static_cast<uint32_t>(*offset);
  } else if (w.size() == 1 && (number(w[0]) || (w[0].rfind(':') != std::string::npos &&
                                                number(w[0].substr(w[0].rfind(':') + 1))))) {
    size_t colon = w[0].rfind(':');
    auto line = number(colon == std::string::npos ? w[0] : w[0].substr(colon + 1));
    std::string file = colon == std::string::npos ? "" : w[0].substr(0, colon);
    if (file.empty()) {  // a line of the file the guest is stopped in
      std::vector<FrameView> frames = s.frames();
      if (frame_ < frames.size() && frames[frame_].source) file = frames[frame_].source->file;
    }
    if (!line || *line == 0 || *line > UINT32_MAX || file.empty()) {
      out_ << "usage: break FILE:LINE (or LINE in the current file)\n";
      return;
    }
    spec.kind = BreakpointSpec::Line;
    spec.text = file;
    spec.line = static_cast<uint32_t>(*line);
  } else if (w.size() == 1) {
    spec.kind = BreakpointSpec::Function;
    spec.text = w[0];
  } else {
    out_ << "usage: break FILE:LINE | LINE | FUNCTION | *0xOFFSET | event N | call PATTERN\n";
    return;
  }
  auto b = s.add_breakpoint(spec);
  if (!b) {
    out_ << fmt::format("cannot set the breakpoint: {}\n", b.error().message);
    return;
  }
  out_ << fmt::format("breakpoint {}: {}\n", b->id, printable(b->where));
}

void Repl::delete_breakpoint(Session& s, const std::vector<std::string>& w) {
  if (w.size() == 1) {
    s.delete_all_breakpoints();
    return;
  }
  for (size_t i = 1; i < w.size(); i++) {
    auto n = number(w[i]);
    if (!n || *n > INT32_MAX || !s.delete_breakpoint(static_cast<int>(*n))) out_ << fmt::format("no breakpoint {}\n", printable(w[i]));
  }
}

void Repl::backtrace(Session& s) {
  if (ended(s, "its frames are")) return;
  std::vector<FrameView> frames = s.frames();
  if (frames.empty()) out_ << "no guest frame: the guest is not in wasm code here\n";
  for (size_t i = 0; i < frames.size(); i++)
    out_ << fmt::format("{}{:<3} {}\n", i == frame_ ? "#" : "#", i, printable(frames[i].text));
}

void Repl::select_frame(Session& s, long frame) {
  if (ended(s, "its frames are")) return;
  std::vector<FrameView> frames = s.frames();
  if (frames.empty()) {
    out_ << "no guest frame\n";
    return;
  }
  if (frame < 0) {
    out_ << "bottom (innermost) frame selected; you cannot go down\n";
    frame = 0;
  } else if (static_cast<size_t>(frame) >= frames.size()) {
    out_ << "initial frame selected; you cannot go up\n";
    frame = static_cast<long>(frames.size() - 1);
  }
  frame_ = static_cast<size_t>(frame);
  listed_ = {};
  out_ << fmt::format("#{:<3} {}\n", frame_, printable(frames[frame_].text));
  show_location(s, frame_, false);
}

void Repl::list(Session& s, const std::vector<std::string>& w) {
  if (ended(s, "its frames are")) return;
  std::vector<FrameView> frames = s.frames();
  uint32_t center = 0;
  if (w.size() == 1 && listed_.next != 0) {  // go on
    center = listed_.next + 5;
  } else if (w.size() == 1) {
    if (frame_ >= frames.size() || !frames[frame_].source || frames[frame_].source->line == 0) {
      out_ << "no source line here (the code has no DWARF line for it)\n";
      return;
    }
    listed_ = {frames[frame_].frame.where.module, frames[frame_].source->file, 0};
    center = frames[frame_].source->line;
  } else {
    std::string where = w[1];
    size_t colon = where.rfind(':');
    auto line = number(colon == std::string::npos ? where : where.substr(colon + 1));
    if (line && colon != std::string::npos) {
      listed_ = {frames.empty() ? nullptr : frames[0].frame.where.module, where.substr(0, colon), 0};
    } else if (line && frame_ < frames.size() && frames[frame_].source) {
      listed_ = {frames[frame_].frame.where.module, frames[frame_].source->file, 0};
    } else {
      BreakpointSpec spec;
      out_ << fmt::format("list {}: give a LINE or FILE:LINE\n", printable(where));
      return;
    }
    center = static_cast<uint32_t>(std::min<uint64_t>(*line, UINT32_MAX));
  }
  uint32_t first = center > 5 ? center - 5 : 1;
  bool any = false;
  for (uint32_t l = first; l < first + 10; l++) {
    auto text = s.source_line(listed_.module, listed_.file, l);
    if (!text) break;
    out_ << fmt::format("{}\t{}\n", l, printable(text->text));
    any = true;
    listed_.next = l + 1;
  }
  if (!any) out_ << fmt::format("cannot show {}:{}: the source is not readable here, or has no such line\n", printable(listed_.file), first);
}

void Repl::print(Session& s, const std::string& expression) {
  if (expression.empty()) {
    out_ << "usage: print EXPR\n";
    return;
  }
  auto v = s.evaluate(expression, frame_);
  if (!v) {
    out_ << v.error().message << "\n";
    return;
  }
  out_ << fmt::format("${} = {}\n", ++print_count_, v->value);
}

void Repl::locals(Session& s, bool parameters) {
  if (ended(s, "its frames are")) return;
  std::vector<FrameView> frames = s.frames();
  if (frame_ >= frames.size()) {
    out_ << "no guest frame\n";
    return;
  }
  std::vector<debuginfo::VariableEntry> vars = s.variables(frame_);
  bool any = false;
  for (const debuginfo::VariableEntry& v : vars) {
    if (v.is_parameter != parameters) continue;
    out_ << fmt::format("{} = {}\n", v.shown.name, v.shown.value);
    any = true;
  }
  if (any) return;
  if (vars.empty() && !frames[frame_].source) {  // no DWARF: the wasm locals
    const engine::DebugFrame& f = frames[frame_].frame;
    size_t params = 0;
    (void)params;
    out_ << "no debugging information; the frame's wasm locals:\n";
    for (size_t i = 0; i < f.locals.size(); i++)
      out_ << fmt::format("  var{} = {} ({})\n", i, f.local_types[i] == CoreType::I64 ? fmt::format("{}", f.locals[i].as_i64())
                                                    : f.local_types[i] == CoreType::F32 ? fmt::format("{}", f.locals[i].as_f32())
                                                    : f.local_types[i] == CoreType::F64 ? fmt::format("{}", f.locals[i].as_f64())
                                                    : fmt::format("{}", f.locals[i].as_i32()),
                          core_type_name(f.local_types[i]));
    return;
  }
  out_ << (parameters ? "no arguments.\n" : "no locals.\n");
}

void Repl::info_events(Session& s, const std::vector<std::string>& w) {
  uint64_t now = s.stop().position.event;
  uint64_t from = now >= 5 ? now - 5 : 0, to = now + 5;
  if (w.size() == 3) {
    size_t dash = w[2].find('-');
    auto a = number(w[2].substr(0, dash));
    auto b = dash == std::string::npos ? a : number(w[2].substr(dash + 1));
    if (!a || !b || *b < *a) {
      out_ << "usage: info events [N-M]\n";
      return;
    }
    from = *a;
    to = *b;
  }
  uint64_t known = s.events_known();
  bool here_is_event = !s.stop().position.hit && !s.stop().position.at_end;
  for (uint64_t e = from; e <= to && e < known; e++)
    out_ << fmt::format("{} #{} {}\n", e == now && here_is_event ? "=>" : "  ", e, printable(s.function_of(e)));
  if (to >= known && known <= now + 1)
    out_ << fmt::format("   (events after #{} are not replayed yet)\n", known == 0 ? 0 : known - 1);
}

void Repl::info_memory(Session& s) {
  if (ended(s, "its memories are")) return;
  std::vector<runtime::GuestMemory> memories = s.memories();
  if (memories.empty()) out_ << "the guest exports no memory\n";
  for (size_t i = 0; i < memories.size(); i++) {
    size_t size = memories[i].memory->size();
    out_ << fmt::format("  {}  {}: {} pages ({} bytes)\n", i, memories[i].name, size / 65536, size);
  }
}

void Repl::info_globals(Session& s) {
  if (ended(s, "its globals are")) return;
  std::vector<runtime::GuestGlobal> globals = s.globals();
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

// The address in a printed value: its last hexadecimal number ("(struct point *) 0x11ff8"), or the number it is.
std::optional<uint64_t> address_in(const std::string& value) {
  size_t hex = value.rfind("0x");
  if (hex != std::string::npos) {
    size_t end = value.find_first_not_of("0123456789abcdefABCDEF", hex + 2);
    return hex_or_decimal(value.substr(hex, end == std::string::npos ? std::string::npos : end - hex));
  }
  std::string digits = value.substr(0, value.find(' '));
  return number(digits);
}

}  // namespace

void Repl::examine(Session& s, const std::vector<std::string>& w) {
  auto slash = w[0].find('/');
  auto spec = examine_spec(slash == std::string::npos ? "" : std::string_view(w[0]).substr(slash + 1));
  std::string expression;
  for (size_t i = 1; i < w.size(); i++) expression += (i > 1 ? " " : "") + w[i];
  if (!spec || expression.empty()) {
    out_ << "usage: x/NFU ADDR (N a count, F one of x d u c s, U one of b h w g; ADDR 0x7b, 123 or an expression)\n";
    return;
  }
  if (ended(s, "its memory is")) return;
  std::optional<uint64_t> at = hex_or_decimal(expression);
  if (!at) {
    auto v = s.evaluate(expression, frame_);
    if (!v) {
      out_ << v.error().message << "\n";
      return;
    }
    at = address_in(v->value);
    if (!at) {
      out_ << fmt::format("`{}` is not an address ({})\n", printable(expression), v->value);
      return;
    }
  }
  std::shared_ptr<engine::Memory> memory = s.memory_of(frame_);
  if (!memory) {
    out_ << "the guest has no memory\n";
    return;
  }
  const uint8_t* data = memory->data();
  uint64_t size = memory->size();
  if (*at >= size) {
    out_ << fmt::format("cannot read memory at 0x{:x}: the memory is {} bytes\n", *at, size);
    return;
  }
  if (spec->format == 's') {  // NUL-terminated strings, at most 4096 bytes each
    uint64_t a = *at;
    for (uint64_t n = 0; n < spec->count && a < size; n++) {
      uint64_t end = a;
      while (end < size && end - a < 4096 && data[end] != 0) end++;
      out_ << fmt::format("0x{:08x}: \"{}\"\n", a, printable(std::string(reinterpret_cast<const char*>(data + a), end - a)));
      a = end + 1;
    }
    return;
  }
  uint64_t bytes = spec->count * spec->unit;
  if (*at > size || bytes > size - *at) {
    out_ << fmt::format("cannot read {} bytes at 0x{:x}: the memory is {} bytes\n", bytes, *at, size);
    return;
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
}

}  // namespace wasmrr::cli::debug
