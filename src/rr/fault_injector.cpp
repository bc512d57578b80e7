#include "rr/fault_injector.h"

#include <algorithm>

#include <fmt/format.h>

#include "rr/value_codec.h"
#include "util/trap.h"

namespace wasmrr::rr {
namespace {

using abi::Kind;
using abi::Type;
using abi::Value;

// A value of type `t` that holds no resource (zeros, empty, none, the first
// case that can be built); nullopt if there is none.
std::optional<Value> plain_value(const Type& t) {
  switch (t.kind) {
    case Kind::Bool: return Value::boolean(false);
    case Kind::S8: case Kind::U8: case Kind::S16: case Kind::U16: case Kind::S32: case Kind::U32:
    case Kind::S64: case Kind::U64: {
      Value v = Value::u64(0);
      v.kind = t.kind;
      return v;
    }
    case Kind::F32: return Value::f32(0);
    case Kind::F64: return Value::f64_(0);
    case Kind::Char: return Value::char_(U'?');
    case Kind::String: return Value::string("");
    case Kind::List:
      if (t.fixed_len) return std::nullopt;
      return t.is_byte_list() ? Value::byte_list("") : Value::list({});
    case Kind::Record:
    case Kind::Tuple: {
      std::vector<Value> fields;
      for (const auto& f : t.fields) {
        auto v = plain_value(*f.type);
        if (!v) return std::nullopt;
        fields.push_back(std::move(*v));
      }
      return t.kind == Kind::Record ? Value::record(std::move(fields)) : Value::tuple(std::move(fields));
    }
    case Kind::Variant:
      for (uint32_t i = 0; i < t.cases.size(); i++) {
        if (!t.cases[i].type) return Value::variant(i);
        if (auto p = plain_value(*t.cases[i].type)) return Value::variant(i, std::move(*p));
      }
      return std::nullopt;
    case Kind::Enum: return t.labels.empty() ? std::nullopt : std::optional(Value::enum_(0));
    case Kind::Option: return Value::none();
    case Kind::Result:
      if (!t.cases[0].type) return Value::ok();
      if (auto p = plain_value(*t.cases[0].type)) return Value::ok(std::move(*p));
      return std::nullopt;
    case Kind::Flags: return Value::flags(std::vector<bool>(t.labels.size(), false));
    case Kind::Own:
    case Kind::Borrow:
    case Kind::Stream:
    case Kind::Future:
    case Kind::ErrorContext: return std::nullopt;
  }
  return std::nullopt;
}

// The errors a call may be answered with: every enum label, every variant
// case that can be built, else one plain value.
std::vector<Value> error_values(const Type& e) {
  std::vector<Value> out;
  if (e.kind == Kind::Enum) {
    for (uint32_t i = 0; i < e.labels.size(); i++) out.push_back(Value::enum_(i));
  } else if (e.kind == Kind::Variant) {
    for (uint32_t i = 0; i < e.cases.size(); i++) {
      if (!e.cases[i].type) out.push_back(Value::variant(i));
      else if (auto p = plain_value(*e.cases[i].type)) out.push_back(Value::variant(i, std::move(*p)));
    }
  } else if (auto v = plain_value(e)) {
    out.push_back(std::move(*v));
  }
  return out;
}

bool holds_byte_list(const Type* t) {
  if (!t) return false;
  if (t->is_byte_list()) return true;
  if (t->kind != Kind::Tuple && t->kind != Kind::Record) return false;
  for (const auto& f : t->fields)
    if (f.type->is_byte_list()) return true;
  return false;
}

const Type* single_result(const abi::FuncType& f) { return f.results.size() == 1 ? f.results[0].type.get() : nullptr; }

// A length below `asked`, spread evenly over its orders of magnitude: a
// reader of a small file is cut short as often as a reader of a large one.
uint64_t shorter_length(uint64_t asked, std::mt19937_64& rng) {
  uint64_t below = asked - 1;  // >= 1
  int bits = 64 - __builtin_clzll(below);
  uint64_t top = std::min(below, uint64_t{1} << (rng() % static_cast<uint64_t>(bits)));
  return 1 + rng() % top;
}

std::string unversioned(std::string_view interface, std::string_view func) {
  auto name = runtime::parse_interface_name(interface);
  return fmt::format("{}#{}", name ? name->unversioned() : std::string(interface), func);
}

}  // namespace

// What faults a function's type allows, worked out once.
struct FaultInjector::Site {
  std::string fn;
  abi::FuncTypePtr type;
  uint64_t calls = 0;
  const Type* error = nullptr;       // err: E (nullptr with err_unit)
  bool err_allowed = false;
  bool err_unit = false;             // result<T> without E: err carries nothing
  std::vector<Value> errors;         // err: the values of E it may take
  std::optional<size_t> length_arg;  // short: the u64 parameter
  bool poll_shaped = false;          // later
  bool watched = false;              // its calls are counted by site (see call())

  Site(std::string name, abi::FuncTypePtr t) : fn(std::move(name)), type(std::move(t)) {
    if (!type) return;
    const Type* r = single_result(*type);
    bool takes_own = false;
    for (const auto& p : type->params) takes_own = takes_own || p.type->kind == Kind::Own;
    if (r && r->kind == Kind::Result && !takes_own) {
      error = r->cases[1].type.get();
      err_unit = !error;
      if (error) errors = error_values(*error);
      err_allowed = err_unit || !errors.empty();
    }
    if (r && r->kind == Kind::Result && holds_byte_list(r->cases[0].type.get())) {
      for (size_t i = 0; i < type->params.size() && !length_arg; i++)
        if (type->params[i].type->kind == Kind::U64) length_arg = i;
    }
    poll_shaped = type->params.size() == 1 && type->params[0].type->kind == Kind::List &&
                  type->params[0].type->elem->kind == Kind::Borrow && r && r->kind == Kind::List &&
                  r->elem->kind == Kind::U32;
  }
};

FaultInjector::FaultInjector(uint64_t seed, FaultSpec spec) : spec_(std::move(spec)), rng_(seed ^ 0xfa17'0000'0000'0000ull) {}

FaultInjector::FaultInjector(FaultPlan plan) {
  for (auto& f : plan) {
    planned_fns_[f.fn] = true;
    Key key{f.fn, f.site, f.occurrence};
    planned_.emplace(std::move(key), std::move(f));
  }
}

// FNV-1a over the frames: a short, stable name for a call site.
static std::string site_digest(const std::vector<std::string>& frames) {
  if (frames.empty()) return "";
  uint64_t h = 0xcbf29ce484222325ull;
  for (const auto& frame : frames) {
    for (unsigned char c : frame) h = (h ^ c) * 0x100000001b3ull;
    h = (h ^ 0xff) * 0x100000001b3ull;
  }
  return fmt::format("{:016x}", h);
}

// Asked only for calls that may get a fault: a backtrace is not free.
const FaultInjector::Call::Where& FaultInjector::where(Call& c) {
  if (!c.where) {
    Call::Where w;
    w.site = backtrace_ ? site_digest(backtrace_()) : std::string();
    w.in_all = calls_at_[{c.site->fn, ""}]++;
    w.at_site = w.site.empty() ? w.in_all : calls_at_[{c.site->fn, w.site}]++;
    c.where = std::move(w);
  }
  return *c.where;
}

FaultInjector::~FaultInjector() = default;

void FaultInjector::decorate(runtime::HostRegistry& registry) {
  registry.wrap_all([this](std::string_view interface, std::string_view func, const abi::FuncTypePtr& type,
                           runtime::HostFunc original) -> runtime::HostFunc {
    sites_.push_back(std::make_unique<Site>(unversioned(interface, func), type));
    Site* site = sites_.back().get();
    site->watched = spec_ ? std::any_of(spec_->rules.begin(), spec_->rules.end(),
                                        [&](const FaultRule& r) { return r.matches(site->fn) && typed_for(r.kind, *site); })
                          : planned_fns_.contains(site->fn);
    return [this, site, host = std::move(original)](runtime::Values& args) { return call(*site, host, args); };
  });
}

bool FaultInjector::typed_for(std::string_view kind, const Site& site) {
  if (kind == "err") return site.err_allowed;
  if (kind == "short") return site.length_arg.has_value();
  if (kind == "later") return site.poll_shaped;
  return false;  // a world fault: asked for by the host (world_fault)
}

bool FaultInjector::chance(double rate) { return static_cast<double>(rng_() >> 11) * 0x1.0p-53 < rate; }

const FaultRule* FaultInjector::rule_for(std::string_view kind, const Site& site) const {
  for (const auto& rule : spec_->rules)
    if (rule.kind == kind && rule.matches(site.fn)) return &rule;
  return nullptr;
}

const Json* FaultInjector::decide(std::string_view kind, const std::function<bool()>& applies, const Draw& draw) {
  Call& c = *current_;
  Json detail;
  if (spec_) {
    const FaultRule* rule = rule_for(kind, *c.site);
    if (!rule || !applies()) return nullptr;
    (void)where(c);
    if (!chance(rule->rate)) return nullptr;
    detail = draw(rng_);
  } else {
    if (!planned_fns_.contains(c.site->fn) || !applies()) return nullptr;
    const Call::Where& w = where(c);
    // A fault planned without a site (written by hand) counts calls from anywhere.
    auto it = planned_.find({c.site->fn, w.site, w.at_site});
    if (it == planned_.end()) it = planned_.find({c.site->fn, "", w.in_all});
    if (it == planned_.end() || it->second.kind != kind) return nullptr;
    detail = it->second.detail;
  }
  const Call::Where& w = where(c);
  std::lock_guard lock(mutex_);
  injected_.push_back({c.event, c.site->fn, w.site, w.at_site, std::string(kind), std::move(detail)});
  return &injected_.back().detail;  // read on this thread only; a push_back happens on this thread only
}

FaultPlan FaultInjector::injected() const {
  std::lock_guard lock(mutex_);
  return injected_;
}

std::optional<Json> FaultInjector::world_fault(std::string_view kind, const Draw& draw) {
  if (!current_) return std::nullopt;
  const Json* d = decide(kind, [] { return true; }, draw);
  if (!d) return std::nullopt;
  return *d;
}

runtime::Values FaultInjector::call(Site& site, const runtime::HostFunc& host, runtime::Values& args) {
  current_ = Call{next_event_++, &site, std::nullopt};
  struct Reset {
    std::optional<Call>& c;
    ~Reset() { c.reset(); }
  } reset{current_};
  // A plan must meet the calls as the run that made it counted them: every
  // call of a function that may get a fault by its type counts at its site,
  // whether it gets one or not. (World faults count in decide(): the host
  // asks on every call that may have one.)
  if (site.watched) (void)where(*current_);
  auto planned_error = [&](const Json& d) -> Value {
    if (site.err_unit) return Value::err();
    try {
      return Value::err(decode_value(d.at("value"), *site.error, "value"));
    } catch (const std::exception& e) {
      throw Abort(fmt::format("fault plan: the error for {} does not fit its type: {}", site.fn, e.what()));
    }
  };
  if (const Json* d = decide("err", [&] { return site.err_allowed; }, [&](std::mt19937_64& rng) {
        if (site.err_unit) return Json{{"value", nullptr}};
        return Json{{"value", encode_value(site.errors[rng() % site.errors.size()], *site.error)}};
      })) {
    runtime::Values out;
    out.push_back(planned_error(*d));
    return out;
  }
  uint64_t asked = site.length_arg && args[*site.length_arg].kind == Kind::U64 ? args[*site.length_arg].num : 0;
  if (const Json* d = decide("short", [&] { return asked >= 2; }, [&](std::mt19937_64& rng) {
        return Json{{"asked", asked}, {"len", shorter_length(asked, rng)}};
      })) {
    const Json& len = d->contains("len") ? (*d)["len"] : Json();
    if (len.is_number_unsigned() && len.get<uint64_t>() < asked) args[*site.length_arg].num = len.get<uint64_t>();
  }
  runtime::Values results = host(args);
  if (site.poll_shaped && results.size() == 1) {
    std::vector<Value>& ready = results[0].items;
    auto keep = [&](uint64_t index) {
      for (const Value& v : ready)
        if (v.num == index) return true;
      return false;
    };
    if (const Json* d = decide("later", [&] { return ready.size() >= 2; }, [&](std::mt19937_64& rng) {
          Json of = Json::array();
          for (const Value& v : ready) of.push_back(v.num);
          return Json{{"ready", ready[rng() % ready.size()].num}, {"of", of}};
        })) {
      const Json& r = d->contains("ready") ? (*d)["ready"] : Json();
      if (r.is_number_unsigned() && keep(r.get<uint64_t>())) ready = {Value::u32(r.get<uint32_t>())};
    }
  }
  return results;
}

}  // namespace wasmrr::rr
