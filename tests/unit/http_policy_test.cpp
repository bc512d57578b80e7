// --allow-http SPECs (wasi/http/policy.h): parsing, and matching them against
// request authorities.
#include <gtest/gtest.h>

#include <string>

#include "wasi/http/policy.h"

namespace wasmrr::wasi {
namespace {

HttpRule rule(const std::string& spec) {
  std::string error;
  auto r = parse_http_rule(spec, error);
  EXPECT_TRUE(r) << spec << ": " << error;
  return r.value_or(HttpRule{});
}

HttpDestination dest(const std::string& authority, uint16_t default_port = 80) {
  auto d = http_destination(authority, default_port);
  EXPECT_TRUE(d) << authority;
  return d.value_or(HttpDestination{});
}

bool grants(const std::string& spec, const std::string& authority, uint16_t default_port = 80) {
  return rule(spec).matches(dest(authority, default_port));
}

TEST(HttpPolicy, ParsesEverySpecForm) {
  EXPECT_EQ(rule("*").kind, HttpRule::Kind::any_host);
  EXPECT_EQ(rule("*:443").port_lo, 443);
  HttpRule name = rule("API.Example.com");
  EXPECT_EQ(name.kind, HttpRule::Kind::host);
  EXPECT_EQ(name.name, "api.example.com");
  EXPECT_EQ(name.port_lo, 0);
  EXPECT_EQ(name.port_hi, 65535);
  HttpRule sub = rule("*.example.com:443");
  EXPECT_EQ(sub.kind, HttpRule::Kind::subdomains);
  EXPECT_EQ(sub.name, "example.com");
  EXPECT_EQ(sub.port_lo, 443);
  EXPECT_EQ(sub.port_hi, 443);
  HttpRule v4 = rule("127.0.0.1:8080");
  ASSERT_TRUE(v4.ip);
  EXPECT_EQ(v4.ip->family, IpFamily::ipv4);
  HttpRule v6 = rule("[::1]:8000-8100");
  ASSERT_TRUE(v6.ip);
  EXPECT_EQ(v6.ip->family, IpFamily::ipv6);
  EXPECT_EQ(v6.port_lo, 8000);
  EXPECT_EQ(v6.port_hi, 8100);
  EXPECT_EQ(rule("localhost:*").port_hi, 65535);
}

TEST(HttpPolicy, RefusesMalformedSpecs) {
  for (const char* bad : {"", ":80", "example.com:", "example.com:http", "example.com:70000", "example.com:9-8",
                          "*.", "*example.com", "a.*.com", "ex ample.com", "example..com", "[::1", "[127.0.0.1]",
                          "::1", "https://example.com", "example.com/path", "user@example.com"}) {
    std::string error;
    EXPECT_FALSE(parse_http_rule(bad, error)) << "accepted `" << bad << "`";
    if (std::string(bad).empty()) {
      EXPECT_NE(error.find("HOST[:PORTS]"), std::string::npos);
    }
  }
}

TEST(HttpPolicy, HostNamesCompareCaseInsensitivelyOnAnyPortByDefault) {
  EXPECT_TRUE(grants("api.example.com", "api.example.com"));
  EXPECT_TRUE(grants("api.example.com", "API.EXAMPLE.COM:8443"));
  EXPECT_TRUE(grants("API.example.com", "api.example.com.", 443));  // the root's dot
  EXPECT_FALSE(grants("api.example.com", "example.com"));
  EXPECT_FALSE(grants("api.example.com", "api.example.com.evil.net"));
  EXPECT_FALSE(grants("example.com", "notexample.com"));
  EXPECT_TRUE(grants("localhost", "localhost:1234"));
  EXPECT_FALSE(grants("localhost", "127.0.0.1:1234"));  // names and addresses are not resolved
}

TEST(HttpPolicy, WildcardMatchesSubdomainsOnly) {
  EXPECT_TRUE(grants("*.example.com", "a.example.com"));
  EXPECT_TRUE(grants("*.example.com", "a.b.EXAMPLE.com"));
  EXPECT_FALSE(grants("*.example.com", "example.com"));
  EXPECT_FALSE(grants("*.example.com", "badexample.com"));
  EXPECT_FALSE(grants("*.example.com", "a.example.com.evil.net"));
  EXPECT_FALSE(grants("*.0.0.1", "127.0.0.1"));  // an address is no name
  EXPECT_TRUE(grants("*", "anything.at.all:1"));
}

TEST(HttpPolicy, PortsComeFromTheAuthorityOrTheScheme) {
  EXPECT_TRUE(grants("example.com:443", "example.com", 443));
  EXPECT_FALSE(grants("example.com:443", "example.com", 80));
  EXPECT_TRUE(grants("example.com:80", "example.com:", 80));  // an empty port is the default
  EXPECT_FALSE(grants("example.com:443", "example.com:8443", 443));
  EXPECT_TRUE(grants("*:8000-8100", "x:8050"));
  EXPECT_FALSE(grants("*:8000-8100", "x:8101"));
  EXPECT_FALSE(grants("*.example.com:443", "a.example.com:444"));
}

TEST(HttpPolicy, AddressLiteralsCompareAsAddresses) {
  EXPECT_TRUE(grants("127.0.0.1:8080", "127.0.0.1:8080"));
  EXPECT_FALSE(grants("127.0.0.1:8080", "127.0.0.1:8081"));
  EXPECT_FALSE(grants("127.0.0.1", "127.0.0.2"));
  EXPECT_TRUE(grants("[::1]", "[::1]:80"));
  EXPECT_TRUE(grants("[::1]:80", "[0:0:0:0:0:0:0:1]"));
  EXPECT_FALSE(grants("[::1]", "[::2]"));
  EXPECT_FALSE(grants("[::1]", "127.0.0.1"));
}

TEST(HttpPolicy, AuthoritiesAreParsedAsCurlSeesThem) {
  HttpDestination d = dest("user:secret@Example.COM:8080");
  EXPECT_EQ(d.host, "example.com");
  EXPECT_EQ(d.port, 8080);
  EXPECT_EQ(d.to_string(), "example.com:8080");
  EXPECT_FALSE(grants("example.com", "example.com@evil.net"));  // the host is after the last '@'
  EXPECT_EQ(dest("[::1]", 443).to_string(), "[::1]:443");
  EXPECT_FALSE(http_destination("", 80));
  EXPECT_FALSE(http_destination("example.com:x", 80));
  EXPECT_FALSE(http_destination("example.com:99999", 80));
  EXPECT_FALSE(http_destination("[::1", 80));
  EXPECT_FALSE(http_destination("user@", 80));
  // Only `*` grants a host that is not a plain name (percent-encoded, say).
  EXPECT_FALSE(grants("example.com", "ex%61mple.com"));
  EXPECT_TRUE(grants("*", "ex%61mple.com"));
}

TEST(HttpPolicy, NothingIsGrantedByDefault) {
  HttpPolicy policy;
  EXPECT_FALSE(policy.any());
  EXPECT_FALSE(policy.allows(dest("localhost")));
  policy.allow(rule("*.example.com"));
  policy.allow(rule("127.0.0.1:80"));
  EXPECT_TRUE(policy.any());
  EXPECT_TRUE(policy.allows(dest("www.example.com")));
  EXPECT_TRUE(policy.allows(dest("127.0.0.1")));
  EXPECT_FALSE(policy.allows(dest("127.0.0.1:81")));
  EXPECT_FALSE(policy.allows(dest("example.com")));
}

TEST(HttpPolicy, TheDenialNamesTheDestinationAndTheFlag) {
  std::string notice = http_denied_notice(dest("API.example.com", 443));
  EXPECT_NE(notice.find("api.example.com:443"), std::string::npos) << notice;
  EXPECT_NE(notice.find("--allow-http=api.example.com:443"), std::string::npos) << notice;
}

}  // namespace
}  // namespace wasmrr::wasi
