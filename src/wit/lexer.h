// Tokens of WIT text (the component model's WIT.md, the subset the WASI 0.2
// and 0.3 packages use): identifiers ("%"-escaped or not), punctuation and "->".
// Comments and whitespace are skipped. Every token carries its line and
// column, so parse errors can say where.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace wasmrr::wit {

struct Token {
  enum class Kind : uint8_t { Id, Punct, Arrow, End };
  Kind kind = Kind::End;
  std::string text;      // the identifier without its '%', or the punctuation character
  bool escaped = false;  // written with a leading '%': never a keyword
  uint32_t line = 1;
  uint32_t column = 1;

  bool is_punct(char c) const { return kind == Kind::Punct && text.size() == 1 && text[0] == c; }
  bool is_keyword(std::string_view kw) const { return kind == Kind::Id && !escaped && text == kw; }
};

// The whole text as tokens, ending with one End token; an error names the
// line and column of a character no token can start with.
Result<std::vector<Token>> lex(std::string_view text);

}  // namespace wasmrr::wit
