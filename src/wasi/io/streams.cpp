// wasi:io/streams: input-stream and output-stream methods over the abstract
// streams of stream.h. The blocking variants, splice and the write-and-flush
// combinations are composed here from the stream primitives.
#include <algorithm>

#include "wasi/common/host_util.h"
#include "wasi/io/io.h"

namespace wasmrr::wasi {
namespace {

// stream-error: last-operation-failed(own<error>) = 0, closed = 1.
Value stream_error_value(IoState& io, StreamError e) {
  if (e.kind == StreamError::Kind::closed) return Value::variant(1);
  uint32_t rep =
      io.errors.insert(std::make_shared<IoError>(IoError{std::move(e.message), std::move(e.detail)}));
  return Value::variant(0, Value::own(rep));
}

Values result_of(IoState& io, StreamResult<std::string> r) {
  if (!r.ok()) return one(Value::err(stream_error_value(io, std::move(r.error()))));
  return one(Value::ok(Value::byte_list(std::move(r.value()))));
}

Values result_of(IoState& io, StreamResult<uint64_t> r) {
  if (!r.ok()) return one(Value::err(stream_error_value(io, std::move(r.error()))));
  return one(Value::ok(Value::u64(r.value())));
}

Values result_of(IoState& io, StreamResult<Unit> r) {
  if (!r.ok()) return one(Value::err(stream_error_value(io, std::move(r.error()))));
  return one(Value::ok());
}

StreamResult<Unit> write_and_flush(OutputStream& out, std::string_view bytes) {
  auto w = out.write(bytes);
  if (!w.ok()) return w;
  return out.blocking_flush();
}

// splice: moves at most what the destination accepts now and the source has.
StreamResult<uint64_t> splice(OutputStream& out, InputStream& in, uint64_t len, bool blocking) {
  auto budget = out.check_write();
  if (!budget.ok()) return budget.error();
  uint64_t n = std::min(len, budget.value());
  if (n == 0) return uint64_t{0};
  auto data = blocking ? in.blocking_read(n) : in.read(n);
  if (!data.ok()) return data.error();
  if (data.value().empty()) return uint64_t{0};
  auto w = blocking ? write_and_flush(out, data.value()) : out.write(data.value());
  if (!w.ok()) return w.error();
  return uint64_t{data.value().size()};
}

void register_input_stream(const InterfaceDefiner& def, IoState& io) {
  auto in = [&io](const Values& args) -> InputStream& { return io.input_streams.at(arg(args, 0).rep()); };
  // `len` is a maximum: a stream returns what it has, at most kMaxIoChunk
  // bytes, so any u64 is fine (never a trap, never a len-sized buffer).
  def("[method]input-stream.read", [&io, in](Values& a) { return result_of(io, in(a).read(arg(a, 1).as_u64())); });
  def("[method]input-stream.blocking-read", [&io, in](Values& a) {
    return result_of(io, in(a).blocking_read(arg(a, 1).as_u64()));
  });
  def("[method]input-stream.skip", [&io, in](Values& a) { return result_of(io, in(a).skip(arg(a, 1).as_u64())); });
  def("[method]input-stream.blocking-skip", [&io, in](Values& a) {
    return result_of(io, in(a).blocking_skip(arg(a, 1).as_u64()));
  });
  def("[method]input-stream.subscribe", [&io, in](Values& a) {
    return one(Value::own(io.pollables.insert(in(a).subscribe())));
  });
  def("[resource-drop]input-stream", [&io](Values& a) {
    io.input_streams.remove(arg(a, 0).rep());
    return nothing();
  });
}

void register_output_stream(const InterfaceDefiner& def, IoState& io) {
  auto out = [&io](const Values& args) -> OutputStream& { return io.output_streams.at(arg(args, 0).rep()); };
  def("[method]output-stream.check-write", [&io, out](Values& a) { return result_of(io, out(a).check_write()); });
  def("[method]output-stream.write", [&io, out](Values& a) { return result_of(io, out(a).write(bytes_arg(a, 1))); });
  def("[method]output-stream.blocking-write-and-flush", [&io, out](Values& a) {
    return result_of(io, write_and_flush(out(a), bytes_arg(a, 1)));
  });
  def("[method]output-stream.flush", [&io, out](Values& a) { return result_of(io, out(a).flush()); });
  def("[method]output-stream.blocking-flush", [&io, out](Values& a) { return result_of(io, out(a).blocking_flush()); });
  def("[method]output-stream.subscribe", [&io, out](Values& a) {
    return one(Value::own(io.pollables.insert(out(a).subscribe())));
  });
  def("[method]output-stream.write-zeroes", [&io, out](Values& a) {
    return result_of(io, out(a).write_zeroes(arg(a, 1).as_u64()));
  });
  def("[method]output-stream.blocking-write-zeroes-and-flush", [&io, out](Values& a) {
    OutputStream& o = out(a);
    auto w = o.write_zeroes(arg(a, 1).as_u64());
    return result_of(io, w.ok() ? o.blocking_flush() : std::move(w));
  });
  def("[method]output-stream.splice", [&io, out](Values& a) {
    return result_of(io, splice(out(a), io.input_streams.at(arg(a, 1).rep()), arg(a, 2).as_u64(), false));
  });
  def("[method]output-stream.blocking-splice", [&io, out](Values& a) {
    return result_of(io, splice(out(a), io.input_streams.at(arg(a, 1).rep()), arg(a, 2).as_u64(), true));
  });
  def("[resource-drop]output-stream", [&io](Values& a) {
    io.output_streams.remove(arg(a, 0).rep());
    return nothing();
  });
}

}  // namespace

void register_io_streams(runtime::HostRegistry& r, IoState& io) {
  InterfaceDefiner def(r, "wasi:io/streams");
  register_input_stream(def, io);
  register_output_stream(def, io);
}

}  // namespace wasmrr::wasi
