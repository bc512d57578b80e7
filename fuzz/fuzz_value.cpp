// libFuzzer target: decoding WIT values from trace JSON (rr::decode_value),
// against a few types shaped like WASI's. The first byte picks the type and
// the encoding (JSON text as in a .json trace, or CBOR); the rest is the value.
// A value that decodes must encode back to something that decodes to the same
// value, and must compare equal to itself (compare_value, as replay does).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "abi/type.h"
#include "abi/value.h"
#include "rr/value_codec.h"
#include "trace/json_bytes.h"
#include "trace/parse.h"

namespace {

using wasmrr::abi::Kind;
using wasmrr::abi::Type;
using wasmrr::abi::TypePtr;

std::vector<TypePtr> make_types() {
  auto prim = [](Kind k) { return Type::primitive(k); };
  auto rt = std::make_shared<wasmrr::abi::ResourceType>();
  rt->name = "error";
  TypePtr u8_list = Type::list(prim(Kind::U8));
  // wasi:io/streams stream-error and the result of read/write
  TypePtr stream_error = Type::variant({{"last-operation-failed", Type::own(rt)}, {"closed", nullptr}});
  TypePtr datetime = Type::record({{"seconds", prim(Kind::U64)}, {"nanoseconds", prim(Kind::U32)}});
  TypePtr flags = Type::flags({"read", "write", "file-integrity-sync", "data-integrity-sync"});
  TypePtr kind_enum = Type::enum_({"unknown", "block-device", "directory", "regular-file"});
  return {
      Type::result(u8_list, stream_error),
      Type::result(prim(Kind::U64), stream_error),
      Type::option(Type::option(prim(Kind::U32))),
      Type::list(Type::tuple({prim(Kind::String), prim(Kind::String)})),
      Type::tuple({prim(Kind::S8), prim(Kind::S64), prim(Kind::F32), prim(Kind::F64), prim(Kind::Char),
                   prim(Kind::Bool), prim(Kind::U16)}),
      Type::record({{"type", kind_enum}, {"size", prim(Kind::U64)}, {"mtime", Type::option(datetime)},
                    {"flags", flags}}),
      Type::list(Type::borrow(rt)),
      Type::list(prim(Kind::S16), 3),
      Type::result(nullptr, Type::result(Type::list(Type::list(prim(Kind::U8))), nullptr)),
  };
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace wasmrr;
  static const std::vector<TypePtr> types = make_types();
  if (size < 1) return 0;
  const Type& type = *types[(data[0] & 0x7f) % types.size()];
  bool cbor = data[0] & 0x80;
  // Parsed as the trace reader parses an element (trace/parse.h).
  std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  std::istringstream in(text);
  trace::Parsed parsed = cbor ? trace::parse_cbor_item(in) : trace::parse_json_text(text);
  if (parsed.status != trace::Parsed::Status::Ok) return 0;
  trace::Json j = std::move(parsed.value);
  if (!cbor) {
    try {
      trace::bytes_from_text_model(j);  // {"$bytes": base64}, as the JSON reader does
    } catch (const std::exception&) {
      return 0;
    }
  }
  abi::Value v;
  try {
    v = rr::decode_value(j, type, "value");
  } catch (const rr::DecodeError& e) {
    if (std::string(e.what()).empty()) std::abort();
    return 0;
  }
  // Compared as trace values, not abi::Values, so that NaN equals NaN.
  trace::Json again = rr::encode_value(v, type);
  if (rr::encode_value(rr::decode_value(again, type, "again"), type) != again) std::abort();
  if (!rr::compare_value(again, v, type, "value").empty()) std::abort();
  (void)rr::compare_value(j, v, type, "value");  // may differ (e.g. 1.0 vs 1), must not crash
  return 0;
}
