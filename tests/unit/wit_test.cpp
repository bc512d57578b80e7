// The WIT reader (src/wit/) and the WASI signatures built from it
// (wasi/common/wit_signatures.h).
#include <gtest/gtest.h>

#include <set>

#include "abi/type.h"
#include "runtime/host.h"
#include "wasi/wasi.h"
#include "wasi/common/host_util.h"
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

std::string parse_error(std::string_view text) {
  auto p = wit::parse_package(text);
  return p ? "<parsed>" : p.error().message;
}

// WASI 0.3: `async func` (also static methods), stream<T>, future<T>, both
// bare, and error-context.
TEST(WitParser, AsyncFuncsAndTheAsyncTypes) {
  auto p = wit::parse_package(R"(
    package t:a@0.3.0;
    interface i {
      wait: async func(d: u64);
      now: func() -> u64;
      bare: func(s: stream, f: future) -> error-context;
    }
  )");
  ASSERT_TRUE(p) << p.error().message;
  const auto& funcs = p->interfaces.at(0).funcs;
  ASSERT_EQ(funcs.size(), 3u);
  EXPECT_TRUE(funcs[0].async_);
  EXPECT_FALSE(funcs[1].async_);
  EXPECT_EQ(funcs[2].params[0].type->kind, wit::TypeExpr::Kind::Stream);
  EXPECT_TRUE(funcs[2].params[0].type->args.empty());
  EXPECT_EQ(funcs[2].params[1].type->kind, wit::TypeExpr::Kind::Future);
  EXPECT_EQ(funcs[2].result->kind, wit::TypeExpr::Kind::Name);
  EXPECT_EQ(funcs[2].result->name, "error-context");
}

TEST(WitResolve, AsyncFuncsAndTheAsyncTypes) {
  auto s = resolve_text(R"(
    package t:a@0.3.0;
    interface types { enum error-code { io, pipe } }
    interface i {
      use types.{error-code};
      resource r {
        constructor();
        read: async func(n: u32) -> stream<u8>;
        open: static async func() -> r;
        close: func();
      }
      type %stream = u32;
      wait: async func(d: u64);
      write: func(data: stream<u8>) -> future<result<_, error-code>>;
      bare: func(s: stream, f: future) -> error-context;
      nested: func() -> tuple<stream<list<u8>>, future<result<option<r>, error-code>>, stream<r>>;
      escaped: func() -> %stream;
    }
  )");
  EXPECT_EQ(type_of(s, "t:a/i", "[constructor]r"), "func() -> own<r>");
  EXPECT_EQ(type_of(s, "t:a/i", "[method]r.read"), "async func(self: borrow<r>, n: u32) -> stream<u8>");
  EXPECT_EQ(type_of(s, "t:a/i", "[static]r.open"), "async func() -> own<r>");
  EXPECT_EQ(type_of(s, "t:a/i", "[method]r.close"), "func(self: borrow<r>)");
  EXPECT_EQ(type_of(s, "t:a/i", "[resource-drop]r"), "func(self: own<r>)");
  EXPECT_EQ(type_of(s, "t:a/i", "wait"), "async func(d: u64)");
  ASSERT_NE(s.find("t:a/i", "wait"), nullptr);
  EXPECT_TRUE(s.find("t:a/i", "wait")->async_);
  EXPECT_FALSE(s.find("t:a/i", "write")->async_);
  EXPECT_EQ(type_of(s, "t:a/i", "write"), "func(data: stream<u8>) -> future<result<_, enum { io, pipe }>>");
  EXPECT_EQ(type_of(s, "t:a/i", "bare"), "func(s: stream, f: future) -> error-context");
  EXPECT_EQ(type_of(s, "t:a/i", "nested"),
            "func() -> tuple<stream<list<u8>>, future<result<option<own<r>>, enum { io, pipe }>>, stream<own<r>>>");
  EXPECT_EQ(type_of(s, "t:a/i", "escaped"), "func() -> u32");  // %stream is a name, not the keyword
  abi::FuncTypePtr bare = s.find("t:a/i", "bare");
  ASSERT_NE(bare, nullptr);
  EXPECT_EQ(bare->params[0].type->kind, abi::Kind::Stream);
  EXPECT_EQ(bare->params[0].type->elem, nullptr);
  EXPECT_EQ(bare->params[1].type->kind, abi::Kind::Future);
  EXPECT_EQ(bare->results[0].type->kind, abi::Kind::ErrorContext);
}

TEST(WitParser, MalformedAsyncSyntaxSaysWhere) {
  EXPECT_EQ(parse_error("package a:b;\ninterface i {\n  f: func(s: stream<);\n}\n"),
            "3:21: expected a type, found `)`");
  EXPECT_EQ(parse_error("package a:b;\ninterface i {\n  f: func(s: stream<u8, u8>);\n}\n"),
            "3:23: expected `>`, found `,`");
  EXPECT_EQ(parse_error("package a:b;\ninterface i {\n  type t = future<u8"), "3:21: expected `>`, found end of text");
  EXPECT_EQ(parse_error("package a:b;\ninterface i {\n  f: async fn();\n}\n"), "3:12: expected `func`, found `fn`");
  EXPECT_EQ(parse_error("package a:b;\ninterface i {\n  f: fn();\n}\n"),
            "3:6: expected `func` or `async func`, found `fn`");
  // WIT.md: 'static' comes first; a constructor is never async.
  EXPECT_EQ(parse_error("package a:b;\ninterface i {\n  resource r { f: async static func(); }\n}\n"),
            "3:25: expected `func`, found `static`");
}

// LazySignatures parses a package only when an interface of it is asked
// for or used: here the broken package b is never parsed for a:x/i, which
// uses only c; it is for b's own interface, and for all().
TEST(WitLazySignatures, ParsesOnlyWhatIsAskedForOrUsed) {
  const std::string a = "package a:x;\ninterface i {\n  use c:z/t.{r};\n  f: func(v: r) -> own<r>;\n  g: func(v: borrow<r>);\n}\n";
  const std::string b = "package b:y;\ninterface j {\n  f: func(";
  const std::string c = "package c:z;\ninterface t {\n  resource r { m: func(); }\n}\n";
  wit::LazySignatures lazy({{"a:x", a}, {"b:y", b}, {"c:z", c}});
  auto funcs = lazy.funcs("a:x/i");
  ASSERT_TRUE(funcs) << funcs.error().message;
  ASSERT_NE(*funcs, nullptr);
  EXPECT_EQ(abi::to_string(*(*funcs)->at("f")), "func(v: own<r>) -> own<r>");
  // The resource reached through the `use` is the one c:z/t's own functions name.
  auto used = lazy.funcs("c:z/t");
  ASSERT_TRUE(used && *used);
  const abi::ResourceTypePtr& self = (*used)->at("[method]r.m")->params.at(0).type->resource;
  EXPECT_EQ((*funcs)->at("g")->params.at(0).type->resource, self);
  EXPECT_EQ((*funcs)->at("f")->results.at(0).type->resource, self);
  auto none = lazy.funcs("d:w/k");
  ASSERT_TRUE(none);
  EXPECT_EQ(*none, nullptr);
  auto broken = lazy.funcs("b:y/j");
  ASSERT_FALSE(broken);
  EXPECT_TRUE(broken.error().message.starts_with("package b:y: ")) << broken.error().message;
  EXPECT_FALSE(lazy.all());
  // A text must be the package it is given as.
  wit::LazySignatures misnamed({{"q:q", c}});
  auto m = misnamed.funcs("q:q/t");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().message, "the text of package q:q is package c:z");
}

TEST(WasiSignatures, EveryPackageParsesAndResolves) {
  EXPECT_EQ(wasi::wasi_wit_texts().size(), 7u);
  const wit::Signatures& s = wasi::wasi_signatures().all();
  for (const char* iface : {"wasi:io/error", "wasi:io/poll", "wasi:io/streams", "wasi:clocks/wall-clock",
                            "wasi:clocks/monotonic-clock", "wasi:cli/stdout", "wasi:cli/environment",
                            "wasi:filesystem/types", "wasi:filesystem/preopens", "wasi:random/random",
                            "wasi:sockets/tcp", "wasi:sockets/udp", "wasi:http/types", "wasi:http/outgoing-handler"}) {
    EXPECT_TRUE(s.interfaces().contains(iface)) << iface;
    EXPECT_EQ(s.version_of(iface), "0.2.12") << iface;
  }
}

TEST(WasiSignatures, SomeTypesExactly) {
  const wit::Signatures& s = wasi::wasi_signatures().all();
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

TEST(WasiSignatures, EveryP3PackageParsesAndResolves) {
  EXPECT_EQ(wasi::wasi_p3_wit_texts().size(), 6u);  // no wasi:io in 0.3
  const wit::Signatures& s = wasi::wasi_p3_signatures().all();
  for (const char* iface : {"wasi:cli/run", "wasi:cli/stdin", "wasi:cli/stdout", "wasi:cli/stderr",
                            "wasi:cli/environment", "wasi:cli/exit", "wasi:cli/terminal-stdout",
                            "wasi:clocks/monotonic-clock", "wasi:clocks/system-clock", "wasi:clocks/types",
                            "wasi:filesystem/types", "wasi:filesystem/preopens", "wasi:random/random",
                            "wasi:random/insecure-seed", "wasi:sockets/types", "wasi:sockets/ip-name-lookup",
                            "wasi:http/types", "wasi:http/handler", "wasi:http/client"}) {
    EXPECT_TRUE(s.interfaces().contains(iface)) << iface;
    EXPECT_EQ(s.version_of(iface), "0.3.0") << iface;
  }
  EXPECT_FALSE(s.interfaces().contains("wasi:io/streams"));
  // @unstable(feature = clocks-timezone) items are kept, as in 0.2.
  EXPECT_EQ(type_of(s, "wasi:clocks/timezone", "utc-offset"),
            "func(when: record { seconds: s64, nanoseconds: u32 }) -> option<s64>");
}

TEST(WasiSignatures, SomeP3TypesExactly) {
  const wit::Signatures& s = wasi::wasi_p3_signatures().all();
  const std::string cli_error = "enum { io, illegal-byte-sequence, pipe }";
  EXPECT_EQ(type_of(s, "wasi:clocks/monotonic-clock", "wait-for"), "async func(how-long: u64)");
  ASSERT_NE(s.find("wasi:clocks/monotonic-clock", "wait-for"), nullptr);
  EXPECT_TRUE(s.find("wasi:clocks/monotonic-clock", "wait-for")->async_);
  EXPECT_FALSE(s.find("wasi:clocks/monotonic-clock", "now")->async_);
  EXPECT_EQ(type_of(s, "wasi:cli/stdout", "write-via-stream"),
            "func(data: stream<u8>) -> future<result<_, " + cli_error + ">>");
  EXPECT_EQ(type_of(s, "wasi:cli/run", "run"), "async func() -> result");
  EXPECT_EQ(type_of(s, "wasi:cli/stdin", "read-via-stream"),
            "func() -> tuple<stream<u8>, future<result<_, " + cli_error + ">>>");
  EXPECT_EQ(type_of(s, "wasi:filesystem/types", "[method]descriptor.is-same-object"),
            "async func(self: borrow<descriptor>, other: borrow<descriptor>) -> bool");
  EXPECT_TRUE(type_of(s, "wasi:sockets/types", "[method]tcp-socket.listen")
                  .starts_with("func(self: borrow<tcp-socket>) -> result<stream<own<tcp-socket>>, variant {"));
  EXPECT_TRUE(type_of(s, "wasi:http/types", "[static]request.new")
                  .starts_with("func(headers: own<fields>, contents: option<stream<u8>>, "
                               "trailers: future<result<option<own<fields>>, variant { DNS-timeout,"));
  EXPECT_TRUE(type_of(s, "wasi:http/handler", "handle").starts_with("async func(request: own<request>) -> "));
}

// Every function the host defines has a WIT signature: one without is a bug
// of the host (a name the WIT does not have), found here, not at run time.
TEST(WasiSignatures, EveryHostFunctionIsTyped) {
  wasi::WasiHost host(wasi::WasiConfig{});
  runtime::HostRegistry r;
  host.register_all(r);
  // The host's side of streams and futures (runtime/tasks.h) is not WIT:
  // its functions take a list of whatever the stream carries, so they are
  // typed per call by the runtime. Everything else has its WIT signature.
  std::vector<std::string> untyped;
  for (const auto& f : r.untyped_functions())
    if (!f.starts_with(std::string(runtime::kHostStreamsInterface) + "#")) untyped.push_back(f);
  EXPECT_EQ(untyped, std::vector<std::string>{});
  EXPECT_EQ(r.untyped_functions().size(), 5u);  // take, give, resolve, accept, dropped
  EXPECT_NE(r.find_type("wasi:cli/stdout@0.2.0", "get-stdout"), nullptr);
  EXPECT_NE(r.find_type("wasi:cli/stdout@0.3.0", "write-via-stream"), nullptr);
}

TEST(WasiSignatures, DeclaredOnlyHasTypesAndNoBodies) {
  runtime::HostRegistry r;
  wasi::declare_wasi_signatures(r);
  EXPECT_EQ(r.find("wasi:cli/stdout@0.2.0", "get-stdout"), nullptr);
  ASSERT_NE(r.find_type("wasi:cli/stdout@0.2.0", "get-stdout"), nullptr);
  EXPECT_EQ(abi::to_string(*r.find_type("wasi:cli/stdout@0.2.3", "get-stdout")), "func() -> own<output-stream>");
  // 0.3.0 too, on its own track: 0.2 names do not see 0.3 functions.
  EXPECT_EQ(r.find("wasi:clocks/monotonic-clock@0.3.0", "wait-for"), nullptr);
  ASSERT_NE(r.find_type("wasi:clocks/monotonic-clock@0.3.0", "wait-for"), nullptr);
  EXPECT_EQ(abi::to_string(*r.find_type("wasi:clocks/monotonic-clock@0.3.0", "wait-for")), "async func(how-long: u64)");
  EXPECT_EQ(r.find_type("wasi:clocks/monotonic-clock@0.2.12", "wait-for"), nullptr);
  EXPECT_EQ(r.find_type("wasi:cli/stdout@0.3.0", "get-stdout"), nullptr);
  EXPECT_NE(r.find_type("wasi:cli/stdout@0.3.0", "write-via-stream"), nullptr);
  EXPECT_EQ(r.untyped_functions(), std::vector<std::string>{});
}

TEST(WasiSignatures, DefinerOfP3Functions) {
  runtime::HostRegistry r;
  wasi::InterfaceDefiner def(r, "wasi:clocks/monotonic-clock", wasi::WasiVersion::P3);
  def("wait-for", [](runtime::Values&) { return runtime::Values{}; });
  def("no-such-function", [](runtime::Values&) { return runtime::Values{}; });
  EXPECT_NE(r.find("wasi:clocks/monotonic-clock@0.3.0", "wait-for"), nullptr);
  EXPECT_EQ(r.find("wasi:clocks/monotonic-clock@0.2.12", "wait-for"), nullptr);
  ASSERT_NE(r.find_type("wasi:clocks/monotonic-clock@0.3.0", "wait-for"), nullptr);
  EXPECT_TRUE(r.find_type("wasi:clocks/monotonic-clock@0.3.0", "wait-for")->async_);
  EXPECT_EQ(r.untyped_functions(), std::vector<std::string>{"wasi:clocks/monotonic-clock@0.3.0#no-such-function"});
}

}  // namespace
}  // namespace wasmrr

namespace wasmrr {
namespace {

TEST(WasiSignatures, VersionsFollowTheImportNames) {
  using wasi::WasiVersions;
  auto of = [](std::vector<std::string> names) {
    WasiVersions v = WasiVersions::of(names);
    return std::pair{v.p2, v.p3};
  };
  EXPECT_EQ(of({"wasi:cli/stdout@0.2.0", "wasi:io/streams@0.2.12"}), std::pair(true, false));
  EXPECT_EQ(of({"wasi:cli/stdout@0.3.0", "wasi:clocks/monotonic-clock@0.3.0-rc-2025-09-16"}), std::pair(false, true));
  EXPECT_EQ(of({"wasi:cli/stdout@0.3.0", "wasi:io/error@0.2.0"}), std::pair(true, true));
  EXPECT_EQ(of({"my:app/logger", "docs:adder/add@0.1.0"}), std::pair(false, false));
  // Registering only 0.2 leaves 0.3's names unbound, and the other way round.
  wasi::WasiHost host(wasi::WasiConfig{});
  runtime::HostRegistry r;
  host.register_all(r, WasiVersions{true, false, std::nullopt});
  EXPECT_NE(r.find("wasi:cli/stdout@0.2.0", "get-stdout"), nullptr);
  EXPECT_EQ(r.find("wasi:cli/stdout@0.3.0", "write-via-stream"), nullptr);
}

// A registry for a component that imports a few interfaces gets only those,
// with their types; so does a declared-only one (replay).
TEST(WasiSignatures, OnlyTheImportedInterfacesAreRegistered) {
  using wasi::WasiVersions;
  WasiVersions v = WasiVersions::of({"wasi:cli/stdout@0.2.0", "wasi:io/streams@0.2.3", "my:app/log"});
  ASSERT_TRUE(v.interfaces);
  EXPECT_EQ(*v.interfaces, (std::set<std::string, std::less<>>{"my:app/log", "wasi:cli/stdout", "wasi:io/streams"}));
  wasi::WasiHost host(wasi::WasiConfig{});
  runtime::HostRegistry r;
  host.register_all(r, v);
  EXPECT_NE(r.find("wasi:cli/stdout@0.2.0", "get-stdout"), nullptr);
  ASSERT_NE(r.find_type("wasi:io/streams@0.2.0", "[method]output-stream.write"), nullptr);
  EXPECT_EQ(r.find("wasi:cli/stderr@0.2.0", "get-stderr"), nullptr);
  EXPECT_FALSE(r.has_interface("wasi:http/types@0.2.0"));
  EXPECT_TRUE(r.may_import("wasi:cli/stdout@0.2.12"));
  EXPECT_FALSE(r.may_import("wasi:cli/stderr@0.2.12"));
  runtime::HostRegistry declared;
  wasi::declare_wasi_signatures(declared, v);
  EXPECT_NE(declared.find_type("wasi:cli/stdout@0.2.0", "get-stdout"), nullptr);
  EXPECT_EQ(declared.find_type("wasi:cli/stderr@0.2.0", "get-stderr"), nullptr);
}

}  // namespace
}  // namespace wasmrr
