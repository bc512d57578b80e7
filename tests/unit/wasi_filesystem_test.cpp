// wasi:filesystem with a real preopened directory (a fresh temporary one).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include "util/trap.h"
#include "wasi/filesystem/error_code.h"
#include "wasi/filesystem/file_stream.h"
#include "wasi_test_util.h"

namespace wasmrr::wasi::testing {
namespace {

namespace fs = std::filesystem;
constexpr const char* kTypes = "wasi:filesystem/types";

Value flags(std::vector<bool> f) { return Value::flags(std::move(f)); }
Value no_path_flags() { return flags({false}); }
Value follow() { return flags({true}); }
// descriptor-flags: read, write, file-integrity-sync, data-integrity-sync, requested-write-sync, mutate-directory
Value read_only() { return flags({true, false, false, false, false, false}); }
Value read_write() { return flags({true, true, false, false, false, false}); }
// open-flags: create, directory, exclusive, truncate
Value no_open() { return flags({false, false, false, false}); }
Value create() { return flags({true, false, false, false}); }
Value create_exclusive() { return flags({true, false, true, false}); }

Value err(ErrorCode c) { return Value::err(Value::enum_(static_cast<uint32_t>(c))); }

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "wasmrr-wasi-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data()) ? tmpl : "";
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

class WasiFilesystemTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    std::ofstream(dir_.path() + "/hello.txt") << "hello, file";
    fs::create_directory(dir_.path() + "/sub");
  }

  std::unique_ptr<HostHarness> harness(bool read_only_preopen = false) {
    WasiConfig c;
    c.preopens.push_back({dir_.path(), "/data", read_only_preopen});
    return std::make_unique<HostHarness>(c);
  }

  // The preopen's rep.
  uint32_t root(HostHarness& h) {
    Value dirs = h.call1("wasi:filesystem/preopens", "get-directories");
    EXPECT_EQ(dirs.items.size(), 1u);
    EXPECT_EQ(dirs.items.at(0).items.at(1), Value::string("/data"));
    return dirs.items.at(0).items.at(0).rep();
  }

  Value method(HostHarness& h, const std::string& m, uint32_t self, Values rest = {}) {
    Values args{Value::borrow(self)};
    for (auto& v : rest) args.push_back(std::move(v));
    return h.call1(kTypes, "[method]descriptor." + m, std::move(args));
  }

  Value open(HostHarness& h, uint32_t dir, const std::string& path, Value oflags, Value dflags) {
    return method(h, "open-at", dir, {no_path_flags(), Value::string(path), std::move(oflags), std::move(dflags)});
  }

  TempDir dir_;
};

TEST_F(WasiFilesystemTest, PreopenIsADirectory) {
  auto h = harness();
  uint32_t d = root(*h);
  EXPECT_EQ(method(*h, "get-type", d), Value::ok(Value::enum_(3)));  // directory
  Value f = method(*h, "get-flags", d);
  ASSERT_TRUE(f.is_ok());
  EXPECT_EQ(f.payload(), flags({true, false, false, false, false, true}));
  h->call(kTypes, "[resource-drop]descriptor", {Value::own(d)});
  EXPECT_EQ(h->host().live_resources(), 0u);
}

TEST_F(WasiFilesystemTest, ReadsAFileByOffsetAndByStream) {
  auto h = harness();
  uint32_t d = root(*h);
  Value f = open(*h, d, "hello.txt", no_open(), read_only());
  ASSERT_TRUE(f.is_ok());
  uint32_t file = f.payload().rep();
  EXPECT_EQ(method(*h, "read", file, {Value::u64(5), Value::u64(0)}),
            Value::ok(Value::tuple({Value::byte_list("hello"), Value::boolean(false)})));
  EXPECT_EQ(method(*h, "read", file, {Value::u64(100), Value::u64(7)}),
            Value::ok(Value::tuple({Value::byte_list("file"), Value::boolean(false)})));
  EXPECT_EQ(method(*h, "read", file, {Value::u64(100), Value::u64(11)}),
            Value::ok(Value::tuple({Value::byte_list(""), Value::boolean(true)})));
  Value s = method(*h, "read-via-stream", file, {Value::u64(7)});
  ASSERT_TRUE(s.is_ok());
  uint32_t in = s.payload().rep();
  EXPECT_EQ(h->call1("wasi:io/streams", "[method]input-stream.blocking-read", {Value::borrow(in), Value::u64(100)}),
            Value::ok(Value::byte_list("file")));
  EXPECT_EQ(h->call1("wasi:io/streams", "[method]input-stream.read", {Value::borrow(in), Value::u64(100)}),
            Value::err(Value::variant(1)));
  Value st = method(*h, "stat", file);
  ASSERT_TRUE(st.is_ok());
  EXPECT_EQ(st.payload().items.at(0), Value::enum_(6));  // regular-file
  EXPECT_EQ(st.payload().items.at(2), Value::u64(11));
  EXPECT_TRUE(st.payload().items.at(4).is_some());
  // Not opened for writing.
  EXPECT_EQ(method(*h, "write", file, {Value::byte_list("x"), Value::u64(0)}), err(ErrorCode::bad_descriptor));
  EXPECT_EQ(method(*h, "write-via-stream", file, {Value::u64(0)}), err(ErrorCode::bad_descriptor));
}

TEST_F(WasiFilesystemTest, CreatesWritesAndAppends) {
  auto h = harness();
  uint32_t d = root(*h);
  Value f = open(*h, d, "new.txt", create_exclusive(), read_write());
  ASSERT_TRUE(f.is_ok());
  uint32_t file = f.payload().rep();
  EXPECT_EQ(method(*h, "write", file, {Value::byte_list("abc"), Value::u64(0)}), Value::ok(Value::u64(3)));
  Value s = method(*h, "append-via-stream", file);
  ASSERT_TRUE(s.is_ok());
  uint32_t out = s.payload().rep();
  EXPECT_EQ(h->call1("wasi:io/streams", "[method]output-stream.blocking-write-and-flush",
                     {Value::borrow(out), Value::byte_list("def")}),
            Value::ok());
  Value w = method(*h, "write-via-stream", file, {Value::u64(1)});
  ASSERT_TRUE(w.is_ok());
  EXPECT_EQ(h->call1("wasi:io/streams", "[method]output-stream.write",
                     {Value::borrow(w.payload().rep()), Value::byte_list("B")}),
            Value::ok());
  std::ifstream in(dir_.path() + "/new.txt");
  std::string content((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(content, "aBcdef");
  EXPECT_EQ(open(*h, d, "new.txt", create_exclusive(), read_write()), err(ErrorCode::exist));
  EXPECT_EQ(method(*h, "set-size", file, {Value::u64(2)}), Value::ok());
  EXPECT_EQ(fs::file_size(dir_.path() + "/new.txt"), 2u);
}

TEST_F(WasiFilesystemTest, DirectoryOperations) {
  auto h = harness();
  uint32_t d = root(*h);
  EXPECT_EQ(method(*h, "create-directory-at", d, {Value::string("made")}), Value::ok());
  EXPECT_TRUE(fs::is_directory(dir_.path() + "/made"));
  EXPECT_EQ(method(*h, "create-directory-at", d, {Value::string("made")}), err(ErrorCode::exist));
  EXPECT_EQ(method(*h, "rename-at", d, {Value::string("hello.txt"), Value::borrow(d), Value::string("made/h.txt")}),
            Value::ok());
  EXPECT_TRUE(fs::exists(dir_.path() + "/made/h.txt"));
  EXPECT_EQ(method(*h, "remove-directory-at", d, {Value::string("made")}), err(ErrorCode::not_empty));
  EXPECT_EQ(method(*h, "unlink-file-at", d, {Value::string("made/h.txt")}), Value::ok());
  EXPECT_EQ(method(*h, "unlink-file-at", d, {Value::string("made/h.txt")}), err(ErrorCode::no_entry));
  EXPECT_EQ(method(*h, "remove-directory-at", d, {Value::string("made")}), Value::ok());
  EXPECT_EQ(method(*h, "symlink-at", d, {Value::string("sub"), Value::string("link")}), Value::ok());
  EXPECT_EQ(method(*h, "readlink-at", d, {Value::string("link")}), Value::ok(Value::string("sub")));
  Value lst = method(*h, "stat-at", d, {no_path_flags(), Value::string("link")});
  ASSERT_TRUE(lst.is_ok());
  EXPECT_EQ(lst.payload().items.at(0), Value::enum_(5));  // symbolic-link
  Value st = method(*h, "stat-at", d, {follow(), Value::string("link")});
  ASSERT_TRUE(st.is_ok());
  EXPECT_EQ(st.payload().items.at(0), Value::enum_(3));  // directory
  EXPECT_EQ(method(*h, "metadata-hash-at", d, {follow(), Value::string("link")}),
            method(*h, "metadata-hash-at", d, {no_path_flags(), Value::string("sub")}));
  Value sub = open(*h, d, "sub", flags({false, true, false, false}), read_only());
  ASSERT_TRUE(sub.is_ok());
  EXPECT_EQ(method(*h, "get-type", sub.payload().rep()), Value::ok(Value::enum_(3)));
  EXPECT_EQ(h->call1(kTypes, "[method]descriptor.is-same-object",
                     {Value::borrow(d), Value::borrow(sub.payload().rep())}),
            Value::boolean(false));
}

TEST_F(WasiFilesystemTest, ReadsTheDirectory) {
  auto h = harness();
  uint32_t d = root(*h);
  Value s = method(*h, "read-directory", d);
  ASSERT_TRUE(s.is_ok());
  uint32_t stream = s.payload().rep();
  std::map<std::string, Value> entries;
  for (;;) {
    Value e = h->call1(kTypes, "[method]directory-entry-stream.read-directory-entry", {Value::borrow(stream)});
    ASSERT_TRUE(e.is_ok());
    if (!e.payload().is_some()) break;
    const Value& entry = e.payload().payload();
    entries[entry.items.at(1).str] = entry.items.at(0);
  }
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries["hello.txt"], Value::enum_(6));
  EXPECT_EQ(entries["sub"], Value::enum_(3));
  h->call(kTypes, "[resource-drop]directory-entry-stream", {Value::own(stream)});
}

// A name that is not UTF-8 cannot become a WIT string: the entry (and
// readlink of such a target) is an illegal-byte-sequence error, not a trap.
TEST_F(WasiFilesystemTest, NonUtf8NamesAreIllegalByteSequences) {
  fs::remove(dir_.path() + "/hello.txt");
  fs::remove(dir_.path() + "/sub");
  std::ofstream(dir_.path() + "/bad\xff.txt") << "x";
  fs::create_symlink("bad\xfe-target", dir_.path() + "/link");
  auto h = harness();
  uint32_t d = root(*h);
  Value s = method(*h, "read-directory", d);
  ASSERT_TRUE(s.is_ok());
  uint32_t stream = s.payload().rep();
  bool saw_illegal = false;
  for (int i = 0; i < 4; i++) {
    Value e = h->call1(kTypes, "[method]directory-entry-stream.read-directory-entry", {Value::borrow(stream)});
    if (!e.is_ok()) {
      EXPECT_EQ(e.payload(), Value::enum_(static_cast<uint32_t>(ErrorCode::illegal_byte_sequence)));
      saw_illegal = true;
      break;
    }
    if (!e.payload().is_some()) break;
  }
  EXPECT_TRUE(saw_illegal);
  Value r = method(*h, "readlink-at", d, {Value::string("link")});
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.payload(), Value::enum_(static_cast<uint32_t>(ErrorCode::illegal_byte_sequence)));
}

TEST_F(WasiFilesystemTest, PathsCannotEscapeThePreopen) {
  auto h = harness();
  uint32_t d = root(*h);
  EXPECT_EQ(open(*h, d, "/etc/passwd", no_open(), read_only()), err(ErrorCode::not_permitted));
  EXPECT_EQ(open(*h, d, "../", no_open(), read_only()), err(ErrorCode::not_permitted));
  EXPECT_EQ(open(*h, d, "sub/../../x", no_open(), read_only()), err(ErrorCode::not_permitted));
  EXPECT_EQ(method(*h, "create-directory-at", d, {Value::string("../escaped")}), err(ErrorCode::not_permitted));
  EXPECT_FALSE(fs::exists(fs::path(dir_.path()).parent_path() / "escaped"));
  EXPECT_EQ(method(*h, "symlink-at", d, {Value::string("/"), Value::string("root")}), err(ErrorCode::not_permitted));
  fs::create_directory_symlink("/", dir_.path() + "/outside");  // planted by someone else
  EXPECT_EQ(open(*h, d, "outside/etc/passwd", no_open(), read_only()), err(ErrorCode::not_permitted));
  EXPECT_EQ(method(*h, "stat-at", d, {follow(), Value::string("outside")}), err(ErrorCode::not_permitted));
  // Going down and back up inside is fine.
  EXPECT_TRUE(open(*h, d, "sub/../hello.txt", no_open(), read_only()).is_ok());
}

TEST_F(WasiFilesystemTest, ReadOnlyPreopenRefusesChanges) {
  auto h = harness(/*read_only_preopen=*/true);
  uint32_t d = root(*h);
  EXPECT_EQ(open(*h, d, "x", create(), read_write()), err(ErrorCode::not_permitted));
  EXPECT_EQ(open(*h, d, "hello.txt", no_open(), read_write()), err(ErrorCode::not_permitted));
  EXPECT_EQ(method(*h, "create-directory-at", d, {Value::string("m")}), err(ErrorCode::not_permitted));
  EXPECT_EQ(method(*h, "unlink-file-at", d, {Value::string("hello.txt")}), err(ErrorCode::not_permitted));
  EXPECT_TRUE(open(*h, d, "hello.txt", no_open(), read_only()).is_ok());
  EXPECT_TRUE(fs::exists(dir_.path() + "/hello.txt"));
}

TEST_F(WasiFilesystemTest, ErrorsMapFaithfully) {
  auto h = harness();
  uint32_t d = root(*h);
  EXPECT_EQ(open(*h, d, "missing", no_open(), read_only()), err(ErrorCode::no_entry));
  EXPECT_EQ(open(*h, d, "hello.txt/x", no_open(), read_only()), err(ErrorCode::not_directory));
  EXPECT_EQ(open(*h, d, "sub", no_open(), read_write()), err(ErrorCode::is_directory));
  EXPECT_EQ(method(*h, "read", d, {Value::u64(1), Value::u64(0)}), err(ErrorCode::is_directory));
  Value f = open(*h, d, "hello.txt", no_open(), read_only());
  ASSERT_TRUE(f.is_ok());
  EXPECT_EQ(method(*h, "open-at", f.payload().rep(), {no_path_flags(), Value::string("x"), no_open(), read_only()}),
            err(ErrorCode::not_directory));
}

TEST(WasiFileStreams, FailedWriteCarriesTheFilesystemErrorCode) {
  int fd = ::open("/dev/full", O_WRONLY | O_CLOEXEC);
  if (fd < 0) GTEST_SKIP() << "no /dev/full";
  FileOutputStream out(std::make_shared<OwnedFd>(fd), 0);
  auto r = out.write("x");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, StreamError::Kind::last_operation_failed);
  IoError e{r.error().message, r.error().detail};
  ASSERT_NE(e.detail_as<FsErrorDetail>(), nullptr);
  EXPECT_EQ(e.detail_as<FsErrorDetail>()->code, ErrorCode::insufficient_space);
  EXPECT_FALSE(out.check_write().ok());  // closed after the failure
}

TEST_F(WasiFilesystemTest, SameObjectAndReadOnlyFlags) {
  auto h = harness(/*read_only_preopen=*/true);
  uint32_t a = root(*h);
  uint32_t b = root(*h);
  EXPECT_NE(a, b);
  EXPECT_EQ(h->call1(kTypes, "[method]descriptor.is-same-object", {Value::borrow(a), Value::borrow(b)}),
            Value::boolean(true));
  EXPECT_EQ(method(*h, "get-flags", a), Value::ok(flags({true, false, false, false, false, false})));
  EXPECT_EQ(method(*h, "metadata-hash", a), method(*h, "metadata-hash", b));
}

TEST(WasiErrorCode, ErrnoMapping) {
  EXPECT_EQ(error_code_from_errno(ENOENT), ErrorCode::no_entry);
  EXPECT_EQ(error_code_from_errno(EACCES), ErrorCode::access);
  EXPECT_EQ(error_code_from_errno(EEXIST), ErrorCode::exist);
  EXPECT_EQ(error_code_from_errno(ENOTEMPTY), ErrorCode::not_empty);
  EXPECT_EQ(error_code_from_errno(EXDEV), ErrorCode::cross_device);
  EXPECT_EQ(error_code_from_errno(EPIPE), ErrorCode::pipe);
  EXPECT_EQ(error_code_from_errno(ENOSPC), ErrorCode::insufficient_space);
  EXPECT_EQ(static_cast<int>(ErrorCode::cross_device), 36);  // the last WIT case
  EXPECT_EQ(error_code_name(ErrorCode::no_entry), "no-entry");
}

}  // namespace
}  // namespace wasmrr::wasi::testing
