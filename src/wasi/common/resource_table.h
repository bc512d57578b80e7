// Host resource tables: rep -> host object, one table per resource type. The
// rep is what crosses the host-call boundary as own/borrow; the runtime keeps
// the guest's handle -> rep mapping. All tables of one WasiHost draw reps from
// one counter (starting at 1), so a rep names one object across all types —
// handy in traces and error messages.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include <fmt/format.h>

#include "util/trap.h"

namespace wasmrr::wasi {

class RepCounter {
 public:
  uint32_t next() {
    if (next_ == 0) throw Trap("host resource reps exhausted");
    return next_++;
  }

 private:
  uint32_t next_ = 1;
};

template <typename T>
class ResourceTable {
 public:
  ResourceTable(std::string resource_name, RepCounter& reps)
      : name_(std::move(resource_name)), reps_(reps) {}

  uint32_t insert(std::shared_ptr<T> object) {
    uint32_t rep = reps_.next();
    objects_.emplace(rep, std::move(object));
    return rep;
  }

  // The object for a rep; the guest cannot name an unknown rep through a
  // valid handle, so a miss is a trap.
  T& at(uint32_t rep) const { return *shared(rep); }

  std::shared_ptr<T> shared(uint32_t rep) const {
    auto it = objects_.find(rep);
    if (it == objects_.end()) throw unknown(rep);
    return it->second;
  }

  void remove(uint32_t rep) {
    if (objects_.erase(rep) == 0) throw unknown(rep);
  }

  size_t size() const { return objects_.size(); }

 private:
  Trap unknown(uint32_t rep) const { return Trap(fmt::format("unknown handle: {} rep {}", name_, rep)); }

  std::string name_;
  RepCounter& reps_;
  std::unordered_map<uint32_t, std::shared_ptr<T>> objects_;
};

}  // namespace wasmrr::wasi
