// The trace model: a header, events in call order, and an end record, each
// one element of a stream. Elements are JSON values (nlohmann::ordered_json,
// keys kept in the order written) so that the JSON and CBOR codecs carry the
// same data model and `convert` is lossless. See docs/trace-format.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/result.h"

namespace wasmrr::trace {

using Json = nlohmann::ordered_json;

constexpr const char* kFormatName = "wasm-rr-trace";
constexpr int kFormatVersion = 1;

enum class Format : uint8_t { Json, Cbor };
// How the encoded elements are stored: as they are, or compressed with
// Zstandard (trace/zstd.h). A separate property: readers recognise it from
// the first bytes, and the elements are the same either way.
enum class Compression : uint8_t { None, Zstd };

// What a writer writes: an encoding, possibly compressed.
struct TraceFormat {
  Format format = Format::Json;
  Compression compression = Compression::None;
  bool operator==(const TraceFormat&) const = default;
};

std::string_view format_name(Format f);
std::string trace_format_name(TraceFormat f);  // "json", "cbor", "json.zst", "cbor.zst"
// From a file name's extension (.json, .cbor, .json.zst, .cbor.zst); an error for anything else.
Result<TraceFormat> format_from_path(const std::string& path);
Result<TraceFormat> format_from_name(const std::string& name);  // as trace_format_name() spells it

struct Preopen {
  std::string host;
  std::string guest;
  bool read_only = false;
};

// The world a recording ran in when it was not the real one (record --seed,
// --faults, --fault-plan): enough to run it again live (shrink).
struct World {
  std::optional<uint64_t> seed;
  std::string faults;              // the --faults selection, if any
  std::vector<std::string> flags;  // the run's world options (--env, --dir, ...), as flags
};

// A recording of one call of an export other than wasi:cli/run (serve
// --record: one incoming HTTP request): which export, its arguments (the
// request's handles), and a summary of the request for people.
struct ExportCall {
  std::string instance;  // e.g. "wasi:http/incoming-handler@0.2.0"
  std::string func;      // e.g. "handle"
  Json args = Json::array();
  Json request;          // {"method": "GET", "path": "/x?y"}, or null
};

struct Header {
  std::string wasm_rr_version;
  std::string component_name;
  std::string component_sha256;
  uint64_t component_size = 0;
  std::vector<std::string> args;       // the guest's argv, argv[0] included
  std::vector<std::string> env_names;  // names only: values are in the events
  std::vector<Preopen> preopens;
  std::vector<std::string> redacted;   // names whose values were kept out (record --redact)
  std::string start_time;              // RFC 3339, UTC
  // The guest's limits (record --max-memory, --max-handles): replay applies
  // the same, so the guest meets them at the same points.
  std::optional<uint64_t> max_memory;   // bytes
  std::optional<uint64_t> max_handles;
  // Results whose bytes the guest had before are references {"$same": hex}
  // to them, within this many bytes of byte lists seen (rr/seen_bytes.h);
  // unset: the trace holds none.
  std::optional<uint64_t> dedup_window;
  std::optional<World> world;
  std::optional<ExportCall> export_call;  // absent: the run is wasi:cli/run
};

// One host call: function name exactly as imported, then the arguments and
// results as WIT values encoded by rr/value_codec.
struct Event {
  std::string fn;
  Json args = Json::array();
  Json results = Json::array();
  // A host call that did not return: it ended the run (wasi:cli/exit) or
  // trapped. Replay ends the run the same way at this call.
  std::optional<int> exit = std::nullopt;
  std::optional<std::string> trap = std::nullopt;
};

// How the run ended. Exit and Trap are the guest's own ends, which a replay
// reproduces by running the guest; Signal and Timeout are stops from outside
// (Ctrl-C, kill, --timeout) after `events` events, where a replay stops too.
struct End {
  enum class Kind : uint8_t { Exit, Trap, Signal, Timeout };
  Kind kind = Kind::Exit;
  int status = 0;                       // Exit
  std::string message;                  // Trap
  std::vector<std::string> backtrace;   // Trap
  int signal = 0;                       // Signal: its number, e.g. 2
  std::string signal_name;              // Signal: e.g. "SIGINT"
  uint64_t timeout_ms = 0;              // Timeout: the limit that was reached
  uint64_t events = 0;                  // Signal, Timeout: events recorded before the stop
  Json faults;                          // the faults injected (rr/faults.h), an array; null: none asked for
  Json response;                        // serve --record: the response the client got; null: none
  bool is_stop() const { return kind == Kind::Signal || kind == Kind::Timeout; }
};
// "exit status 0", "trap: unreachable", "interrupted by SIGINT after 3 events", ...
std::string describe(const End& e);
// A request trace's request line, "GET /hello?x=1", or "(not said)".
std::string request_line(const ExportCall& call);
// An end's response, "200 (27 bytes of body)", "500 (20 bytes of body, answered
// by wasm-rr)", "200 (5 bytes of body, then the connection was cut)"; "" if
// the end has none.
std::string describe_response(const Json& response);

Json to_json(const Header& h);
Json to_json(const Event& e);
Json to_json(const End& e);

// What one element of a trace is, and the element decoded. Error messages
// name the field; the caller adds which element it was.
struct Element {
  enum class Kind : uint8_t { Header, Event, End };
  Kind kind = Kind::Event;
  Header header;
  Event event;
  End end;
};
Result<Element> decode_element(Json j);

}  // namespace wasmrr::trace
