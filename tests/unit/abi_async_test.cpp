// Canonical ABI tests of streams, futures and error contexts (abi/async.h):
// lifting and lowering their handles, the rendezvous of SharedStreamImpl and
// SharedFutureImpl between guest buffers, and the trap_if rules. Expected
// values follow design/mvp/canonical-abi/definitions.py by hand.
#include <cstring>
#include <optional>

#include <gtest/gtest.h>

#include "abi/async.h"
#include "abi/canonical.h"
#include "util/trap.h"

using namespace wasmrr;
using namespace wasmrr::abi;

namespace {

class FakeMemory : public GuestMemory {
 public:
  uint8_t* data() override { return bytes.data(); }
  size_t size() override { return bytes.size(); }
  std::vector<uint8_t> bytes = std::vector<uint8_t>(4096);
};

// A host that records what the guest did with the streams it holds.
class RecordingHost : public HostPeer {
 public:
  void take(uint32_t id, const Value& data, const TypePtr&) override { taken += std::to_string(id) + ":" + data.str; }
  std::optional<Value> give(uint32_t, uint32_t max, bool wait, const TypePtr&) override {
    gives.push_back(wait);
    if (!wait && input_later) return Value::byte_list("");  // nothing yet
    if (input_later) {
      input = *input_later;
      input_later.reset();
    }
    if (input.empty()) return std::nullopt;
    std::string part = input.substr(0, max);
    input.erase(0, part.size());
    return Value::byte_list(part);
  }
  std::optional<Value> resolve(uint32_t, const TypePtr&) override {
    if (!future_ready) return std::nullopt;
    return Value::list({Value::u32(7)});
  }
  void accept(uint32_t, const Value&, const TypePtr&) override {}
  void dropped(uint32_t id, bool readable) override { drops.push_back({id, readable}); }

  std::string taken, input;
  std::optional<std::string> input_later;  // comes only to a read that waits
  std::vector<bool> gives;                 // each give's `wait`
  bool future_ready = false;
  std::vector<std::pair<uint32_t, bool>> drops;
};

struct Guest {
  FakeMemory mem;
  CanonicalOptions opts;
  ComponentInstanceState inst;
  AsyncRegistry registry;
  RecordingHost host;
  Guest() {
    opts.memory = &mem;
    registry.host = &host;
    inst.async = &registry;
  }
  uint8_t* at(uint32_t p) { return mem.bytes.data() + p; }
};

TypePtr u8() { return Type::primitive(Kind::U8); }
TypePtr u32() { return Type::primitive(Kind::U32); }

std::string trap_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Trap& t) {
    return t.what();
  }
  return "(no trap)";
}

// A stream's two ends in the guest's table (spec: canon_stream_new).
std::pair<uint32_t, uint32_t> new_ends(Guest& g, const TypePtr& elem, bool future = false) {
  auto shared = std::make_shared<SharedStream>(elem, future);
  uint32_t r = g.inst.handles.add(std::make_shared<CopyEnd>(shared, true));
  uint32_t w = g.inst.handles.add(std::make_shared<CopyEnd>(shared, false));
  return {r, w};
}

TEST(AbiAsync, StreamAndFutureTypesAreI32Handles) {
  for (const TypePtr& t : {Type::stream(u8()), Type::stream(nullptr), Type::future(u32()), Type::future(nullptr),
                           Type::primitive(Kind::ErrorContext)}) {
    SCOPED_TRACE(to_string(*t));
    EXPECT_EQ(t->size, 4u);
    EXPECT_EQ(t->align, 4u);
    EXPECT_EQ(t->flat, std::vector<CoreType>{CoreType::I32});
  }
  EXPECT_EQ(to_string(*Type::stream(u8())), "stream<u8>");
  EXPECT_EQ(to_string(*Type::future(nullptr)), "future");
}

TEST(AbiAsync, LoweringAHostStreamGivesTheGuestAReadableEnd) {
  Guest g;
  LiftLowerContext cx(g.opts, g.inst);
  const TypePtr t = Type::stream(u8());
  // spec: lower_stream adds a ReadableStreamEnd; index 0 is reserved.
  uint32_t i = lower_async_value(cx, 0x8000'0001, *t);
  EXPECT_EQ(i, 1u);
  auto end = g.inst.handles.get_as<CopyEnd>(i, "test");
  EXPECT_TRUE(end->readable);
  EXPECT_EQ(end->shared->host, &g.host);
  // Lowering the same id again names the same shared stream.
  uint32_t j = lower_async_value(cx, 0x8000'0001, *t);
  EXPECT_EQ(g.inst.handles.get_as<CopyEnd>(j, "test")->shared, end->shared);
}

TEST(AbiAsync, LiftingMovesTheReadableEndOutOfTheTable) {
  Guest g;
  auto [r, w] = new_ends(g, u8());
  LiftLowerContext cx(g.opts, g.inst);
  cx.to_host = true;
  const TypePtr t = Type::stream(u8());
  // The writable end cannot be lifted (trap_if(not isinstance(e, ReadableEndT))).
  EXPECT_NE(trap_of([&] { lift_async_value(cx, w, *t); }).find("readable end"), std::string::npos);
  uint32_t id = lift_async_value(cx, r, *t);
  EXPECT_EQ(id, 1u);  // the registry's first id
  EXPECT_NE(trap_of([&] { g.inst.handles.get_as<CopyEnd>(r, "test"); }).find("not in the handle table"),
            std::string::npos);
  // The host holds it now: the guest's writes go to the host.
  auto wend = g.inst.handles.get_as<CopyEnd>(w, "test");
  EXPECT_EQ(wend->shared->host, &g.host);
  std::memcpy(g.at(100), "abc", 3);
  LiftLowerContext wcx(g.opts, g.inst);
  GuestBuffer src(u8(), wcx, 100, 3);
  std::optional<CopyResult> done;
  wend->shared->write(&g.inst, src, [] {}, [&](CopyResult r) { done = r; });
  EXPECT_EQ(done, CopyResult::COMPLETED);
  EXPECT_EQ(src.progress(), 3u);
  EXPECT_EQ(g.host.taken, "1:abc");
}

TEST(AbiAsync, LiftChecksTypeStateAndWaitableSet) {
  Guest g;
  LiftLowerContext cx(g.opts, g.inst);
  auto [r, w] = new_ends(g, u8());
  // Another payload type: trap_if(e.shared.t != t).
  EXPECT_NE(trap_of([&] { lift_async_value(cx, r, *Type::stream(u32())); }).find("another type"), std::string::npos);
  // A future type for a stream end.
  EXPECT_NE(trap_of([&] { lift_async_value(cx, r, *Type::future(u8())); }).find("readable end"), std::string::npos);
  // In a waitable set: trap_if(e.in_waitable_set()).
  auto set = std::make_shared<WaitableSet>();
  g.inst.handles.add(set);
  g.inst.handles.get_as<CopyEnd>(r, "test")->join(set.get());
  EXPECT_NE(trap_of([&] { lift_async_value(cx, r, *Type::stream(u8())); }).find("waitable set"), std::string::npos);
  (void)w;
}

TEST(AbiAsync, StreamRendezvousCopiesTheSmallerCount) {
  Guest g;
  auto shared = std::make_shared<SharedStream>(u8(), false);
  LiftLowerContext cx(g.opts, g.inst);
  std::memcpy(g.at(0), "hello", 5);
  GuestBuffer src(u8(), cx, 0, 5), dst(u8(), cx, 200, 3);
  std::optional<CopyResult> write_done, read_done;
  bool write_progress = false;
  const int other_instance = 0;  // the reader is another instance (same-instance copies of u8 are allowed too)
  // The write comes first: no reader yet, so it is pending (BLOCKED).
  shared->write(&g.inst, src, [&] { write_progress = true; }, [&](CopyResult r) { write_done = r; });
  EXPECT_FALSE(write_done);
  // The read takes min(3, 5) = 3 and completes; the writer sees progress.
  shared->read(&other_instance, dst, [] {}, [&](CopyResult r) { read_done = r; });
  EXPECT_EQ(read_done, CopyResult::COMPLETED);
  EXPECT_EQ(dst.progress(), 3u);
  EXPECT_EQ(src.progress(), 3u);
  EXPECT_TRUE(write_progress);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(g.at(200)), 3), "hel");
}

TEST(AbiAsync, DroppingTheOtherEndEndsAPendingCopy) {
  Guest g;
  auto shared = std::make_shared<SharedStream>(u8(), false);
  LiftLowerContext cx(g.opts, g.inst);
  GuestBuffer dst(u8(), cx, 0, 8);
  std::optional<CopyResult> done;
  shared->read(&g.inst, dst, [] {}, [&](CopyResult r) { done = r; });
  EXPECT_FALSE(done);
  shared->drop(false);  // the writer goes away
  EXPECT_EQ(done, CopyResult::DROPPED);
  // Later copies see DROPPED at once.
  std::optional<CopyResult> again;
  GuestBuffer dst2(u8(), cx, 0, 8);
  shared->read(&g.inst, dst2, [] {}, [&](CopyResult r) { again = r; });
  EXPECT_EQ(again, CopyResult::DROPPED);
}

TEST(AbiAsync, FutureMovesOneValueAndTheWritableEndMustBeWritten) {
  Guest g;
  auto [r, w] = new_ends(g, u32(), true);
  auto rend = g.inst.handles.get_as<CopyEnd>(r, "test");
  auto wend = g.inst.handles.get_as<CopyEnd>(w, "test");
  // WritableFutureEnd.drop: trap_if(self.state != CopyState.DONE).
  EXPECT_NE(trap_of([&] { wend->drop(); }).find("trap_if(self.state != CopyState.DONE)"), std::string::npos);
  LiftLowerContext cx(g.opts, g.inst);
  uint32_t v = 0xdeadbeef;
  std::memcpy(g.at(16), &v, 4);
  GuestBuffer src(u32(), cx, 16, 1), dst(u32(), cx, 32, 1);
  std::optional<CopyResult> read_done, write_done;
  const int other = 0;
  rend->shared->read(&other, dst, [] {}, [&](CopyResult x) { read_done = x; });
  wend->shared->write(&g.inst, src, [] {}, [&](CopyResult x) { write_done = x; });
  EXPECT_EQ(read_done, CopyResult::COMPLETED);
  EXPECT_EQ(write_done, CopyResult::COMPLETED);
  uint32_t got;
  std::memcpy(&got, g.at(32), 4);
  EXPECT_EQ(got, 0xdeadbeefu);
}

TEST(AbiAsync, AHostFutureNotReadyIsPolledAgain) {
  Guest g;
  LiftLowerContext cx(g.opts, g.inst);
  uint32_t i = lower_async_value(cx, 0x8000'0002, *Type::future(u32()));
  auto end = g.inst.handles.get_as<CopyEnd>(i, "test");
  GuestBuffer dst(u32(), cx, 64, 1);
  std::optional<CopyResult> done;
  end->shared->read(&g.inst, dst, [] {}, [&](CopyResult x) { done = x; });
  EXPECT_FALSE(done);  // BLOCKED: the host has no value yet
  EXPECT_FALSE(g.registry.poll_host(false));
  g.host.future_ready = true;
  EXPECT_TRUE(g.registry.poll_host(false));
  EXPECT_EQ(done, CopyResult::COMPLETED);
  uint32_t got;
  std::memcpy(&got, g.at(64), 4);
  EXPECT_EQ(got, 7u);
}

TEST(AbiAsync, AHostStreamWithoutDataYetIsReadWhenTheGuestWaits) {
  Guest g;
  g.host.input_later = "late";
  LiftLowerContext cx(g.opts, g.inst);
  uint32_t i = lower_async_value(cx, 0x8000'0003, *Type::stream(u8()));
  auto end = g.inst.handles.get_as<CopyEnd>(i, "test");
  GuestBuffer dst(u8(), cx, 128, 16);
  std::optional<CopyResult> done;
  end->shared->read(&g.inst, dst, [] {}, [&](CopyResult x) { done = x; });
  EXPECT_FALSE(done);                                 // no data now: the read is pending (BLOCKED)
  EXPECT_FALSE(g.registry.poll_host(false));          // asked again without waiting: still none
  EXPECT_TRUE(g.registry.poll_host(true));            // nothing else can happen: it waits for the data
  EXPECT_EQ(done, CopyResult::COMPLETED);
  EXPECT_EQ(dst.progress(), 4u);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(g.at(128)), 4), "late");
  EXPECT_EQ(g.host.gives, (std::vector<bool>{false, false, false, true}));
  EXPECT_FALSE(g.registry.poll_host(true));           // nothing left to ask for
}

TEST(AbiAsync, APendingHostReadCanBeCancelled) {
  Guest g;
  g.host.input_later = "never seen";
  LiftLowerContext cx(g.opts, g.inst);
  uint32_t i = lower_async_value(cx, 0x8000'0004, *Type::stream(u8()));
  auto end = g.inst.handles.get_as<CopyEnd>(i, "test");
  GuestBuffer dst(u8(), cx, 128, 16);
  std::optional<CopyResult> done;
  end->shared->read(&g.inst, dst, [] {}, [&](CopyResult x) { done = x; });
  EXPECT_FALSE(done);
  end->shared->cancel();  // a read with a timeout that fired
  EXPECT_EQ(done, CopyResult::CANCELLED);
  EXPECT_EQ(dst.progress(), 0u);
  EXPECT_FALSE(g.registry.poll_host(true));  // it is no longer waited for
}

TEST(AbiAsync, BuffersAreCheckedAgainstMemory) {
  Guest g;
  LiftLowerContext cx(g.opts, g.inst);
  EXPECT_NE(trap_of([&] { GuestBuffer(u32(), cx, 2, 1); }).find("not aligned"), std::string::npos);
  EXPECT_NE(trap_of([&] { GuestBuffer(u8(), cx, 4000, 200); }).find("outside linear memory"), std::string::npos);
  EXPECT_NE(trap_of([&] { GuestBuffer(u8(), cx, 0, GuestBuffer::MAX_LENGTH + 1); }).find("Buffer.MAX_LENGTH"),
            std::string::npos);
}

TEST(AbiAsync, ErrorContextsKeepTheirMessageAcrossTheBoundary) {
  Guest g;
  auto e = std::make_shared<ErrorContext>();
  e->debug_message = "disk on fire";
  uint32_t i = g.inst.handles.add(e);
  LiftLowerContext cx(g.opts, g.inst);
  const TypePtr t = Type::primitive(Kind::ErrorContext);
  uint32_t id = lift_async_value(cx, i, *t);
  // spec: lift_error_context leaves the handle in the table.
  EXPECT_EQ(g.inst.handles.get_as<ErrorContext>(i, "test"), e);
  uint32_t j = lower_async_value(cx, id, *t);
  EXPECT_NE(i, j);
  EXPECT_EQ(g.inst.handles.get_as<ErrorContext>(j, "test")->debug_message, "disk on fire");
}

TEST(AbiAsync, OneTableForResourcesAndAsyncElements) {
  Guest g;
  ResourceHandle h;
  h.own = true;
  uint32_t r = g.inst.handles.add(h);
  uint32_t s = g.inst.handles.add(std::make_shared<WaitableSet>());
  EXPECT_EQ(r, 1u);
  EXPECT_EQ(s, 2u);
  EXPECT_NE(trap_of([&] { g.inst.handles.get(s); }).find("is a waitable set, not a resource handle"), std::string::npos);
  EXPECT_NE(trap_of([&] { g.inst.handles.get_as<WaitableSet>(r, "waitable-set.wait"); }).find("resource handle"),
            std::string::npos);
}

TEST(AbiAsync, WaitableSetDeliversInJoinOrderAndRefusesToDropWithMembers) {
  Guest g;
  auto set = std::make_shared<WaitableSet>();
  auto a = std::make_shared<Subtask>(), b = std::make_shared<Subtask>();
  a->join(set.get());
  b->join(set.get());
  b->set_pending_event([] { return Event{EventCode::SUBTASK, 2, 2}; });
  a->set_pending_event([] { return Event{EventCode::SUBTASK, 1, 2}; });
  EXPECT_EQ(set->get_pending_event().index, 1u);  // a joined first
  EXPECT_EQ(set->get_pending_event().index, 2u);
  EXPECT_EQ(set->poll().code, EventCode::NONE);
  EXPECT_NE(trap_of([&] { set->drop(); }).find("trap_if(len(self.elems) > 0)"), std::string::npos);
  a->resolve_delivered = b->resolve_delivered = true;
  a->drop();
  b->drop();
  set->drop();  // empty now
}

}  // namespace
