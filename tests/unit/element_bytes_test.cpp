// trace/element_bytes.h against the writer's real output: what the replayer
// learns from an element's bytes must hold for every element the writer
// frames, in both formats.
#include <gtest/gtest.h>

#include "trace/element_bytes.h"
#include "trace/json_bytes.h"

namespace wasmrr::trace {
namespace {

// An element exactly as written to a trace of `format`.
std::string written(const Json& element, Format format) {
  Json j = element;
  if (format == Format::Cbor) {
    std::string out;
    Json::to_cbor(j, out);
    return out;
  }
  bytes_to_text_model(j);
  return j.dump(-1, ' ', false, Json::error_handler_t::strict);
}

class ElementBytes : public ::testing::TestWithParam<Format> {};

TEST_P(ElementBytes, TellsEndRecordsFromEvents) {
  Format f = GetParam();
  EXPECT_TRUE(starts_end_record(written(Json{{"end", "exit"}, {"status", 0}}, f), f));
  Json event = Json::object();
  event["fn"] = "end";  // a function named like the key fools nothing
  event["args"] = Json::array();
  event["results"] = Json::array();
  EXPECT_FALSE(starts_end_record(written(event, f), f));
  EXPECT_FALSE(starts_end_record("", f));
}

TEST_P(ElementBytes, ParsesAnElementAndTheValueAfterItsLastKey) {
  Format f = GetParam();
  Json event = Json::object();
  event["fn"] = "read";
  event["args"] = Json::array({7});
  event["results"] = Json::array({Json::binary({0x00, 0xff, 'x'})});
  std::string bytes = written(event, f);

  Parsed whole = parse_element(bytes, f);
  ASSERT_EQ(whole.status, Parsed::Status::Ok) << whole.error;
  EXPECT_EQ(whole.value, event);  // byte strings come back as binary in JSON too

  // What follows the last key (results), as the replayer's fast path sees it.
  std::string key = further_key(f, "results");
  size_t at = bytes.find(key);
  ASSERT_NE(at, std::string::npos);
  Parsed last = parse_last_value(std::string_view(bytes).substr(at + key.size()), f);
  ASSERT_EQ(last.status, Parsed::Status::Ok) << last.error;
  EXPECT_EQ(last.value, event["results"]);

  // Cut before the element's end: never a value.
  EXPECT_NE(parse_last_value(std::string_view(bytes).substr(at + key.size(), 3), f).status, Parsed::Status::Ok);
}

INSTANTIATE_TEST_SUITE_P(BothFormats, ElementBytes, ::testing::Values(Format::Json, Format::Cbor),
                         [](const auto& info) { return std::string(format_name(info.param)); });

}  // namespace
}  // namespace wasmrr::trace
