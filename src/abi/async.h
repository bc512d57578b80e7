// The concurrency state of the Canonical ABI (definitions.py, "Concurrency"):
// waitables and waitable sets, subtasks, buffers, and the shared state of
// streams and futures with their readable and writable ends. Names and rules
// follow the reference; each rule the guest can break is a trap that names it.
//
// wasm-rr runs one host thread and no stack switching: a guest "blocks" only
// by returning to its callback loop (runtime/tasks.cpp), so nothing here
// waits; an operation either completes now or leaves a pending event that a
// later operation (or the host, runtime/host_streams.h) delivers.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "abi/type.h"
#include "abi/value.h"

namespace wasmrr::abi {

class LiftLowerContext;

// spec: EventCode
enum class EventCode : uint32_t {
  NONE = 0, SUBTASK = 1, STREAM_READ = 2, STREAM_WRITE = 3, FUTURE_READ = 4, FUTURE_WRITE = 5, TASK_CANCELLED = 6,
};
std::string_view event_code_name(EventCode c);

// spec: EventTuple
struct Event {
  EventCode code = EventCode::NONE;
  uint32_t index = 0;    // the waitable's handle index
  uint32_t payload = 0;  // subtask state, or a packed copy result
};

// spec: BLOCKED
constexpr uint32_t BLOCKED = 0xffffffff;

// An element of an instance's handle table other than a resource handle.
class TableElement {
 public:
  virtual ~TableElement() = default;
  virtual std::string_view what() const = 0;  // "waitable set", "subtask", ... (for traps)
};

class WaitableSet;

// spec: Waitable
class Waitable : public TableElement {
 public:
  using PendingEvent = std::function<Event()>;
  void set_pending_event(PendingEvent e) { pending_event_ = std::move(e); }
  bool has_pending_event() const { return static_cast<bool>(pending_event_); }
  bool in_waitable_set() const { return wset_ != nullptr; }
  Event get_pending_event();
  void join(WaitableSet* wset);
  // spec: Waitable.drop (a pending event is dropped with it)
  virtual void drop();

 private:
  PendingEvent pending_event_;
  WaitableSet* wset_ = nullptr;
};

// spec: WaitableSet
class WaitableSet final : public TableElement {
 public:
  std::string_view what() const override { return "waitable set"; }
  bool has_pending_event() const;
  // The first member (in join order, not the reference's shuffle: a replay
  // must see the same choice) that has an event.
  Event get_pending_event();
  // spec: WaitableSet.poll without cancellation
  Event poll();
  void drop();  // traps while it has members or waiters
  uint32_t num_waiting = 0;
  std::vector<Waitable*> elems;
};

// spec: Subtask (an async call the guest made to a lowered import)
class Subtask final : public Waitable {
 public:
  enum class State : uint32_t {
    STARTING = 0, STARTED = 1, RETURNED = 2, CANCELLED_BEFORE_STARTED = 3, CANCELLED_BEFORE_RETURNED = 4,
  };
  std::string_view what() const override { return "subtask"; }
  State state = State::STARTING;
  bool resolve_delivered = false;
  void drop() override;  // traps unless its resolution was delivered
};

// spec: CopyResult
enum class CopyResult : uint32_t { COMPLETED = 0, DROPPED = 1, CANCELLED = 2 };

// spec: Buffer, over guest memory (BufferGuestImpl). `t` is null for a
// stream or future without payload. Elements move as Values, except that a
// u8 payload moves as bytes.
class GuestBuffer {
 public:
  static constexpr uint32_t MAX_LENGTH = (1u << 28) - 1;
  GuestBuffer(TypePtr t, LiftLowerContext& cx, uint32_t ptr, uint32_t length);
  uint32_t remain() const { return length_ - progress_; }
  bool is_zero_length() const { return length_ == 0; }
  uint32_t progress() const { return progress_; }
  // ReadableBufferGuestImpl.read: the next n elements as one list value
  // (a byte list for u8).
  Value read(uint32_t n);
  // WritableBufferGuestImpl.write: n elements of a list value.
  void write(const Value& list);

 private:
  TypePtr t_;
  LiftLowerContext* cx_;
  uint32_t ptr_, length_, progress_ = 0;
};

// The number of elements a list value holds (a byte list's bytes).
size_t list_length(const Value& list);

// Two stream or future payload types are the same (nullptr: no payload).
bool same_payload(const TypePtr& a, const TypePtr& b);

// The host's side of a stream or future whose other end it holds
// (runtime/host_streams.h implements it over the interposer). Calls come
// synchronously from a guest's copy: the host answers at once.
class HostPeer {
 public:
  virtual ~HostPeer() = default;
  // The guest wrote `data` (a list value); the host takes all of it.
  virtual void take(uint32_t id, const Value& data, const TypePtr& elem) = 0;
  // The guest reads up to `max` elements: the host's data, an empty list
  // when it has none yet (unless `wait`: then it waits for some), or nullopt
  // when the host's end is done (the stream ended).
  virtual std::optional<Value> give(uint32_t id, uint32_t max, bool wait, const TypePtr& elem) = 0;
  // A future the host writes: its value once ready (a list of one element;
  // empty list for a future without payload), nullopt while it is not.
  virtual std::optional<Value> resolve(uint32_t id, const TypePtr& elem) = 0;
  // A future the host reads: the guest wrote its value.
  virtual void accept(uint32_t id, const Value& value, const TypePtr& elem) = 0;
  // The guest dropped its end of `id` (the last one it held).
  virtual void dropped(uint32_t id, bool readable_end) = 0;
};

// spec: SharedStreamImpl / SharedFutureImpl, one class: a future is a stream
// that moves exactly one element once. The host holds one end when `host`
// is set (then `host_id` names it at the host boundary).
class AsyncRegistry;

class SharedStream : public std::enable_shared_from_this<SharedStream> {
 public:
  using OnCopy = std::function<void()>;  // partial progress (streams)
  using OnCopyDone = std::function<void(CopyResult)>;
  SharedStream(TypePtr t, bool is_future) : t(std::move(t)), is_future(is_future) {}

  void read(const void* inst, GuestBuffer& dst, OnCopy on_copy, OnCopyDone on_copy_done);
  void write(const void* inst, GuestBuffer& src, OnCopy on_copy, OnCopyDone on_copy_done);
  void cancel();
  void drop(bool readable_end);

  TypePtr t;  // nullptr: no payload
  bool is_future;
  bool dropped = false;
  HostPeer* host = nullptr;    // set while the host holds the other end
  AsyncRegistry* registry = nullptr;
  uint32_t host_id = 0;  // nonzero once the stream has crossed the host boundary
  bool host_pending_read = false;  // a guest read waits for the host's data or value (see poll_host)

  // Asks the host again for the data or value of a read the guest is
  // waiting on (`wait`: a stream's host waits for data); true if it completed.
  bool poll_host(bool wait);

 private:
  void reset_pending() { pending_buffer_ = nullptr; pending_on_copy_ = nullptr; pending_on_copy_done_ = nullptr; }
  void reset_and_notify_pending(CopyResult r);
  void set_pending(const void* inst, GuestBuffer& b, OnCopy on_copy, OnCopyDone done) {
    pending_inst_ = inst; pending_buffer_ = &b; pending_on_copy_ = std::move(on_copy); pending_on_copy_done_ = std::move(done);
  }
  void host_read(GuestBuffer& dst, OnCopyDone& on_copy_done);
  bool ask_host(GuestBuffer& dst, bool wait, OnCopyDone& on_copy_done);
  void host_write(GuestBuffer& src, OnCopyDone& on_copy_done);

  const void* pending_inst_ = nullptr;
  GuestBuffer* pending_buffer_ = nullptr;
  OnCopy pending_on_copy_;
  OnCopyDone pending_on_copy_done_;
  GuestBuffer* host_wait_buffer_ = nullptr;  // the guest's buffer a host future read fills
  OnCopyDone host_wait_done_;
};

// spec: CopyState
enum class CopyState : uint8_t { IDLE, COPYING, CANCELLING_COPY, DONE };

// spec: CopyEnd and its four subclasses, one class: which end of what.
class CopyEnd final : public Waitable {
 public:
  CopyEnd(std::shared_ptr<SharedStream> shared, bool readable);  // out of line: LiftLowerContext is incomplete here
  ~CopyEnd() override;
  std::string_view what() const override;
  bool copying() const { return state == CopyState::COPYING || state == CopyState::CANCELLING_COPY; }
  void drop() override;

  std::shared_ptr<SharedStream> shared;
  bool readable;
  CopyState state = CopyState::IDLE;
  // The copy in progress: the guest buffer, and the context it reads or
  // writes memory with (both live until the copy's event is delivered).
  std::unique_ptr<LiftLowerContext> cx;
  std::unique_ptr<GuestBuffer> buffer;
};

// spec: ErrorContext
class ErrorContext final : public TableElement {
 public:
  std::string_view what() const override { return "error context"; }
  std::string debug_message;
};

// The store-wide registry of what crosses the host boundary (the reference
// passes the Python objects themselves): ids for streams, futures and error
// contexts, so that host values (Value::num) and traces can name them.
// Ids are handed out in order, so a replay gets the ones the recording got.
// The host picks the ids of what it makes from another range (with the high
// bit set: wasi/p3/p3.h), so the two never meet.
class AsyncRegistry {
 public:
  static constexpr uint32_t kFirstHostId = 0x8000'0001;
  // The id of a shared stream/future the guest gives the host (a new one
  // the first time it crosses).
  uint32_t id_of(const std::shared_ptr<SharedStream>& s);
  // The shared stream/future of a host value: one that crossed before, or a
  // new one the host made (and holds the other end of).
  std::shared_ptr<SharedStream> stream_for(uint32_t id, const TypePtr& elem, bool is_future);
  uint32_t error_context_id(const std::string& message);
  std::string error_context_message(uint32_t id) const;
  // Asks the host again for the reads guests wait on (SharedStream::
  // poll_host), without waiting; then, with `wait` and if none completed,
  // waits for the data of the oldest stream read. True if a read completed.
  bool poll_host(bool wait);
  void wait_for_host(std::weak_ptr<SharedStream> s) { host_waits_.push_back(std::move(s)); }
  HostPeer* host = nullptr;  // set by the runtime

 private:
  uint32_t new_id();
  uint32_t next_id_ = 1;
  // Weak: a stream lives as long as an end of it does (in a guest's table,
  // or the host's, which are ids here).
  std::unordered_map<uint32_t, std::weak_ptr<SharedStream>> streams_;
  std::unordered_map<uint32_t, std::string> error_contexts_;
  std::vector<std::weak_ptr<SharedStream>> host_waits_;
};

}  // namespace wasmrr::abi
