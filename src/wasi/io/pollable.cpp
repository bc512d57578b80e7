#include "wasi/io/pollable.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>

#include <fmt/format.h>

#include "util/trap.h"

#include "util/before_blocking.h"
#include "wasi/io/wait_cancel.h"

namespace wasmrr::wasi {

std::shared_ptr<Pollable> Pollable::always_ready() { return std::make_shared<Pollable>(); }

std::shared_ptr<Pollable> Pollable::on_fd(int fd, short events) {
  auto p = std::make_shared<Pollable>();
  p->fd_ = fd;
  p->events_ = events;
  return p;
}

std::shared_ptr<Pollable> Pollable::at_deadline(uint64_t deadline_ns) {
  auto p = std::make_shared<Pollable>();
  p->deadline_ = deadline_ns;
  return p;
}

std::shared_ptr<Pollable> Pollable::on_check(int wake_fd, std::function<bool()> check) {
  auto p = std::make_shared<Pollable>();
  p->wake_fd_ = wake_fd;
  p->check_ = std::move(check);
  return p;
}

bool Pollable::ready_without_fd(uint64_t now) const {
  return unconditional() || (deadline_ && now >= *deadline_) || (check_ && check_());
}

bool Pollable::ready(const MonotonicClock& clock) const {
  if (ready_without_fd(clock.now())) return true;
  if (fd_ < 0) return false;
  pollfd p{fd_, events_, 0};
  int n;
  do n = ::poll(&p, 1, 0);
  while (n < 0 && errno == EINTR);
  return n != 0;
}

void Pollable::block(const MonotonicClock& clock) const {
  const Pollable* self = this;
  (void)poll_all(std::span<const Pollable* const>(&self, 1), clock);
}

namespace {

constexpr uint64_t kCheckOnlyIntervalNs = 1'000'000;

// The ppoll timeout: zero if something is ready already, the nearest deadline,
// a short interval if only checks can make progress, or none (wait for fds).
std::optional<uint64_t> wait_timeout(uint64_t now,
                                     std::optional<uint64_t> nearest, bool has_fd, bool has_check) {
  // Long waits are cut into days: the loop re-checks, and ppoll never sees
  // a timeout near the limits of time_t.
  constexpr uint64_t kMaxWaitNs = 86'400ull * 1'000'000'000ull;
  if (nearest) return std::min(*nearest > now ? *nearest - now : 0, kMaxWaitNs);
  if (has_check || !has_fd) return kCheckOnlyIntervalNs;
  return std::nullopt;
}

}  // namespace

std::vector<uint32_t> poll_all(std::span<const Pollable* const> ps, const MonotonicClock& clock) {
  for (;;) {
    std::vector<uint32_t> ready;
    std::vector<pollfd> fds;
    std::vector<int> fd_slot(ps.size(), -1);
    std::optional<uint64_t> nearest;
    bool has_check = false;
    uint64_t now = clock.now();
    for (size_t i = 0; i < ps.size(); ++i) {
      const Pollable& p = *ps[i];
      if (p.ready_without_fd(now)) ready.push_back(static_cast<uint32_t>(i));
      if (p.fd_ >= 0) {
        fd_slot[i] = static_cast<int>(fds.size());
        fds.push_back(pollfd{p.fd_, p.events_, 0});
      }
      if (p.wake_fd_ >= 0) fds.push_back(pollfd{p.wake_fd_, POLLIN, 0});  // wakes only
      if (p.deadline_) nearest = std::min(nearest.value_or(*p.deadline_), *p.deadline_);
      has_check = has_check || (p.check_ && p.wake_fd_ < 0);
    }
    std::optional<uint64_t> timeout =
        ready.empty() ? wait_timeout(now, nearest, !fds.empty(), has_check) : uint64_t{0};
    // A virtual clock is not waited for: look at the fds once, and if none
    // is ready, time jumps to the nearest deadline (advance_to(now) moves
    // nothing: it asks whether the clock is virtual).
    bool jump = ready.empty() && nearest && *timeout > 0 && clock.advance_to(now);
    if (jump) timeout = 0;
    timespec ts{};
    if (timeout) {
      ts.tv_sec = static_cast<time_t>(*timeout / 1'000'000'000u);
      ts.tv_nsec = static_cast<long>(*timeout % 1'000'000'000u);
    }
    if (!timeout || *timeout > 0) before_blocking();
    WaitCancel& cancel = WaitCancel::this_thread();
    if (cancel.cancelled()) throw Trap(cancel.message());
    fds.push_back(pollfd{cancel.fd(), POLLIN, 0});  // last: no pollable's slot
    int n = ::ppoll(fds.data(), fds.size(), timeout ? &ts : nullptr, nullptr);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Trap(fmt::format("poll failed: {}", std::strerror(errno)));
    }
    if (cancel.cancelled()) throw Trap(cancel.message());
    if (!ready.empty() && n == 0) return ready;
    if (jump && n == 0) (void)clock.advance_to(*nearest);
    // Recompute from scratch so the answer is ascending and complete.
    ready.clear();
    now = clock.now();
    for (size_t i = 0; i < ps.size(); ++i) {
      bool fd_ready = fd_slot[i] >= 0 && fds[static_cast<size_t>(fd_slot[i])].revents != 0;
      if (fd_ready || ps[i]->ready_without_fd(now)) ready.push_back(static_cast<uint32_t>(i));
    }
    if (!ready.empty()) return ready;
  }
}

}  // namespace wasmrr::wasi
