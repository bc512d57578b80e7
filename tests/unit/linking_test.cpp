// Semver-aware binding of import names to host interfaces (runtime/host.h),
// the rule of Wasmtime's linker: same package and interface, and equal
// compatibility keys (major for >= 1, 0.minor for 0.x, 0.0.patch for 0.0.x).
#include <gtest/gtest.h>

#include <string>

#include "runtime/host.h"

namespace wasmrr::runtime {
namespace {

HostFunc nop() {
  return [](Values&) { return Values{}; };
}

// A registry with one function `f` in each of the given interfaces.
HostRegistry host_of(std::initializer_list<const char*> interfaces) {
  HostRegistry r;
  for (const char* i : interfaces) r.define(i, "f", nop());
  return r;
}

bool binds(const HostRegistry& r, const std::string& import) { return r.find(import, "f") != nullptr; }

TEST(SemverKey, KeepsComponentsUpToTheFirstNonzero) {
  EXPECT_EQ(semver_compat_key("1.2.3"), "1");
  EXPECT_EQ(semver_compat_key("1.0.0"), "1");
  EXPECT_EQ(semver_compat_key("12.0.1"), "12");
  EXPECT_EQ(semver_compat_key("0.2.0"), "0.2");
  EXPECT_EQ(semver_compat_key("0.2.12"), "0.2");
  EXPECT_EQ(semver_compat_key("0.20.0"), "0.20");
  EXPECT_EQ(semver_compat_key("0.0.1"), "0.0.1");
  EXPECT_EQ(semver_compat_key("0.0.0"), "0.0.0");
}

TEST(SemverKey, BuildMetadataIsIgnored) {
  EXPECT_EQ(semver_compat_key("0.2.3+abc"), "0.2");
  EXPECT_EQ(semver_compat_key("2.1.2+build.7"), "2");
}

TEST(SemverKey, PreReleasesAndMalformedVersionsHaveNone) {
  for (const char* v : {"0.2.0-rc-2023-11-10", "1.0.0-pre", "0.1.0-rc.2+abc", "0.2", "0.2.", "1", "", "a.b.c",
                        "01.0.0", "0.02.0", "0.2.00", "0.2.3+", "0.2.3.4", "0.2.x", "-1.0.0",
                        "99999999999999999999.0.0"})
    EXPECT_EQ(semver_compat_key(v), std::nullopt) << v;
}

TEST(Linking, ZeroDotTwoImportsBindToTheZeroDotTwoHost) {
  HostRegistry r = host_of({"ns:pkg/iface@0.2.12"});
  for (const char* v : {"0.2.0", "0.2.3", "0.2.12", "0.2.99", "0.2.1+build"})
    EXPECT_TRUE(binds(r, std::string("ns:pkg/iface@") + v)) << v;
  for (const char* v : {"0.20.0", "0.3.0", "0.1.9", "1.0.0", "0.0.2", "0.2", "0.2.0-rc-2023-11-10"})
    EXPECT_FALSE(binds(r, std::string("ns:pkg/iface@") + v)) << v;
  EXPECT_TRUE(r.has_interface("ns:pkg/iface@0.2.3"));
  EXPECT_FALSE(r.has_interface("ns:pkg/iface@0.20.0"));
}

TEST(Linking, MajorVersionsBindWithinTheMajor) {
  HostRegistry r = host_of({"ns:pkg/iface@1.0.0"});
  EXPECT_TRUE(binds(r, "ns:pkg/iface@1.2.3"));
  EXPECT_TRUE(binds(r, "ns:pkg/iface@1.0.0"));
  EXPECT_FALSE(binds(r, "ns:pkg/iface@2.0.0"));
  EXPECT_FALSE(binds(r, "ns:pkg/iface@0.1.0"));
  HostRegistry two = host_of({"ns:pkg/iface@2.4.0"});
  EXPECT_FALSE(binds(two, "ns:pkg/iface@1.9.9"));
  EXPECT_TRUE(binds(two, "ns:pkg/iface@2.0.0"));
}

TEST(Linking, ZeroDotZeroVersionsBindOnlyToThemselves) {
  HostRegistry r = host_of({"ns:pkg/iface@0.0.1"});
  EXPECT_TRUE(binds(r, "ns:pkg/iface@0.0.1"));
  EXPECT_FALSE(binds(r, "ns:pkg/iface@0.0.2"));
}

TEST(Linking, UnversionedNamesBindOnlyToUnversionedNames) {
  HostRegistry versioned = host_of({"ns:pkg/iface@0.2.0"});
  EXPECT_FALSE(binds(versioned, "ns:pkg/iface"));
  HostRegistry unversioned = host_of({"ns:pkg/iface"});
  EXPECT_TRUE(binds(unversioned, "ns:pkg/iface"));
  EXPECT_FALSE(binds(unversioned, "ns:pkg/iface@0.2.0"));
}

TEST(Linking, PreReleasesBindOnlyExactly) {
  HostRegistry r = host_of({"ns:pkg/iface@0.2.0-rc-2023-11-10"});
  EXPECT_TRUE(binds(r, "ns:pkg/iface@0.2.0-rc-2023-11-10"));
  EXPECT_FALSE(binds(r, "ns:pkg/iface@0.2.0-rc-2023-12-05"));
  EXPECT_FALSE(binds(r, "ns:pkg/iface@0.2.0"));
  // And a pre-release import does not bind to the release.
  EXPECT_FALSE(binds(host_of({"ns:pkg/iface@0.2.0"}), "ns:pkg/iface@0.2.0-rc-2023-11-10"));
}

TEST(Linking, PackageAndInterfaceMustMatch) {
  HostRegistry r = host_of({"ns:pkg/iface@0.2.0"});
  EXPECT_FALSE(binds(r, "ns:pkg/other@0.2.0"));
  EXPECT_FALSE(binds(r, "ns:other/iface@0.2.0"));
  EXPECT_FALSE(binds(r, "other:pkg/iface@0.2.0"));
  EXPECT_EQ(r.find("ns:pkg/iface@0.2.0", "g"), nullptr);
}

TEST(Linking, AnExactDefinitionWinsThenTheHighestOnTheTrack) {
  HostRegistry r;
  int called = 0;
  auto mark = [&called](int n) { return HostFunc([&called, n](Values&) { called = n; return Values{}; }); };
  r.define("ns:pkg/iface@0.2.1", "f", mark(1));
  r.define("ns:pkg/iface@0.2.5", "f", mark(5));
  r.define("ns:pkg/iface@0.2.3", "f", mark(3));
  Values none;
  auto call = [&](const char* name) {
    called = 0;
    if (const HostFunc* f = r.find(name, "f")) (*f)(none);
    return called;
  };
  EXPECT_EQ(call("ns:pkg/iface@0.2.1"), 1);
  EXPECT_EQ(call("ns:pkg/iface@0.2.3"), 3);
  EXPECT_EQ(call("ns:pkg/iface@0.2.0"), 5);
  EXPECT_EQ(call("ns:pkg/iface@0.2.9"), 5);
  EXPECT_EQ(call("ns:pkg/iface@0.3.0"), 0);
}

TEST(FuncNames, SplitAtTheHash) {
  FuncName n = split_func_name("ns:pkg/iface@1.2.3#[method]res.op");
  EXPECT_EQ(n.instance, "ns:pkg/iface@1.2.3");
  EXPECT_EQ(n.func, "[method]res.op");
  ASSERT_TRUE(n.interface);
  EXPECT_EQ(n.interface->package, "ns:pkg");
  EXPECT_EQ(n.interface->interface, "iface");
  EXPECT_EQ(n.interface->version, "1.2.3");
  EXPECT_EQ(n.interface->unversioned(), "ns:pkg/iface");

  FuncName root = split_func_name("run");
  EXPECT_EQ(root.instance, "");
  EXPECT_EQ(root.func, "run");
  EXPECT_FALSE(root.interface);

  FuncName plain = split_func_name("host#log");
  EXPECT_EQ(plain.instance, "host");
  EXPECT_EQ(plain.func, "log");
  EXPECT_FALSE(plain.interface);  // not an interface name: no namespace
}

}  // namespace
}  // namespace wasmrr::runtime
