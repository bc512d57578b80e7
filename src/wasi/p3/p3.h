// The WASI 0.3.0 host: wasi:cli (run as an async func; stdio as streams),
// wasi:clocks, wasi:random, wasi:filesystem, wasi:sockets and wasi:http's
// client, registered as version 0.3.0.
// Streams and futures cross through the runtime's wasm-rr:async/streams
// calls (runtime/tasks.h), which this host answers for the streams it holds
// (stream_io.h): the guest's stdout and stderr, the stdin it reads, file
// contents and directory listings, and the futures that tell how each
// ended. Everything answers at once or blocks the one host thread (a stdin
// read, a wait-for): see runtime/tasks.h for why.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <utility>

#include "abi/async.h"
#include "runtime/host.h"
#include "wasi/cli/cli.h"
#include "wasi/clocks/clocks.h"
#include "wasi/filesystem/filesystem.h"
#include "wasi/http/http.h"
#include "wasi/p3/stream_io.h"
#include "wasi/random/random.h"
#include "wasi/sockets/sockets.h"

namespace wasmrr::wasi::p3 {

// Stream and future ids as the values host functions return.
inline Value stream_value(uint32_t id) { return Value::async_handle(abi::Kind::Stream, id); }
inline Value future_value(uint32_t id) { return Value::async_handle(abi::Kind::Future, id); }

// A stream the host holds, and the future that reports how it ended.
struct HostStream {
  std::shared_ptr<StreamSink> sink;      // set when the guest writes the stream
  std::shared_ptr<StreamSource> source;  // set when the guest reads it
  bool ended = false;          // the guest dropped its end, or the host's side ended
  bool dropped = false;        // the guest dropped its end: sink and source are let go
  std::optional<Value> error;  // once it failed: the err payload of its future
  uint32_t future = 0;         // its result future (0: it has none)
  // The ok payload of its future when it ended without error (none: ok()),
  // made once: the future's value, once given (resolve).
  std::function<Value()> ok_payload;
  std::optional<Value> resolved;
};

struct StreamsState {
  std::map<uint32_t, HostStream> streams;            // by stream id
  std::map<uint32_t, uint32_t> futures;              // future id -> stream id
  // Futures of their own the host writes: their value once ready (nullopt
  // until then), and futures the guest writes for the host: what to do
  // with the value.
  std::map<uint32_t, std::function<std::optional<Value>()>> host_futures;
  std::map<uint32_t, std::function<void(const Value&)>> guest_futures;
  // Host-made ids have the high bit set, so they never meet the runtime's
  // own (abi::AsyncRegistry, which count up from 1); a replay reads them
  // from the trace.
  uint32_t next_id = abi::AsyncRegistry::kFirstHostId;
  uint32_t new_id() { return next_id++; }

  // Holds the stream the guest handed over, writing into `sink`; returns
  // the id of its new result future.
  uint32_t hold(uint32_t stream, std::shared_ptr<StreamSink> sink) {
    streams[stream].sink = std::move(sink);
    return add_future(stream);
  }
  // A new future the host writes, whose value `ready` gives once there is one.
  uint32_t hold_future(std::function<std::optional<Value>()> ready) {
    const uint32_t id = new_id();
    host_futures[id] = std::move(ready);
    return id;
  }
  // The future the guest handed over, whose value goes to `accept`.
  void read_future(uint32_t id, std::function<void(const Value&)> accept) { guest_futures[id] = std::move(accept); }
  // Holds a new stream the guest reads from `source`, one without a result
  // future (tcp-socket.listen's); returns its id.
  uint32_t hold_without_future(std::shared_ptr<StreamSource> source) {
    const uint32_t stream = new_id();
    streams[stream].source = std::move(source);
    return stream;
  }
  // Holds a new stream the guest reads from `source`; returns its id and the
  // id of its result future.
  std::pair<uint32_t, uint32_t> hold(std::shared_ptr<StreamSource> source) {
    const uint32_t stream = hold_without_future(std::move(source));
    return {stream, add_future(stream)};
  }

 private:
  uint32_t add_future(uint32_t stream) {
    const uint32_t future = new_id();
    streams[stream].future = future;
    futures[future] = stream;
    return future;
  }
};

struct P3State {
  CliState& cli;
  ClocksState& clocks;
  RandomState& random;
  FilesystemState& filesystem;
  SocketsState& sockets;
  HttpState& http;
  StreamsState streams;
};

void register_cli(runtime::HostRegistry& r, P3State& s);
void register_clocks(runtime::HostRegistry& r, P3State& s);
void register_random(runtime::HostRegistry& r, P3State& s);
void register_filesystem(runtime::HostRegistry& r, P3State& s);
void register_sockets(runtime::HostRegistry& r, P3State& s);
void register_http(runtime::HostRegistry& r, P3State& s);
void register_streams(runtime::HostRegistry& r, P3State& s);

inline void register_all(runtime::HostRegistry& r, P3State& s) {
  register_cli(r, s);
  register_clocks(r, s);
  register_random(r, s);
  register_filesystem(r, s);
  register_sockets(r, s);
  register_http(r, s);
  register_streams(r, s);
}

}  // namespace wasmrr::wasi::p3
