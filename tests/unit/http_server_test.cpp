// The server side of wasi:http (serve): an incoming-request as the guest
// reads it, and the response it sets on its response-outparam.
#include <gtest/gtest.h>

#include "wasi/http/response_capture.h"
#include "wasi/http/server.h"
#include "wasi_test_util.h"

namespace wasmrr::wasi {
namespace {

using abi::Value;
using testing::HostHarness;

constexpr const char* kTypes = "wasi:http/types";
constexpr const char* kStreams = "wasi:io/streams";

ServerRequest sample_request() {
  ServerRequest r;
  r.method = "POST";
  r.authority = "example.test:8080";
  r.path_with_query = "/upload?x=1";
  r.headers = {{"content-type", "text/plain"}, {"x-many", "a"}, {"x-many", "b"}};
  r.body = std::string(3000, 'z') + "end";
  return r;
}

TEST(HttpServerSide, TheGuestReadsTheRequestAsTheClientSentIt) {
  HostHarness h;
  auto response = std::make_shared<ServerResponse>();
  runtime::Values args = incoming_handler_args(h.host(), sample_request(), response);
  Value req = Value::borrow(static_cast<uint32_t>(args[0].num));
  EXPECT_EQ(h.call1(kTypes, "[method]incoming-request.method", {req}), Value::variant(2));  // post
  EXPECT_EQ(h.call1(kTypes, "[method]incoming-request.path-with-query", {req}), Value::some(Value::string("/upload?x=1")));
  EXPECT_EQ(h.call1(kTypes, "[method]incoming-request.authority", {req}), Value::some(Value::string("example.test:8080")));
  EXPECT_EQ(h.call1(kTypes, "[method]incoming-request.scheme", {req}), Value::some(Value::variant(0)));  // HTTP
  Value headers = h.call1(kTypes, "[method]incoming-request.headers", {req});
  Value many = h.call1(kTypes, "[method]fields.get", {Value::borrow(headers.rep()), Value::string("x-many")});
  ASSERT_EQ(many.items.size(), 2u);
  EXPECT_EQ(many.items[1].str, "b");
  // Immutable: the guest cannot change the request's headers.
  Value set = h.call1(kTypes, "[method]fields.set",
                      {Value::borrow(headers.rep()), Value::string("x-new"), Value::list({Value::byte_list("v")})});
  EXPECT_FALSE(set.is_ok());
  Value body = h.call1(kTypes, "[method]incoming-request.consume", {req});
  ASSERT_TRUE(body.is_ok());
  EXPECT_FALSE(h.call1(kTypes, "[method]incoming-request.consume", {req}).is_ok());  // once
  Value stream = h.call1(kTypes, "[method]incoming-body.stream", {Value::borrow(body.payload().rep())});
  ASSERT_TRUE(stream.is_ok());
  std::string read;
  for (;;) {
    Value chunk = h.call1(kStreams, "[method]input-stream.blocking-read",
                          {Value::borrow(stream.payload().rep()), Value::u64(1000)});
    if (!chunk.is_ok()) break;  // closed: the end of the body
    EXPECT_LE(chunk.payload().str.size(), 1000u);
    read += chunk.payload().str;
  }
  EXPECT_EQ(read, sample_request().body);
}

TEST(HttpServerSide, TheResponseSetIsWhatTheClientGets) {
  HostHarness h;
  auto response = std::make_shared<ServerResponse>();
  runtime::Values args = incoming_handler_args(h.host(), sample_request(), response);
  Value fields = h.call1(kTypes, "[static]fields.from-list",
                         {Value::list({Value::tuple({Value::string("X-Reply"), Value::byte_list("yes")})})});
  ASSERT_TRUE(fields.is_ok());
  Value resp = h.call1(kTypes, "[constructor]outgoing-response", {Value::own(fields.payload().rep())});
  EXPECT_TRUE(h.call1(kTypes, "[method]outgoing-response.set-status-code", {Value::borrow(resp.rep()), Value::u16(201)}).is_ok());
  Value body = h.call1(kTypes, "[method]outgoing-response.body", {Value::borrow(resp.rep())});
  ASSERT_TRUE(body.is_ok());
  Value out = h.call1(kTypes, "[method]outgoing-body.write", {Value::borrow(body.payload().rep())});
  ASSERT_TRUE(out.is_ok());
  EXPECT_TRUE(h.call1(kStreams, "[method]output-stream.blocking-write-and-flush",
                      {Value::borrow(out.payload().rep()), Value::byte_list("created")}).is_ok());
  h.call(kStreams, "[resource-drop]output-stream", {Value::own(out.payload().rep())});
  EXPECT_FALSE(response->set);
  h.call(kTypes, "[static]response-outparam.set", {Value::own(static_cast<uint32_t>(args[1].num)), Value::ok(Value::own(resp.rep()))});
  EXPECT_TRUE(h.call1(kTypes, "[static]outgoing-body.finish", {Value::own(body.payload().rep()), Value::none()}).is_ok());
  ASSERT_TRUE(response->set);
  EXPECT_FALSE(response->error);
  EXPECT_EQ(response->status, 201);
  ASSERT_EQ(response->headers.size(), 1u);
  EXPECT_EQ(response->headers[0], (std::pair<std::string, std::string>{"x-reply", "yes"}));
  ASSERT_TRUE(response->body);
  EXPECT_TRUE(response->body->finished);
  std::string sent;
  for (const auto& c : response->body->chunks) sent += c;
  EXPECT_EQ(sent, "created");
}

TEST(HttpServerSide, TheProxyExportIsFoundByVersion) {
  component::Component c;
  component::Definition d;
  d.kind = component::Definition::Kind::Export;
  d.export_.name = "wasi:http/incoming-handler@0.2.10";
  c.definitions.push_back(d);
  auto name = incoming_handler_export(c);
  ASSERT_TRUE(name) << name.error().message;
  EXPECT_EQ(*name, "wasi:http/incoming-handler@0.2.10");
  c.definitions[0].export_.name = "wasi:http/incoming-handler@0.3.0";
  EXPECT_FALSE(incoming_handler_export(c));
}

}  // namespace
}  // namespace wasmrr::wasi
