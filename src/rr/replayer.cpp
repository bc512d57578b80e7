#include "rr/replayer.h"

#include "runtime/tasks.h"

#include <unistd.h>

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "rr/results_reader.h"
#include "rr/value_codec.h"
#include "util/printable.h"
#include "trace/json_bytes.h"
#include "trace/readable.h"
#include "trace/parse.h"
#include "trace/sha256.h"

namespace wasmrr::rr {

namespace {

// A recorded value for a report: bytes as text or hex (trace/readable.h), cut short.
std::string short_json(const Json& j) {
  std::string s = trace::readable(j, 64);
  return s.size() > 160 ? s.substr(0, 160) + "..." : s;
}

// "a, b, c" from a JSON array of recorded values.
std::string list_json(const Json& values) {
  std::string out;
  for (const auto& v : values) {
    if (!out.empty()) out += ", ";
    out += short_json(v);
  }
  return out;
}

std::string summarize(const trace::Event& ev) {
  std::string s = fmt::format("{}({})", printable(ev.fn), list_json(ev.args));
  if (ev.exit) return s + fmt::format(" -> exit {}", *ev.exit);
  if (ev.trap) return s + " -> trap: " + printable(*ev.trap);
  return ev.results.empty() ? s : s + " -> " + list_json(ev.results);
}

}  // namespace

Result<trace::Header> Replayer::read_header() {
  auto el = reader_.next();
  if (!el) return el.error();
  if (!*el) return make_error(fmt::format("`{}` holds no header: it is empty or truncated", reader_.path()));
  auto decoded = trace::decode_element(std::move(**el));
  if (!decoded) return make_error(fmt::format("`{}` header: {}", reader_.path(), decoded.error().message));
  if (decoded->kind != trace::Element::Kind::Header)
    return make_error(fmt::format("`{}`: the first element is not a trace header", reader_.path()));
  if (auto window = decoded->header.dedup_window) {
    if (*window > SeenBytes::kMaxWindow)
      return make_error(fmt::format("`{}` header: dedup: a window of {} bytes, more than the {} MiB a replay holds",
                                    reader_.path(), *window, SeenBytes::kMaxWindow >> 20));
    seen_.emplace(*window, /*keep_bytes=*/true);
  }
  return decoded->header;
}

Result<trace::TraceReader::Text> Replayer::next_text() {
  if (!have_ahead_) return reader_.next_text();
  have_ahead_ = false;
  trace::TraceReader::Text text = ahead_;
  text.text = ahead_bytes_;
  return text;
}

namespace {

// The start of every report of a trace without an end record; `after` says
// what was replayed last ("event 12", "its header").
std::string cut_short(const std::string& after) {
  return fmt::format("the trace ends after {} without an end record: the recording was cut short (killed or crashed)",
                     after);
}

std::string last_event(uint64_t next_index, const char* none) {
  return next_index == 0 ? std::string(none) : fmt::format("event {}", next_index - 1);
}

}  // namespace

std::string describe_call(const runtime::ImportedFunc& f, const runtime::Values& args) {
  Json encoded = Json::array();
  for (size_t i = 0; i < args.size() && i < f.type->params.size(); i++)
    encoded.push_back(encode_value(args[i], *f.type->params[i].type, EncodeOptions{.digest_large_bytes = true}));
  return fmt::format("{}({})", printable(f.name), list_json(encoded));
}

BadTrace::BadTrace(uint64_t event, std::string function, std::string value_path, std::string problem, bool from_reader)
    : Abort(fmt::format("event {}{}: {}{}", event, function.empty() ? "" : fmt::format(" ({})", printable(function)),
                        value_path.empty() ? "" : printable(value_path) + ": ", printable(problem))),
      event_(event),
      function_(std::move(function)),
      value_path_(std::move(value_path)),
      problem_(std::move(problem)),
      from_reader_(from_reader) {}

bool Replayer::event_starts(std::string_view bytes) const {
  return fast_encoder_.compact() ? trace::is_compact_event(bytes.substr(0, 1)) : bytes.starts_with("{\"fn\":");
}

void Replayer::stop_if_stopped_here() {
  // A compact CBOR event next (an array head) is neither an end nor a stop.
  // It is left unread, for call_scalar to decode straight from the reader's
  // buffer (or call() to read), instead of being scanned and copied here first.
  // The same for a JSON trace's event line.
  if (event_starts(fast_encoder_.compact() ? reader_.peek_cbor() : reader_.peek_json())) return;
  auto text = reader_.next_text();
  if (!text) throw BadTrace::unreadable(next_index_, text.error().message);
  ahead_ = *text;
  ahead_bytes_.assign(text->text);
  have_ahead_ = true;
  if (text->available && text->end) {
    // Cut short (killed): stop now rather than wait for the guest's next call,
    // which a guest that was computing when the recorder died may never make.
    throw TraceEnded(cut_short(last_event(next_index_, "its header")) + ". Everything up to there replayed.");
  }
  if (!text->available || !trace::starts_end_record(ahead_bytes_, fast_encoder_.format())) return;
  have_ahead_ = false;
  auto el = decode_next(reader_.parse_text(ahead_bytes_));
  if (el && el->kind == trace::Element::Kind::End && el->end.is_stop()) throw Stopped(el->end);
  // Another end: keep it for the guest's next call or finish(), which report it.
  if (el) pending_element_ = std::move(el);
  else pending_cut_ = true;
}

std::optional<trace::Element> Replayer::next_element() {
  if (pending_element_) return std::exchange(pending_element_, std::nullopt);
  if (pending_cut_) return std::nullopt;
  if (have_ahead_) {
    have_ahead_ = false;
    if (ahead_.available && !ahead_.end) return decode_next(reader_.parse_text(ahead_bytes_));
  }
  return decode_next(reader_.next());
}

std::optional<trace::Element> Replayer::next_unskipped_element() {
  while (true) {
    auto el = next_element();
    if (!outside_ || !el || el->kind != trace::Element::Kind::Event || !outside_->skips(el->event)) return el;
    next_index_++;
  }
}

std::optional<trace::Element> Replayer::decode_next(Result<std::optional<trace::Json>> el) {
  if (!el) throw BadTrace::unreadable(next_index_, el.error().message);
  if (!*el) return std::nullopt;
  auto decoded = trace::decode_element(std::move(**el));
  if (!decoded) throw BadTrace::unfit(next_index_, "", "", decoded.error().message);
  if (decoded->kind == trace::Element::Kind::Header) throw BadTrace::unfit(next_index_, "", "", "a second header");
  return std::move(*decoded);
}

void Replayer::remember(uint64_t index, trace::Event event) {
  Recent& r = recent_.next();
  r.index = index;
  r.event = std::move(event);
  r.text.clear();
  r.head = nullptr;
  r.scalar_type = nullptr;
}

void Replayer::remember_text(uint64_t index, std::string_view text, const std::string* head) {
  Recent& r = recent_.next();  // its buffer is reused: no allocation once warm
  r.index = index;
  r.head = head;
  r.scalar_type = nullptr;
  r.text.resize(text.size());  // never empty, so reports read the text, not the entry's old event
  std::memcpy(r.text.data(), text.data(), text.size());
}

void Replayer::remember_scalar(uint64_t index, const std::string* head, const abi::FuncType& type,
                               const abi::Value& result) {
  Recent& r = recent_.next();
  r.index = index;
  r.head = head;
  r.scalar_type = &type;
  r.scalar_kind = result.kind;
  r.scalar_num = result.num;
}

// A remembered event's text, if the fast path took it (else empty): its
// bytes, or its scalar result written out again as the recorder wrote it
// (read_json_scalar took only that form), after its head.
std::string Replayer::recent_text(const Recent& r) const {
  std::string end = r.text;
  if (r.scalar_type) {
    abi::Value result;
    result.kind = r.scalar_kind;
    result.num = r.scalar_num;
    char out[EventEncoder::kMaxScalarCall];
    const size_t n =
        fast_encoder_.encode_scalar_outcome(out, *r.scalar_type, r.scalar_type->results.empty() ? nullptr : &result);
    end.assign(out + results_key_.size(), n - results_key_.size());  // the head ends with the results key
  }
  if (end.empty()) return end;
  return r.head ? *r.head + end : end;
}

void Replayer::diverge(const std::string& what) {
  std::string report = what;
  // Where the guest is (nothing after the guest has ended, in finish()).
  if (std::string frames = runtime::format_backtrace(guest_backtrace(), "guest backtrace at the call"); !frames.empty())
    report += "\n" + frames.substr(0, frames.size() - 1);
  if (recent_.size() > 0) {
    report += "\nlast events replayed before it:";
    for (size_t i = 0; i < recent_.size(); i++) {
      const Recent& r = recent_.at(i);
      trace::Event ev = r.event;
      if (const std::string text = recent_text(r); !text.empty()) {  // accepted by the fast path, so it parses
        trace::Parsed parsed = trace::parse_element(text, fast_encoder_.format(), &reader_.names());
        if (parsed.status == trace::Parsed::Status::Ok) {
          if (auto decoded = trace::decode_element(std::move(parsed.value)); decoded && decoded->kind == trace::Element::Kind::Event)
            ev = std::move(decoded->event);
        }
      }
      report += fmt::format("\n  #{} {}", r.index, summarize(ev));
    }
  }
  throw Divergence(report);
}

// The fast path: the event is accepted without parsing it when its bytes
// start exactly as the recorder would have written this call (same function,
// same arguments, byte for byte) and hold results; only the results are
// parsed. Anything else (another call, a divergence, an exit or trap,
// redacted or hand-edited values, a compact event that defines a name) goes
// to the slow path, which decides.
bool Replayer::fast_match(const runtime::ImportedFunc& f, std::span<const abi::Value> args, std::string_view text,
                          runtime::Values& results) {
  const std::string_view element = text;
  bool names_defined = false;  // learnt already: the reader scanned the event
  const std::optional<std::string_view> after = after_args(f, args, element, names_defined);
  if (!after) return false;
  text = *after;
  // Straight from the bytes for the common types; through the trace model otherwise.
  if (read_results(text, fast_encoder_.format(), f.type->results, results, fast_encoder_.names(),
                   seen_ ? &same_lookup_ : nullptr))
    return true;
  results.clear();
  resolved_.clear();
  trace::Json parsed;
  if (!parse_results(element, text, parsed) || !parsed.is_array() || parsed.size() != f.type->results.size())
    return false;
  try {
    for (size_t i = 0; i < f.type->results.size(); i++) {
      resolve_same(parsed[i], "");
      results.push_back(decode_value(parsed[i], *f.type->results[i].type, ""));
    }
  } catch (const std::exception&) {
    results.clear();
    return false;  // the slow path reports it
  }
  return true;
}

// An event's results through the trace model: `rest` is what follows its
// "results" key; a compact event is parsed whole.
bool Replayer::parse_results(std::string_view element, std::string_view rest, trace::Json& results) {
  if (!fast_encoder_.compact()) {
    trace::Parsed parsed = trace::parse_last_value(rest, fast_encoder_.format());  // exactly the results
    if (parsed.status != trace::Parsed::Status::Ok) return false;
    results = std::move(parsed.value);
    return true;
  }
  trace::Parsed parsed = trace::parse_compact_event(element, reader_.names(), scratch_);
  if (parsed.status != trace::Parsed::Status::Ok || !parsed.value.contains("results")) return false;
  results = std::move(parsed.value["results"]);
  return true;
}

// The byte lists of an answered call are seen, as the recorder saw them:
// without hashing them again where their digests are known (the arguments'
// from the fast path's comparison, the results' from their references).
void Replayer::see_call(const runtime::ImportedFunc& f, const runtime::Values& args, const runtime::Values& results,
                        bool args_digested) {
  if (!seen_ || !info_of(f).moves_bytes) return;
  size_t next_digest = 0;
  auto see_arg = [&](std::string_view b) {
    if (args_digested && next_digest < arg_digests_.size()) seen_->see(b, arg_digests_[next_digest++]);
    else seen_->see(b, trace::sha256_hex(b));
  };
  for (size_t i = 0; i < args.size() && i < f.type->params.size(); i++)
    for_each_long_byte_list(args[i], *f.type->params[i].type, see_arg);
  auto see_result = [&](std::string_view b) {
    for (const auto& digest : resolved_)
      if (seen_->see_if_kept(b, digest)) return;
    seen_->see(b, trace::sha256_hex(b));
  };
  for (size_t i = 0; i < results.size() && i < f.type->results.size(); i++)
    for_each_long_byte_list(results[i], *f.type->results[i].type, see_result);
  resolved_.clear();
}

// {"$same": hex} in a recorded result: the bytes seen before with that
// digest. The value path is made only for an error (this runs on every
// event of a trace with references).
void Replayer::resolve_same(Json& j, const std::string& path) {
  std::vector<std::string> where;
  resolve_same_in(j, path, where);
}

void Replayer::resolve_same_in(Json& j, const std::string& path, std::vector<std::string>& where) {
  if (j.is_array()) {
    for (size_t i = 0; i < j.size(); i++) {
      if (!j[i].is_structured()) continue;
      where.push_back(fmt::format("[{}]", i));
      resolve_same_in(j[i], path, where);
      where.pop_back();
    }
    return;
  }
  if (!j.is_object()) return;
  if (j.size() == 1 && j.begin().key() == "$same") {
    const Json& digest = j.begin().value();
    const std::string* bytes = seen_ && digest.is_string() ? seen_->find(digest.get_ref<const std::string&>()) : nullptr;
    if (!bytes) {
      std::string at = path;
      for (const auto& w : where) at += w;
      throw DecodeError(at, fmt::format("refers to bytes seen before ({}) that this replay has not seen{}",
                                        printable(digest.dump()), seen_ ? "" : " (the header asks for no dedup)"));
    }
    resolved_.push_back(digest.get<std::string>());
    j = Json::binary(Json::binary_t::container_type(bytes->begin(), bytes->end()));
    return;
  }
  for (auto& [key, value] : j.items()) {
    if (!value.is_structured()) continue;
    where.push_back("." + key);
    resolve_same_in(value, path, where);
    where.pop_back();
  }
}

const std::string& Replayer::prefix_of(const runtime::ImportedFunc& f) {
  FuncInfo& info = info_of(f);
  if (!info.prefix_stable) {
    info.prefix = fast_encoder_.event_prefix(f.name, f.type->params.size(), &info.prefix_stable);
    if (f.type->params.empty()) {
      info.no_args_head = info.prefix;
      fast_encoder_.encode_args(info.no_args_head, f.type->params, {});
      info.no_args_head += results_key_;
    }
  }
  return info.prefix;
}

void Replayer::use_plain_cbor_events() {
  fast_encoder_ = EventEncoder(fast_encoder_.format());
  fast_encoder_.set_digests(&arg_digests_);
  results_key_ = fast_encoder_.results_key();
  for (auto& [func, info] : funcs_) info.prefix_stable = false;
}

void Replayer::recycle_results(const runtime::ImportedFunc& f, runtime::Values&& results) {
  info_of(f).spare = std::move(results);
}

abi::Value Replayer::call_scalar(const runtime::ImportedFunc& f, std::span<const abi::Value> args) {
  // Only the plain case: nothing else watches or answers calls, and the next
  // event is still in the reader's buffer (stop_if_stopped_here() left it
  // there); anything else, e.g. a plain CBOR map event read ahead, is call()'s.
  if (outside_ || controller_ || pending_element_ || pending_cut_ || have_ahead_ || !info_of(f).scalar_fast)
    return CallInterposer::call_scalar(f, args);
  abi::Value result;
  if (take_scalar_event(f, args, result)) return result;
  return CallInterposer::call_scalar(f, args);
}

// The next event, decoded where it lies in the reader's buffer (a compact
// CBOR event, or a JSON trace's line): it starts as the recorder would have
// written this call (function and arguments byte for byte) and ends with a
// scalar result read_compact_scalar or read_json_scalar decodes. Anything
// else, including an event the buffer holds only part of, is left unread
// for call().
bool Replayer::take_scalar_event(const runtime::ImportedFunc& f, std::span<const abi::Value> args,
                                 abi::Value& result) {
  const bool cbor = fast_encoder_.compact();
  const std::string_view bytes = cbor ? reader_.peek_cbor() : reader_.peek_json();
  const std::string& prefix = prefix_of(f);
  // What precedes the results: made once for a function without parameters.
  const std::string* head = &last_info_->no_args_head;
  if (!args.empty()) {
    scratch_ = prefix;
    arg_digests_.clear();
    fast_encoder_.encode_args(scratch_, f.type->params, args);
    scratch_ += results_key_;
    head = &scratch_;
  }
  if (!last_info_->prefix_stable || bytes.size() < head->size() ||
      !std::equal(head->begin(), head->end(), bytes.begin()))  // CBOR's few bytes: inline, not by memcmp
    return false;
  size_t size = head->size();
  const std::string_view rest = bytes.substr(size);
  const size_t outcome = cbor ? read_compact_scalar(rest, *f.type, result) : read_json_scalar(rest, *f.type, result);
  // A JSON event's line ends with `,` and its newline.
  if (outcome == 0 || (!cbor && !rest.substr(outcome).starts_with(",\n"))) return false;
  size += outcome;
  const uint64_t index = next_index_++;
  // A JSON event of a function without parameters is remembered as its
  // result value: its start is the function's, and stays (a compact CBOR
  // event is short, and its function's start may be made again:
  // use_plain_cbor_events).
  if (!cbor && args.empty()) remember_scalar(index, head, *f.type, result);
  else remember_text(index, bytes.substr(0, size));
  if (cbor) reader_.take_cbor(size);
  else reader_.take_json_line(size + 1);
  // What follows is still where `bytes` views it (taking only moves the read
  // position): the start of another event needs no second look.
  if (!event_starts(bytes.substr(cbor ? size : size + 2))) stop_if_stopped_here();
  return true;
}

// The next event, decoded where it lies in the reader's buffer as
// take_scalar_event does for scalar calls, without the scan next_text()
// makes to find its end first: a compact CBOR event, or a JSON trace's event
// line, that starts as this call would have been recorded, defines no names,
// and whose results the results reader decodes. Returns the event's bytes
// (valid until the reader reads), which it took; empty if it left them
// unread for call()'s other paths.
std::string_view Replayer::take_event(const runtime::ImportedFunc& f, std::span<const abi::Value> args,
                                      runtime::Values& results) {
  const bool cbor = fast_encoder_.compact();
  if (have_ahead_ || (!cbor && fast_encoder_.format() != trace::Format::Json)) return {};
  prefix_of(f);  // made (again) if its event names the function
  if (!last_info_->prefix_stable) return {};
  const std::string_view bytes = cbor ? reader_.peek_cbor() : reader_.peek_json();
  bool names_defined = false;
  const std::optional<std::string_view> after = after_args(f, args, bytes, names_defined);
  // An argument's key written as text: the event defines it (the reader must learn it).
  if (!after || names_defined) return {};
  const SameBytes* same = seen_ ? &same_lookup_ : nullptr;
  const std::string_view encoded = *after;
  const size_t outcome = cbor ? read_compact_outcome_prefix(encoded, f.type->results, results, reader_.names(), same)
                              : read_json_results_prefix(encoded, f.type->results, results, same);
  // A JSON event's line ends with `,` and its newline.
  if (outcome == 0 || (!cbor && !encoded.substr(outcome).starts_with(",\n"))) {
    results.clear();
    resolved_.clear();
    return {};
  }
  const size_t size = static_cast<size_t>(encoded.data() - bytes.data()) + outcome;
  if (cbor) reader_.take_cbor(size);
  else reader_.take_json_line(size + 1);
  return bytes.substr(0, size);
}

// What follows the arguments in `event` (its results, or a compact event's
// outcome), if the event starts as the recorder would have written this call:
// the function's prefix, then the arguments byte for byte (the digests of
// large ones left in arg_digests_). `names_defined`: whether the arguments,
// in a compact event, write a key as text, which defines its name.
std::optional<std::string_view> Replayer::after_args(const runtime::ImportedFunc& f, std::span<const abi::Value> args,
                                                     std::string_view event, bool& names_defined) {
  const std::string& prefix = prefix_of(f);
  if (!event.starts_with(prefix)) return std::nullopt;
  scratch_.clear();
  arg_digests_.clear();
  resolved_.clear();
  fast_encoder_.take_names_written();
  fast_encoder_.encode_args(scratch_, f.type->params, args);
  names_defined = fast_encoder_.compact() && fast_encoder_.take_names_written();
  scratch_ += results_key_;
  const std::string_view rest = event.substr(prefix.size());
  if (!rest.starts_with(scratch_)) return std::nullopt;
  return rest.substr(scratch_.size());
}

// What follows an event the fast path accepted (its bytes: `text`): the
// checks and bookkeeping of one decoded the general way.
runtime::Values Replayer::accept_fast(const runtime::ImportedFunc& f, runtime::Values& args, runtime::Values& results,
                                      uint64_t index, std::string_view text) {
  check_answer(f, args, results, index);
  see_call(f, args, results, /*args_digested=*/true);
  next_index_++;
  track_handles(f, args, results, index);
  track_async(f, args, results, index);
  notify(index, f, args, results);
  remember_text(index, text);
  stop_if_stopped_here();
  return std::move(results);
}

// The fast paths first; the element, if they decline it, is the slow
// path's (answer_from), whose trace::Element is not made for the common case
// (zeroing its storage was a visible part of a replayed read).
runtime::Values Replayer::call(const runtime::ImportedFunc& f, runtime::Values& args) {
  if (outside_) {
    if (outside_->is_live(f, args)) return outside_->answer(next_index_, f, args);
    std::optional<trace::Element> el = next_unskipped_element();  // no fast path: every event is looked at, to skip some
    const uint64_t index = next_index_;
    if (controller_) controller_->before_event(index, f, args);
    return answer_from(f, args, index, std::move(el), {});
  }
  const uint64_t index = next_index_;
  if (controller_) controller_->before_event(index, f, args);
  if (pending_element_ || pending_cut_) return answer_from(f, args, index, next_element(), {});
  runtime::Values results = std::move(info_of(f).spare);  // a fast path decodes into them
  if (std::string_view taken = take_event(f, args, results); !taken.empty())
    return accept_fast(f, args, results, index, taken);
  auto text = next_text();
  if (!text) throw BadTrace::unreadable(next_index_, text.error().message);
  if (!text->available) return answer_from(f, args, index, next_element(), std::move(results));
  if (text->end) return answer_from(f, args, index, std::nullopt, std::move(results));
  if (fast_encoder_.compact() && !trace::is_compact_event(text->text) && !trace::starts_end_record(text->text, trace::Format::Cbor))
    use_plain_cbor_events();
  if (fast_match(f, args, text->text, results)) return accept_fast(f, args, results, index, text->text);
  return answer_from(f, args, index, decode_next(reader_.parse_text(text->text)), std::move(results));
}

// The guest's call (event `index`) answered from the next element `el`
// (none: the trace ended), decoded the general way; `results`: storage to
// decode into.
runtime::Values Replayer::answer_from(const runtime::ImportedFunc& f, runtime::Values& args, uint64_t index,
                                      std::optional<trace::Element> el, runtime::Values results) {
  auto actual = [&] { return describe_call(f, args); };
  if (!el)
    throw TraceEnded(fmt::format("{}. Everything up to there replayed; the guest's next call was {}.",
                                 cut_short(last_event(index, "event (none)")), actual()));
  if (el->kind == trace::Element::Kind::End && el->end.is_stop()) throw Stopped(el->end);
  if (el->kind == trace::Element::Kind::End)
    diverge(fmt::format("divergence at event {}: the recording ended here ({}), but the guest called {}", index,
                        trace::describe(el->end), actual()));
  const trace::Event& ev = el->event;
  if (ev.fn != f.name)
    diverge(fmt::format("divergence at event {}: wrong function\n  expected: {}({})\n  actual:   {}{}", index, printable(ev.fn),
                        list_json(ev.args), actual(), async_context(f, args)));
  if (ev.args.size() != f.type->params.size())
    throw BadTrace::unfit(index, ev.fn, "", fmt::format("{} argument{} recorded, the function takes {}", ev.args.size(),
                                                        ev.args.size() == 1 ? "" : "s", f.type->params.size()));
  for (size_t i = 0; i < args.size(); i++) {
    std::string diff;
    try {
      diff = compare_value(ev.args[i], args[i], *f.type->params[i].type, "");
    } catch (const DecodeError& e) {  // e.g. an integer out of its type's range
      throw BadTrace::unfit(index, ev.fn, fmt::format("args[{}]{}", i, e.path()), e.problem());
    }
    if (!diff.empty()) {
      diff = printable(fmt::format("argument {} ({}){}", i, f.type->params[i].name, diff));
      diverge(fmt::format("divergence at event {}: {} called with different arguments\n  expected: {}({})\n  actual:   {}\n  differs:  {}{}",
                          index, printable(f.name), printable(ev.fn), list_json(ev.args), actual(), diff,
                          async_context(f, args)));
    }
  }
  next_index_++;
  if (ev.exit || ev.trap) {
    remember(index, ev);
    if (ev.exit) throw ExitRequest(*ev.exit);
    throw Trap(*ev.trap);
  }

  if (ev.results.size() != f.type->results.size())
    throw BadTrace::unfit(index, ev.fn, "", fmt::format("{} result{} recorded, the function returns {}", ev.results.size(),
                                                        ev.results.size() == 1 ? "" : "s", f.type->results.size()));
  results.clear();  // (a fast path declined it)
  resolved_.clear();
  for (size_t i = 0; i < f.type->results.size(); i++) {
    try {
      resolve_same(el->event.results[i], "");
      results.push_back(decode_value(ev.results[i], *f.type->results[i].type, ""));
    } catch (const DecodeError& e) {
      throw BadTrace::unfit(index, ev.fn, fmt::format("results[{}]{}", i, e.path()), e.problem());
    }
  }
  check_answer(f, args, results, index);
  see_call(f, args, results, /*args_digested=*/false);
  track_handles(f, args, results, index);
  track_async(f, args, results, index);
  notify(index, f, args, results);
  remember(index, std::move(el->event));
  stop_if_stopped_here();
  return results;
}

namespace {

// Calls fn(type, value) for every value inside v (of type t) whose type `is`.
template <typename Is, typename F>
void for_each_of(const abi::Value& v, const abi::Type& t, Is is, F&& fn) {
  using abi::Kind;
  if (is(t)) return fn(t, v);
  switch (t.kind) {
    case Kind::List:
      if (!t.is_byte_list())
        for (const auto& item : v.items) for_each_of(item, *t.elem, is, fn);
      return;
    case Kind::Record: case Kind::Tuple:
      for (size_t i = 0; i < t.fields.size() && i < v.items.size(); i++) for_each_of(v.items[i], *t.fields[i].type, is, fn);
      return;
    case Kind::Option:
      if (v.is_some() && v.has_payload()) for_each_of(v.payload(), *t.elem, is, fn);
      return;
    case Kind::Variant: case Kind::Result:
      if (v.case_index() < t.cases.size() && t.cases[v.case_index()].type && v.has_payload())
        for_each_of(v.payload(), *t.cases[v.case_index()].type, is, fn);
      return;
    default: return;
  }
}

bool is_own(const abi::Type& t) { return t.kind == abi::Kind::Own; }
bool is_stream_or_future(const abi::Type& t) { return t.kind == abi::Kind::Stream || t.kind == abi::Kind::Future; }

// Calls fn(type, rep) for every own handle inside v (of type t).
template <typename F>
void for_each_own(const abi::Value& v, const abi::Type& t, F&& fn) {
  for_each_of(v, t, is_own, [&](const abi::Type& u, const abi::Value& h) { fn(u, h.rep()); });
}

// Whether a value of type t can hold an own handle (then a call moves handles).
// Whether a value of type t can hold a value of a type that `is` is.
template <typename Is>
bool can_hold(const abi::Type& t, Is is) {
  using abi::Kind;
  if (is(t)) return true;
  switch (t.kind) {
    case Kind::List: case Kind::Option: return t.elem && can_hold(*t.elem, is);
    case Kind::Record: case Kind::Tuple:
      for (const auto& f : t.fields)
        if (can_hold(*f.type, is)) return true;
      return false;
    case Kind::Variant: case Kind::Result:
      for (const auto& c : t.cases)
        if (c.type && can_hold(*c.type, is)) return true;
      return false;
    default: return false;
  }
}

bool can_hold_own(const abi::Type& t) { return can_hold(t, is_own); }

bool can_hold_bytes(const abi::Type& t) {
  return can_hold(t, [](const abi::Type& u) { return u.is_byte_list(); });
}

}  // namespace

Replayer::FuncInfo& Replayer::find_or_make_info(const runtime::ImportedFunc& f) {
  auto it = funcs_.find(&f);
  if (it == funcs_.end()) {
    FuncInfo info;
    for (const auto* list : {&f.type->params, &f.type->results}) {
      for (const auto& p : *list) {
        info.moves_handles |= can_hold_own(*p.type);
        info.moves_bytes |= can_hold_bytes(*p.type);
        info.moves_async |= can_hold(*p.type, is_stream_or_future);
      }
    }
    info.scalar_fast = !f.answer_rule && std::none_of(observers_.begin(), observers_.end(),
                                                      [&](runtime::CallObserver* o) { return o->observes(f); });
    it = funcs_.emplace(&f, std::move(info)).first;
  }
  last_func_ = &f;
  last_info_ = &it->second;
  return it->second;
}

void Replayer::check_answer(const runtime::ImportedFunc& f, const runtime::Values& args,
                            const runtime::Values& results, uint64_t index) {
  if (!f.answer_rule) return;
  if (std::string problem = f.answer_rule(args, results); !problem.empty())
    throw BadTrace::unfit(index, f.name, "results", std::move(problem));
}

void Replayer::track_handles(const runtime::ImportedFunc& f, const runtime::Values& args, const runtime::Values& results,
                             uint64_t index) {
  if (!info_of(f).moves_handles) return;
  // Own handles passed to the host (resource drops included) leave the guest.
  for (size_t i = 0; i < args.size() && i < f.type->params.size(); i++)
    for_each_own(args[i], *f.type->params[i].type,
                 [&](const abi::Type& t, uint32_t rep) { live_handles_.erase({t.resource.get(), rep}); });
  for (size_t i = 0; i < results.size(); i++)
    for_each_own(results[i], *f.type->results[i].type, [&](const abi::Type& t, uint32_t rep) {
      auto [it, added] = live_handles_.try_emplace({t.resource.get(), rep}, index);
      if (!added)
        throw BadTrace::unfit(index, f.name, fmt::format("results[{}]", i),
                              fmt::format("a {} handle the guest already holds (rep {}, since event {}); a host "
                                          "never gives one twice",
                                          t.resource ? t.resource->name : "resource", rep, it->second));
    });
}

void Replayer::track_async(const runtime::ImportedFunc& f, const runtime::Values& args,
                           const runtime::Values& results, uint64_t index) {
  if (!info_of(f).moves_async) return;
  auto note = [&](std::string_view how) {
    return [&, how](const abi::Type& t, const abi::Value& v) {
      async_origins_[v.num] = {t.kind, fmt::format("{} {} {} at event {}", abi::kind_name(t.kind), how,
                                                   printable(f.name), index)};
    };
  };
  for (size_t i = 0; i < args.size() && i < f.type->params.size(); i++)
    for_each_of(args[i], *f.type->params[i].type, is_stream_or_future, note("passed to"));
  // A host may hand back a stream or future it was given, but not as the other kind.
  for (size_t i = 0; i < results.size() && i < f.type->results.size(); i++)
    for_each_of(results[i], *f.type->results[i].type, is_stream_or_future, [&](const abi::Type& t, const abi::Value& v) {
      auto it = async_origins_.find(v.num);
      if (it != async_origins_.end() && it->second.kind != t.kind)
        throw BadTrace::unfit(index, f.name, fmt::format("results[{}]", i),
                              fmt::format("handle {} is the {}, where a {} is returned", v.num, it->second.text,
                                          abi::kind_name(t.kind)));
    });
  for (size_t i = 0; i < results.size() && i < f.type->results.size(); i++)
    for_each_of(results[i], *f.type->results[i].type, is_stream_or_future, note("returned by"));
}

std::string Replayer::async_context(const runtime::ImportedFunc& f, const runtime::Values& args) const {
  std::string out;
  if (f.name.starts_with(runtime::kHostStreamsInterface) && !args.empty()) {
    auto it = async_origins_.find(args[0].num);
    if (it != async_origins_.end()) out = fmt::format("\n  handle {}: the {}", args[0].num, it->second.text);
  }
  // Which async task made the call (component-model async only).
  if (std::string task = runtime::current_task_name(); !task.empty()) out += fmt::format("\n  called in {}", task);
  return out;
}

void Replayer::notify(uint64_t index, const runtime::ImportedFunc& f, const runtime::Values& args,
                      const runtime::Values& results) {
  for (runtime::CallObserver* o : observers_) o->on_call(index, f, args, results);
}

trace::End Replayer::finish(const runtime::Outcome& outcome) {
  auto el = next_unskipped_element();
  // An export other than wasi:cli/run (serve) that returned was recorded as exit 0.
  bool exited = outcome.kind != runtime::Outcome::Kind::Trapped;
  int status = outcome.kind == runtime::Outcome::Kind::Exited ? outcome.exit_status : 0;
  std::string replayed = exited ? fmt::format("exit status {}", status) : "trap: " + printable(outcome.trap_message);
  if (!el)
    throw TraceEnded(fmt::format("{}; the guest then ended with {}", cut_short(last_event(next_index_, "event (none)")),
                                 replayed));
  if (el->kind == trace::Element::Kind::Event) {
    uint64_t left = 1;
    std::string first = printable(el->event.fn);
    while (auto more = next_unskipped_element()) {
      if (more->kind != trace::Element::Kind::Event) break;
      left++;
    }
    diverge(fmt::format("divergence at event {}: the guest ended ({}) but the recording has {} more event{}, starting with {}",
                        next_index_, replayed, left, left == 1 ? "" : "s", first));
  }
  const trace::End& end = el->end;
  if (end.is_stop()) throw Stopped(end);
  bool same = end.kind == trace::End::Kind::Exit ? exited && status == end.status
                                                 : !exited && outcome.trap_message == end.message;
  if (!same)
    diverge(fmt::format("divergence at the end: the recording ended with {}, the replay with {}",
                        trace::describe(end), replayed));
  if (auto extra = next_element())
    throw BadTrace::unfit(next_index_, "", "", "elements after the end record");
  return end;
}

}  // namespace wasmrr::rr
