// The wasi:filesystem sandbox: path resolution beneath a directory, with the
// kernel's openat2(RESOLVE_BENEATH) and with the userspace walk that replaces
// it where openat2 is missing; read-only preopens; symlink races.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "wasi/filesystem/error_code.h"
#include "wasi/filesystem/path_resolve.h"
#include "wasi_test_util.h"

namespace wasmrr::wasi::testing {
namespace {

namespace fs = std::filesystem;
constexpr const char* kTypes = "wasi:filesystem/types";

Value err(ErrorCode c) { return Value::err(Value::enum_(static_cast<uint32_t>(c))); }
Value path_flags(bool follow) { return Value::flags({follow}); }
Value open_flags(bool create, bool directory, bool exclusive, bool truncate) {
  return Value::flags({create, directory, exclusive, truncate});
}
Value dflags(bool read, bool write) { return Value::flags({read, write, false, false, false, false}); }

// Asked once, before any test switches the resolver.
const bool kKernelHasOpenat2 = openat2_enabled();
bool have_openat2() { return kKernelHasOpenat2; }

// A scratch tree: ROOT/outside.txt, ROOT/box/ (the sandbox) with
// inside.txt, sub/inner.txt, and symlinks of every kind.
class SandboxTree {
 public:
  SandboxTree() {
    std::string tmpl = (fs::temp_directory_path() / "wasmrr-sandbox-XXXXXX").string();
    root_ = ::mkdtemp(tmpl.data()) ? tmpl : "";
    box_ = root_ + "/box";
    fs::create_directories(box_ + "/sub/deeper");
    std::ofstream(root_ + "/outside.txt") << "outside";
    std::ofstream(box_ + "/inside.txt") << "inside";
    std::ofstream(box_ + "/sub/inner.txt") << "inner";
    link("/", "to_root");
    link("/etc/passwd", "to_passwd");
    link("../outside.txt", "to_outside");
    link("..", "up");
    link("sub/..", "self");
    link("sub/../inside.txt", "to_inside");
    link("inside.txt", "sub/to_inside_wrong");  // relative to sub/: dangling
    link("../inside.txt", "sub/to_inside");
    link("../../outside.txt", "sub/to_outside");
    link("deeper/../../..", "sub/up_twice");
    link("loop_b", "loop_a");
    link("loop_a", "loop_b");
    link("missing", "dangling");
    link("sub/", "sub_slash");
    dirfd_ = ::open(box_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  }
  ~SandboxTree() {
    if (dirfd_ >= 0) ::close(dirfd_);
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  const std::string& root() const { return root_; }
  const std::string& box() const { return box_; }
  int dirfd() const { return dirfd_; }

 private:
  void link(const std::string& target, const std::string& name) { fs::create_symlink(target, box_ + "/" + name); }
  std::string root_, box_;
  int dirfd_ = -1;
};

// What an open came to: the object (device, inode) or the errno.
struct Resolved {
  int err = 0;
  dev_t dev = 0;
  ino_t ino = 0;
  bool operator==(const Resolved&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Resolved& r) {
  if (r.err) return os << "errno " << r.err << " (" << error_code_name(error_code_from_errno(r.err)) << ")";
  return os << "inode " << r.ino;
}

Resolved outcome(int fd) {
  Resolved r;
  if (fd < 0) {
    r.err = errno;
    return r;
  }
  struct stat st{};
  ::fstat(fd, &st);
  ::close(fd);
  r.dev = st.st_dev;
  r.ino = st.st_ino;
  return r;
}

Resolved inode_of(const std::string& path) {
  struct stat st{};
  EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
  return Resolved{0, st.st_dev, st.st_ino};
}

const std::vector<std::string> kEscapes = {
    "/etc/passwd", "..", "../", "../outside.txt", "sub/../../outside.txt", "sub/./../../outside.txt",
    "to_root", "to_root/etc/passwd", "to_passwd", "to_outside", "up", "up/outside.txt", "sub/to_outside",
    "sub/up_twice", "sub/up_twice/outside.txt", "self/../outside.txt", "sub/deeper/../../../outside.txt",
};

// Every escape fails with EPERM, whatever the flags, with the walk.
TEST(PathResolve, WalkRefusesEveryEscape) {
  SandboxTree t;
  ASSERT_GE(t.dirfd(), 0);
  for (const auto& p : kEscapes) {
    for (int flags : {O_RDONLY, O_PATH, O_RDONLY | O_DIRECTORY, O_WRONLY | O_CREAT}) {
      int fd = open_beneath_walk(t.dirfd(), p, flags, 0644);
      Resolved r = outcome(fd);
      EXPECT_NE(r.err, 0) << p << " flags " << flags << " opened " << r;
      if (r.err == EPERM || r.err == ENOTDIR || r.err == EISDIR) continue;
      ADD_FAILURE() << p << " flags " << flags << ": " << r;
    }
  }
  EXPECT_FALSE(fs::exists(t.root() + "/outside.txt.new"));
}

// The walk and openat2 agree on every path of the tree, escapes or not: the
// same object, or the same errno.
TEST(PathResolve, WalkAgreesWithOpenat2) {
  if (!have_openat2()) GTEST_SKIP() << "the kernel has no openat2 here";
  SandboxTree t;
  std::vector<std::string> paths = kEscapes;
  for (const char* p : {"inside.txt", "sub", "sub/", "sub/.", "./sub/./inner.txt", "sub//inner.txt",
                        "sub/deeper/..", "sub/deeper/../inner.txt", "self", "self/inside.txt", "to_inside",
                        "sub/to_inside", "sub/to_inside_wrong", "loop_a", "loop_a/x", "dangling", "dangling/x",
                        "sub_slash", "sub_slash/inner.txt", "inside.txt/", "inside.txt/x", "missing", "", ".",
                        "./", "sub/deeper/../../inside.txt", "sub/inner.txt/.."}) {
    paths.emplace_back(p);
  }
  for (const auto& p : paths) {
    for (int flags : {O_RDONLY, O_PATH, O_PATH | O_NOFOLLOW, O_RDONLY | O_NOFOLLOW, O_RDONLY | O_DIRECTORY}) {
      Resolved walk = outcome(open_beneath_walk(t.dirfd(), p, flags));
      set_openat2_enabled(true);
      Resolved kernel = outcome(open_beneath(t.dirfd(), p, flags));
      EXPECT_EQ(walk, kernel) << "path '" << p << "' flags " << std::hex << flags;
    }
  }
}

TEST(PathResolve, WalkFollowsSymlinksInside) {
  SandboxTree t;
  EXPECT_EQ(outcome(open_beneath_walk(t.dirfd(), "to_inside", O_RDONLY)), inode_of(t.box() + "/inside.txt"));
  EXPECT_EQ(outcome(open_beneath_walk(t.dirfd(), "sub/to_inside", O_RDONLY)), inode_of(t.box() + "/inside.txt"));
  EXPECT_EQ(outcome(open_beneath_walk(t.dirfd(), "self/sub/inner.txt", O_RDONLY)),
            inode_of(t.box() + "/sub/inner.txt"));
  EXPECT_EQ(outcome(open_beneath_walk(t.dirfd(), "sub_slash/inner.txt", O_RDONLY)),
            inode_of(t.box() + "/sub/inner.txt"));
  // Not following a final symlink: O_PATH gives the link, else ELOOP.
  EXPECT_EQ(outcome(open_beneath_walk(t.dirfd(), "to_root", O_PATH | O_NOFOLLOW)), inode_of(t.box() + "/to_root"));
  EXPECT_EQ(outcome(open_beneath_walk(t.dirfd(), "to_inside", O_RDONLY | O_NOFOLLOW)).err, ELOOP);
  EXPECT_EQ(outcome(open_beneath_walk(t.dirfd(), "loop_a", O_RDONLY)).err, ELOOP);
  EXPECT_EQ(outcome(open_beneath_walk(t.dirfd(), "inside.txt/x", O_RDONLY)).err, ENOTDIR);
  EXPECT_EQ(outcome(open_beneath_walk(t.dirfd(), "", O_RDONLY)).err, ENOENT);
  // Creating through a dangling symlink creates its target, inside.
  EXPECT_EQ(outcome(open_beneath_walk(t.dirfd(), "dangling", O_WRONLY | O_CREAT, 0644)).err, 0);
  EXPECT_TRUE(fs::exists(t.box() + "/missing"));
  EXPECT_EQ(outcome(open_beneath_walk(t.dirfd(), "to_inside", O_WRONLY | O_CREAT | O_EXCL, 0644)).err, EEXIST);
}

// A guest (or anyone) swapping a directory for a symlink to "/" while paths
// through it are being opened: no open may ever reach the outside.
void race(bool use_openat2) {
  SandboxTree t;
  std::string flip = t.box() + "/flip";
  fs::create_directory(t.box() + "/real");
  std::ofstream(t.box() + "/real/outside.txt") << "inside copy";
  Resolved outside = inode_of(t.root() + "/outside.txt");
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> flips{0};  // rounds of both swaps done
  std::thread flipper([&] {
    std::string tmp_link = t.box() + "/flip.link", tmp_dir = t.box() + "/flip.dir";
    ::symlink("..", tmp_link.c_str());          // flip -> .. (outside)
    ::symlink("real", tmp_dir.c_str());          // flip -> real (inside)
    while (!stop.load()) {
      ::rename(tmp_link.c_str(), flip.c_str());  // atomically replace
      ::symlink("..", tmp_link.c_str());
      ::rename(tmp_dir.c_str(), flip.c_str());
      ::symlink("real", tmp_dir.c_str());
      flips++;
    }
  });
  set_openat2_enabled(use_openat2);
  // On a loaded machine the flipper may start late, or be preempted with the
  // link pointing out for as long as a run of opens takes: the opens race it
  // only once it has begun, and go on until it has flipped many times
  // meanwhile and an open has gone through the inside link.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (flips.load() == 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  const uint64_t flips_before = flips.load();
  int opened_inside = 0, escaped_at = -1;
  for (int i = 0; (i < 20000 || flips.load() - flips_before < 1000 || opened_inside == 0) && escaped_at < 0 &&
                  std::chrono::steady_clock::now() < deadline;
       i++) {
    Resolved r = outcome(open_beneath(t.dirfd(), "flip/outside.txt", O_RDONLY));
    if (r.err == 0 && r == outside) escaped_at = i;
    if (r.err == 0) opened_inside++;
  }
  stop = true;
  flipper.join();
  EXPECT_LT(escaped_at, 0) << "escaped through the symlink race after " << escaped_at << " opens";
  EXPECT_GT(opened_inside, 0);  // the race really ran both ways
}

TEST(PathResolve, SymlinkRaceWithWalk) {
  race(false);
  set_openat2_enabled(have_openat2());
}

TEST(PathResolve, SymlinkRaceWithOpenat2) {
  if (!have_openat2()) GTEST_SKIP() << "the kernel has no openat2 here";
  race(true);
}

// The host's own checks, under each resolver.
class SandboxHost : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    if (GetParam() && !have_openat2()) GTEST_SKIP() << "the kernel has no openat2 here";
    set_openat2_enabled(GetParam());
  }
  void TearDown() override { set_openat2_enabled(have_openat2()); }

  std::unique_ptr<HostHarness> harness(bool read_only, const std::string& other_dir = "") {
    WasiConfig c;
    c.preopens.push_back({t_.box(), "/data", read_only});
    if (!other_dir.empty()) c.preopens.push_back({other_dir, "/rw", false});
    return std::make_unique<HostHarness>(c);
  }
  uint32_t preopen(HostHarness& h, size_t i = 0) {
    return h.call1("wasi:filesystem/preopens", "get-directories").items.at(i).items.at(0).rep();
  }
  Value method(HostHarness& h, const std::string& m, uint32_t self, Values rest = {}) {
    Values args{Value::borrow(self)};
    for (auto& v : rest) args.push_back(std::move(v));
    return h.call1(kTypes, "[method]descriptor." + m, std::move(args));
  }
  Value open(HostHarness& h, uint32_t d, const std::string& p, Value oflags, Value df, bool follow = true) {
    return method(h, "open-at", d, {path_flags(follow), Value::string(p), std::move(oflags), std::move(df)});
  }

  SandboxTree t_;
};

TEST_P(SandboxHost, EveryEscapeIsNotPermitted) {
  auto h = harness(false);
  uint32_t d = preopen(*h);
  Value none = open_flags(false, false, false, false);
  for (const auto& p : kEscapes) {
    Value r = open(*h, d, p, none, dflags(true, false));
    EXPECT_EQ(r, err(ErrorCode::not_permitted)) << p;
    EXPECT_EQ(method(*h, "stat-at", d, {path_flags(true), Value::string(p)}), err(ErrorCode::not_permitted)) << p;
  }
  EXPECT_EQ(open(*h, d, "../new.txt", open_flags(true, false, false, false), dflags(false, true)),
            err(ErrorCode::not_permitted));
  EXPECT_EQ(open(*h, d, "up/new.txt", open_flags(true, false, false, false), dflags(false, true)),
            err(ErrorCode::not_permitted));
  EXPECT_EQ(method(*h, "create-directory-at", d, {Value::string("up/made")}), err(ErrorCode::not_permitted));
  EXPECT_EQ(method(*h, "rename-at", d, {Value::string("inside.txt"), Value::borrow(d), Value::string("up/moved")}),
            err(ErrorCode::not_permitted));
  EXPECT_EQ(method(*h, "unlink-file-at", d, {Value::string("up/outside.txt")}), err(ErrorCode::not_permitted));
  EXPECT_EQ(method(*h, "link-at", d, {path_flags(true), Value::string("to_outside"), Value::borrow(d),
                                      Value::string("hard")}),
            err(ErrorCode::not_permitted));
  EXPECT_EQ(method(*h, "set-times-at", d, {path_flags(true), Value::string("to_outside"), Value::variant(1),
                                           Value::variant(1)}),
            err(ErrorCode::not_permitted));
  // A symlink the guest makes itself: absolute targets are refused, relative
  // ones may be made but not followed out.
  EXPECT_EQ(method(*h, "symlink-at", d, {Value::string("/etc"), Value::string("mine")}), err(ErrorCode::not_permitted));
  EXPECT_EQ(method(*h, "symlink-at", d, {Value::string("sub/../.."), Value::string("mine")}), Value::ok());
  EXPECT_EQ(open(*h, d, "mine/outside.txt", none, dflags(true, false)), err(ErrorCode::not_permitted));
  EXPECT_EQ(method(*h, "readlink-at", d, {Value::string("mine")}), Value::ok(Value::string("sub/../..")));
  // Following symlinks that stay inside works.
  EXPECT_TRUE(open(*h, d, "sub/to_inside", none, dflags(true, false)).is_ok());
  EXPECT_EQ(open(*h, d, "loop_a", none, dflags(true, false)), err(ErrorCode::loop));
  EXPECT_EQ(open(*h, d, "to_inside", none, dflags(true, false), /*follow=*/false), err(ErrorCode::loop));
  std::ifstream in(t_.root() + "/outside.txt");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "outside");
  EXPECT_EQ(fs::directory_iterator(t_.root()) == fs::directory_iterator(), false);
  EXPECT_FALSE(fs::exists(t_.root() + "/new.txt"));
  EXPECT_FALSE(fs::exists(t_.root() + "/made"));
  EXPECT_FALSE(fs::exists(t_.root() + "/moved"));
}

TEST_P(SandboxHost, ReadOnlyPreopenRefusesEveryChange) {
  std::string other = t_.root() + "/rw";
  fs::create_directory(other);
  auto h = harness(/*read_only=*/true, other);
  uint32_t d = preopen(*h), rw = preopen(*h, 1);
  Value none = open_flags(false, false, false, false);
  Value file = open(*h, d, "inside.txt", none, dflags(true, false));
  ASSERT_TRUE(file.is_ok());
  uint32_t f = file.payload().rep();
  auto np = err(ErrorCode::not_permitted);
  EXPECT_EQ(method(*h, "set-times", f, {Value::variant(1), Value::variant(1)}), np);
  EXPECT_EQ(method(*h, "set-times", d, {Value::variant(1), Value::variant(1)}), np);
  EXPECT_EQ(method(*h, "set-times-at", d, {path_flags(false), Value::string("inside.txt"), Value::variant(1),
                                           Value::variant(0)}),
            np);
  EXPECT_EQ(method(*h, "set-size", f, {Value::u64(0)}), err(ErrorCode::bad_descriptor));
  EXPECT_EQ(method(*h, "write", f, {Value::byte_list("x"), Value::u64(0)}), err(ErrorCode::bad_descriptor));
  EXPECT_EQ(open(*h, d, "inside.txt", open_flags(false, false, false, true), dflags(true, false)), np);
  EXPECT_EQ(open(*h, d, "inside.txt", none, dflags(true, true)), np);
  EXPECT_EQ(open(*h, d, "new", open_flags(true, false, false, false), dflags(true, false)), np);
  EXPECT_EQ(method(*h, "create-directory-at", d, {Value::string("m")}), np);
  EXPECT_EQ(method(*h, "remove-directory-at", d, {Value::string("sub/deeper")}), np);
  EXPECT_EQ(method(*h, "unlink-file-at", d, {Value::string("inside.txt")}), np);
  EXPECT_EQ(method(*h, "symlink-at", d, {Value::string("inside.txt"), Value::string("l")}), np);
  EXPECT_EQ(method(*h, "rename-at", d, {Value::string("inside.txt"), Value::borrow(rw), Value::string("x")}), np);
  // A hard link into a writable preopen would make the file writable there.
  EXPECT_EQ(method(*h, "link-at", d, {path_flags(false), Value::string("inside.txt"), Value::borrow(rw),
                                      Value::string("x")}),
            np);
  // Subdirectories inherit read-only.
  Value sub = open(*h, d, "sub", open_flags(false, true, false, false), dflags(true, false));
  ASSERT_TRUE(sub.is_ok());
  EXPECT_EQ(method(*h, "create-directory-at", sub.payload().rep(), {Value::string("m")}), np);
  EXPECT_EQ(method(*h, "get-flags", sub.payload().rep()), Value::ok(dflags(true, false)));
  // Reading works.
  EXPECT_EQ(method(*h, "read", f, {Value::u64(100), Value::u64(0)}),
            Value::ok(Value::tuple({Value::byte_list("inside"), Value::boolean(false)})));
  EXPECT_TRUE(method(*h, "read-directory", d).is_ok());
  EXPECT_TRUE(fs::exists(t_.box() + "/inside.txt"));
  EXPECT_TRUE(fs::is_empty(other));
}

TEST_P(SandboxHost, FlagsAndPathForms) {
  auto h = harness(false);
  uint32_t d = preopen(*h);
  // open-flags directory with create, exclusive or truncate is invalid.
  for (auto of : {open_flags(true, true, false, false), open_flags(false, true, true, false),
                  open_flags(false, true, false, true)})
    EXPECT_EQ(open(*h, d, "newdir", of, dflags(true, false)), err(ErrorCode::invalid));
  EXPECT_FALSE(fs::exists(t_.box() + "/newdir"));
  // Trailing slashes: a directory is meant.
  EXPECT_EQ(method(*h, "create-directory-at", d, {Value::string("made/")}), Value::ok());
  EXPECT_EQ(method(*h, "remove-directory-at", d, {Value::string("made/")}), Value::ok());
  EXPECT_EQ(method(*h, "unlink-file-at", d, {Value::string("inside.txt/")}), err(ErrorCode::not_directory));
  EXPECT_EQ(open(*h, d, "inside.txt/", open_flags(false, false, false, false), dflags(true, false)),
            err(ErrorCode::not_directory));
  EXPECT_EQ(method(*h, "remove-directory-at", d, {Value::string("sub_slash/")}), err(ErrorCode::not_directory));
  EXPECT_TRUE(fs::is_directory(t_.box() + "/sub"));
  EXPECT_EQ(method(*h, "unlink-file-at", d, {Value::string("sub/..")}), err(ErrorCode::invalid));
  EXPECT_EQ(method(*h, "create-directory-at", d, {Value::string("")}), err(ErrorCode::no_entry));
  // A descriptor opened read-only, or only for stat (neither read nor write).
  Value pathonly = open(*h, d, "inside.txt", open_flags(false, false, false, false), dflags(false, false));
  ASSERT_TRUE(pathonly.is_ok());
  uint32_t p = pathonly.payload().rep();
  EXPECT_EQ(method(*h, "read", p, {Value::u64(1), Value::u64(0)}), err(ErrorCode::bad_descriptor));
  EXPECT_EQ(method(*h, "read-via-stream", p, {Value::u64(0)}), err(ErrorCode::bad_descriptor));
  EXPECT_TRUE(method(*h, "stat", p).is_ok());
  Value ts = Value::variant(2, Value::record({Value::u64(1234567890), Value::u32(5)}));
  EXPECT_EQ(method(*h, "set-times", p, {Value::variant(0), ts}), Value::ok());
  struct stat st{};
  ASSERT_EQ(::stat((t_.box() + "/inside.txt").c_str(), &st), 0);
  EXPECT_EQ(st.st_mtim.tv_sec, 1234567890);
  EXPECT_EQ(st.st_mtim.tv_nsec, 5);
  // set-times-at without following changes the link, not its target.
  ts = Value::variant(2, Value::record({Value::u64(1000), Value::u32(0)}));
  EXPECT_EQ(method(*h, "set-times-at", d, {path_flags(false), Value::string("to_inside"), ts, ts}), Value::ok());
  ASSERT_EQ(::lstat((t_.box() + "/to_inside").c_str(), &st), 0);
  EXPECT_EQ(st.st_mtim.tv_sec, 1000);
  ASSERT_EQ(::stat((t_.box() + "/inside.txt").c_str(), &st), 0);
  EXPECT_EQ(st.st_mtim.tv_sec, 1234567890);
  // link-at following a symlink links its target.
  EXPECT_EQ(method(*h, "link-at", d, {path_flags(true), Value::string("to_inside"), Value::borrow(d),
                                      Value::string("hard")}),
            Value::ok());
  EXPECT_EQ(inode_of(t_.box() + "/hard"), inode_of(t_.box() + "/inside.txt"));
}

INSTANTIATE_TEST_SUITE_P(Resolvers, SandboxHost, ::testing::Values(true, false),
                         [](const ::testing::TestParamInfo<bool>& i) { return i.param ? "openat2" : "walk"; });

}  // namespace
}  // namespace wasmrr::wasi::testing
