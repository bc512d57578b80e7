#include "wit/lexer.h"

#include <fmt/format.h>

namespace wasmrr::wit {

namespace {

bool is_id_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

}  // namespace

Result<std::vector<Token>> lex(std::string_view text) {
  std::vector<Token> out;
  uint32_t line = 1;
  uint32_t column = 1;
  size_t i = 0;
  auto advance = [&](size_t n) {
    for (size_t k = 0; k < n && i < text.size(); ++k, ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
  };
  while (i < text.size()) {
    char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      advance(1);
      continue;
    }
    if (text.substr(i, 2) == "//") {
      while (i < text.size() && text[i] != '\n') advance(1);
      continue;
    }
    if (text.substr(i, 2) == "/*") {
      size_t end = text.find("*/", i + 2);
      if (end == std::string_view::npos) return make_error(fmt::format("{}:{}: unterminated comment", line, column));
      advance(end + 2 - i);
      continue;
    }
    Token t;
    t.line = line;
    t.column = column;
    if (text.substr(i, 2) == "->") {
      t.kind = Token::Kind::Arrow;
      t.text = "->";
      advance(2);
    } else if (c == '%' || is_id_char(c)) {
      t.kind = Token::Kind::Id;
      t.escaped = c == '%';
      size_t start = t.escaped ? i + 1 : i;
      size_t end = start;
      while (end < text.size() && is_id_char(text[end])) ++end;
      if (end == start) return make_error(fmt::format("{}:{}: '%' not followed by an identifier", line, column));
      t.text = std::string(text.substr(start, end - start));
      advance(end - i);
    } else if (std::string_view("{}()<>,;:.=/@*+").find(c) != std::string_view::npos) {
      t.kind = Token::Kind::Punct;
      t.text = std::string(1, c);
      advance(1);
    } else {
      return make_error(fmt::format("{}:{}: unexpected character '{}'", line, column, c));
    }
    out.push_back(std::move(t));
  }
  Token end;
  end.line = line;
  end.column = column;
  out.push_back(std::move(end));
  return out;
}

}  // namespace wasmrr::wit
