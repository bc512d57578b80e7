#include "trace/trace_diff.h"

#include "trace/value_diff.h"

namespace wasmrr::trace {

namespace {

// Seeds that keep the parts of an event apart (no call hashes like an outcome).
constexpr uint64_t kCallSeed = 0x63616c6c, kResultsSeed = 0x726573, kExitSeed = 0x65786974, kTrapSeed = 0x74726170;

// Builds the ops and stretches, walking both traces in order.
class OpWriter {
 public:
  explicit OpWriter(EventDiff& out) : out_(out) {}

  void same() {  // the next event of each is the same: a stretch ends
    close();
    a_++, b_++;
  }
  void op(EventOp::Kind kind) {
    if (!open_) {
      out_.stretches.push_back({a_, 0, b_, 0, out_.ops.size(), 0});
      open_ = true;
    }
    out_.ops.push_back({kind, kind == EventOp::Kind::OnlyB ? 0 : a_, kind == EventOp::Kind::OnlyA ? 0 : b_});
    if (kind != EventOp::Kind::OnlyB) a_++;
    if (kind != EventOp::Kind::OnlyA) b_++;
  }
  void close() {
    if (!open_) return;
    Stretch& s = out_.stretches.back();
    s.a_count = a_ - s.a_first;
    s.b_count = b_ - s.b_first;
    s.op_count = out_.ops.size() - s.first_op;
    open_ = false;
  }
  uint64_t a() const { return a_; }
  uint64_t b() const { return b_; }

 private:
  EventDiff& out_;
  uint64_t a_ = 0, b_ = 0;  // the next event of each
  bool open_ = false;
};

// Events a[from_a, to_a) and b[from_b, to_b), between two aligned calls:
// aligned again on the function alone, on a budget that grows with them.
void between_calls(const EventDigests& a, const EventDigests& b, uint64_t to_a, uint64_t to_b, OpWriter& w) {
  uint64_t from_a = w.a(), from_b = w.b();
  std::vector<uint64_t> fa(a.fn.begin() + static_cast<ptrdiff_t>(from_a), a.fn.begin() + static_cast<ptrdiff_t>(to_a));
  std::vector<uint64_t> fb(b.fn.begin() + static_cast<ptrdiff_t>(from_b), b.fn.begin() + static_cast<ptrdiff_t>(to_b));
  Alignment by_fn = align(fa, fb, {.budget = 64 * (fa.size() + fb.size()) + 4096});
  for (const Match& m : by_fn.matches) {
    while (w.a() < from_a + m.a) w.op(EventOp::Kind::OnlyA);
    while (w.b() < from_b + m.b) w.op(EventOp::Kind::OnlyB);
    for (uint64_t i = 0; i < m.length; i++) w.op(EventOp::Kind::Changed);
  }
  while (w.a() < to_a) w.op(EventOp::Kind::OnlyA);
  while (w.b() < to_b) w.op(EventOp::Kind::OnlyB);
}

}  // namespace

EventHashes event_hashes(const Event& e) {
  uint64_t call = value_hash(e.args, text_hash(e.fn, kCallSeed));
  uint64_t whole = e.exit ? value_hash(Json(*e.exit), call ^ kExitSeed)
                 : e.trap ? text_hash(*e.trap, call ^ kTrapSeed)
                          : value_hash(e.results, call ^ kResultsSeed);
  return {call, whole};
}

void EventDigests::add(const Event& e, uint32_t fn_id) {
  EventHashes h = event_hashes(e);
  call.push_back(h.call);
  whole.push_back(h.whole);
  fn.push_back(fn_id);
}

EventDiff diff_events(const EventDigests& a, const EventDigests& b, const AlignOptions& options) {
  Alignment by_call = align(a.call, b.call, options);
  EventDiff out;
  out.coarse = by_call.coarse;
  OpWriter w(out);
  for (const Match& m : by_call.matches) {
    between_calls(a, b, m.a, m.b, w);
    for (uint64_t i = 0; i < m.length; i++) {
      if (a.whole[m.a + i] == b.whole[m.b + i]) w.same();
      else w.op(EventOp::Kind::Changed);
    }
  }
  between_calls(a, b, a.size(), b.size(), w);
  w.close();
  return out;
}

}  // namespace wasmrr::trace
