// The WIT reader (src/wit/) and the WASI signatures built from it
// (wasi/common/wit_signatures.h).
#include <gtest/gtest.h>

#include "abi/type.h"
#include "runtime/host.h"
#include "wasi/wasi.h"
#include "wasi/common/wit_signatures.h"
#include "wit/lexer.h"
#include "wit/parser.h"
#include "wit/resolve.h"

namespace wasmrr {
namespace {

std::string type_of(const wit::Signatures& s, std::string_view iface, std::string_view func) {
  abi::FuncTypePtr f = s.find(iface, func);
  return f ? abi::to_string(*f) : "<none>";
}

wit::Signatures resolve_text(std::string_view text) {
  auto p = wit::parse_package(text);
  EXPECT_TRUE(p) << p.error().message;
  if (!p) return {};
  std::vector<wit::Package> pkgs;
  pkgs.push_back(std::move(*p));
  auto s = wit::resolve(pkgs);
  EXPECT_TRUE(s) << s.error().message;
  if (!s) return {};
  return std::move(*s);
}

TEST(WitLexer, TokensCarryPositions) {
  auto t = wit::lex("interface %type {\n  f: func() -> u32; // c\n}");
  ASSERT_TRUE(t);
  ASSERT_GE(t->size(), 3u);
  EXPECT_TRUE((*t)[0].is_keyword("interface"));
  EXPECT_EQ((*t)[1].text, "type");
  EXPECT_TRUE((*t)[1].escaped);
  EXPECT_FALSE((*t)[1].is_keyword("type"));
  EXPECT_EQ((*t)[3].line, 2u);
  EXPECT_EQ((*t)[3].column, 3u);
  EXPECT_FALSE(wit::lex("interface $x {}"));
}

TEST(WitParser, ErrorsNameLineAndColumn) {
  auto p = wit::parse_package("package a:b;\ninterface i {\n  f: func(x u32);\n}\n");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().message, "3:13: expected `:`, found `u32`");
}

// Found by hand next to fuzz_wit: 15000 nested lists overflowed the stack.
TEST(WitParser, DeepNestingIsAnErrorNotAStackOverflow) {
  std::string deep;
  for (int i = 0; i < 15000; i++) deep += "list<";
  deep += "u8";
  for (int i = 0; i < 15000; i++) deep += ">";
  auto p = wit::parse_package("package a:b;\ninterface i {\n  type t = " + deep + ";\n}\n");
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().message.find("3:"), std::string::npos) << p.error().message;
  EXPECT_NE(p.error().message.find("nested at most 100 deep"), std::string::npos) << p.error().message;
  std::string fine = "package a:b;\ninterface i { type t = ";
  for (int i = 0; i < 99; i++) fine += "list<";
  fine += "u8" + std::string(99, '>') + "; }\n";
  EXPECT_TRUE(wit::parse_package(fine)) << "100 levels (u8 is the 100th) are allowed";
}

TEST(WitParser, SemverWithDottedBuildMetadata) {
  auto p = wit::parse_package("package a:b@1.0.0-rc.1+build.7;\ninterface i {}\n");
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->version, "1.0.0-rc.1+build.7");
}

TEST(WitResolve, TypesAndMangledNames) {
  auto s = resolve_text(R"(
    package t:pkg@1.0.0;
    interface base {
      resource thing { constructor(n: u32); get: func() -> option<string>; make: static func() -> thing; }
      enum color { red, %green }
      flags perms { read, write }
    }
    interface user {
      use base.{thing, color as colour, perms};
      type alias = thing;
      record point { x: s32, y: s32 }
      variant shape { none, dot(point), tinted(tuple<colour, perms>) }
      @unstable(feature = f)
      take: func(a: borrow<alias>, s: shape) -> result<_, list<u8>>;
      give: func() -> result;
    }
    world w { import user; export run: func(); }
  )");
  EXPECT_EQ(type_of(s, "t:pkg/base", "[constructor]thing"), "func(n: u32) -> own<thing>");
  EXPECT_EQ(type_of(s, "t:pkg/base", "[method]thing.get"), "func(self: borrow<thing>) -> option<string>");
  EXPECT_EQ(type_of(s, "t:pkg/base", "[static]thing.make"), "func() -> own<thing>");
  EXPECT_EQ(type_of(s, "t:pkg/base", "[resource-drop]thing"), "func(self: own<thing>)");
  EXPECT_EQ(type_of(s, "t:pkg/user", "take"),
            "func(a: borrow<thing>, s: variant { none, dot(record { x: s32, y: s32 }), "
            "tinted(tuple<enum { red, green }, flags { read, write }>) }) -> result<_, list<u8>>");
  EXPECT_EQ(type_of(s, "t:pkg/user", "give"), "func() -> result");
  EXPECT_EQ(s.version_of("t:pkg/user"), "1.0.0");
  EXPECT_EQ(s.find("t:pkg/user", "run"), nullptr);  // worlds define nothing
}

TEST(WitResolve, UnknownTypeIsAnError) {
  auto p = wit::parse_package("package a:b;\ninterface i {\n  f: func() -> nope;\n}\n");
  ASSERT_TRUE(p);
  std::vector<wit::Package> pkgs;
  pkgs.push_back(std::move(*p));
  auto s = wit::resolve(pkgs);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message, "a:b/i, line 3: unknown type `nope`");
}

TEST(WasiSignatures, EveryPackageParsesAndResolves) {
  EXPECT_EQ(wasi::wasi_wit_texts().size(), 7u);
  const wit::Signatures& s = wasi::wasi_signatures();
  for (const char* iface : {"wasi:io/error", "wasi:io/poll", "wasi:io/streams", "wasi:clocks/wall-clock",
                            "wasi:clocks/monotonic-clock", "wasi:cli/stdout", "wasi:cli/environment",
                            "wasi:filesystem/types", "wasi:filesystem/preopens", "wasi:random/random",
                            "wasi:sockets/tcp", "wasi:sockets/udp", "wasi:http/types", "wasi:http/outgoing-handler"}) {
    EXPECT_TRUE(s.interfaces().contains(iface)) << iface;
    EXPECT_EQ(s.version_of(iface), "0.2.12") << iface;
  }
}

TEST(WasiSignatures, SomeTypesExactly) {
  const wit::Signatures& s = wasi::wasi_signatures();
  EXPECT_EQ(type_of(s, "wasi:cli/stdout", "get-stdout"), "func() -> own<output-stream>");
  EXPECT_EQ(type_of(s, "wasi:clocks/wall-clock", "now"), "func() -> record { seconds: u64, nanoseconds: u32 }");
  EXPECT_EQ(type_of(s, "wasi:io/streams", "[method]output-stream.blocking-write-and-flush"),
            "func(self: borrow<output-stream>, contents: list<u8>) -> "
            "result<_, variant { last-operation-failed(own<error>), closed }>");
  EXPECT_EQ(type_of(s, "wasi:io/poll", "poll"), "func(in: list<borrow<pollable>>) -> list<u32>");
  EXPECT_EQ(type_of(s, "wasi:cli/stdin", "get-stdin"), "func() -> own<input-stream>");
  // `type headers = fields`: a handle of the resource itself.
  EXPECT_EQ(type_of(s, "wasi:http/types", "[constructor]outgoing-request"),
            "func(headers: own<fields>) -> own<outgoing-request>");
  // `use wasi:io/error@0.2.12.{error as io-error}`
  EXPECT_TRUE(type_of(s, "wasi:http/types", "http-error-code").starts_with("func(err: borrow<error>) -> option<variant { DNS-timeout,"));
}

// Every function the host defines has a WIT signature: one without is a bug
// of the host (a name the WIT does not have), found here, not at run time.
TEST(WasiSignatures, EveryHostFunctionIsTyped) {
  wasi::WasiHost host(wasi::WasiConfig{});
  runtime::HostRegistry r;
  host.register_all(r);
  EXPECT_EQ(r.untyped_functions(), std::vector<std::string>{});
  EXPECT_NE(r.find_type("wasi:cli/stdout@0.2.0", "get-stdout"), nullptr);
}

TEST(WasiSignatures, DeclaredOnlyHasTypesAndNoBodies) {
  runtime::HostRegistry r;
  wasi::declare_wasi_signatures(r);
  EXPECT_EQ(r.find("wasi:cli/stdout@0.2.0", "get-stdout"), nullptr);
  ASSERT_NE(r.find_type("wasi:cli/stdout@0.2.0", "get-stdout"), nullptr);
  EXPECT_EQ(abi::to_string(*r.find_type("wasi:cli/stdout@0.2.3", "get-stdout")), "func() -> own<output-stream>");
}

}  // namespace
}  // namespace wasmrr
