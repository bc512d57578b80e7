// The one mapping from typed WIT values to trace values (docs/trace-format.md,
// "WIT values"), written once against trace::ValueSink: the recorder's
// encoder, the Json values of reports and redaction, and every format share it.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "abi/type.h"
#include "abi/value.h"
#include "rr/seen_bytes.h"
#include "trace/value_sink.h"

namespace wasmrr::rr {

// Byte arguments longer than this are stored as {"$len": n, "$sha256": hex}
// (when digests are asked for: arguments are only compared, never fed back).
constexpr size_t kDigestThreshold = 256;

// How byte lists (list<u8>) longer than kDigestThreshold are written.
struct ByteLists {
  bool digest = false;        // as {"$len": n, "$sha256": hex} (arguments)
  SeenBytes* seen = nullptr;  // each is seen (rr/seen_bytes.h); one not digested and seen before
                              // is written {"$same": hex} (results)
  std::vector<std::string>* digests = nullptr;  // each digest computed is appended, in order
};

// Writes `v` (of type `t`) to `sink`.
void write_value(trace::ValueSink& sink, const abi::Value& v, const abi::Type& t, const ByteLists& lists);
inline void write_value(trace::ValueSink& sink, const abi::Value& v, const abi::Type& t, bool digest_large_bytes) {
  write_value(sink, v, t, ByteLists{digest_large_bytes});
}
// Writes the array of `values` (typed by `types`): an event's args or results.
void write_values(trace::ValueSink& sink, const std::vector<abi::Param>& types, std::span<const abi::Value> values,
                  const ByteLists& lists);
inline void write_values(trace::ValueSink& sink, const std::vector<abi::Param>& types,
                         std::span<const abi::Value> values, bool digest_large_bytes) {
  write_values(sink, types, values, ByteLists{digest_large_bytes});
}

// The contents of a list<u8> value, which may hold its bytes in `str` (the
// usual case) or as items.
std::string_view byte_list_view(const abi::Value& v, std::string& scratch);

// Calls fn(bytes) for every byte list longer than kDigestThreshold in `v`
// (of type `t`), in the order write_value writes them. A template: the
// replayer walks every argument and result of calls that move bytes.
template <typename Fn>
void for_each_long_byte_list(const abi::Value& v, const abi::Type& t, Fn& fn) {
  using abi::Kind;
  switch (t.kind) {
    case Kind::List:
      if (t.is_byte_list()) {
        if ((v.bytes ? v.str.size() : v.items.size()) <= kDigestThreshold) return;
        std::string scratch;
        fn(byte_list_view(v, scratch));
        return;
      }
      for (const auto& item : v.items) for_each_long_byte_list(item, *t.elem, fn);
      return;
    case Kind::Record: case Kind::Tuple:
      for (size_t i = 0; i < t.fields.size() && i < v.items.size(); i++) for_each_long_byte_list(v.items[i], *t.fields[i].type, fn);
      return;
    case Kind::Variant: case Kind::Result: {
      const abi::Case& c = t.cases.at(v.case_index());
      if (c.type) for_each_long_byte_list(v.payload(), *c.type, fn);
      return;
    }
    case Kind::Option:
      if (v.is_some()) for_each_long_byte_list(v.payload(), *t.elem, fn);
      return;
    default: return;
  }
}

}  // namespace wasmrr::rr
