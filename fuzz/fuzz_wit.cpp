// libFuzzer target: the WIT reader (wit/parser.h, then wit/resolve.h) on
// arbitrary text, the way wasi/common/wit_signatures.cpp uses it.
// parse_package must either return a package or fail with a message that
// starts "<line>:<column>: " at a place inside the text; what it returns must
// be well formed (names where the grammar has names, the right number of
// type arguments, lines inside the text). resolve must then give every
// function a type or fail with a message, and to_string every function type,
// without crashing, hanging or tripping a sanitizer.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "abi/type.h"
#include "wit/parser.h"
#include "wit/resolve.h"

namespace {

namespace wit = wasmrr::wit;

void check(bool ok) {
  if (!ok) std::abort();
}

// "<line>:<column>: ..." with line in [1, lines] and column >= 1.
void check_position(std::string_view message, uint32_t lines) {
  size_t i = 0;
  auto number = [&]() {
    uint64_t n = 0;
    size_t start = i;
    while (i < message.size() && std::isdigit(static_cast<unsigned char>(message[i])) && i - start < 10) {
      n = n * 10 + static_cast<uint64_t>(message[i] - '0');
      ++i;
    }
    check(i > start);
    return n;
  };
  uint64_t line = number();
  check(i < message.size() && message[i] == ':');
  ++i;
  uint64_t column = number();
  check(message.substr(i, 2) == ": " && message.size() > i + 2);
  check(line >= 1 && line <= lines && column >= 1);
}

struct Checker {
  uint32_t lines;

  void line(uint32_t l) const { check(l >= 1 && l <= lines); }

  void type(const wit::TypeExpr& e) const {
    using K = wit::TypeExpr::Kind;
    line(e.line);
    switch (e.kind) {
      case K::Name:
      case K::Own:
      case K::Borrow:
        check(!e.name.empty() && e.args.empty());
        break;
      case K::List:
      case K::Option:
        check(e.args.size() == 1 && e.args[0].has_value());
        break;
      case K::Result:
        check(e.args.empty() || (e.args.size() == 2 && (e.args[0] || e.args[1])));
        break;
      case K::Tuple:
        check(!e.args.empty());
        for (const auto& a : e.args) check(a.has_value());
        break;
      case K::Stream:
      case K::Future:  // bare (no payload) or one type
        check(e.name.empty() && (e.args.empty() || (e.args.size() == 1 && e.args[0].has_value())));
        break;
    }
    for (const auto& a : e.args) {
      if (a) type(*a);
    }
  }

  void func(const wit::Func& f, bool in_resource) const {
    line(f.line);
    check(f.kind == wit::FuncKind::Constructor ? f.name.empty() && !f.result : !f.name.empty());
    check(in_resource || f.kind == wit::FuncKind::Plain);
    check(!(f.async_ && f.kind == wit::FuncKind::Constructor));  // WIT has no async constructor
    for (const wit::NamedType& p : f.params) {
      check(!p.name.empty() && p.type.has_value());
      type(*p.type);
    }
    if (f.result) type(*f.result);
  }

  void type_def(const wit::TypeDef& d) const {
    using K = wit::TypeDef::Kind;
    line(d.line);
    check(!d.name.empty());
    check(d.alias.has_value() == (d.kind == K::Alias));
    if (d.alias) type(*d.alias);
    check(d.kind == K::Resource || d.methods.empty());
    check(d.kind != K::Alias && d.kind != K::Resource ? true : d.members.empty());
    for (const wit::NamedType& m : d.members) {
      check(!m.name.empty());
      if (d.kind == K::Record) check(m.type.has_value());
      if (d.kind == K::Enum || d.kind == K::Flags) check(!m.type.has_value());
      if (m.type) type(*m.type);
    }
    for (const wit::Func& f : d.methods) func(f, true);
  }

  void package(const wit::Package& p) const {
    size_t colon = p.name.find(':');
    check(colon != std::string::npos && colon > 0 && colon + 1 < p.name.size());
    for (const wit::Interface& i : p.interfaces) {
      check(!i.name.empty());
      for (const wit::Use& u : i.uses) {
        line(u.line);
        check(!u.interface.empty());
        for (const wit::Use::Name& n : u.names) check(!n.name.empty() && !n.local.empty());
      }
      for (const wit::TypeDef& d : i.types) type_def(d);
      for (const wit::Func& f : i.funcs) func(f, false);
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  uint32_t lines = 1;
  for (char c : text) lines += c == '\n';

  auto p = wit::parse_package(text);
  if (!p) {
    // A rejected text must say where and why (the message reaches the developer).
    check_position(p.error().message, lines);
    return 0;
  }
  Checker{lines}.package(*p);

  std::vector<wit::Package> packages;
  packages.push_back(std::move(*p));
  auto s = wit::resolve(packages);
  if (!s) {
    check(!s.error().message.empty());
    return 0;
  }
  for (const auto& [interface, funcs] : s->interfaces()) {
    check(!interface.empty());
    for (const auto& [name, type] : funcs) {
      check(!name.empty() && type != nullptr);
      check(!wasmrr::abi::to_string(*type).empty());
      check(s->find(interface, name) == type);
    }
  }
  return 0;
}
