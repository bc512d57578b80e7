// The host's side of the streams and futures it holds (wasm-rr:async/streams,
// runtime/tasks.h): bytes the guest writes to stdout and stderr, bytes it
// reads from stdin, and the futures that report how each stream ended.
#include <fmt/format.h>

#include "wasi/common/fd_io.h"
#include "wasi/common/host_util.h"
#include "wasi/p3/p3.h"

namespace wasmrr::wasi::p3 {

namespace {

// wasi:cli/types@0.3.0 error-code: io, illegal-byte-sequence, pipe.
constexpr uint32_t kErrorIo = 0, kErrorPipe = 2;

HostStream& stream_at(StreamsState& s, uint32_t id, std::string_view op) {
  auto it = s.streams.find(id);
  if (it == s.streams.end()) throw Trap(fmt::format("{}: the host holds no stream {}", op, id));
  return it->second;
}

}  // namespace

void register_streams(runtime::HostRegistry& r, P3State& p) {
  StreamsState& s = p.streams;
  const std::string_view iface = runtime::kHostStreamsInterface;
  r.define(iface, "take", [&s](Values& args) {
    HostStream& h = stream_at(s, arg(args, 0).as_u32(), "take");
    if (!h.output) throw Trap("take: the guest wrote into the host's input stream");
    const Value& data = arg(args, 1);
    if (h.error == 0 && write_all(h.fd, data.str) != 0) h.error = kErrorPipe + 1;
    return Values{};
  });
  r.define(iface, "give", [&s](Values& args) {
    HostStream& h = stream_at(s, arg(args, 0).as_u32(), "give");
    if (h.output) throw Trap("give: the guest read the host's output stream");
    const uint32_t max = arg(args, 1).as_u32();
    const bool wait = arg(args, 2).as_bool();
    if (h.ended) return one(Value::none());
    if (max == 0) return one(Value::some(Value::byte_list("")));
    // Without `wait`, only what is there now: the guest may wait for other
    // things (a timer) meanwhile, and ask again.
    ReadOutcome got = read_fd(h.fd, std::min<uint32_t>(max, 64 * 1024), wait);
    if (got.status == ReadOutcome::Status::would_block) return one(Value::some(Value::byte_list("")));
    if (got.status == ReadOutcome::Status::data) return one(Value::some(Value::byte_list(std::move(got.bytes))));
    h.ended = true;
    if (got.status == ReadOutcome::Status::error) h.error = kErrorIo + 1;
    return one(Value::none());
  });
  r.define(iface, "resolve", [&s](Values& args) {
    auto f = s.futures.find(arg(args, 0).as_u32());
    if (f == s.futures.end()) throw Trap(fmt::format("resolve: the host holds no future {}", arg(args, 0).as_u32()));
    const HostStream& h = stream_at(s, f->second, "resolve");
    if (!h.ended) return one(Value::none());
    Value result = h.error == 0 ? Value::ok() : Value::err(Value::enum_(h.error - 1));
    return one(Value::some(Value::list({std::move(result)})));
  });
  r.define(iface, "accept", [](Values& args) -> Values {
    throw Trap(fmt::format("accept: the host reads no future (future {})", arg(args, 0).as_u32()));
  });
  r.define(iface, "dropped", [&s](Values& args) {
    const uint32_t id = arg(args, 0).as_u32();
    if (s.futures.erase(id)) return Values{};
    auto it = s.streams.find(id);
    if (it != s.streams.end()) it->second.ended = true;  // the guest is done writing, or reading
    return Values{};
  });
}

}  // namespace wasmrr::wasi::p3
