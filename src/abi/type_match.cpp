#include "abi/type_match.h"

#include <fmt/format.h>

namespace wasmrr::abi {

namespace {

std::string spell(const TypePtr& t) { return t ? to_string(*t) : "no type"; }

std::optional<std::string> opt_mismatch(const TypePtr& declared, const TypePtr& expected) {
  if (!declared && !expected) return std::nullopt;
  if (!declared || !expected) return fmt::format("{} where {} is expected", spell(declared), spell(expected));
  return type_mismatch(*declared, *expected);
}

std::optional<std::string> within(std::string context, std::optional<std::string> inner) {
  if (!inner) return std::nullopt;
  return context + ": " + *inner;
}

std::optional<std::string> labels_mismatch(std::string_view what, const std::vector<std::string>& declared,
                                           const std::vector<std::string>& expected) {
  for (size_t i = 0; i < declared.size() && i < expected.size(); ++i) {
    if (declared[i] != expected[i])
      return fmt::format("{} {} is `{}`, expected `{}`", what, i, declared[i], expected[i]);
  }
  if (declared.size() != expected.size())
    return fmt::format("{} {}s where {} are expected", declared.size(), what, expected.size());
  return std::nullopt;
}

}  // namespace

std::optional<std::string> type_mismatch(const Type& declared, const Type& expected) {
  auto whole = [&] { return fmt::format("{} where {} is expected", to_string(declared), to_string(expected)); };
  if (declared.kind != expected.kind) return whole();
  switch (declared.kind) {
    case Kind::List:
      if (declared.fixed_len != expected.fixed_len) return whole();
      return within("list element", opt_mismatch(declared.elem, expected.elem));
    case Kind::Option:
      return within("option", opt_mismatch(declared.elem, expected.elem));
    case Kind::Record:
    case Kind::Tuple: {
      const char* what = declared.kind == Kind::Record ? "field" : "element";
      if (declared.kind == Kind::Record) {
        std::vector<std::string> d, e;
        for (const Field& f : declared.fields) d.push_back(f.name);
        for (const Field& f : expected.fields) e.push_back(f.name);
        if (auto m = labels_mismatch("record field", d, e)) return m;
      } else if (declared.fields.size() != expected.fields.size()) {
        return whole();
      }
      for (size_t i = 0; i < declared.fields.size(); ++i) {
        std::string context = declared.kind == Kind::Record ? fmt::format("field `{}`", declared.fields[i].name)
                                                            : fmt::format("{} {}", what, i);
        if (auto m = within(context, opt_mismatch(declared.fields[i].type, expected.fields[i].type))) return m;
      }
      return std::nullopt;
    }
    case Kind::Variant:
    case Kind::Result: {
      if (declared.kind == Kind::Variant) {
        std::vector<std::string> d, e;
        for (const Case& c : declared.cases) d.push_back(c.name);
        for (const Case& c : expected.cases) e.push_back(c.name);
        if (auto m = labels_mismatch("variant case", d, e)) return m;
      }
      for (size_t i = 0; i < declared.cases.size() && i < expected.cases.size(); ++i) {
        std::string context = declared.kind == Kind::Variant ? fmt::format("case `{}`", declared.cases[i].name)
                                                             : (i == 0 ? "result ok" : "result error");
        if (auto m = within(context, opt_mismatch(declared.cases[i].type, expected.cases[i].type))) return m;
      }
      return std::nullopt;
    }
    case Kind::Enum: return labels_mismatch("enum case", declared.labels, expected.labels);
    case Kind::Flags: return labels_mismatch("flag", declared.labels, expected.labels);
    case Kind::Own:
    case Kind::Borrow: {
      std::string d = declared.resource ? declared.resource->name : "";
      std::string e = expected.resource ? expected.resource->name : "";
      if (d != e) return whole();
      return std::nullopt;
    }
    case Kind::Stream:
    case Kind::Future: return within(fmt::format("{} payload", kind_name(declared.kind)), opt_mismatch(declared.elem, expected.elem));
    default: return std::nullopt;  // primitives: the kind is the type
  }
}

std::optional<std::string> func_type_mismatch(const FuncType& declared, const FuncType& expected) {
  auto list = [](const std::vector<Param>& ps, std::string_view what) {
    return fmt::format("{} {}{}", ps.size(), what, ps.size() == 1 ? "" : "s");
  };
  if (declared.async_ != expected.async_)
    return fmt::format("{} function where {} function is expected", declared.async_ ? "an async" : "a sync",
                       expected.async_ ? "an async" : "a sync");
  if (declared.params.size() != expected.params.size())
    return fmt::format("{} where {} are expected", list(declared.params, "parameter"), expected.params.size());
  if (declared.results.size() != expected.results.size())
    return fmt::format("{} where {} are expected", list(declared.results, "result"), expected.results.size());
  for (size_t i = 0; i < declared.params.size(); ++i) {
    const std::string& name = expected.params[i].name;
    std::string context = name.empty() ? fmt::format("parameter {}", i) : fmt::format("parameter `{}`", name);
    if (auto m = within(context, opt_mismatch(declared.params[i].type, expected.params[i].type))) return m;
  }
  for (size_t i = 0; i < declared.results.size(); ++i) {
    if (auto m = within("result", opt_mismatch(declared.results[i].type, expected.results[i].type))) return m;
  }
  return std::nullopt;
}

}  // namespace wasmrr::abi
