// Unit tests of the WASI host: every function is called through the
// HostRegistry exactly as the runtime calls it, with abi::Values.
#include <fcntl.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "util/trap.h"
#include "wasi_test_util.h"

namespace wasmrr::wasi::testing {
namespace {

constexpr const char* kStreams = "wasi:io/streams";
constexpr const char* kPoll = "wasi:io/poll";
constexpr const char* kMonotonic = "wasi:clocks/monotonic-clock";

uint64_t cpu_time_ns() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec);
}

uint64_t wall_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec);
}

WasiConfig stdio_config(int in, int out, int err = 2) {
  WasiConfig c;
  c.stdin_fd = in;
  c.stdout_fd = out;
  c.stderr_fd = err;
  return c;
}

std::string read_all(int fd) {
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) return out;
    out.append(buf, static_cast<size_t>(n));
  }
}

Value stream_call(HostHarness& h, const char* method, uint32_t rep, Values extra = {}) {
  Values args{Value::borrow(rep)};
  for (auto& v : extra) args.push_back(std::move(v));
  return h.call1(kStreams, method, std::move(args));
}

TEST(WasiEnvironment, ArgumentsEnvironmentAndCwdRoundTrip) {
  WasiConfig c;
  c.args = {"prog", "a b", ""};
  c.env = {{"HOME", "/home/x"}, {"EMPTY", ""}};
  c.cwd = "/work";
  HostHarness h(c);
  Value args = h.call1("wasi:cli/environment", "get-arguments");
  ASSERT_EQ(args.items.size(), 3u);
  EXPECT_EQ(args.items[0], Value::string("prog"));
  EXPECT_EQ(args.items[1], Value::string("a b"));
  EXPECT_EQ(args.items[2], Value::string(""));
  Value env = h.call1("wasi:cli/environment", "get-environment");
  ASSERT_EQ(env.items.size(), 2u);
  EXPECT_EQ(env.items[0], Value::tuple({Value::string("HOME"), Value::string("/home/x")}));
  EXPECT_EQ(env.items[1], Value::tuple({Value::string("EMPTY"), Value::string("")}));
  EXPECT_EQ(h.call1("wasi:cli/environment", "initial-cwd"), Value::some(Value::string("/work")));
}

TEST(WasiEnvironment, NoCwdIsNone) {
  HostHarness h;
  EXPECT_EQ(h.call1("wasi:cli/environment", "initial-cwd"), Value::none());
  EXPECT_TRUE(h.call1("wasi:cli/environment", "get-arguments").items.empty());
}

TEST(WasiExit, ExitThrowsExitRequestWithStatus) {
  HostHarness h;
  try {
    h.call("wasi:cli/exit", "exit", {Value::ok()});
    FAIL();
  } catch (const ExitRequest& e) {
    EXPECT_EQ(e.status(), 0);
  }
  try {
    h.call("wasi:cli/exit", "exit", {Value::err()});
    FAIL();
  } catch (const ExitRequest& e) {
    EXPECT_EQ(e.status(), 1);
  }
  try {
    h.call("wasi:cli/exit", "exit-with-code", {Value::u8(42)});
    FAIL();
  } catch (const ExitRequest& e) {
    EXPECT_EQ(e.status(), 42);
  }
}

TEST(WasiClocks, MonotonicIncreasesAndWallIsPlausible) {
  HostHarness h;
  uint64_t a = h.call1(kMonotonic, "now").as_u64();
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  uint64_t b = h.call1(kMonotonic, "now").as_u64();
  EXPECT_GT(b, a);
  EXPECT_GT(h.call1(kMonotonic, "resolution").as_u64(), 0u);
  Value now = h.call1("wasi:clocks/wall-clock", "now");
  ASSERT_EQ(now.kind, abi::Kind::Record);
  ASSERT_EQ(now.items.size(), 2u);
  EXPECT_GT(now.items[0].as_u64(), 1'600'000'000u);  // after 2020
  EXPECT_LT(now.items[1].as_u64(), 1'000'000'000u);
  Value res = h.call1("wasi:clocks/wall-clock", "resolution");
  EXPECT_TRUE(res.items[0].as_u64() > 0 || res.items[1].as_u64() > 0);
}

TEST(WasiClocks, SubscribeDurationBlocksWithoutBusyWaiting) {
  HostHarness h;
  uint32_t p = h.call1(kMonotonic, "subscribe-duration", {Value::u64(150'000'000)}).rep();
  EXPECT_EQ(h.call1(kPoll, "[method]pollable.ready", {Value::borrow(p)}), Value::boolean(false));
  uint64_t wall0 = wall_ns(), cpu0 = cpu_time_ns();
  h.call(kPoll, "[method]pollable.block", {Value::borrow(p)});
  uint64_t waited = wall_ns() - wall0, cpu = cpu_time_ns() - cpu0;
  EXPECT_GE(waited, 145'000'000u);
  EXPECT_LT(waited, 1'000'000'000u);
  EXPECT_LT(cpu, 30'000'000u) << "blocking must not spin";
  EXPECT_EQ(h.call1(kPoll, "[method]pollable.ready", {Value::borrow(p)}), Value::boolean(true));
  h.call(kPoll, "[resource-drop]pollable", {Value::own(p)});
  EXPECT_EQ(h.host().live_resources(), 0u);
}

TEST(WasiClocks, SubscribeInstantInThePastIsReady) {
  HostHarness h;
  uint64_t now = h.call1(kMonotonic, "now").as_u64();
  uint32_t p = h.call1(kMonotonic, "subscribe-instant", {Value::u64(now - 1)}).rep();
  EXPECT_EQ(h.call1(kPoll, "[method]pollable.ready", {Value::borrow(p)}), Value::boolean(true));
  uint32_t never = h.call1(kMonotonic, "subscribe-duration", {Value::u64(UINT64_MAX)}).rep();
  EXPECT_EQ(h.call1(kPoll, "[method]pollable.ready", {Value::borrow(never)}), Value::boolean(false));
}

TEST(WasiRandom, BytesHaveTheRequestedLength) {
  HostHarness h;
  for (uint64_t len : {0u, 1u, 7u, 16u, 1000u}) {
    Value v = h.call1("wasi:random/random", "get-random-bytes", {Value::u64(len)});
    EXPECT_TRUE(v.bytes);
    EXPECT_EQ(v.str.size(), len);
    Value w = h.call1("wasi:random/insecure", "get-insecure-random-bytes", {Value::u64(len)});
    EXPECT_EQ(w.str.size(), len);
  }
  EXPECT_NE(h.call1("wasi:random/random", "get-random-bytes", {Value::u64(32)}),
            h.call1("wasi:random/random", "get-random-bytes", {Value::u64(32)}));
  EXPECT_NE(h.call1("wasi:random/random", "get-random-u64").as_u64(),
            h.call1("wasi:random/random", "get-random-u64").as_u64());
  EXPECT_NE(h.call1("wasi:random/insecure", "get-insecure-random-u64").as_u64(),
            h.call1("wasi:random/insecure", "get-insecure-random-u64").as_u64());
}

TEST(WasiRandom, InsecureSeedIsStablePerHost) {
  HostHarness h;
  Value a = h.call1("wasi:random/insecure-seed", "insecure-seed");
  ASSERT_EQ(a.items.size(), 2u);
  EXPECT_EQ(a, h.call1("wasi:random/insecure-seed", "insecure-seed"));
}

class FixedRandom final : public RandomSource {
 public:
  std::string bytes(uint64_t len) override { return std::string(len, 'x'); }
  uint64_t next_u64() override { return 7; }
};

TEST(WasiRandom, SourcesCanBeSubstituted) {
  WasiSources s;
  s.random = std::make_unique<FixedRandom>();
  HostHarness h({}, std::move(s));
  EXPECT_EQ(h.call1("wasi:random/random", "get-random-u64"), Value::u64(7));
  EXPECT_EQ(h.call1("wasi:random/random", "get-random-bytes", {Value::u64(3)}), Value::byte_list("xxx"));
  EXPECT_EQ(h.call1("wasi:random/insecure-seed", "insecure-seed"), Value::tuple({Value::u64(7), Value::u64(7)}));
}

TEST(WasiStdout, WritesReachTheFd) {
  Pipe out;
  HostHarness h(stdio_config(0, out.write_end));
  uint32_t s = h.call1("wasi:cli/stdout", "get-stdout").rep();
  Value budget = stream_call(h, "[method]output-stream.check-write", s);
  ASSERT_TRUE(budget.is_ok());
  EXPECT_GE(budget.payload().as_u64(), 4096u);
  EXPECT_EQ(stream_call(h, "[method]output-stream.write", s, {Value::byte_list("hello ")}), Value::ok());
  EXPECT_EQ(stream_call(h, "[method]output-stream.blocking-write-and-flush", s, {Value::byte_list("world")}),
            Value::ok());
  EXPECT_EQ(stream_call(h, "[method]output-stream.flush", s), Value::ok());
  EXPECT_EQ(stream_call(h, "[method]output-stream.blocking-flush", s), Value::ok());
  EXPECT_EQ(stream_call(h, "[method]output-stream.write-zeroes", s, {Value::u64(2)}), Value::ok());
  EXPECT_EQ(stream_call(h, "[method]output-stream.blocking-write-zeroes-and-flush", s, {Value::u64(1)}), Value::ok());
  h.call(kStreams, "[resource-drop]output-stream", {Value::own(s)});
  out.close_write();
  EXPECT_EQ(read_all(out.read_end), std::string("hello world\0\0\0", 14));
}

TEST(WasiStdout, TenMegabyteWriteIsFullyDelivered) {
  Pipe out;
  HostHarness h(stdio_config(0, out.write_end));
  std::string big(10 * 1024 * 1024, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 26);
  std::string received;
  std::thread reader([&] { received = read_all(out.read_end); });
  uint32_t s = h.call1("wasi:cli/stdout", "get-stdout").rep();
  EXPECT_EQ(stream_call(h, "[method]output-stream.blocking-write-and-flush", s, {Value::byte_list(big)}), Value::ok());
  h.call(kStreams, "[resource-drop]output-stream", {Value::own(s)});
  out.close_write();
  reader.join();
  EXPECT_EQ(received.size(), big.size());
  EXPECT_TRUE(received == big);
}

TEST(WasiStderr, WritesReachTheFd) {
  Pipe err;
  HostHarness h(stdio_config(0, 1, err.write_end));
  uint32_t s = h.call1("wasi:cli/stderr", "get-stderr").rep();
  EXPECT_EQ(stream_call(h, "[method]output-stream.write", s, {Value::byte_list("oops")}), Value::ok());
  err.close_write();
  EXPECT_EQ(read_all(err.read_end), "oops");
}

TEST(WasiStdin, ReadsUntilEofThenClosed) {
  Pipe in;
  HostHarness h(stdio_config(in.read_end, 1));
  uint32_t s = h.call1("wasi:cli/stdin", "get-stdin").rep();
  // Nothing written yet: a non-blocking read returns an empty list.
  EXPECT_EQ(stream_call(h, "[method]input-stream.read", s, {Value::u64(10)}), Value::ok(Value::byte_list("")));
  ASSERT_EQ(::write(in.write_end, "abcdef", 6), 6);
  EXPECT_EQ(stream_call(h, "[method]input-stream.read", s, {Value::u64(2)}), Value::ok(Value::byte_list("ab")));
  EXPECT_EQ(stream_call(h, "[method]input-stream.skip", s, {Value::u64(1)}), Value::ok(Value::u64(1)));
  EXPECT_EQ(stream_call(h, "[method]input-stream.blocking-read", s, {Value::u64(100)}),
            Value::ok(Value::byte_list("def")));
  in.close_write();
  EXPECT_EQ(stream_call(h, "[method]input-stream.blocking-read", s, {Value::u64(100)}), Value::err(Value::variant(1)));
  EXPECT_EQ(stream_call(h, "[method]input-stream.read", s, {Value::u64(100)}), Value::err(Value::variant(1)));
  EXPECT_EQ(stream_call(h, "[method]input-stream.blocking-skip", s, {Value::u64(1)}), Value::err(Value::variant(1)));
}

TEST(WasiStdin, BlockingReadWaitsForData) {
  Pipe in;
  HostHarness h(stdio_config(in.read_end, 1));
  uint32_t s = h.call1("wasi:cli/stdin", "get-stdin").rep();
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_EQ(::write(in.write_end, "late", 4), 4);
  });
  EXPECT_EQ(stream_call(h, "[method]input-stream.blocking-read", s, {Value::u64(100)}),
            Value::ok(Value::byte_list("late")));
  writer.join();
}

TEST(WasiStreams, SpliceMovesStdinToStdout) {
  Pipe in, out;
  HostHarness h(stdio_config(in.read_end, out.write_end));
  uint32_t src = h.call1("wasi:cli/stdin", "get-stdin").rep();
  uint32_t dst = h.call1("wasi:cli/stdout", "get-stdout").rep();
  ASSERT_EQ(::write(in.write_end, "spliced", 7), 7);
  EXPECT_EQ(stream_call(h, "[method]output-stream.splice", dst, {Value::borrow(src), Value::u64(3)}),
            Value::ok(Value::u64(3)));
  EXPECT_EQ(stream_call(h, "[method]output-stream.blocking-splice", dst, {Value::borrow(src), Value::u64(100)}),
            Value::ok(Value::u64(4)));
  in.close_write();
  EXPECT_EQ(stream_call(h, "[method]output-stream.blocking-splice", dst, {Value::borrow(src), Value::u64(100)}),
            Value::err(Value::variant(1)));
  out.close_write();
  EXPECT_EQ(read_all(out.read_end), "spliced");
}

TEST(WasiStreams, FailedWriteGivesAnErrorResource) {
  HostHarness h(stdio_config(0, 1, /*stderr*/ 1000));  // fd 1000: not open
  uint32_t s = h.call1("wasi:cli/stderr", "get-stderr").rep();
  Value r = stream_call(h, "[method]output-stream.write", s, {Value::byte_list("x")});
  ASSERT_FALSE(r.is_ok());
  ASSERT_EQ(r.payload().case_index(), 0u);  // last-operation-failed
  uint32_t e = r.payload().payload().rep();
  Value msg = h.call1("wasi:io/error", "[method]error.to-debug-string", {Value::borrow(e)});
  EXPECT_NE(msg.str.find("Bad file descriptor"), std::string::npos) << msg.str;
  EXPECT_EQ(h.call1("wasi:filesystem/types", "filesystem-error-code", {Value::borrow(e)}), Value::none());
  // After a failure the stream is closed.
  EXPECT_EQ(stream_call(h, "[method]output-stream.check-write", s), Value::err(Value::variant(1)));
  h.call("wasi:io/error", "[resource-drop]error", {Value::own(e)});
  h.call(kStreams, "[resource-drop]output-stream", {Value::own(s)});
  EXPECT_EQ(h.host().live_resources(), 0u);
}

TEST(WasiPoll, ReturnsTheIndicesOfReadyPollables) {
  Pipe with_data, without_data;
  ASSERT_EQ(::write(with_data.write_end, "x", 1), 1);
  HostHarness h(stdio_config(with_data.read_end, 1));
  uint32_t later = h.call1(kMonotonic, "subscribe-duration", {Value::u64(10'000'000'000)}).rep();
  uint32_t past = h.call1(kMonotonic, "subscribe-duration", {Value::u64(0)}).rep();
  uint32_t in = h.call1("wasi:cli/stdin", "get-stdin").rep();
  uint32_t readable = stream_call(h, "[method]input-stream.subscribe", in).rep();
  uint32_t out = h.call1("wasi:cli/stdout", "get-stdout").rep();
  uint32_t writable = stream_call(h, "[method]output-stream.subscribe", out).rep();
  Value ready = h.call1(kPoll, "poll", {Value::list({Value::borrow(later), Value::borrow(past), Value::borrow(readable),
                                                      Value::borrow(writable)})});
  EXPECT_EQ(ready, Value::list({Value::u32(1), Value::u32(2), Value::u32(3)}));
}

TEST(WasiPoll, BlocksUntilTheNearestDeadlineOrFd) {
  Pipe in;
  HostHarness h(stdio_config(in.read_end, 1));
  uint32_t in_stream = h.call1("wasi:cli/stdin", "get-stdin").rep();
  uint32_t readable = stream_call(h, "[method]input-stream.subscribe", in_stream).rep();
  uint32_t soon = h.call1(kMonotonic, "subscribe-duration", {Value::u64(80'000'000)}).rep();
  uint32_t later = h.call1(kMonotonic, "subscribe-duration", {Value::u64(10'000'000'000)}).rep();
  uint64_t wall0 = wall_ns(), cpu0 = cpu_time_ns();
  Value ready =
      h.call1(kPoll, "poll", {Value::list({Value::borrow(later), Value::borrow(readable), Value::borrow(soon)})});
  EXPECT_EQ(ready, Value::list({Value::u32(2)}));
  EXPECT_GE(wall_ns() - wall0, 75'000'000u);
  EXPECT_LT(cpu_time_ns() - cpu0, 30'000'000u);
  // Data on the fd wakes the poll before the long deadline.
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    ASSERT_EQ(::write(in.write_end, "y", 1), 1);
  });
  ready = h.call1(kPoll, "poll", {Value::list({Value::borrow(later), Value::borrow(readable)})});
  writer.join();
  EXPECT_EQ(ready, Value::list({Value::u32(1)}));
}

TEST(WasiPoll, EmptyListTraps) {
  HostHarness h;
  EXPECT_THROW(h.call(kPoll, "poll", {Value::list({})}), Trap);
}

TEST(WasiResources, DroppingAnUnknownRepTraps) {
  HostHarness h;
  EXPECT_THROW(h.call(kStreams, "[resource-drop]output-stream", {Value::own(999)}), Trap);
  EXPECT_THROW(h.call(kStreams, "[resource-drop]input-stream", {Value::own(1)}), Trap);
  EXPECT_THROW(h.call(kPoll, "[resource-drop]pollable", {Value::own(5)}), Trap);
  EXPECT_THROW(h.call("wasi:io/error", "[resource-drop]error", {Value::own(5)}), Trap);
  EXPECT_THROW(h.call("wasi:filesystem/types", "[resource-drop]descriptor", {Value::own(5)}), Trap);
  EXPECT_THROW(h.call("wasi:filesystem/types", "[resource-drop]directory-entry-stream", {Value::own(5)}), Trap);
  EXPECT_THROW(h.call("wasi:cli/terminal-input", "[resource-drop]terminal-input", {Value::own(5)}), Trap);
  EXPECT_THROW(h.call("wasi:cli/terminal-output", "[resource-drop]terminal-output", {Value::own(5)}), Trap);
  // Using a handle of the wrong type traps too: reps are per table.
  uint32_t s = h.call1("wasi:cli/stdout", "get-stdout").rep();
  EXPECT_THROW(h.call(kStreams, "[resource-drop]input-stream", {Value::own(s)}), Trap);
  h.call(kStreams, "[resource-drop]output-stream", {Value::own(s)});
  EXPECT_THROW(h.call(kStreams, "[resource-drop]output-stream", {Value::own(s)}), Trap);
}

TEST(WasiResources, RepsStartAtOneAndAreFreshPerCall) {
  HostHarness h;
  uint32_t a = h.call1("wasi:cli/stdout", "get-stdout").rep();
  uint32_t b = h.call1("wasi:cli/stdout", "get-stdout").rep();
  EXPECT_EQ(a, 1u);
  EXPECT_NE(a, b);
}

TEST(WasiTerminal, PipesAreNotTerminals) {
  Pipe p;
  HostHarness h(stdio_config(p.read_end, p.write_end, p.write_end));
  EXPECT_EQ(h.call1("wasi:cli/terminal-stdin", "get-terminal-stdin"), Value::none());
  EXPECT_EQ(h.call1("wasi:cli/terminal-stdout", "get-terminal-stdout"), Value::none());
  EXPECT_EQ(h.call1("wasi:cli/terminal-stderr", "get-terminal-stderr"), Value::none());
}

TEST(WasiTerminal, TerminalsAreSome) {
  int fd = ::open("/dev/ptmx", O_RDWR | O_NOCTTY);
  if (fd < 0) GTEST_SKIP() << "no pseudo-terminals here";
  HostHarness h(stdio_config(fd, fd, fd));
  Value t = h.call1("wasi:cli/terminal-stdout", "get-terminal-stdout");
  ASSERT_TRUE(t.is_some());
  h.call("wasi:cli/terminal-output", "[resource-drop]terminal-output", {Value::own(t.payload().rep())});
  Value i = h.call1("wasi:cli/terminal-stdin", "get-terminal-stdin");
  ASSERT_TRUE(i.is_some());
  h.call("wasi:cli/terminal-input", "[resource-drop]terminal-input", {Value::own(i.payload().rep())});
  ::close(fd);
}

TEST(WasiFilesystem, NoPreopensMeansNoDirectories) {
  HostHarness h;
  EXPECT_EQ(h.call1("wasi:filesystem/preopens", "get-directories"), Value::list({}));
}

TEST(WasiRegistry, AnyZeroDotTwoVersionBinds) {
  HostHarness h;
  for (const char* v : {"@0.2.0", "@0.2.3", "@0.2.10", "@0.2.12"})
    EXPECT_NE(h.registry().find(std::string("wasi:cli/stdout") + v, "get-stdout"), nullptr) << v;
  for (const char* v : {"", "@0.3.0", "@0.20.0", "@1.0.0"})
    EXPECT_EQ(h.registry().find(std::string("wasi:cli/stdout") + v, "get-stdout"), nullptr) << v;
}

// Every function of the 0.2.12 WIT of the implemented interfaces is defined.
TEST(WasiRegistry, EveryWitFunctionIsDefined) {
  HostHarness h;
  const std::vector<std::pair<const char*, std::vector<const char*>>> expected = {
      {"wasi:cli/environment", {"get-environment", "get-arguments", "initial-cwd"}},
      {"wasi:cli/exit", {"exit", "exit-with-code"}},
      {"wasi:cli/stdin", {"get-stdin"}},
      {"wasi:cli/stdout", {"get-stdout"}},
      {"wasi:cli/stderr", {"get-stderr"}},
      {"wasi:cli/terminal-input", {"[resource-drop]terminal-input"}},
      {"wasi:cli/terminal-output", {"[resource-drop]terminal-output"}},
      {"wasi:cli/terminal-stdin", {"get-terminal-stdin"}},
      {"wasi:cli/terminal-stdout", {"get-terminal-stdout"}},
      {"wasi:cli/terminal-stderr", {"get-terminal-stderr"}},
      {"wasi:io/error", {"[method]error.to-debug-string", "[resource-drop]error"}},
      {"wasi:io/poll", {"[method]pollable.ready", "[method]pollable.block", "poll", "[resource-drop]pollable"}},
      {"wasi:io/streams",
       {"[method]input-stream.read", "[method]input-stream.blocking-read", "[method]input-stream.skip",
        "[method]input-stream.blocking-skip", "[method]input-stream.subscribe", "[resource-drop]input-stream",
        "[method]output-stream.check-write", "[method]output-stream.write",
        "[method]output-stream.blocking-write-and-flush", "[method]output-stream.flush",
        "[method]output-stream.blocking-flush", "[method]output-stream.subscribe",
        "[method]output-stream.write-zeroes", "[method]output-stream.blocking-write-zeroes-and-flush",
        "[method]output-stream.splice", "[method]output-stream.blocking-splice", "[resource-drop]output-stream"}},
      {"wasi:clocks/wall-clock", {"now", "resolution"}},
      {"wasi:clocks/monotonic-clock", {"now", "resolution", "subscribe-instant", "subscribe-duration"}},
      {"wasi:random/random", {"get-random-bytes", "get-random-u64"}},
      {"wasi:random/insecure", {"get-insecure-random-bytes", "get-insecure-random-u64"}},
      {"wasi:random/insecure-seed", {"insecure-seed"}},
      {"wasi:filesystem/preopens", {"get-directories"}},
      {"wasi:filesystem/types",
       {"[method]descriptor.read-via-stream", "[method]descriptor.write-via-stream",
        "[method]descriptor.append-via-stream", "[method]descriptor.advise", "[method]descriptor.sync-data",
        "[method]descriptor.get-flags", "[method]descriptor.get-type", "[method]descriptor.set-size",
        "[method]descriptor.set-times", "[method]descriptor.read", "[method]descriptor.write",
        "[method]descriptor.read-directory", "[method]descriptor.sync", "[method]descriptor.create-directory-at",
        "[method]descriptor.stat", "[method]descriptor.stat-at", "[method]descriptor.set-times-at",
        "[method]descriptor.link-at", "[method]descriptor.open-at", "[method]descriptor.readlink-at",
        "[method]descriptor.remove-directory-at", "[method]descriptor.rename-at", "[method]descriptor.symlink-at",
        "[method]descriptor.unlink-file-at", "[method]descriptor.is-same-object",
        "[method]descriptor.metadata-hash", "[method]descriptor.metadata-hash-at",
        "[method]directory-entry-stream.read-directory-entry", "filesystem-error-code",
        "[resource-drop]descriptor", "[resource-drop]directory-entry-stream"}},
  };
  for (const auto& [interface, funcs] : expected)
    for (const char* f : funcs)
      EXPECT_NE(h.registry().find(std::string(interface) + "@0.2.12", f), nullptr) << interface << "#" << f;
}

}  // namespace
}  // namespace wasmrr::wasi::testing
