// wasi:io/poll: pollable.ready, pollable.block and poll over a list.
#include "wasi/common/host_util.h"
#include "wasi/io/io.h"

namespace wasmrr::wasi {

void register_io_poll(runtime::HostRegistry& r, IoState& io) {
  InterfaceDefiner def(r, "wasi:io/poll");
  def("[method]pollable.ready", [&io](Values& args) {
    return one(Value::boolean(io.pollables.at(arg(args, 0).rep()).ready(io.clock)));
  });
  def("[method]pollable.block", [&io](Values& args) {
    io.pollables.at(arg(args, 0).rep()).block(io.clock);
    return nothing();
  });
  def("poll", [&io](Values& args) {
    const Value& in = arg(args, 0);
    // The WIT requires a non-empty list: an empty one would block forever.
    if (in.items.empty()) throw Trap("wasi:io/poll#poll: empty list of pollables");
    if (in.items.size() > UINT32_MAX) throw Trap("wasi:io/poll#poll: too many pollables");
    std::vector<std::shared_ptr<Pollable>> held;
    std::vector<const Pollable*> ps;
    for (const Value& p : in.items) {
      held.push_back(io.pollables.shared(p.rep()));
      ps.push_back(held.back().get());
    }
    std::vector<Value> ready;
    for (uint32_t i : poll_all(ps, io.clock)) ready.push_back(Value::u32(i));
    return one(Value::list(std::move(ready)));
  });
  def("[resource-drop]pollable", [&io](Values& args) {
    io.pollables.remove(arg(args, 0).rep());
    return nothing();
  });
}

}  // namespace wasmrr::wasi
