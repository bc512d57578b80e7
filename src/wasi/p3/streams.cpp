// The host's side of the streams and futures it holds (wasm-rr:async/streams,
// runtime/tasks.h): what the guest writes goes to the stream's sink, what it
// reads comes from its source (stream_io.h), and each stream's result future
// resolves once the stream has ended, with the error it failed with, if any.
#include <fmt/format.h>

#include "wasi/common/host_util.h"
#include "wasi/p3/p3.h"

namespace wasmrr::wasi::p3 {

namespace {

HostStream& stream_at(StreamsState& s, uint32_t id, std::string_view op) {
  auto it = s.streams.find(id);
  if (it == s.streams.end()) throw Trap(fmt::format("{}: the host holds no stream {}", op, id));
  return it->second;
}

// A stream the guest still holds, for a copy through it.
HostStream& open_stream_at(StreamsState& s, uint32_t id, std::string_view op) {
  HostStream& h = stream_at(s, id, op);
  if (h.dropped) throw Trap(fmt::format("{}: the guest dropped stream {}", op, id));
  return h;
}

// The guest dropped its end of a stream, or its future: what the host holds
// for the stream goes once both are gone (a file closes, say).
void drop_stream(StreamsState& s, uint32_t id) {
  auto it = s.streams.find(id);
  if (it == s.streams.end()) return;
  HostStream& h = it->second;
  h.ended = h.dropped = true;  // the guest is done writing, or reading
  if (h.sink) h.sink->end();
  h.sink.reset();
  h.source.reset();
  if (!s.futures.contains(h.future)) s.streams.erase(it);
}

void drop_future(StreamsState& s, std::map<uint32_t, uint32_t>::iterator f) {
  auto it = s.streams.find(f->second);
  s.futures.erase(f);
  if (it != s.streams.end() && it->second.dropped) s.streams.erase(it);
}

}  // namespace

void register_streams(runtime::HostRegistry& r, P3State& p) {
  StreamsState& s = p.streams;
  const std::string_view iface = runtime::kHostStreamsInterface;
  r.define(iface, "take", [&s](Values& args) {
    HostStream& h = open_stream_at(s, arg(args, 0).as_u32(), "take");
    if (!h.sink) throw Trap("take: the guest wrote into the host's input stream");
    if (!h.error) h.error = h.sink->take(arg(args, 1));
    return Values{};
  });
  r.define(iface, "give", [&s](Values& args) {
    HostStream& h = open_stream_at(s, arg(args, 0).as_u32(), "give");
    if (!h.source) throw Trap("give: the guest read the host's output stream");
    const uint32_t max = arg(args, 1).as_u32();
    const bool wait = arg(args, 2).as_bool();
    if (h.ended) return one(Value::none());
    if (max == 0) return one(Value::some(h.source->no_elements()));
    // Without `wait`, only what is there now: the guest may wait for other
    // things (a timer) meanwhile, and ask again.
    StreamSource::Given got = h.source->give(max, wait);
    if (got.elements) return one(Value::some(std::move(*got.elements)));
    h.ended = true;
    h.error = std::move(got.error);
    return one(Value::none());
  });
  r.define(iface, "resolve", [&s](Values& args) {
    if (auto own = s.host_futures.find(arg(args, 0).as_u32()); own != s.host_futures.end()) {
      std::optional<Value> value = own->second();
      if (!value) return one(Value::none());
      return one(Value::some(Value::list({std::move(*value)})));
    }
    auto f = s.futures.find(arg(args, 0).as_u32());
    if (f == s.futures.end()) throw Trap(fmt::format("resolve: the host holds no future {}", arg(args, 0).as_u32()));
    HostStream& h = stream_at(s, f->second, "resolve");
    if (!h.ended) return one(Value::none());
    if (!h.resolved) h.resolved = h.error ? Value::err(*h.error) : h.ok_payload ? Value::ok(h.ok_payload()) : Value::ok();
    return one(Value::some(Value::list({*h.resolved})));
  });
  r.define(iface, "accept", [&s](Values& args) {
    auto f = s.guest_futures.find(arg(args, 0).as_u32());
    if (f == s.guest_futures.end())
      throw Trap(fmt::format("accept: the host reads no future {}", arg(args, 0).as_u32()));
    const Value& written = arg(args, 1);  // a list of the one value
    if (written.kind == abi::Kind::List && written.items.size() == 1) f->second(written.items[0]);
    s.guest_futures.erase(f);
    return Values{};
  });
  r.define(iface, "dropped", [&s](Values& args) {
    const uint32_t id = arg(args, 0).as_u32();
    if (s.host_futures.erase(id) || s.guest_futures.erase(id)) return Values{};
    if (auto f = s.futures.find(id); f != s.futures.end()) {
      drop_future(s, f);
    } else {
      drop_stream(s, id);
    }
    return Values{};
  });
}

}  // namespace wasmrr::wasi::p3
