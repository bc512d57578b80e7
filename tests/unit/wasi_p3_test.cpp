// The WASI 0.3 host's filesystem and sockets, called as the runtime calls
// them: 0.3's values (error-code variants with `other`, s64 instants,
// descriptor-type without unknown), the streams it holds through the
// wasm-rr:async/streams calls, and the paths the guest tests
// (tests/e2e/async/fs_streams.wat, tcp_echo.wat, udp_echo.wat) do not take.
#include <sys/stat.h>

#include <filesystem>
#include <cstdlib>
#include <ctime>
#include <map>
#include <fstream>

#include "runtime/host.h"
#include "util/trap.h"
#include "wasi/sockets/socket_addr.h"
#include "wasi/sockets/socket_policy.h"
#include "wasi_test_util.h"

namespace wasmrr::wasi::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kP3 = "0.3.0";
constexpr const char* kFsTypes = "wasi:filesystem/types";
constexpr const char* kSockets = "wasi:sockets/types";

Value flags(std::vector<bool> f) { return Value::flags(std::move(f)); }
Value read_only() { return flags({true, false, false, false, false, false}); }
Value write_only() { return flags({false, true, false, false, false, false}); }
Value no_open() { return flags({false, false, false, false}); }
Value create() { return flags({true, false, false, false}); }

// The case of err(variant) in a result value.
uint32_t err_case(const Value& r) {
  EXPECT_FALSE(r.is_ok());
  return r.has_payload() ? r.payload().case_index() : ~0u;
}

// A host stream or future id inside a returned value.
uint32_t id(const Value& v) { return static_cast<uint32_t>(v.num); }

class P3Filesystem : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "wasmrr-p3-XXXXXX").string();
    ASSERT_TRUE(::mkdtemp(tmpl.data()));
    dir_ = tmpl;
    std::ofstream(dir_ + "/hello.txt") << "hello, file";
    fs::create_directory(dir_ + "/sub");
    WasiConfig c;
    c.preopens.push_back({dir_, "/data", false});
    h = std::make_unique<HostHarness>(c);
    Value dirs = h->call1("wasi:filesystem/preopens", "get-directories", {}, kP3);
    ASSERT_EQ(dirs.items.size(), 1u);
    root = dirs.items.at(0).items.at(0).rep();
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  Value method(const std::string& m, uint32_t self, Values rest = {}) {
    Values args{Value::borrow(self)};
    for (auto& v : rest) args.push_back(std::move(v));
    return h->call1(kFsTypes, "[method]descriptor." + m, std::move(args), kP3);
  }
  Value open(const std::string& path, Value oflags, Value dflags) {
    return method("open-at", root, {flags({false}), Value::string(path), std::move(oflags), std::move(dflags)});
  }
  // The value of a stream's result future, once the stream has ended.
  Value future_value(uint32_t future) {
    Value r = h->streams_call("resolve", {Value::u32(future)});
    EXPECT_TRUE(r.is_some());
    return r.is_some() ? r.payload().items.at(0) : Value();
  }

  std::string dir_;
  std::unique_ptr<HostHarness> h;
  uint32_t root = 0;
};

TEST_F(P3Filesystem, ErrorCodesAreZeroThreesVariant) {
  // no-entry is case 19 in 0.3 (0.2's would-block, case 1, is gone)
  EXPECT_EQ(err_case(open("missing.txt", no_open(), read_only())), 19u);
  EXPECT_EQ(err_case(open("hello.txt", flags({true, false, true, false}), read_only())), 6u);  // exist
  EXPECT_EQ(err_case(method("create-directory-at", root, {Value::string("sub")})), 6u);
}

TEST_F(P3Filesystem, StatHasZeroThreesTypesAndInstants) {
  Value st = method("stat-at", root, {flags({false}), Value::string("hello.txt")});
  ASSERT_TRUE(st.is_ok());
  const Value& rec = st.payload();
  EXPECT_EQ(rec.items.at(0).kind, abi::Kind::Variant);
  EXPECT_EQ(rec.items.at(0).case_index(), 5u);  // regular-file
  EXPECT_EQ(rec.items.at(2).as_u64(), 11u);
  const Value& mtime = rec.items.at(4);
  ASSERT_TRUE(mtime.is_some());
  EXPECT_EQ(mtime.payload().items.at(0).kind, abi::Kind::S64);
  EXPECT_GT(mtime.payload().items.at(0).as_s64(), 0);
  Value dir = method("stat-at", root, {flags({false}), Value::string("sub")});
  EXPECT_EQ(dir.payload().items.at(0).case_index(), 2u);  // directory
}

TEST_F(P3Filesystem, SetTimesRefusesInstantsBefore1970) {
  Value before_1970 = Value::variant(2, Value::record({Value::s64(-1), Value::u32(0)}));
  Value no_change = Value::variant(0);
  Value r = method("set-times-at", root, {flags({false}), Value::string("hello.txt"), before_1970, no_change});
  EXPECT_EQ(err_case(r), 11u);  // invalid
  Value at = Value::variant(2, Value::record({Value::s64(1'000'000'000), Value::u32(5)}));
  EXPECT_TRUE(method("set-times-at", root, {flags({false}), Value::string("hello.txt"), no_change, at}).is_ok());
  struct stat st{};
  ASSERT_EQ(::stat((dir_ + "/hello.txt").c_str(), &st), 0);
  EXPECT_EQ(st.st_mtim.tv_sec, 1'000'000'000);
  EXPECT_EQ(st.st_mtim.tv_nsec, 5);
}

TEST_F(P3Filesystem, ReadStreamGivesTheFileThenEnds) {
  Value d = open("hello.txt", no_open(), read_only());
  ASSERT_TRUE(d.is_ok());
  Value pair = method("read-via-stream", d.payload().rep(), {Value::u64(7)});
  const uint32_t stream = id(pair.items.at(0)), future = id(pair.items.at(1));
  EXPECT_FALSE(h->streams_call("resolve", {Value::u32(future)}).is_some());  // not ended yet
  Value got = h->streams_call("give", {Value::u32(stream), Value::u32(100), Value::boolean(false)});
  ASSERT_TRUE(got.is_some());
  EXPECT_EQ(got.payload().str, "file");
  EXPECT_FALSE(h->streams_call("give", {Value::u32(stream), Value::u32(100), Value::boolean(false)}).is_some());
  EXPECT_TRUE(future_value(future).is_ok());
}

TEST_F(P3Filesystem, StreamsThatCannotStartEndWithTheirError) {
  Value dir_stream = method("read-via-stream", root, {Value::u64(0)});
  const uint32_t stream = id(dir_stream.items.at(0)), future = id(dir_stream.items.at(1));
  EXPECT_FALSE(h->streams_call("give", {Value::u32(stream), Value::u32(1), Value::boolean(true)}).is_some());
  EXPECT_EQ(err_case(future_value(future)), 13u);  // is-directory
  // write-via-stream of a read-only descriptor: what the guest writes is
  // dropped, the future says bad-descriptor once the guest ended the stream
  Value d = open("hello.txt", no_open(), read_only());
  const uint32_t data = 7;  // the guest's stream id
  Value f = method("write-via-stream", d.payload().rep(), {Value::async_handle(abi::Kind::Stream, data), Value::u64(0)});
  h->streams_call("take", {Value::u32(data), Value::byte_list("x")});
  EXPECT_FALSE(h->streams_call("resolve", {Value::u32(id(f))}).is_some());
  h->streams_call("dropped", {Value::u32(data), Value::boolean(false)});
  EXPECT_EQ(err_case(future_value(id(f))), 2u);  // bad-descriptor
  std::ifstream in(dir_ + "/hello.txt");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "hello, file");
}

TEST_F(P3Filesystem, ADroppedStreamIsGoneOnceItsFutureIs) {
  Value d = open("new.txt", create(), write_only());
  const uint32_t data = 9;
  Value f = method("append-via-stream", d.payload().rep(), {Value::async_handle(abi::Kind::Stream, data)});
  h->streams_call("take", {Value::u32(data), Value::byte_list("abc")});
  h->streams_call("dropped", {Value::u32(data), Value::boolean(false)});
  EXPECT_THROW(h->streams_call("take", {Value::u32(data), Value::byte_list("more")}), Trap);
  EXPECT_TRUE(future_value(id(f)).is_ok());
  h->streams_call("dropped", {Value::u32(id(f)), Value::boolean(true)});
  EXPECT_THROW(h->streams_call("resolve", {Value::u32(id(f))}), Trap);
  std::ifstream in(dir_ + "/new.txt");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "abc");
}

TEST_F(P3Filesystem, DirectoryEntriesComeAsRecordsWithZeroThreesTypes) {
  Value pair = method("read-directory", root);
  const uint32_t stream = id(pair.items.at(0));
  Value got = h->streams_call("give", {Value::u32(stream), Value::u32(1), Value::boolean(false)});
  ASSERT_TRUE(got.is_some());
  ASSERT_EQ(got.payload().items.size(), 1u);  // at most what was asked for
  std::map<std::string, uint32_t> types;
  for (;;) {
    for (const Value& e : got.payload().items) types[e.items.at(1).str] = e.items.at(0).case_index();
    got = h->streams_call("give", {Value::u32(stream), Value::u32(16), Value::boolean(false)});
    if (!got.is_some()) break;
  }
  EXPECT_EQ(types, (std::map<std::string, uint32_t>{{"hello.txt", 5u}, {"sub", 2u}}));
  EXPECT_TRUE(future_value(id(pair.items.at(1))).is_ok());
}

class P3Sockets : public ::testing::Test {
 protected:
  P3Sockets() : h(config()) {}
  static WasiConfig config() {
    WasiConfig c;
    std::string error;
    c.sockets.tcp.allow(*parse_socket_rule("127.0.0.1:*", error));
    c.sockets.udp.allow(*parse_socket_rule("127.0.0.1:*", error));
    c.sockets.ip_name_lookup = true;
    return c;
  }
  static Value loopback(uint16_t port) {
    IpEndpoint e;
    e.bytes = {127, 0, 0, 1};
    e.port = port;
    return endpoint_to_value(e);
  }
  uint32_t socket(const std::string& kind) {
    Value r = h.call1(kSockets, "[static]" + kind + "-socket.create", {Value::enum_(0)}, kP3);
    EXPECT_TRUE(r.is_ok());
    return r.payload().rep();
  }
  Value tcp(const std::string& m, uint32_t self, Values rest = {}) { return call("tcp", m, self, std::move(rest)); }
  Value udp(const std::string& m, uint32_t self, Values rest = {}) { return call("udp", m, self, std::move(rest)); }
  Value call(const std::string& kind, const std::string& m, uint32_t self, Values rest) {
    Values args{Value::borrow(self)};
    for (auto& v : rest) args.push_back(std::move(v));
    return h.call1(kSockets, "[method]" + kind + "-socket." + m, std::move(args), kP3);
  }

  HostHarness h;
};

TEST_F(P3Sockets, ErrorCodesAreZeroThreesVariant) {
  // would-block, not-in-progress and new-socket-limit are not 0.3 cases
  EXPECT_EQ(net_err_value(NetError::not_in_progress, WasiVersion::P3).payload().case_index(), 5u);
  Value other = net_err_value(NetError::would_block, WasiVersion::P3).payload();
  EXPECT_EQ(other.case_index(), 14u);
  EXPECT_EQ(other.payload().payload().str, "would-block");
  EXPECT_EQ(net_err_value(NetError::connection_refused, WasiVersion::P3).payload().case_index(), 9u);
}

TEST_F(P3Sockets, TcpRefusedDeniedAndWrongState) {
  // a port nobody listens on: find one by binding and closing
  uint32_t probe = socket("tcp");
  ASSERT_TRUE(tcp("bind", probe, {loopback(0)}).is_ok());
  const uint16_t port = endpoint_from_value(tcp("get-local-address", probe).payload()).port;
  h.call(kSockets, "[resource-drop]tcp-socket", {Value::own(probe)}, kP3);
  EXPECT_EQ(err_case(tcp("connect", socket("tcp"), {loopback(port)})), 9u);  // connection-refused
  IpEndpoint elsewhere;
  elsewhere.bytes = {10, 0, 0, 1};
  elsewhere.port = 80;
  EXPECT_EQ(err_case(tcp("connect", socket("tcp"), {endpoint_to_value(elsewhere)})), 0u);  // access-denied
  uint32_t s = socket("tcp");
  ASSERT_TRUE(tcp("bind", s, {loopback(0)}).is_ok());
  EXPECT_EQ(err_case(tcp("bind", s, {loopback(0)})), 5u);  // invalid-state
  // send and receive before a connection: streams that end with invalid-state
  Value pair = tcp("receive", s);
  EXPECT_FALSE(h.streams_call("give", {Value::u32(id(pair.items.at(0))), Value::u32(4), Value::boolean(true)}).is_some());
  Value done = h.streams_call("resolve", {Value::u32(id(pair.items.at(1)))});
  ASSERT_TRUE(done.is_some());
  EXPECT_EQ(err_case(done.payload().items.at(0)), 5u);
}

TEST_F(P3Sockets, TcpListenWithoutBindNeedsAGrantForTheUnspecifiedAddress) {
  // listen binds an unbound socket to 0.0.0.0: not granted by 127.0.0.1:*
  EXPECT_EQ(err_case(tcp("listen", socket("tcp"))), 0u);
  EXPECT_FALSE(tcp("get-is-listening", socket("tcp")).as_bool());
}

TEST_F(P3Sockets, TcpOptionsHaveZeroThreesNames) {
  uint32_t s = socket("tcp");
  EXPECT_TRUE(tcp("set-keep-alive-enabled", s, {Value::boolean(true)}).is_ok());
  Value on = tcp("get-keep-alive-enabled", s);
  ASSERT_TRUE(on.is_ok());
  EXPECT_TRUE(on.payload().as_bool());
  EXPECT_EQ(err_case(tcp("set-hop-limit", s, {Value::u8(0)})), 2u);  // invalid-argument
  EXPECT_EQ(h.registry().find(std::string(kSockets) + "@" + kP3, "[method]tcp-socket.keep-alive-enabled"), nullptr);
}

TEST_F(P3Sockets, UdpStatesAndGrants) {
  uint32_t s = socket("udp");
  EXPECT_EQ(err_case(udp("receive", s)), 5u);     // not bound: invalid-state
  EXPECT_EQ(err_case(udp("disconnect", s)), 5u);  // not connected
  IpEndpoint elsewhere;
  elsewhere.bytes = {10, 0, 0, 1};
  elsewhere.port = 53;
  // the implicit bind is not checked; the destination is
  EXPECT_EQ(err_case(udp("send", s, {Value::byte_list("x"), Value::some(endpoint_to_value(elsewhere))})), 0u);
  EXPECT_EQ(err_case(udp("send", s, {Value::byte_list("x"), Value::none()})), 2u);  // no peer, no address
  ASSERT_TRUE(udp("connect", s, {loopback(9)}).is_ok());
  EXPECT_TRUE(udp("get-remote-address", s).is_ok());
  EXPECT_TRUE(udp("disconnect", s).is_ok());
  EXPECT_EQ(err_case(udp("get-remote-address", s)), 5u);
}

TEST_F(P3Sockets, ResolveAddressesAnswersInOneCall) {
  auto resolve = [&](const std::string& name) {
    return h.call1("wasi:sockets/ip-name-lookup", "resolve-addresses", {Value::string(name)}, kP3);
  };
  Value literal = resolve("[::1]");
  ASSERT_TRUE(literal.is_ok());
  ASSERT_EQ(literal.payload().items.size(), 1u);
  EXPECT_EQ(literal.payload().items.at(0).case_index(), 1u);  // ipv6
  Value local = resolve("localhost");
  ASSERT_TRUE(local.is_ok());
  EXPECT_FALSE(local.payload().items.empty());
  EXPECT_EQ(err_case(resolve("bad name!")), 1u);  // invalid-argument
  EXPECT_FALSE(resolve("no-such-host.invalid").is_ok());
}

TEST(P3Clocks, TimezoneIsTheHostsInNanoseconds) {
  const char* old = std::getenv("TZ");
  const std::string saved = old ? old : "";
  ::setenv("TZ", "XST-3", 1);  // a POSIX zone three hours east of UTC: no tzdata needed
  ::tzset();
  HostHarness h;
  Value instant = Value::record({Value::s64(1'700'000'000), Value::u32(0)});
  EXPECT_EQ(h.call1("wasi:clocks/timezone", "utc-offset", {instant}, kP3),
            Value::some(Value::s64(3 * 3600 * 1'000'000'000ll)));
  EXPECT_EQ(h.call1("wasi:clocks/timezone", "iana-id", {}, kP3), Value::some(Value::string("XST-3")));
  ::setenv("TZ", "/etc/localtime", 1);  // a path is no zone name
  EXPECT_EQ(h.call1("wasi:clocks/timezone", "iana-id", {}, kP3), Value::none());
  if (old) ::setenv("TZ", saved.c_str(), 1);
  else ::unsetenv("TZ");
  ::tzset();
}

TEST(P3SocketsDenied, NameLookupNeedsItsGrant) {
  HostHarness h;
  Value r = h.call1("wasi:sockets/ip-name-lookup", "resolve-addresses", {Value::string("localhost")}, kP3);
  EXPECT_EQ(err_case(r), 0u);  // access-denied
}

}  // namespace
}  // namespace wasmrr::wasi::testing
