// The host's side of streams and futures, as calls through the interposer
// (tasks.h, kHostStreamsInterface): the real host answers them in run and
// record, the trace in a replay.
#include <map>

#include <fmt/format.h>

#include "runtime/tasks.h"

namespace wasmrr::runtime {

namespace {

using abi::Value;

class InterposedHostPeer final : public abi::HostPeer {
 public:
  explicit InterposedHostPeer(RuntimeState& rt) : rt_(rt) {}

  void take(uint32_t id, const Value& data, const abi::TypePtr& elem) override {
    Values args{Value::u32(id), payload_out(data, elem)};
    call("take", elem, {{"stream", u32()}, {"data", payload_type(elem)}}, {}, args);
  }

  std::optional<Value> give(uint32_t id, uint32_t max, bool wait, const abi::TypePtr& elem) override {
    Values args{Value::u32(id), Value::u32(max), Value::boolean(wait)};
    Values r = call("give", elem, {{"stream", u32()}, {"max", u32()}, {"wait", abi::Type::primitive(abi::Kind::Bool)}},
                    {{"", abi::Type::option(payload_type(elem))}}, args);
    return optional_payload(r, elem, "give");
  }

  std::optional<Value> resolve(uint32_t id, const abi::TypePtr& elem) override {
    Values args{Value::u32(id)};
    Values r = call("resolve", elem, {{"future", u32()}}, {{"", abi::Type::option(payload_type(elem))}}, args);
    return optional_payload(r, elem, "resolve");
  }

  void accept(uint32_t id, const Value& value, const abi::TypePtr& elem) override {
    Values args{Value::u32(id), payload_out(value, elem)};
    call("accept", elem, {{"future", u32()}, {"value", payload_type(elem)}}, {}, args);
  }

  void dropped(uint32_t id, bool readable_end) override {
    Values args{Value::u32(id), Value::boolean(readable_end)};
    call("dropped", {}, {{"handle", u32()}, {"readable-end", abi::Type::primitive(abi::Kind::Bool)}}, {}, args);
  }

 private:
  static abi::TypePtr u32() { return abi::Type::primitive(abi::Kind::U32); }

  // list<T>, or a u32 count without payload.
  static abi::TypePtr payload_type(const abi::TypePtr& elem) {
    if (!elem) return u32();
    return abi::Type::list(elem);
  }
  static Value payload_out(const Value& list, const abi::TypePtr& elem) {
    return elem ? list : Value::u32(static_cast<uint32_t>(abi::list_length(list)));
  }
  static std::optional<Value> optional_payload(Values& r, const abi::TypePtr& elem, std::string_view op) {
    if (r.size() != 1 || r[0].kind != abi::Kind::Option)
      throw Trap(fmt::format("{}#{}: the host's answer is not an option", kHostStreamsInterface, op));
    if (!r[0].is_some()) return std::nullopt;
    Value v = r[0].payload();
    if (elem) return v;
    return Value::list(std::vector<Value>(v.as_u32(), Value::tuple({})));
  }

  // give(stream, max, wait) answers at most `max` elements, and a waiting
  // give does not answer "nothing yet" (an empty list) when it asked for some.
  static std::string give_rule(const Values& args, const Values& results) {
    if (args.size() != 3 || results.size() != 1 || !results[0].is_some() || !results[0].has_payload()) return "";
    const Value& given = results[0].payload();
    const size_t n = given.kind == abi::Kind::U32 ? given.as_u32() : abi::list_length(given);
    const uint32_t max = args[1].as_u32();
    if (n > max) return fmt::format("{} elements given for a read of at most {}", n, max);
    if (n == 0 && max > 0 && args[2].as_bool())
      return "no elements given to a read that waits for them (only a read that does not wait may get none)";
    return "";
  }

  // The bound function of `op` for payload `elem`, made at its first use.
  const ImportedFunc& func(const std::string& op, const abi::TypePtr& elem, std::vector<abi::Param> params,
                           std::vector<abi::Param> results) {
    const std::string key = op + "/" + (elem ? abi::to_string(*elem) : "");
    auto it = funcs_.find(key);
    if (it != funcs_.end()) return it->second;
    ImportedFunc f;
    f.name = fmt::format("{}#{}", kHostStreamsInterface, op);
    auto type = std::make_shared<abi::FuncType>();
    type->params = std::move(params);
    type->results = std::move(results);
    f.type = std::move(type);
    f.impl = rt_.host.find(kHostStreamsInterface, op);
    if (op == "give") f.answer_rule = give_rule;
    return funcs_.emplace(key, std::move(f)).first->second;
  }

  Values call(const std::string& op, const abi::TypePtr& elem, std::vector<abi::Param> params,
              std::vector<abi::Param> results, Values& args) {
    const ImportedFunc& f = func(op, elem, std::move(params), std::move(results));
    if (!f.impl && rt_.require_host_impl)
      throw Trap(fmt::format("the host has no {}: it cannot take part in streams and futures", f.name));
    return rt_.interposer.call(f, args);
  }

  RuntimeState& rt_;
  std::map<std::string, ImportedFunc> funcs_;
};

}  // namespace

std::unique_ptr<abi::HostPeer> make_host_peer(RuntimeState& rt) { return std::make_unique<InterposedHostPeer>(rt); }

}  // namespace wasmrr::runtime
