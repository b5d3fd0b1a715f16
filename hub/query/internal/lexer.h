#pragma once

// Tokeniser for the restricted SQL dialect. Private to hub/query.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "hub/query/ast.h"

namespace confide::hub::query::internal {

enum class TokenKind {
  kIdentifier,  // Not a reserved word; `upper` holds its upper-case spelling.
  kKeyword,     // A reserved word; `upper` holds it, e.g. "SELECT".
  kString,      // `value` holds the unescaped text.
  kInteger,     // -?[0-9]+
  kDecimal,     // -?[0-9]+.[0-9]+
  kSymbol,      // ( ) , * ; = != <> < <= > >=
  kEnd,
  kError,  // Input the dialect has no use for; `value` holds the full "line:column: ..." message.
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  absl::string_view text;  // As written in the source (quotes included for strings).
  std::string upper;       // kIdentifier/kKeyword: upper-cased text.
  std::string value;       // kString: unescaped; kInteger/kDecimal: the text.
  SourcePos pos;
};

// Splits `sql` into tokens ending with one kEnd token, or with one kError token at the first
// character or literal the dialect has no use for. The error is a token rather than a status so
// that the parser reports whichever problem comes first in the text. Comments (`--` to end of
// line) and white space are dropped. Tokens point into `sql`, which must outlive them.
std::vector<Token> Tokenize(absl::string_view sql);

// Quoted, printable, length-capped rendering of a token for error messages, e.g. "'WHERE'" or
// "end of input".
std::string Describe(const Token& token);

// "line:column: message".
absl::Status ErrorAt(SourcePos pos, absl::string_view message);

}  // namespace confide::hub::query::internal
