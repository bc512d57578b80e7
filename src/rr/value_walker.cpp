#include "rr/value_walker.h"

#include "abi/unicode.h"
#include "trace/sha256.h"

namespace wasmrr::rr {

using abi::Kind;

namespace {

void write_bytes(trace::ValueSink& sink, std::string_view b, const ByteLists& lists) {
  if (b.size() <= kDigestThreshold || (!lists.digest && !lists.seen)) return sink.bytes(b);
  std::string digest = trace::sha256_hex(b);
  if (lists.digests) lists.digests->push_back(digest);
  bool seen_before = lists.seen && lists.seen->see(b, digest);
  if (lists.digest) {
    sink.begin_map(2);
    sink.key("$len");
    sink.uint(b.size());
    sink.key("$sha256");
    sink.digest(digest);
    return sink.end_map();
  }
  if (!seen_before) return sink.bytes(b);
  sink.begin_map(1);
  sink.key("$same");
  sink.digest(digest);
  sink.end_map();
}

// {"name": payload}: a variant case with a payload, a result, a nested some.
void write_single_key(trace::ValueSink& sink, std::string_view name, const abi::Value* payload, const abi::Type* type,
                      const ByteLists& lists) {
  sink.begin_map(1);
  sink.key(name);
  if (payload && type) write_value(sink, *payload, *type, lists);
  else sink.null();
  sink.end_map();
}

}  // namespace

void write_value(trace::ValueSink& sink, const abi::Value& v, const abi::Type& t, const ByteLists& lists) {
  switch (t.kind) {
    case Kind::Bool: return sink.boolean(v.num != 0);
    case Kind::S8: case Kind::S16: case Kind::S32: case Kind::S64: return sink.sint(static_cast<int64_t>(v.num));
    case Kind::U8: case Kind::U16: case Kind::U32: case Kind::U64: return sink.uint(v.num);
    case Kind::F32: case Kind::F64: return sink.float_(v.f64);
    case Kind::Char: {
      std::string s;
      abi::unicode::append_utf8(s, static_cast<uint32_t>(v.num));
      return sink.text(s);
    }
    case Kind::String: return sink.text(v.str);
    case Kind::List: {
      if (t.is_byte_list()) {
        std::string scratch;
        return write_bytes(sink, byte_list_view(v, scratch), lists);
      }
      sink.begin_array(v.items.size());
      for (const auto& item : v.items) write_value(sink, item, *t.elem, lists);
      return sink.end_array();
    }
    case Kind::Record:
      sink.begin_map(t.fields.size());
      for (size_t i = 0; i < t.fields.size(); i++) {
        sink.key(t.fields[i].name);
        write_value(sink, v.items.at(i), *t.fields[i].type, lists);
      }
      return sink.end_map();
    case Kind::Tuple:
      sink.begin_array(t.fields.size());
      for (size_t i = 0; i < t.fields.size(); i++) write_value(sink, v.items.at(i), *t.fields[i].type, lists);
      return sink.end_array();
    case Kind::Variant: {
      const abi::Case& c = t.cases.at(v.case_index());
      if (!c.type) return sink.text(c.name);
      return write_single_key(sink, c.name, &v.payload(), c.type.get(), lists);
    }
    case Kind::Enum: return sink.text(t.labels.at(v.case_index()));
    case Kind::Option:
      if (!v.is_some()) return sink.null();
      if (t.elem->kind != Kind::Option) return write_value(sink, v.payload(), *t.elem, lists);
      return write_single_key(sink, "some", &v.payload(), t.elem.get(), lists);
    case Kind::Result: {
      const abi::Case& c = t.cases.at(v.case_index());
      return write_single_key(sink, c.name, c.type ? &v.payload() : nullptr, c.type.get(), lists);
    }
    case Kind::Flags: {
      size_t n = 0;
      for (size_t i = 0; i < t.labels.size() && i < v.items.size(); i++) n += v.items[i].num != 0;
      sink.begin_array(n);
      for (size_t i = 0; i < t.labels.size() && i < v.items.size(); i++)
        if (v.items[i].num) sink.text(t.labels[i]);
      return sink.end_array();
    }
    case Kind::Own: case Kind::Borrow: case Kind::Stream: case Kind::Future: case Kind::ErrorContext:
      sink.begin_map(1);
      sink.key("handle");
      sink.uint(v.num);
      return sink.end_map();
  }
}

void write_values(trace::ValueSink& sink, const std::vector<abi::Param>& types, std::span<const abi::Value> values,
                  const ByteLists& lists) {
  size_t n = std::min(types.size(), values.size());
  sink.begin_array(n);
  for (size_t i = 0; i < n; i++) write_value(sink, values[i], *types[i].type, lists);
  sink.end_array();
}

std::string_view byte_list_view(const abi::Value& v, std::string& scratch) {
  if (v.bytes) return v.str;
  scratch.clear();
  scratch.reserve(v.items.size());
  for (const auto& item : v.items) scratch += static_cast<char>(item.num);
  return scratch;
}

}  // namespace wasmrr::rr
