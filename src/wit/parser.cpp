#include "wit/parser.h"

#include <fmt/format.h>

#include "wit/lexer.h"

namespace wasmrr::wit {

namespace {

struct ParseError {
  std::string message;
};

TypeDef type_def(TypeDef::Kind kind, uint32_t line) {
  TypeDef d;
  d.kind = kind;
  d.line = line;
  return d;
}

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : t_(std::move(tokens)) {}

  Package package() {
    Package p;
    skip_gates();
    expect_keyword("package");
    p.name = id("package namespace");
    expect(':');
    p.name += ":" + id("package name");
    if (peek().is_punct('@')) {
      next();
      p.version = version();
    }
    expect(';');
    while (peek().kind != Token::Kind::End) {
      skip_gates();
      if (peek().is_keyword("interface")) {
        next();
        p.interfaces.push_back(interface());
      } else if (peek().is_keyword("world")) {
        next();
        id("world name");
        skip_block();
      } else if (peek().is_keyword("use")) {
        skip_to(';');
      } else {
        fail("`interface` or `world`");
      }
    }
    return p;
  }

 private:
  const Token& peek(size_t ahead = 0) const { return t_[std::min(pos_ + ahead, t_.size() - 1)]; }
  const Token& next() {
    const Token& t = peek();
    if (pos_ < t_.size() - 1) ++pos_;
    return t;
  }

  [[noreturn]] void fail(std::string_view expected) const {
    const Token& t = peek();
    std::string found = t.kind == Token::Kind::End ? "end of text" : fmt::format("`{}`", t.text);
    throw ParseError{fmt::format("{}:{}: expected {}, found {}", t.line, t.column, expected, found)};
  }

  void expect(char c) {
    if (!peek().is_punct(c)) fail(fmt::format("`{}`", c));
    next();
  }
  bool accept(char c) {
    if (!peek().is_punct(c)) return false;
    next();
    return true;
  }
  void expect_keyword(std::string_view kw) {
    if (!peek().is_keyword(kw)) fail(fmt::format("`{}`", kw));
    next();
  }
  std::string id(std::string_view what) {
    if (peek().kind != Token::Kind::Id) fail(what);
    return next().text;
  }

  // A semver version: identifiers joined by '.', up to a '.' that is not
  // followed by an identifier ("0.2.12.{" ends before ".{").
  std::string version() {
    std::string v = id("a version");
    while (peek().is_punct('.') && peek(1).kind == Token::Kind::Id) {
      next();
      v += "." + next().text;
    }
    if (peek().is_punct('+')) {  // build metadata: identifiers joined by '.'
      next();
      v += "+" + id("build metadata");
      while (peek().is_punct('.') && peek(1).kind == Token::Kind::Id) {
        next();
        v += "." + next().text;
      }
    }
    return v;
  }

  // @since(...), @unstable(feature = ...), @deprecated(...): kept items.
  void skip_gates() {
    while (peek().is_punct('@')) {
      next();
      id("a feature gate");
      if (peek().is_punct('(')) skip_balanced('(', ')');
    }
  }
  void skip_balanced(char open, char close) {
    expect(open);
    int depth = 1;
    while (depth > 0) {
      if (peek().kind == Token::Kind::End) fail(fmt::format("`{}`", close));
      const Token& t = next();
      if (t.is_punct(open)) ++depth;
      if (t.is_punct(close)) --depth;
    }
  }
  void skip_block() { skip_balanced('{', '}'); }
  void skip_to(char c) {
    while (!peek().is_punct(c)) {
      if (peek().kind == Token::Kind::End) fail(fmt::format("`{}`", c));
      next();
    }
    next();
  }

  Interface interface() {
    Interface iface;
    iface.name = id("interface name");
    expect('{');
    while (!accept('}')) {
      skip_gates();
      const Token& t = peek();
      if (t.is_keyword("use")) {
        next();
        iface.uses.push_back(use(t.line));
      } else if (t.is_keyword("type")) {
        next();
        TypeDef d = type_def(TypeDef::Kind::Alias, t.line);
        d.name = id("type name");
        expect('=');
        d.alias = type();
        expect(';');
        iface.types.push_back(std::move(d));
      } else if (t.is_keyword("record") || t.is_keyword("variant")) {
        bool record = t.is_keyword("record");
        next();
        TypeDef d = type_def(record ? TypeDef::Kind::Record : TypeDef::Kind::Variant, t.line);
        d.name = id("type name");
        d.members = members(record ? Members::Fields : Members::Cases);
        iface.types.push_back(std::move(d));
      } else if (t.is_keyword("enum") || t.is_keyword("flags")) {
        bool is_enum = t.is_keyword("enum");
        next();
        TypeDef d = type_def(is_enum ? TypeDef::Kind::Enum : TypeDef::Kind::Flags, t.line);
        d.name = id("type name");
        d.members = members(Members::Names);
        iface.types.push_back(std::move(d));
      } else if (t.is_keyword("resource")) {
        next();
        iface.types.push_back(resource(t.line));
      } else if (t.kind == Token::Kind::Id && peek(1).is_punct(':')) {
        Func f;
        f.line = t.line;
        f.name = next().text;
        next();
        func_signature(f);
        iface.funcs.push_back(std::move(f));
      } else {
        fail("an interface item");
      }
    }
    return iface;
  }

  Use use(uint32_t line) {
    Use u;
    u.line = line;
    std::string first = id("an interface name");
    if (accept(':')) {
      u.package = first + ":" + id("package name");
      expect('/');
      u.interface = id("interface name");
      if (accept('@')) u.package += "@" + version();
    } else {
      u.interface = first;
    }
    expect('.');
    expect('{');
    do {
      if (peek().is_punct('}')) break;
      Use::Name n;
      n.name = id("a type name");
      n.local = n.name;
      if (peek().is_keyword("as")) {
        next();
        n.local = id("a type name");
      }
      u.names.push_back(std::move(n));
    } while (accept(','));
    expect('}');
    expect(';');
    return u;
  }

  enum class Members { Fields, Cases, Names };
  std::vector<NamedType> members(Members what) {
    std::vector<NamedType> out;
    expect('{');
    while (!accept('}')) {
      skip_gates();
      NamedType m;
      m.name = id(what == Members::Fields ? "a field name" : what == Members::Cases ? "a case name" : "a name");
      if (what == Members::Fields) {
        expect(':');
        m.type = type();
      } else if (what == Members::Cases && accept('(')) {
        m.type = type();
        expect(')');
      }
      out.push_back(std::move(m));
      if (!accept(',')) {
        expect('}');
        break;
      }
    }
    return out;
  }

  TypeDef resource(uint32_t line) {
    TypeDef d = type_def(TypeDef::Kind::Resource, line);
    d.name = id("resource name");
    if (accept(';')) return d;
    expect('{');
    while (!accept('}')) {
      skip_gates();
      Func f;
      f.line = peek().line;
      if (peek().is_keyword("constructor")) {
        next();
        f.kind = FuncKind::Constructor;
        f.params = params();
        expect(';');
      } else {
        f.name = id("a method name");
        expect(':');
        if (peek().is_keyword("static")) {
          next();
          f.kind = FuncKind::Static;
        } else {
          f.kind = FuncKind::Method;
        }
        func_signature(f);
      }
      d.methods.push_back(std::move(f));
    }
    return d;
  }

  // "func(params) -> result;" or "async func(...) ...;" after the name, ':'
  // and any `static` (WIT.md: 'static'? 'async'? 'func').
  void func_signature(Func& f) {
    if (peek().is_keyword("async")) {
      next();
      f.async_ = true;
    }
    if (!peek().is_keyword("func")) fail(f.async_ ? "`func`" : "`func` or `async func`");
    next();
    f.params = params();
    if (peek().kind == Token::Kind::Arrow) {
      next();
      if (peek().is_punct('(')) fail("a single result type (named results are not supported)");
      f.result = type();
    }
    expect(';');
  }

  std::vector<NamedType> params() {
    std::vector<NamedType> out;
    expect('(');
    while (!accept(')')) {
      NamedType p;
      p.name = id("a parameter name");
      expect(':');
      p.type = type();
      out.push_back(std::move(p));
      if (!accept(',')) {
        expect(')');
        break;
      }
    }
    return out;
  }

  std::optional<TypeExpr> type_or_absent() {
    if (peek().is_keyword("_")) {
      next();
      return std::nullopt;
    }
    return type();
  }

  // Types nest by recursion (here, in resolution and in TypeExpr's
  // destructor); a bound keeps a hostile text from exhausting the stack.
  static constexpr int kMaxTypeDepth = 100;

  struct DepthGuard {
    int& depth;
    ~DepthGuard() { --depth; }
  };

  TypeExpr type() {
    const Token& t = peek();
    if (t.kind != Token::Kind::Id) fail("a type");
    if (type_depth_ >= kMaxTypeDepth) fail(fmt::format("a type nested at most {} deep", kMaxTypeDepth));
    ++type_depth_;
    DepthGuard guard{type_depth_};
    TypeExpr e;
    e.line = t.line;
    std::string name = next().text;
    bool generic = !t.escaped && peek().is_punct('<');
    using K = TypeExpr::Kind;
    if (!t.escaped && name == "result" && !generic) {
      e.kind = K::Result;
      return e;
    }
    if (!t.escaped && (name == "stream" || name == "future")) return stream_or_future(std::move(e), name, generic);
    if (!generic) {
      e.kind = K::Name;
      e.name = std::move(name);
      return e;
    }
    if (name == "own" || name == "borrow") {
      e.kind = name == "own" ? K::Own : K::Borrow;
      expect('<');
      e.name = id("a resource name");
      expect('>');
      return e;
    }
    if (name == "list") e.kind = K::List;
    else if (name == "option") e.kind = K::Option;
    else if (name == "result") e.kind = K::Result;
    else if (name == "tuple") e.kind = K::Tuple;
    else fail("a type (no generic type of this name)");
    expect('<');
    do {
      e.args.push_back(e.kind == K::Result ? type_or_absent() : std::optional<TypeExpr>(type()));
    } while (accept(','));
    expect('>');
    size_t n = e.args.size();
    if ((e.kind == K::List || e.kind == K::Option) && n != 1) fail("one type argument");
    if (e.kind == K::Result && n == 1) e.args.emplace_back();  // result<T>: no error type
    if (e.kind == K::Result && n > 2) fail("at most two type arguments of result");
    if (e.kind == K::Result && !e.args[0] && !e.args[1]) e.args.clear();
    return e;
  }

  // `stream<T>`, `future<T>`, or bare `stream`, `future` (no payload: a
  // stream carries only counts of elements, a future only its completion).
  TypeExpr stream_or_future(TypeExpr e, std::string_view name, bool generic) {
    e.kind = name == "stream" ? TypeExpr::Kind::Stream : TypeExpr::Kind::Future;
    if (!generic) return e;
    expect('<');
    e.args.emplace_back(type());
    expect('>');
    return e;
  }

  std::vector<Token> t_;
  size_t pos_ = 0;
  int type_depth_ = 0;  // of the type() calls under way
};

}  // namespace

Result<Package> parse_package(std::string_view text) {
  auto tokens = lex(text);
  if (!tokens) return tokens.error();
  try {
    return Parser(std::move(*tokens)).package();
  } catch (const ParseError& e) {
    return make_error(e.message);
  }
}

}  // namespace wasmrr::wit
