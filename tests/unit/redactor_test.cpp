// Secrets kept out of traces (record --redact), and replay accepting them.
#include <gtest/gtest.h>

#include "abi/type.h"
#include "abi/value.h"
#include "rr/redactor.h"
#include "rr/value_codec.h"

namespace wasmrr::rr {
namespace {

using trace::Json;

Json bytes(const std::string& s) { return Json::binary(Json::binary_t::container_type(s.begin(), s.end())); }

TEST(Redactor, EnvironmentPairsAreRedactedAndTheirValuesScrubbedLater) {
  Redactor r({"API_TOKEN", "authorization"});
  // get-environment results: list<tuple<string, string>>.
  Json env = Json::array({Json::array({Json::array({"HOME", "/root"}), Json::array({"API_TOKEN", "s3cr3t-value"})})});
  r.apply(env);
  EXPECT_EQ(env[0][0][1], "/root");
  EXPECT_EQ(env[0][1][1], "wasm-rr:redacted:1");
  EXPECT_EQ(env.dump().find("s3cr3t"), std::string::npos);
  // Later, the guest sends the token in a header built by itself: the value is
  // scrubbed even though its key ("x-token") is not a redacted name.
  Json args = Json::array({Json{{"handle", 3}}, "x-token", bytes("Bearer s3cr3t-value")});
  r.apply(args);
  const auto& b = args[2].get_binary();
  EXPECT_EQ(std::string(b.begin(), b.end()), "Bearer wasm-rr:redacted:1");
}

TEST(Redactor, EachDistinctSecretKeepsItsOwnToken) {
  Redactor r({"A", "B", "C"});
  Json env = Json::array({Json::array({Json::array({"A", "same-secret"}), Json::array({"B", "other-secret"}),
                                       Json::array({"C", "same-secret"})})});
  r.apply(env);
  EXPECT_EQ(env[0][0][1], "wasm-rr:redacted:1");
  EXPECT_EQ(env[0][1][1], "wasm-rr:redacted:2");
  EXPECT_EQ(env[0][2][1], "wasm-rr:redacted:1");
  // Met again in a later call, scrubbed: each under its own token.
  Json later = Json::array({"x=other-secret&y=same-secret"});
  r.apply(later);
  EXPECT_EQ(later[0], "x=wasm-rr:redacted:2&y=wasm-rr:redacted:1");
}

TEST(Redactor, ASecretHoldingAnotherIsScrubbedWhole) {
  Redactor r({"SHORT", "LONG"});
  Json env = Json::array({Json::array({Json::array({"SHORT", "abcd"}), Json::array({"LONG", "abcdefgh"})})});
  r.apply(env);
  Json later = Json::array({"abcdefgh abcd"});
  r.apply(later);
  EXPECT_EQ(later[0], "wasm-rr:redacted:2 wasm-rr:redacted:1");
}

TEST(Redactor, HeaderNamesMatchCaseInsensitively) {
  Redactor r({"Authorization"});
  Json args = Json::array({Json{{"handle", 3}}, "AUTHORIZATION", bytes("Basic dXNlcjpwYXNz")});
  r.apply(args);
  EXPECT_TRUE(contains_redacted(args));
  EXPECT_EQ(args.dump().find("dXNlcjpwYXNz"), std::string::npos);
  // fields.set(name, list<value>): every value of the list.
  Json set_args = Json::array({Json{{"handle", 3}}, "authorization", Json::array({bytes("one-secret"), bytes("two-secret")})});
  r.apply(set_args);
  EXPECT_EQ(set_args.dump().find("secret"), std::string::npos);
}

TEST(Redactor, InactiveWithoutNames) {
  Redactor r({});
  Json env = Json::array({Json::array({"API_TOKEN", "visible"})});
  r.apply(env);
  EXPECT_EQ(env[0][1], "visible");
}

TEST(Redactor, ReplayAcceptsAnyValueWhereOneWasRedacted) {
  std::string marker(kRedacted);
  EXPECT_TRUE(matches_redacted(Json("Bearer " + marker), Json("Bearer anything at all")));
  EXPECT_TRUE(matches_redacted(Json(marker), Json("")));
  EXPECT_FALSE(matches_redacted(Json("Bearer " + marker), Json("Basic xyz")));
  EXPECT_TRUE(matches_redacted(bytes("k=" + marker + ";"), bytes("k=v;")));
  EXPECT_FALSE(matches_redacted(bytes("k=" + marker + ";"), bytes("k=v")));
  // Numbered tokens, and the bare one of traces from before them.
  EXPECT_TRUE(matches_redacted(Json("Bearer wasm-rr:redacted:12"), Json("Bearer x")));
  EXPECT_TRUE(matches_redacted(Json("a=wasm-rr:redacted:1;b=wasm-rr:redacted:2"), Json("a=1;b=22")));
  EXPECT_FALSE(matches_redacted(Json("a=wasm-rr:redacted:1;b"), Json("a=1;c")));
  // Through the value comparison the replayer uses.
  auto t = abi::Type::list(abi::Type::primitive(abi::Kind::U8));
  EXPECT_EQ(compare_value(bytes("Bearer " + marker), abi::Value::byte_list("Bearer t0ken"), *t, "arg"), "");
  EXPECT_NE(compare_value(bytes("Bearer " + marker), abi::Value::byte_list("Token t0ken"), *t, "arg"), "");
}

}  // namespace
}  // namespace wasmrr::rr
