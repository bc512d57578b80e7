// wasi:io/poll: pollable.ready, pollable.block and poll over a list.
#include "wasi/host_util.h"
#include "wasi/interfaces.h"

namespace wasmrr::wasi {

void register_io_poll(runtime::HostRegistry& r, WasiContext& cx) {
  InterfaceDefiner def(r, "wasi:io/poll");
  def("[method]pollable.ready", [&cx](Values& args) {
    return one(Value::boolean(cx.pollables.at(arg(args, 0).rep()).ready(cx.monotonic())));
  });
  def("[method]pollable.block", [&cx](Values& args) {
    cx.pollables.at(arg(args, 0).rep()).block(cx.monotonic());
    return nothing();
  });
  def("poll", [&cx](Values& args) {
    const Value& in = arg(args, 0);
    // The WIT requires a non-empty list: an empty one would block forever.
    if (in.items.empty()) throw Trap("wasi:io/poll#poll: empty list of pollables");
    if (in.items.size() > UINT32_MAX) throw Trap("wasi:io/poll#poll: too many pollables");
    std::vector<std::shared_ptr<Pollable>> held;
    std::vector<const Pollable*> ps;
    for (const Value& p : in.items) {
      held.push_back(cx.pollables.shared(p.rep()));
      ps.push_back(held.back().get());
    }
    std::vector<Value> ready;
    for (uint32_t i : poll_all(ps, cx.monotonic())) ready.push_back(Value::u32(i));
    return one(Value::list(std::move(ready)));
  });
  def("[resource-drop]pollable", [&cx](Values& args) {
    cx.pollables.remove(arg(args, 0).rep());
    return nothing();
  });
}

}  // namespace wasmrr::wasi
