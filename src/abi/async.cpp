// The Canonical ABI's concurrency state (definitions.py): Waitable,
// WaitableSet, Subtask, buffers over guest memory, the shared state of
// streams and futures and their ends. See async.h.
#include "abi/async.h"

#include <algorithm>
#include <cassert>
#include <cstring>

#include "abi/canonical_detail.h"

namespace wasmrr::abi {

using detail::trap;

std::string_view event_code_name(EventCode c) {
  switch (c) {
    case EventCode::NONE: return "none";
    case EventCode::SUBTASK: return "subtask";
    case EventCode::STREAM_READ: return "stream-read";
    case EventCode::STREAM_WRITE: return "stream-write";
    case EventCode::FUTURE_READ: return "future-read";
    case EventCode::FUTURE_WRITE: return "future-write";
    case EventCode::TASK_CANCELLED: return "task-cancelled";
  }
  return "?";
}

// --- Waitable, WaitableSet ---

Event Waitable::get_pending_event() {
  PendingEvent e = std::move(pending_event_);
  pending_event_ = nullptr;
  return e();
}

void Waitable::join(WaitableSet* wset) {
  if (wset_) std::erase(wset_->elems, this);
  wset_ = wset;
  if (wset) wset->elems.push_back(this);
}

void Waitable::drop() {
  pending_event_ = nullptr;
  join(nullptr);
}

bool WaitableSet::has_pending_event() const {
  return std::any_of(elems.begin(), elems.end(), [](const Waitable* w) { return w->has_pending_event(); });
}

Event WaitableSet::get_pending_event() {
  for (Waitable* w : elems)
    if (w->has_pending_event()) return w->get_pending_event();
  assert(false && "get_pending_event without a pending event");
  return {};
}

Event WaitableSet::poll() { return has_pending_event() ? get_pending_event() : Event{}; }

void WaitableSet::drop() {
  if (!elems.empty()) trap("waitable-set.drop: the set still has {} member(s) (WaitableSet.drop: trap_if(len(self.elems) > 0))", elems.size());
  if (num_waiting > 0) trap("waitable-set.drop: a task is waiting on the set (trap_if(self.num_waiting > 0))");
}

void Subtask::drop() {
  if (!resolve_delivered) trap("subtask.drop: the subtask has not returned yet (Subtask.drop: trap_if(not self.resolve_delivered()))");
  Waitable::drop();
}

// --- Buffers ---

size_t list_length(const Value& list) { return list.bytes ? list.str.size() : list.items.size(); }

bool same_payload(const TypePtr& a, const TypePtr& b) {
  if (!a || !b) return !a && !b;
  return a == b || to_string(*a) == to_string(*b);
}

GuestBuffer::GuestBuffer(TypePtr t, LiftLowerContext& cx, uint32_t ptr, uint32_t length)
    : t_(std::move(t)), cx_(&cx), ptr_(ptr), length_(length) {
  if (length > MAX_LENGTH) trap("stream or future buffer of {} elements is longer than {} (Buffer.MAX_LENGTH)", length, MAX_LENGTH);
  if (t_ && length > 0) {
    if (!cx.opts.memory) trap("a stream or future copy with a payload needs the memory option");
    if (ptr % t_->align != 0) trap("buffer pointer {} is not aligned to {}", ptr, t_->align);
    if (uint64_t{ptr} + uint64_t{length} * t_->size > cx.opts.memory->size())
      trap("buffer [{}, +{} x {} bytes) is outside linear memory ({} bytes)", ptr, length, t_->size, cx.opts.memory->size());
  }
}

Value GuestBuffer::read(uint32_t n) {
  assert(n <= remain());
  progress_ += n;
  if (!t_) return Value::list(std::vector<Value>(n, Value::tuple({})));
  if (t_->kind == Kind::U8) {
    std::string bytes(reinterpret_cast<const char*>(cx_->opts.memory->data()) + ptr_, n);
    ptr_ += n;
    return Value::byte_list(std::move(bytes));
  }
  std::vector<Value> vs;
  vs.reserve(n);
  for (uint32_t i = 0; i < n; ++i, ptr_ += t_->size) vs.push_back(load(*cx_, ptr_, *t_));
  return Value::list(std::move(vs));
}

void GuestBuffer::write(const Value& list) {
  const size_t n = list_length(list);
  if (n > remain()) trap("{} elements written into a buffer with room for {}", n, remain());
  progress_ += static_cast<uint32_t>(n);
  if (!t_) return;
  if (list.bytes) {
    if (t_->kind != Kind::U8) trap("bytes written into a buffer of {}", to_string(*t_));
    std::memcpy(cx_->opts.memory->data() + ptr_, list.str.data(), n);
    ptr_ += n;
    return;
  }
  for (const Value& v : list.items) {
    store(*cx_, v, *t_, ptr_);
    ptr_ += t_->size;
  }
}

// --- SharedStream (SharedStreamImpl, SharedFutureImpl) ---

namespace {

// spec: none_or_number_type
bool none_or_number_type(const TypePtr& t) {
  if (!t) return true;
  switch (t->kind) {
    case Kind::U8: case Kind::U16: case Kind::U32: case Kind::U64:
    case Kind::S8: case Kind::S16: case Kind::S32: case Kind::S64:
    case Kind::F32: case Kind::F64: return true;
    default: return false;
  }
}

}  // namespace

void SharedStream::reset_and_notify_pending(CopyResult r) {
  OnCopyDone done = std::move(pending_on_copy_done_);
  reset_pending();
  done(r);
}

void SharedStream::cancel() {
  if (!pending_on_copy_done_ && !host_wait_done_) return;  // nothing of ours is pending
  if (host_wait_done_) {  // a host read the guest gives up on...
    // ...unless its data (or value, or end) came in the meantime, e.g. during
    // the wait-for of a read with a timeout: the spec lets either win, and a
    // timeout should not lose data that came in time.
    if (poll_host(false)) return;
    OnCopyDone done = std::move(host_wait_done_);
    host_wait_done_ = nullptr;
    host_wait_buffer_ = nullptr;
    host_pending_read = false;
    done(CopyResult::CANCELLED);
    return;
  }
  reset_and_notify_pending(CopyResult::CANCELLED);
}

void SharedStream::drop(bool readable_end) {
  if (host) host->dropped(host_id, readable_end);
  if (dropped) return;
  dropped = true;
  if (pending_buffer_) reset_and_notify_pending(CopyResult::DROPPED);
}

// What the host answers for a read of `dst`: done (data, the end, or a
// future's value), or nothing yet (false).
bool SharedStream::ask_host(GuestBuffer& dst, bool wait, OnCopyDone& on_copy_done) {
  if (is_future) {
    auto v = host->resolve(host_id, t);
    if (!v) return false;
    dst.write(*v);
    on_copy_done(CopyResult::COMPLETED);
    return true;
  }
  auto data = host->give(host_id, dst.remain(), wait, t);
  if (!data) {
    on_copy_done(CopyResult::DROPPED);
    return true;
  }
  if (list_length(*data) > dst.remain()) trap("the host gave {} elements for a read of {}", list_length(*data), dst.remain());
  if (list_length(*data) == 0 && dst.remain() > 0) return false;  // no data yet
  dst.write(*data);
  on_copy_done(CopyResult::COMPLETED);
  return true;
}

void SharedStream::host_read(GuestBuffer& dst, OnCopyDone& on_copy_done) {
  if (ask_host(dst, false, on_copy_done)) return;
  host_pending_read = true;  // the event loop asks again (AsyncRegistry::poll_host)
  if (registry) registry->wait_for_host(weak_from_this());
  host_wait_buffer_ = &dst;
  host_wait_done_ = std::move(on_copy_done);
}

void SharedStream::host_write(GuestBuffer& src, OnCopyDone& on_copy_done) {
  Value data = src.read(src.remain());
  if (is_future) host->accept(host_id, data, t);
  else host->take(host_id, data, t);
  on_copy_done(CopyResult::COMPLETED);
}

bool SharedStream::poll_host(bool wait) {
  if (!host_pending_read) return false;
  if (!ask_host(*host_wait_buffer_, wait, host_wait_done_)) return false;
  host_pending_read = false;
  host_wait_buffer_ = nullptr;
  host_wait_done_ = nullptr;
  return true;
}

void SharedStream::read(const void* inst, GuestBuffer& dst, OnCopy on_copy, OnCopyDone on_copy_done) {
  if (dropped) return on_copy_done(CopyResult::DROPPED);
  if (host) return host_read(dst, on_copy_done);
  if (!pending_buffer_) return set_pending(inst, dst, std::move(on_copy), std::move(on_copy_done));
  if (inst == pending_inst_ && !none_or_number_type(t))
    trap("a stream or future of {} copied within one instance (SharedStreamImpl.read: trap_if(inst is "
         "self.pending_inst and not none_or_number_type(self.t)))", to_string(*t));
  if (is_future) {
    dst.write(pending_buffer_->read(1));
    reset_and_notify_pending(CopyResult::COMPLETED);
    return on_copy_done(CopyResult::COMPLETED);
  }
  if (pending_buffer_->remain() > 0) {
    if (dst.remain() > 0) {
      const uint32_t n = std::min(dst.remain(), pending_buffer_->remain());
      dst.write(pending_buffer_->read(n));
      OnCopy notify = std::move(pending_on_copy_);
      reset_pending();  // spec: pending_on_copy(self.reset_pending)
      notify();
    }
    return on_copy_done(CopyResult::COMPLETED);
  }
  reset_and_notify_pending(CopyResult::COMPLETED);
  set_pending(inst, dst, std::move(on_copy), std::move(on_copy_done));
}

void SharedStream::write(const void* inst, GuestBuffer& src, OnCopy on_copy, OnCopyDone on_copy_done) {
  if (dropped) return on_copy_done(CopyResult::DROPPED);
  if (host) return host_write(src, on_copy_done);
  if (!pending_buffer_) return set_pending(inst, src, std::move(on_copy), std::move(on_copy_done));
  if (inst == pending_inst_ && !none_or_number_type(t))
    trap("a stream or future of {} copied within one instance (SharedStreamImpl.write: trap_if(inst is "
         "self.pending_inst and not none_or_number_type(self.t)))", to_string(*t));
  if (is_future) {
    pending_buffer_->write(src.read(1));
    reset_and_notify_pending(CopyResult::COMPLETED);
    return on_copy_done(CopyResult::COMPLETED);
  }
  if (pending_buffer_->remain() > 0) {
    if (src.remain() > 0) {
      const uint32_t n = std::min(src.remain(), pending_buffer_->remain());
      pending_buffer_->write(src.read(n));
      OnCopy notify = std::move(pending_on_copy_);
      reset_pending();
      notify();
    }
    return on_copy_done(CopyResult::COMPLETED);
  }
  if (src.is_zero_length() && pending_buffer_->is_zero_length()) return on_copy_done(CopyResult::COMPLETED);
  reset_and_notify_pending(CopyResult::COMPLETED);
  set_pending(inst, src, std::move(on_copy), std::move(on_copy_done));
}

// --- CopyEnd ---

CopyEnd::CopyEnd(std::shared_ptr<SharedStream> shared, bool readable) : shared(std::move(shared)), readable(readable) {}
CopyEnd::~CopyEnd() = default;

std::string_view CopyEnd::what() const {
  if (shared->is_future) return readable ? "readable future end" : "writable future end";
  return readable ? "readable stream end" : "writable stream end";
}

void CopyEnd::drop() {
  if (copying()) trap("dropping a {} while a copy is in progress (CopyEnd.drop: trap_if(self.copying()))", what());
  if (shared->is_future && !readable && state != CopyState::DONE)
    trap("future.drop-writable before the future was written (WritableFutureEnd.drop: trap_if(self.state != "
         "CopyState.DONE))");
  shared->drop(readable);
  Waitable::drop();
}

// --- AsyncRegistry ---

uint32_t AsyncRegistry::new_id() {
  if (next_id_ >= kFirstHostId) trap("more than {} streams, futures and error contexts crossed the host boundary", kFirstHostId - 1);
  return next_id_++;
}

uint32_t AsyncRegistry::id_of(const std::shared_ptr<SharedStream>& s) {
  if (s->host_id == 0) {
    s->registry = this;
    s->host_id = new_id();
    streams_[s->host_id] = s;
  }
  return s->host_id;
}

std::shared_ptr<SharedStream> AsyncRegistry::stream_for(uint32_t id, const TypePtr& elem, bool is_future) {
  if (auto it = streams_.find(id); it != streams_.end()) {
    if (auto s = it->second.lock()) {
      if (s->is_future != is_future)
        trap("host value {} is a {} where a {} was expected", id, s->is_future ? "future" : "stream",
             is_future ? "future" : "stream");
      return s;
    }
  }
  // A stream or future the host made: the host picks its ids apart from ours
  // (kFirstHostId), and a replay reads them from the trace.
  auto s = std::make_shared<SharedStream>(elem, is_future);
  s->host = host;
  s->registry = this;
  s->host_id = id;
  streams_[id] = s;
  return s;
}

uint32_t AsyncRegistry::error_context_id(const std::string& message) {
  uint32_t id = new_id();
  error_contexts_[id] = message;
  return id;
}

std::string AsyncRegistry::error_context_message(uint32_t id) const {
  auto it = error_contexts_.find(id);
  return it == error_contexts_.end() ? "" : it->second;
}

bool AsyncRegistry::poll_host(bool wait) {
  std::erase_if(host_waits_, [](const std::weak_ptr<SharedStream>& w) {
    auto s = w.lock();
    return !s || !s->host_pending_read;
  });
  // Every read is asked without waiting first; only then, if none could
  // complete, the oldest stream read waits for its data (a future has no
  // way to wait: it resolves with what the guest does).
  for (bool waiting : {false, true}) {
    if (waiting && !wait) break;
    for (const auto& w : host_waits_) {
      auto s = w.lock();
      if (waiting && s->is_future) continue;
      if (s->poll_host(waiting)) return true;
      if (waiting) break;
    }
  }
  return false;
}

}  // namespace wasmrr::abi
