// `print EXPR`, gdb's C subset:
//   literals     42  0x2a  052  42u  42UL  'a'  '\n'
//   names        variables in scope, then globals ("x", "ns::g", "crate::STATIC"), then enumerators
//   unary        - ! ~ * &
//   binary       * / %  + -  << >>  < <= > >=  == !=  &  ^  |  &&  ||   (C precedence)
//   postfix      a[i]  s.f  p->f   (`.` on a pointer dereferences it, as gdb does)
// Integers are computed in 64 bits and then cut to the result type (C's
// usual conversions, simplified: int at least, the wider operand's type,
// unsigned on a tie); pointers move by their pointee's size, and a pointer
// difference counts elements. Nesting and tree depth are capped, so no
// input can exhaust the stack.
#include "debuginfo/expression.h"

#include <cctype>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>

#include <fmt/format.h>

namespace wasmrr::debuginfo {

namespace {

constexpr int kMaxNesting = 200;     // parentheses and unary operators inside each other
constexpr int kMaxTreeDepth = 256;   // operators chained ("1+1+...+1")
constexpr size_t kMaxExpression = 64 * 1024;

// --- Lexer ---------------------------------------------------------------

struct Token {
  enum class Kind { Number, Char, Name, Punct, End };
  Kind kind = Kind::End;
  std::string text;
  size_t pos = 0;
  uint64_t number = 0;
  bool is_unsigned = false;
  bool is_long = false;
};

const char* const kPunctuators[] = {"<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "->", "+", "-", "*", "/", "%", "<",
                                    ">", "&", "^", "|", "!", "~", "(", ")", "[", "]", "."};

class Lexer {
 public:
  explicit Lexer(std::string_view s) : s_(s) {}

  Result<std::vector<Token>> run() {
    std::vector<Token> out;
    while (true) {
      while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) i_++;
      if (i_ >= s_.size()) break;
      auto t = next();
      if (!t) return t.error();
      out.push_back(std::move(*t));
    }
    Token end;
    end.pos = s_.size();
    out.push_back(end);
    return out;
  }

 private:
  Result<Token> next() {
    char c = s_[i_];
    if (std::isdigit(static_cast<unsigned char>(c))) return number();
    if (c == '\'') return character();
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '$') return name();
    for (const char* p : kPunctuators) {
      std::string_view op(p);
      if (s_.substr(i_).starts_with(op)) {
        Token t{Token::Kind::Punct, std::string(op), i_};
        i_ += op.size();
        return t;
      }
    }
    return syntax_error(i_);
  }

  Result<Token> syntax_error(size_t at) const { return make_error(fmt::format("syntax error at `{}`", s_.substr(at, 20))); }

  Result<Token> number() {
    Token t{Token::Kind::Number, "", i_};
    unsigned base = 10;
    if (s_[i_] == '0' && i_ + 1 < s_.size() && (s_[i_ + 1] == 'x' || s_[i_ + 1] == 'X')) {
      base = 16;
      i_ += 2;
    } else if (s_[i_] == '0') {
      base = 8;
    }
    size_t digits = 0;
    for (; i_ < s_.size(); i_++, digits++) {
      int d = digit(s_[i_]);
      if (d < 0 || static_cast<unsigned>(d) >= base) break;
      if (t.number > (UINT64_MAX - static_cast<unsigned>(d)) / base) return make_error(fmt::format("integer literal too large: `{}`", s_.substr(t.pos, 30)));
      t.number = t.number * base + static_cast<unsigned>(d);
    }
    if (base == 16 && digits == 0) return syntax_error(t.pos);
    for (; i_ < s_.size(); i_++) {
      char c = static_cast<char>(std::tolower(static_cast<unsigned char>(s_[i_])));
      if (c == 'u') t.is_unsigned = true;
      else if (c == 'l') t.is_long = true;
      else break;
    }
    if (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_' || s_[i_] == '.')) return syntax_error(t.pos);
    t.text = std::string(s_.substr(t.pos, i_ - t.pos));
    return t;
  }

  static int digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  Result<Token> character() {
    Token t{Token::Kind::Char, "", i_};
    size_t j = i_ + 1;
    if (j >= s_.size()) return syntax_error(i_);
    if (s_[j] == '\\') {
      j++;
      if (j >= s_.size()) return syntax_error(i_);
      char e = s_[j++];
      switch (e) {
        case 'n': t.number = '\n'; break;
        case 't': t.number = '\t'; break;
        case 'r': t.number = '\r'; break;
        case 'a': t.number = '\a'; break;
        case 'b': t.number = '\b'; break;
        case 'f': t.number = '\f'; break;
        case 'v': t.number = '\v'; break;
        case 'e': t.number = 033; break;
        case 'x': {
          size_t start = j;
          while (j < s_.size() && digit(s_[j]) >= 0 && j - start < 2) t.number = t.number * 16 + static_cast<unsigned>(digit(s_[j++]));
          if (j == start) return syntax_error(i_);
          break;
        }
        default:
          if (e >= '0' && e <= '7') {
            t.number = static_cast<unsigned>(e - '0');
            for (int k = 0; k < 2 && j < s_.size() && s_[j] >= '0' && s_[j] <= '7'; k++) t.number = t.number * 8 + static_cast<unsigned>(s_[j++] - '0');
          } else {
            t.number = static_cast<unsigned char>(e);  // \\ \' \" \?
          }
      }
    } else {
      t.number = static_cast<unsigned char>(s_[j++]);
    }
    if (j >= s_.size() || s_[j] != '\'') return syntax_error(i_);
    i_ = j + 1;
    t.text = std::string(s_.substr(t.pos, i_ - t.pos));
    return t;
  }

  Result<Token> name() {
    Token t{Token::Kind::Name, "", i_};
    // Qualified names ("ns::f", "crate::module::STATIC") are one name.
    while (true) {
      while (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_' || s_[i_] == '$')) i_++;
      bool more = s_.substr(i_).starts_with("::") && i_ + 2 < s_.size() &&
                  (std::isalpha(static_cast<unsigned char>(s_[i_ + 2])) || s_[i_ + 2] == '_');
      if (!more) break;
      i_ += 2;
    }
    t.text = std::string(s_.substr(t.pos, i_ - t.pos));
    return t;
  }

  std::string_view s_;
  size_t i_ = 0;
};

// --- Parser --------------------------------------------------------------

struct Node {
  enum class Kind { Number, Char, Name, Unary, Binary, Index, Member, Arrow };
  Kind kind;
  std::string op;    // operator, or the member's name
  std::string text;  // the source text of this node
  Token token;       // Number, Char, Name
  std::unique_ptr<Node> a, b;
  int depth = 1;
};
using NodePtr = std::unique_ptr<Node>;

int precedence(const std::string& op) {
  static const std::pair<const char*, int> table[] = {{"||", 1}, {"&&", 2}, {"|", 3}, {"^", 4}, {"&", 5}, {"==", 6}, {"!=", 6},
                                                      {"<", 7},  {"<=", 7}, {">", 7}, {">=", 7}, {"<<", 8}, {">>", 8}, {"+", 9},
                                                      {"-", 9},  {"*", 10}, {"/", 10}, {"%", 10}};
  for (const auto& [name, p] : table) {
    if (op == name) return p;
  }
  return 0;
}

class Parser {
 public:
  Parser(std::string_view source, std::vector<Token> tokens) : source_(source), tokens_(std::move(tokens)) {}

  Result<NodePtr> run() {
    auto e = expression(1);
    if (!e) return e.error();
    if (peek().kind != Token::Kind::End) return syntax_error();
    return std::move(*e);
  }

 private:
  const Token& peek() const { return tokens_[pos_]; }
  bool at_punct(std::string_view p) const { return peek().kind == Token::Kind::Punct && peek().text == p; }
  Error syntax_error() const {
    if (peek().kind == Token::Kind::End) return make_error("syntax error at the end of the expression");
    return make_error(fmt::format("syntax error at `{}`", source_.substr(peek().pos, 20)));
  }
  size_t end_of_previous() const { return pos_ == 0 ? 0 : tokens_[pos_ - 1].pos + tokens_[pos_ - 1].text.size(); }

  Result<NodePtr> make(Node::Kind kind, std::string op, size_t start, NodePtr a, NodePtr b) {
    auto n = std::make_unique<Node>();
    n->kind = kind;
    n->op = std::move(op);
    n->text = std::string(source_.substr(start, end_of_previous() - start));
    n->depth = 1 + std::max(a ? a->depth : 0, b ? b->depth : 0);
    if (n->depth > kMaxTreeDepth) return make_error("expression too complex");
    n->a = std::move(a);
    n->b = std::move(b);
    return n;
  }

  Result<NodePtr> expression(int min_precedence) {
    size_t start = peek().pos;
    auto left = unary();
    if (!left) return left.error();
    NodePtr l = std::move(*left);
    while (peek().kind == Token::Kind::Punct) {
      std::string op = peek().text;
      int p = precedence(op);
      if (p == 0 || p < min_precedence) break;
      pos_++;
      auto right = expression(p + 1);
      if (!right) return right.error();
      auto n = make(Node::Kind::Binary, op, start, std::move(l), std::move(*right));
      if (!n) return n.error();
      l = std::move(*n);
    }
    return l;
  }

  // Guards the recursion of nested parentheses and unary operators.
  struct Nest {
    explicit Nest(int& n) : n_(n) { n_++; }
    ~Nest() { n_--; }
    int& n_;
  };

  Result<NodePtr> unary() {
    Nest nest(nesting_);
    if (nesting_ > kMaxNesting) return make_error("expression nested too deeply");
    size_t start = peek().pos;
    for (const char* op : {"-", "!", "~", "*", "&"}) {
      if (!at_punct(op)) continue;
      pos_++;
      auto operand = unary();
      if (!operand) return operand.error();
      return make(Node::Kind::Unary, op, start, std::move(*operand), nullptr);
    }
    if (at_punct("+")) {  // unary plus: the operand itself
      pos_++;
      return unary();
    }
    return postfix();
  }

  Result<NodePtr> postfix() {
    size_t start = peek().pos;
    auto base = primary();
    if (!base) return base.error();
    NodePtr b = std::move(*base);
    while (true) {
      if (at_punct("[")) {
        pos_++;
        auto index = expression(1);
        if (!index) return index.error();
        if (!at_punct("]")) return syntax_error();
        pos_++;
        auto n = make(Node::Kind::Index, "[]", start, std::move(b), std::move(*index));
        if (!n) return n.error();
        b = std::move(*n);
      } else if (at_punct(".") || at_punct("->")) {
        Node::Kind kind = at_punct(".") ? Node::Kind::Member : Node::Kind::Arrow;
        pos_++;
        if (peek().kind != Token::Kind::Name && peek().kind != Token::Kind::Number) return syntax_error();
        std::string member = peek().text;  // Rust tuple fields are numbers: "t.0"
        pos_++;
        auto n = make(kind, member, start, std::move(b), nullptr);
        if (!n) return n.error();
        b = std::move(*n);
      } else {
        return b;
      }
    }
  }

  Result<NodePtr> primary() {
    size_t start = peek().pos;
    const Token& t = peek();
    if (t.kind == Token::Kind::Number || t.kind == Token::Kind::Char || t.kind == Token::Kind::Name) {
      Token copy = t;
      pos_++;
      Node::Kind kind = t.kind == Token::Kind::Number ? Node::Kind::Number : t.kind == Token::Kind::Char ? Node::Kind::Char : Node::Kind::Name;
      auto n = make(kind, "", start, nullptr, nullptr);
      if (n) (*n)->token = std::move(copy);
      return n;
    }
    if (at_punct("(")) {
      Nest nest(nesting_);
      if (nesting_ > kMaxNesting) return make_error("expression nested too deeply");
      pos_++;
      auto inner = expression(1);
      if (!inner) return inner.error();
      if (!at_punct(")")) return syntax_error();
      pos_++;
      return std::move(*inner);
    }
    return syntax_error();
  }

  std::string_view source_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int nesting_ = 0;
};

// --- Evaluation ----------------------------------------------------------

// An operand of arithmetic: an integer (raw bits, sign-extended when its
// type is signed), a float, or a pointer (its address).
struct Scalar {
  enum class Kind { Int, Float, Pointer };
  Kind kind = Kind::Int;
  uint64_t bits = 0;
  double f = 0;
  TypeRef type;
};

class Evaluator {
 public:
  Evaluator(Context& ctx, const NameLookup& lookup) : ctx_(ctx), lookup_(lookup) {}

  Result<Value> eval(const Node& n) {
    switch (n.kind) {
      case Node::Kind::Number: return number(n.token);
      case Node::Kind::Char: return character(n.token);
      case Node::Kind::Name: return name(n);
      case Node::Kind::Unary: return unary(n);
      case Node::Kind::Binary: return binary(n);
      case Node::Kind::Index: return index(n);
      case Node::Kind::Member:
      case Node::Kind::Arrow: return member(n);
    }
    return make_error("unsupported expression");
  }

 private:
  bool rust() const { return ctx_.language == Language::Rust; }

  TypeRef int_type(uint64_t size, bool is_signed) const {
    if (rust()) return made_up_int(size, is_signed, fmt::format("{}{}", is_signed ? 'i' : 'u', size * 8), Language::Rust);
    std::string name = size == 8 ? "long long" : "int";
    return made_up_int(size, is_signed, is_signed ? name : "unsigned " + name, ctx_.language);
  }
  TypeRef truth_type() const { return rust() ? made_up_bool(ctx_.language) : int_type(4, true); }
  TypeRef double_type() const {
    auto t = std::make_shared<Type>();
    t->kind = TypeKind::Float;
    t->size = 8;
    t->is_signed = true;
    t->name = rust() ? "f64" : "double";
    t->language = ctx_.language;
    return t;
  }

  Result<Value> number(const Token& t) {
    uint64_t v = t.number;
    bool fits_int = v <= static_cast<uint64_t>(INT32_MAX);
    bool fits_uint = v <= UINT32_MAX;
    if (!t.is_unsigned && !t.is_long && fits_int) return bytes_value(int_type(4, true), v);
    if (t.is_unsigned && !t.is_long && fits_uint) return bytes_value(int_type(4, false), v);
    if (!t.is_unsigned && v <= static_cast<uint64_t>(INT64_MAX)) return bytes_value(int_type(8, true), v);
    return bytes_value(int_type(8, false), v);
  }

  Result<Value> character(const Token& t) {
    auto type = std::make_shared<Type>();
    type->kind = TypeKind::Char;
    type->name = "char";
    type->language = ctx_.language;
    if (rust()) {
      type->size = 4;
      type->is_utf = true;
    } else {
      type->size = 1;
      type->is_signed = true;
    }
    return bytes_value(type, t.number);
  }

  Result<Value> name(const Node& n) {
    if (auto v = lookup_(n.token.text)) return *v;
    return make_error(fmt::format("no symbol `{}` in the current context", n.token.text));
  }

  Result<Scalar> scalar(const Value& v, const std::string& text) {
    Scalar s;
    s.type = v.type;
    const Type& t = *v.type;
    if (t.kind == TypeKind::Reference) {
      auto target = dereference(ctx_, v, text);
      if (!target) return target.error();
      return scalar(*target, text);
    }
    if (t.kind == TypeKind::Array) {
      // An array is its first element's address (C's decay).
      if (v.where != Value::Where::Memory) return make_error(fmt::format("`{}` is not in memory", text));
      TypeRef element = target_type(t, ctx_.address_size);
      s.kind = Scalar::Kind::Pointer;
      s.bits = v.address;
      s.type = element ? pointer_to(element, ctx_.language, ctx_.address_size) : v.type;
      return s;
    }
    if (t.kind == TypeKind::Pointer) {
      auto bits = read_bits(ctx_, v);
      if (!bits) return bits.error();
      s.kind = Scalar::Kind::Pointer;
      s.bits = *bits;
      return s;
    }
    if (t.kind == TypeKind::Float) {
      auto bits = read_bits(ctx_, v);
      if (!bits) return bits.error();
      s.kind = Scalar::Kind::Float;
      if (t.size == 4) {
        float f;
        uint32_t b = static_cast<uint32_t>(*bits);
        std::memcpy(&f, &b, 4);
        s.f = f;
      } else if (t.size == 8) {
        std::memcpy(&s.f, &*bits, 8);
      } else {
        return make_error(fmt::format("unsupported float size in `{}`", text));
      }
      return s;
    }
    if (is_integral(t)) {
      auto bits = read_signed(ctx_, v);
      if (!bits) return bits.error();
      s.bits = static_cast<uint64_t>(*bits);
      return s;
    }
    if (v.where == Value::Where::Unavailable) return make_error(fmt::format("`{}` is {}", text, v.why));
    return make_error(fmt::format("`{}` is not a number or pointer (it is `{}`)", text, t.name));
  }

  bool truth(const Scalar& s) const { return s.kind == Scalar::Kind::Float ? s.f != 0 : s.bits != 0; }

  // The type of integer arithmetic on a and b: C's usual conversions, simplified.
  TypeRef common_int(const Scalar& a, const Scalar& b) const {
    auto rank = [](const Type& t) { return std::min<uint64_t>(std::max<uint64_t>(t.size, 4), 8); };
    // Types narrower than int become int, signed.
    auto is_signed = [&](const Type& t) { return t.size < 4 || t.is_signed; };
    uint64_t ra = rank(*a.type), rb = rank(*b.type);
    uint64_t size = std::max(ra, rb);
    bool sign = ra == rb ? is_signed(*a.type) && is_signed(*b.type) : (ra > rb ? is_signed(*a.type) : is_signed(*b.type));
    for (const TypeRef& t : {a.type, b.type}) {
      if (t->kind == TypeKind::Int && t->size == size && t->is_signed == sign) return t;
    }
    return int_type(size, sign);
  }

  Value int_value(TypeRef type, uint64_t bits) { return bytes_value(std::move(type), bits); }

  Result<Value> unary(const Node& n) {
    const std::string& op = n.op;
    auto operand = eval(*n.a);
    if (!operand) return operand.error();
    Value& v = *operand;
    if (op == "&") {
      if (v.where != Value::Where::Memory || v.bit_size) return make_error(fmt::format("cannot take the address of `{}`: it is not in memory", n.a->text));
      return bytes_value(pointer_to(v.type, ctx_.language, ctx_.address_size), v.address & ctx_.address_mask());
    }
    if (op == "*") {
      if (v.type->kind == TypeKind::Array) {
        TypeRef element = target_type(*v.type, ctx_.address_size);
        if (!element) return make_error(fmt::format("cannot dereference `{}`", n.a->text));
        return sub_value(v, element, 0);
      }
      return dereference(ctx_, v, n.a->text);
    }
    auto s = scalar(v, n.a->text);
    if (!s) return s.error();
    if (op == "!") return int_value(truth_type(), truth(*s) ? 0 : 1);
    if (s->kind == Scalar::Kind::Pointer) return make_error(fmt::format("invalid operand to unary `{}`: `{}` is a pointer", op, n.a->text));
    if (s->kind == Scalar::Kind::Float) {
      if (op == "~") return make_error(fmt::format("invalid operand to `~`: `{}` is a float", n.a->text));
      return float_value(-s->f);
    }
    TypeRef type = common_int(*s, *s);
    uint64_t bits = op == "-" ? ~s->bits + 1 : ~s->bits;
    return int_value(type, bits);
  }

  Value float_value(double f) {
    uint64_t bits;
    std::memcpy(&bits, &f, 8);
    return bytes_value(double_type(), bits);
  }

  Result<Value> binary(const Node& n) {
    const std::string& op = n.op;
    auto left = eval(*n.a);
    if (!left) return left.error();
    auto a = scalar(*left, n.a->text);
    if (!a) return a.error();
    if (op == "&&" || op == "||") {
      // Short-circuit, as C: the right side is not evaluated (nor read) when the left decides.
      bool l = truth(*a);
      if (op == "&&" && !l) return int_value(truth_type(), 0);
      if (op == "||" && l) return int_value(truth_type(), 1);
    }
    auto right = eval(*n.b);
    if (!right) return right.error();
    auto b = scalar(*right, n.b->text);
    if (!b) return b.error();
    if (op == "&&" || op == "||") return int_value(truth_type(), truth(*b) ? 1 : 0);
    if (a->kind == Scalar::Kind::Pointer || b->kind == Scalar::Kind::Pointer) return pointer_arithmetic(n, *a, *b);
    if (a->kind == Scalar::Kind::Float || b->kind == Scalar::Kind::Float) return float_arithmetic(n, *a, *b);
    return int_arithmetic(n, *a, *b);
  }

  static std::optional<bool> compare(const std::string& op, auto a, auto b) {
    if (op == "<") return a < b;
    if (op == "<=") return a <= b;
    if (op == ">") return a > b;
    if (op == ">=") return a >= b;
    if (op == "==") return a == b;
    if (op == "!=") return a != b;
    return std::nullopt;
  }

  uint64_t pointee_size(const Scalar& p) const {
    TypeRef target = target_type(*p.type, ctx_.address_size);
    // gdb steps void and function pointers by 1.
    return target && target->size > 0 && target->kind != TypeKind::Function ? target->size : 1;
  }

  Result<Value> pointer_arithmetic(const Node& n, const Scalar& a, const Scalar& b) {
    const std::string& op = n.op;
    if (auto c = compare(op, a.bits & ctx_.address_mask(), b.bits & ctx_.address_mask())) return int_value(truth_type(), *c ? 1 : 0);
    bool ap = a.kind == Scalar::Kind::Pointer, bp = b.kind == Scalar::Kind::Pointer;
    if (ap && bp && op == "-") {
      int64_t diff = static_cast<int64_t>(a.bits - b.bits);
      if (ctx_.address_size < 8) diff = static_cast<int32_t>(static_cast<uint32_t>(a.bits - b.bits));
      int64_t size = static_cast<int64_t>(pointee_size(a));
      TypeRef t = rust() ? made_up_int(ctx_.address_size, true, "isize", Language::Rust) : made_up_int(ctx_.address_size, true, "long", ctx_.language);
      return int_value(t, static_cast<uint64_t>(diff / size));
    }
    bool offset_ok = (op == "+" && ap != bp && (ap ? b : a).kind == Scalar::Kind::Int) || (op == "-" && ap && !bp && b.kind == Scalar::Kind::Int);
    if (!offset_ok) return make_error(fmt::format("invalid operands to binary `{}` (`{}` and `{}`)", op, a.type->name, b.type->name));
    const Scalar& p = ap ? a : b;
    const Scalar& i = ap ? b : a;
    uint64_t delta = i.bits * pointee_size(p);
    uint64_t address = (op == "+" ? p.bits + delta : p.bits - delta) & ctx_.address_mask();
    return int_value(p.type, address);
  }

  Result<Value> float_arithmetic(const Node& n, const Scalar& a, const Scalar& b) {
    const std::string& op = n.op;
    auto as_double = [](const Scalar& s) { return s.kind == Scalar::Kind::Float ? s.f : s.type->is_signed ? static_cast<double>(static_cast<int64_t>(s.bits)) : static_cast<double>(s.bits); };
    double x = as_double(a), y = as_double(b);
    if (auto c = compare(op, x, y)) return int_value(truth_type(), *c ? 1 : 0);
    if (op == "+") return float_value(x + y);
    if (op == "-") return float_value(x - y);
    if (op == "*") return float_value(x * y);
    if (op == "/") return float_value(x / y);
    return make_error(fmt::format("invalid operands to binary `{}`: a float", op));
  }

  Result<Value> int_arithmetic(const Node& n, const Scalar& a, const Scalar& b) {
    const std::string& op = n.op;
    TypeRef type = common_int(a, b);
    unsigned width = static_cast<unsigned>(type->size * 8);
    // Operands as the result type sees them: cut to its width, then extended.
    auto fit = [&](uint64_t v) {
      if (width >= 64) return v;
      v &= (uint64_t{1} << width) - 1;
      if (type->is_signed && (v >> (width - 1)) & 1) v |= ~uint64_t{0} << width;
      return v;
    };
    uint64_t x = fit(a.bits), y = fit(b.bits);
    int64_t sx = static_cast<int64_t>(x), sy = static_cast<int64_t>(y);
    bool s = type->is_signed;
    if (auto c = s ? compare(op, sx, sy) : compare(op, x, y)) return int_value(truth_type(), *c ? 1 : 0);
    if (op == "+") return int_value(type, x + y);
    if (op == "-") return int_value(type, x - y);
    if (op == "*") return int_value(type, x * y);
    if (op == "&") return int_value(type, x & y);
    if (op == "|") return int_value(type, x | y);
    if (op == "^") return int_value(type, x ^ y);
    if (op == "/" || op == "%") {
      if (y == 0) return make_error("division by zero");
      if (s && sy == -1) return int_value(type, op == "/" ? ~x + 1 : 0);  // INT_MIN / -1 wraps
      if (op == "/") return int_value(type, s ? static_cast<uint64_t>(sx / sy) : x / y);
      return int_value(type, s ? static_cast<uint64_t>(sx % sy) : x % y);
    }
    if (op == "<<" || op == ">>") {
      uint64_t count = b.bits;
      if (op == "<<") return int_value(type, count >= width ? 0 : x << count);
      if (s) return int_value(type, static_cast<uint64_t>(sx >> std::min<uint64_t>(count, 63)));
      return int_value(type, count >= 64 ? 0 : x >> count);
    }
    return make_error(fmt::format("unsupported operator `{}`", op));
  }

  Result<Value> index(const Node& n) {
    auto base = eval(*n.a);
    if (!base) return base.error();
    auto i = eval(*n.b);
    if (!i) return i.error();
    if (!is_integral(*i->type)) return make_error(fmt::format("array index `{}` is not an integer", n.b->text));
    auto position = read_signed(ctx_, *i);
    if (!position) return position.error();
    Value v = *base;
    if (v.type->kind == TypeKind::Reference) {
      auto target = dereference(ctx_, v, n.a->text);
      if (!target) return target.error();
      v = *target;
    }
    if (v.type->kind == TypeKind::Aggregate) {
      // A Rust slice: index its data pointer.
      if (auto data = find_member(ctx_, v, "data_ptr")) v = *data;
    }
    if (v.type->kind == TypeKind::Array) {
      TypeRef element = target_type(*v.type, ctx_.address_size);
      if (!element) return make_error(fmt::format("cannot index `{}`", n.a->text));
      uint64_t offset = static_cast<uint64_t>(*position) * element->size;
      if (v.where == Value::Where::Memory) return memory_value(element, (v.address + offset) & ctx_.address_mask());
      if (*position < 0 || offset + element->size > v.bytes.size()) return make_error(fmt::format("index {} is out of `{}`", *position, n.a->text));
      return sub_value(v, element, offset);
    }
    if (v.type->kind == TypeKind::Pointer) {
      auto p = scalar(v, n.a->text);
      if (!p) return p.error();
      TypeRef element = target_type(*v.type, ctx_.address_size);
      if (!element || element->kind == TypeKind::Void) return make_error(fmt::format("cannot index `{}`: it points to void", n.a->text));
      uint64_t address = (p->bits + static_cast<uint64_t>(*position) * element->size) & ctx_.address_mask();
      return memory_value(element, address);
    }
    return make_error(fmt::format("`{}` is not an array or pointer", n.a->text));
  }

  Result<Value> member(const Node& n) {
    auto base = eval(*n.a);
    if (!base) return base.error();
    Value v = *base;
    if (n.kind == Node::Kind::Arrow && !is_pointer_like(*v.type) && v.type->kind != TypeKind::Aggregate) {
      return make_error(fmt::format("`{}` is not a pointer", n.a->text));
    }
    // `p.f` on a pointer and `p->f` both look through it, as gdb does.
    for (int i = 0; i < 2 && is_pointer_like(*v.type); i++) {
      auto target = dereference(ctx_, v, n.a->text);
      if (!target) return target.error();
      v = *target;
    }
    if (v.type->kind != TypeKind::Aggregate) return make_error(fmt::format("`{}` is not a structure or union", n.a->text));
    std::string name = n.op;
    // Rust tuple fields "t.0" are members "__0" in DWARF.
    if (!name.empty() && std::isdigit(static_cast<unsigned char>(name[0]))) name = "__" + name;
    if (auto m = find_member(ctx_, v, name)) return *m;
    return make_error(fmt::format("there is no member named `{}` in `{}`", n.op, v.type->name));
  }

  Context& ctx_;
  const NameLookup& lookup_;
};

}  // namespace

Result<Value> evaluate_expression(Context& ctx, std::string_view text, const NameLookup& lookup) {
  if (text.size() > kMaxExpression) return make_error("expression too long");
  auto tokens = Lexer(text).run();
  if (!tokens) return tokens.error();
  if (tokens->size() == 1) return make_error("empty expression");
  auto tree = Parser(text, std::move(*tokens)).run();
  if (!tree) return tree.error();
  return Evaluator(ctx, lookup).eval(**tree);
}

}  // namespace wasmrr::debuginfo
