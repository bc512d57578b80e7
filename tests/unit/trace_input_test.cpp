// Reading traces from pipes, and bad traces at a bounded cost (issue 10).
#include <gtest/gtest.h>

#include "temp_files.h"
#include "trace_reading.h"
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "abi/type.h"
#include "abi/value.h"
#include "rr/value_codec.h"
#include "trace/json_bytes.h"
#include "trace/parse.h"
#include "trace/reader.h"
#include "trace/writer.h"

namespace wasmrr {
namespace {

using test::slurp;
using test::spit;
using test::temp_path;
using test::ReadResult;
using test::read_all;
using test::read_all_as_text;

using abi::Kind;
using abi::Type;
using trace::Json;

std::string write_temp(const std::string& name, const std::string& bytes) {
  std::string path = test::temp_path(name);
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

Json header() { return trace::to_json(test::test_header()); }

std::vector<Json> sample() {
  trace::Event e1;
  e1.fn = "wasi:random/random@0.2.12#get-random-u64";
  e1.results = Json::array({UINT64_MAX});
  trace::Event e2;
  e2.fn = "wasi:io/streams@0.2.12#[method]input-stream.read";
  e2.args = Json::array({Json{{"handle", 1}}, 4096});
  e2.results = Json::array({Json{{"ok", Json::binary({0, 1, 2, 255})}}});
  trace::End end;
  return {header(), trace::to_json(e1), trace::to_json(e2), trace::to_json(end)};
}

std::string encoded(trace::Format f, const std::vector<Json>& elements) {
  std::string path = test::temp_path("encoded." + std::string(trace::format_name(f)));
  auto w = trace::TraceWriter::create(path, f);
  EXPECT_TRUE(w.ok());
  for (const auto& e : elements) (*w)->write(e);
  EXPECT_TRUE((*w)->close().ok());
  return slurp(path);
}

std::string pretty(const std::vector<Json>& elements) {
  Json doc = Json::array();
  for (auto e : elements) {
    trace::bytes_to_text_model(e);
    doc.push_back(e);
  }
  return doc.dump(2) + "\n";
}

// A FIFO fed by a thread: a real non-seekable input.
class Fifo {
 public:
  Fifo(const std::string& name, std::string bytes) : path_(test::temp_path(name)) {
    std::filesystem::remove(path_);
    EXPECT_EQ(mkfifo(path_.c_str(), 0600), 0);
    writer_ = std::thread([this, bytes = std::move(bytes)] {
      std::ofstream out(path_, std::ios::binary);
      out << bytes;
    });
  }
  ~Fifo() {
    writer_.join();
    std::filesystem::remove(path_);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::thread writer_;
};

TEST(TraceInput, EveryLayoutReadsFromAFifo) {
  auto elements = sample();
  std::vector<std::pair<std::string, std::string>> layouts = {
      {"json", encoded(trace::Format::Json, elements)},
      {"cbor", encoded(trace::Format::Cbor, elements)},
      {"pretty", pretty(elements)},
      {"one-line", pretty(elements).substr(0, 0) + [&] {
         Json doc = Json::array();
         for (auto e : elements) {
           trace::bytes_to_text_model(e);
           doc.push_back(e);
         }
         return doc.dump();
       }()},
  };
  for (const auto& [name, bytes] : layouts) {
    for (bool as_text : {false, true}) {
      Fifo fifo("layout-" + name + ".fifo", bytes);
      ReadResult got = as_text ? read_all_as_text(fifo.path()) : read_all(fifo.path());
      EXPECT_EQ(got.error, "") << name;
      EXPECT_EQ(got.elements, elements) << name;
      EXPECT_FALSE(got.truncated) << name;
    }
  }
}

TEST(TraceInput, BigElementsAcrossTheBufferFromAFifo) {
  // Elements larger than the read buffer, and many small ones, through a FIFO.
  std::vector<Json> elements{header()};
  for (int i = 0; i < 3000; i++) {
    trace::Event e;
    e.fn = "f";
    e.results = Json::array({Json::binary(Json::binary_t::container_type(i % 100 == 0 ? 700000 : 10, uint8_t(i)))});
    elements.push_back(trace::to_json(e));
  }
  elements.push_back(trace::to_json(trace::End{}));
  for (auto f : {trace::Format::Json, trace::Format::Cbor}) {
    Fifo fifo("big.fifo", encoded(f, elements));
    ReadResult got = read_all_as_text(fifo.path());
    EXPECT_EQ(got.error, "");
    EXPECT_TRUE(got.elements == elements) << trace::format_name(f);
  }
}

TEST(TraceInput, TruncatedFromAFifo) {
  auto elements = sample();
  for (auto f : {trace::Format::Json, trace::Format::Cbor}) {
    std::string full = encoded(f, elements);
    Fifo fifo("cut.fifo", full.substr(0, full.size() - 5));
    ReadResult got = read_all(fifo.path());
    EXPECT_EQ(got.error, "");
    EXPECT_TRUE(got.truncated);
    EXPECT_EQ(got.elements.size(), elements.size() - 1);
  }
  // Cut inside a string of the last line: truncated, not an error.
  std::string full = encoded(trace::Format::Json, elements);
  std::string cut = full.substr(0, full.rfind("\"exit\"") + 3);
  ReadResult got = read_all(write_temp("cut-in-string.json", cut));
  EXPECT_EQ(got.error, "");
  EXPECT_TRUE(got.truncated);
  // A pretty-printed trace cut anywhere reads up to its last whole element.
  std::string p = pretty(elements);
  got = read_all(write_temp("cut-pretty.json", p.substr(0, p.size() - 20)));
  EXPECT_EQ(got.error, "");
  EXPECT_TRUE(got.truncated);
  EXPECT_EQ(got.elements.size(), elements.size() - 1);
}

// A recording killed right after an element: the replayer must learn at once
// that the trace ends there (next_text: available and end), not when the
// guest calls again, which a computing guest may never do.
TEST(TraceInput, CutAfterAWholeLineEndsAtOnce) {
  auto elements = sample();
  std::string full = encoded(trace::Format::Json, elements);
  std::string cut = full.substr(0, full.rfind(",\n"));  // up to the last event, without its `,`
  Fifo fifo("cut-line.fifo", cut);
  auto r = trace::TraceReader::open(fifo.path());
  ASSERT_TRUE(r.ok());
  for (size_t i = 0; i + 1 < elements.size(); i++) {
    auto t = (*r)->next_text();
    ASSERT_TRUE(t.ok() && t->available && !t->end) << i;
  }
  auto t = (*r)->next_text();
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(t->available);
  EXPECT_TRUE(t->end);
  EXPECT_TRUE((*r)->truncated());
}

TEST(TraceInput, TextAfterTheClosingBracketNamesTheLine) {
  auto elements = sample();
  std::string lines = encoded(trace::Format::Json, elements);  // 4 lines, the last ending in "]\n"
  ASSERT_EQ(std::count(lines.begin(), lines.end(), '\n'), 4);
  std::string p = pretty(elements);
  struct Case { std::string name, bytes; std::string line; };
  std::vector<Case> cases = {
      {"next line", lines + "x\n", "line 5"},
      {"after blank lines", lines + "\n\n{}", "line 7"},
      {"same line", lines.substr(0, lines.size() - 1) + " []", "line 4"},
      {"pretty", p + "  1\n", "line " + std::to_string(std::count(p.begin(), p.end(), '\n') + 1)},
  };
  for (const auto& c : cases) {
    for (bool as_text : {false, true}) {
      std::string path = write_temp("trailing.json", c.bytes);
      ReadResult got = as_text ? read_all_as_text(path) : read_all(path);
      EXPECT_NE(got.error.find(c.line), std::string::npos) << c.name << ": " << got.error;
      EXPECT_EQ(got.elements.size(), elements.size()) << c.name;  // every element before it was read
    }
  }
  EXPECT_EQ(read_all(write_temp("spaces.json", lines + "\n \r\n\t\n")).error, "");
}

TEST(TraceInput, SeparatorsAreChecked) {
  std::string h = header().dump();
  EXPECT_NE(read_all(write_temp("comma.json", "[" + h + ",\n]\n")).error.find("line 2"), std::string::npos);
  EXPECT_NE(read_all(write_temp("missing.json", "[" + h + "\n" + h + "]\n")).error.find("expected `,` or `]`"),
            std::string::npos);
  EXPECT_EQ(read_all(write_temp("empty-array.json", "[]\n")).error, "");
  EXPECT_EQ(read_all(write_temp("leading-blank.json", "\n\n[" + h + "]\n")).elements.size(), 1u);
}

// A string literal with its NUL bytes.
template <size_t N>
std::string bin(const char (&s)[N]) {
  return std::string(s, N - 1);
}

std::string cbor_of(const std::vector<Json>& elements) {
  std::string out;
  for (const auto& e : elements) {
    auto bytes = Json::to_cbor(e);
    out.append(bytes.begin(), bytes.end());
  }
  return out;
}

TEST(TraceInput, CborIntegersBelowInt64AreRefusedNotWrapped) {
  std::string h = cbor_of({header()});
  // {"end": "exit", "status": -2^64}: nlohmann alone reads it as 0.
  std::string end = bin("\xa2\x63" "end" "\x64" "exit" "\x66" "status" "\x3b\xff\xff\xff\xff\xff\xff\xff\xff");
  ReadResult got = read_all(write_temp("neg.cbor", h + end));
  EXPECT_NE(got.error.find("out of range"), std::string::npos) << got.error;
  // -2^63 itself is fine.
  std::string min = bin("\xa2\x63" "end" "\x64" "exit" "\x66" "status" "\x3b\x7f\xff\xff\xff\xff\xff\xff\xff");
  got = read_all(write_temp("min.cbor", h + min));
  ASSERT_EQ(got.error, "");
  EXPECT_EQ(got.elements.back()["status"].get<int64_t>(), INT64_MIN);
}

TEST(TraceInput, CborIndefiniteLengthsAndHugeDeclaredLengths) {
  std::string h = cbor_of({header()});
  // {_ "end": "exit", "status": 0} with an indefinite-length map and text.
  std::string indefinite = bin("\xbf\x63" "end" "\x7f\x62" "ex" "\x62" "it" "\xff\x66" "status" "\x00\xff");
  ReadResult got = read_all_as_text(write_temp("indef.cbor", h + indefinite));
  ASSERT_EQ(got.error, "");
  EXPECT_EQ(got.elements.back(), (Json{{"end", "exit"}, {"status", 0}}));
  // A byte string declaring 2^40 bytes: an error at once, nothing allocated for it.
  got = read_all(write_temp("huge-bytes.cbor", h + bin("\xa1\x61" "a" "\x5b\x00\x00\x01\x00\x00\x00\x00\x00")));
  EXPECT_NE(got.error.find("invalid CBOR"), std::string::npos) << got.error;
  // Declared within the limit but cut short: a truncated trace.
  got = read_all(write_temp("cut-bytes.cbor", h + bin("\xa1\x61" "a" "\x5a\x00\x10\x00\x00" "abc")));
  EXPECT_EQ(got.error, "");
  EXPECT_TRUE(got.truncated);
  // A break where no indefinite item is open.
  got = read_all(write_temp("break.cbor", h + "\xa1\x61" "a" "\xff"));
  EXPECT_NE(got.error.find("break"), std::string::npos) << got.error;
}

TEST(TraceInput, AmplifyingElementsAreRefusedWithinTheBudget) {
  std::string h = header().dump();
  // 3 MB of `[]` would take ~100 MB parsed.
  std::string arrays = "{\"fn\":\"f\",\"args\":[],\"results\":[[";
  for (int i = 0; i < 1000000; i++) arrays += "[],";
  arrays += "[]]]}";
  ReadResult got = read_all(write_temp("arrays.json", "[" + h + ",\n" + arrays + "]\n"));
  EXPECT_NE(got.error.find("too large once parsed"), std::string::npos) << got.error;
  EXPECT_NE(got.error.find("line 2"), std::string::npos) << got.error;
  // The same in CBOR.
  std::string cbor = cbor_of({header()}) + bin("\xa1\x61" "a" "\x9a\x00\x10\x00\x00") + std::string(1 << 20, '\x80');
  got = read_all(write_temp("arrays.cbor", cbor));
  EXPECT_NE(got.error.find("too large once parsed"), std::string::npos) << got.error;
  // Pretty-printed: the budget grows as the element is read.
  got = read_all(write_temp("arrays-pretty.json", "[\n" + h + ",\n{\n" + arrays.substr(1) + "]\n"));
  EXPECT_NE(got.error.find("too large once parsed"), std::string::npos) << got.error;
  // Too many keys in one object (quadratic in ordered_json).
  std::string keys = "{";
  for (size_t i = 0; i <= trace::kMaxObjectKeys; i++) keys += "\"k" + std::to_string(i) + "\":0,";
  keys.back() = '}';
  EXPECT_NE(trace::parse_json_text(keys).error.find("keys"), std::string::npos);
}

TEST(TraceInput, ALarge16MiBByteStringIsFine) {
  trace::Event e;
  e.fn = "wasi:io/streams@0.2.12#[method]input-stream.blocking-read";
  e.args = Json::array({Json{{"handle", 3}}, 16 << 20});
  e.results = Json::array({Json{{"ok", Json::binary(Json::binary_t::container_type(16 << 20, 0x5a))}}});
  std::vector<Json> elements{header(), trace::to_json(e), trace::to_json(trace::End{})};
  for (auto f : {trace::Format::Json, trace::Format::Cbor}) {
    Fifo fifo("large.fifo", encoded(f, elements));
    ReadResult got = read_all_as_text(fifo.path());
    EXPECT_EQ(got.error, "") << trace::format_name(f);
    EXPECT_TRUE(got.elements == elements) << trace::format_name(f);
  }
}

TEST(TraceInput, ObserverSeesEveryElementOnce) {
  auto elements = sample();
  struct Collect : trace::ElementObserver {
    std::vector<Json> seen;
    void element(const Json& j) override { seen.push_back(j); }
  };
  for (const std::string& bytes : {encoded(trace::Format::Json, elements), encoded(trace::Format::Cbor, elements), pretty(elements)}) {
    // Alternate next() and next_text()+parse_text(), as the replayer does.
    auto r = trace::TraceReader::open(write_temp("observed", bytes));
    ASSERT_TRUE(r.ok());
    Collect c;
    (*r)->set_observer(&c);
    for (int i = 0;; i++) {
      Result<std::optional<Json>> el = std::optional<Json>();
      if (i % 2) {
        el = (*r)->next();
      } else {
        auto t = (*r)->next_text();
        ASSERT_TRUE(t.ok());
        if (!t->available) el = (*r)->next();
        else if (!t->end) el = (*r)->parse_text(t->text);
      }
      ASSERT_TRUE(el.ok()) << el.error().message;
      if (!*el) break;
    }
    EXPECT_EQ(c.seen, elements);
  }
}

TEST(TraceInput, HeaderAndEndIntegersOutOfRange) {
  auto check = [](Json j, const char* what) {
    auto r = trace::decode_element(std::move(j));
    ASSERT_FALSE(r.ok()) << what;
    EXPECT_NE(r.error().message.find("out of range"), std::string::npos) << what << ": " << r.error().message;
  };
  Json h = header();
  h["component"]["size"] = -1;
  check(h, "size -1");
  h = header();
  h["version"] = UINT64_MAX;
  check(h, "version 2^64-1");
  check(Json{{"end", "exit"}, {"status", 256}}, "status 256");
  check(Json{{"end", "exit"}, {"status", -1}}, "status -1");
  check(Json{{"end", "exit"}, {"status", int64_t{1} << 32}}, "status 2^32");
  check(Json{{"fn", "f"}, {"args", Json::array()}, {"exit", int64_t{1} << 32}}, "exit 2^32");
  EXPECT_TRUE(trace::decode_element(Json{{"end", "exit"}, {"status", 255}}).ok());
}

TEST(TraceInput, RecordedArgumentsOutOfRangeAreRefused) {
  auto refused = [](const Json& recorded, const abi::Value& actual, const abi::TypePtr& t, const char* what) {
    try {
      std::string diff = rr::compare_value(recorded, actual, *t, "");
      ADD_FAILURE() << what << ": accepted, diff `" << diff << "`";
    } catch (const rr::DecodeError& e) {
      EXPECT_NE(std::string(e.what()).find("out of range"), std::string::npos) << what << ": " << e.what();
    }
  };
  refused(300, abi::Value::u8(44), Type::primitive(Kind::U8), "u8 300");  // 300 mod 256 = 44
  refused(-200, abi::Value::s8(56), Type::primitive(Kind::S8), "s8 -200");  // -200 mod 256 = 56
  refused(int64_t{1} << 40, abi::Value::u32(0), Type::primitive(Kind::U32), "u32 2^40");
  auto rt = std::make_shared<abi::ResourceType>();
  refused(Json{{"handle", (int64_t{1} << 32) + 2}}, abi::Value::borrow(2), Type::borrow(rt), "handle 2^32+2");
  auto rec = Type::record({{"a", Type::primitive(Kind::U16)}, {"b", Type::primitive(Kind::U8)}});
  refused(Json{{"a", 1}, {"b", 258}}, abi::Value::record({abi::Value::u16(1), abi::Value::u8(2)}), rec, "record field");
  // In range: compared as before.
  EXPECT_EQ(rr::compare_value(44, abi::Value::u8(44), *Type::primitive(Kind::U8), ""), "");
  EXPECT_NE(rr::compare_value(45, abi::Value::u8(44), *Type::primitive(Kind::U8), ""), "");
  // A digest with a malformed $len is a difference, not a crash.
  Json digest{{"$len", "x"}, {"$sha256", 5}};
  EXPECT_NE(rr::compare_value(digest, abi::Value::byte_list("abc"), *Type::list(Type::primitive(Kind::U8)), ""), "");
  // Results: f32 beyond its range.
  EXPECT_THROW(rr::decode_value(1e300, *Type::primitive(Kind::F32), "r"), rr::DecodeError);
  EXPECT_EQ(rr::decode_value(1.5, *Type::primitive(Kind::F32), "r").f64, 1.5);
}

}  // namespace
}  // namespace wasmrr
