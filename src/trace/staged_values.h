// A JSON trace's events as the recorder's thread hands them to the writer:
// not their text but the calls that would write it — a ValueSink's calls
// (trace/value_sink.h) and the literal text between them, one after another
// in a string. The writer's flusher thread replays them into a JsonTextSink
// (render_staged), so the text is the sink's own, byte for byte, and the
// guest's thread neither escapes strings, writes digits nor base64-encodes
// bytes: it copies them. This is trace/scalar_event.h's way for every other
// event; it takes away about half of what recording small reads and writes
// cost more in JSON than in CBOR.
#pragma once

#include <string>
#include <string_view>

#include "trace/value_sink.h"

namespace wasmrr::trace {

class StagedSink final : public ByteSink {
 public:
  explicit StagedSink(std::string& out) : out_(&out) {}
  // A JsonTextSink starts afresh where it is retargeted: so does its replay.
  void retarget(std::string& out) override;
  void null() override;
  void boolean(bool b) override;
  void uint(uint64_t n) override;
  void sint(int64_t n) override;
  void float_(double d) override;
  void text(std::string_view s) override;
  void bytes(std::string_view b) override;
  void begin_array(size_t n) override;
  void end_array() override;
  void begin_map(size_t n) override;
  void key(std::string_view k) override;
  void end_map() override;

 private:
  std::string* out_;
};

// Appends literal JSON text (a key and its punctuation, an event's end) to
// staged calls.
void append_literal(std::string& staged, std::string_view text);

// Appends the JSON text of `staged` to `out`.
void render_staged(std::string_view staged, std::string& out);

}  // namespace wasmrr::trace
