// wasi:cli@0.3.0: stdin, stdout and stderr as streams (their bytes move
// through streams.cpp), and the interfaces 0.3 keeps from 0.2 (environment,
// exit, terminals), registered from the 0.2 host's code under 0.3.0.
#include "wasi/common/host_util.h"
#include "wasi/p3/p3.h"

namespace wasmrr::wasi::p3 {

namespace {

// wasi:cli/types@0.3.0 error-code: io, illegal-byte-sequence, pipe.
constexpr uint32_t kErrorIo = 0, kErrorPipe = 2;

// write-via-stream: the guest hands the host the readable end of `data`.
void define_output(runtime::HostRegistry& r, P3State& p, std::string_view iface, int fd) {
  InterfaceDefiner def(r, iface, WasiVersion::P3);
  StreamsState& s = p.streams;
  def("write-via-stream", [&s, fd](Values& args) {
    return one(future_value(s.hold(arg(args, 0).as_u32(), fd_sink(fd, Value::enum_(kErrorPipe)))));
  });
}

}  // namespace

void register_cli(runtime::HostRegistry& r, P3State& p) {
  const CliConfig& config = p.cli.config;
  define_output(r, p, "wasi:cli/stdout", config.stdout_fd);
  define_output(r, p, "wasi:cli/stderr", config.stderr_fd);
  InterfaceDefiner in(r, "wasi:cli/stdin", WasiVersion::P3);
  StreamsState& s = p.streams;
  const int stdin_fd = config.stdin_fd;
  in("read-via-stream", [&s, stdin_fd](Values&) {
    const auto [stream, future] = s.hold(fd_source(stdin_fd, Value::enum_(kErrorIo)));
    return one(Value::tuple({stream_value(stream), future_value(future)}));
  });
  register_cli_environment(r, p.cli, WasiVersion::P3);
  register_cli_exit(r, p.cli, WasiVersion::P3);
  register_cli_terminal_input(r, p.cli, WasiVersion::P3);
  register_cli_terminal_output(r, p.cli, WasiVersion::P3);
  register_cli_terminal_stdin(r, p.cli, WasiVersion::P3);
  register_cli_terminal_stdout(r, p.cli, WasiVersion::P3);
  register_cli_terminal_stderr(r, p.cli, WasiVersion::P3);
}

void register_random(runtime::HostRegistry& r, P3State& p) {
  register_random_random(r, p.random, WasiVersion::P3);
  register_random_insecure(r, p.random, WasiVersion::P3);
  register_random_insecure_seed(r, p.random, WasiVersion::P3);
}

}  // namespace wasmrr::wasi::p3
