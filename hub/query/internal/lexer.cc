#include "hub/query/internal/lexer.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status_macros.h"

namespace confide::hub::query::internal {
namespace {

constexpr const char* kReserved[] = {
    "AFTER", "AND",  "AS",       "ASC",    "BEFORE", "BETWEEN", "BY",
    "DAYS",  "DESC", "DISTINCT", "FROM",   "GROUP",  "IN",      "LIMIT",
    "NOT",   "OR",   "ORDER",    "PERSON", "SELECT", "WHERE",   "WITHIN",
};

// Longest text shown for one token in an error message.
constexpr size_t kMaxShown = 32;

bool IsReserved(absl::string_view upper) {
  for (const char* word : kReserved) {
    if (upper == word) {
      return true;
    }
  }
  return false;
}

bool IsIdentStart(char c) { return absl::ascii_isalpha(c) || c == '_'; }
bool IsIdentChar(char c) { return absl::ascii_isalnum(c) || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Renders bytes so that control characters and non-ASCII input cannot garble a terminal or log.
std::string Printable(absl::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size() && i < kMaxShown; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      absl::StrAppendFormat(&out, "\\x%02X", c);
    }
  }
  if (text.size() > kMaxShown) {
    out += "...";
  }
  return out;
}

class Lexer {
 public:
  explicit Lexer(absl::string_view sql) : sql_(sql) {}

  std::vector<Token> Run() {
    std::vector<Token> tokens;
    while (tokens.empty() || tokens.back().kind != TokenKind::kEnd) {
      SkipSpaceAndComments();
      Token token;
      token.pos = Pos();
      size_t start = at_;
      if (absl::Status status = Next(token); !status.ok()) {
        token.kind = TokenKind::kError;
        token.text = sql_.substr(start, 1);
        token.value = std::string(status.message());
        tokens.push_back(std::move(token));
        break;
      }
      tokens.push_back(std::move(token));
    }
    return tokens;
  }

 private:
  // Lexes one token starting at a non-blank character (or the end of input) into `token`, whose
  // position is set; fails with the message for a kError token.
  absl::Status Next(Token& token) {
    if (at_ >= sql_.size()) {
      token.kind = TokenKind::kEnd;
      return absl::OkStatus();
    }
    size_t start = at_;
    char c = sql_[at_];
    if (IsIdentStart(c)) {
      while (at_ < sql_.size() && IsIdentChar(sql_[at_])) {
        Advance();
      }
      token.text = sql_.substr(start, at_ - start);
      token.upper = absl::AsciiStrToUpper(token.text);
      token.kind = IsReserved(token.upper) ? TokenKind::kKeyword : TokenKind::kIdentifier;
    } else if (IsDigit(c) || (c == '-' && IsDigit(Peek(1)))) {
      CONFIDE_RETURN_IF_ERROR(LexNumber(token));
    } else if (c == '\'') {
      CONFIDE_RETURN_IF_ERROR(LexString(token));
    } else if (c == '"' || c == '`') {
      return ErrorAt(token.pos,
                     "quoted identifiers are not supported; string literals use single quotes");
    } else if (!LexSymbol(token)) {
      return ErrorAt(token.pos,
                     absl::StrCat("unexpected character '", Printable(sql_.substr(at_, 1)), "'"));
    }
    return absl::OkStatus();
  }

  char Peek(size_t ahead) const { return at_ + ahead < sql_.size() ? sql_[at_ + ahead] : '\0'; }

  SourcePos Pos() const { return SourcePos{line_, column_}; }

  void Advance() {
    if (sql_[at_] == '\n') {
      ++line_;
      column_ = 1;
    } else {
      ++column_;
    }
    ++at_;
  }

  void SkipSpaceAndComments() {
    while (at_ < sql_.size()) {
      char c = sql_[at_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
        Advance();
      } else if (c == '-' && Peek(1) == '-') {
        while (at_ < sql_.size() && sql_[at_] != '\n') {
          Advance();
        }
      } else {
        return;
      }
    }
  }

  absl::Status LexNumber(Token& token) {
    size_t start = at_;
    if (sql_[at_] == '-') {
      Advance();
    }
    while (at_ < sql_.size() && IsDigit(sql_[at_])) {
      Advance();
    }
    token.kind = TokenKind::kInteger;
    if (Peek(0) == '.' && IsDigit(Peek(1))) {
      token.kind = TokenKind::kDecimal;
      Advance();
      while (at_ < sql_.size() && IsDigit(sql_[at_])) {
        Advance();
      }
    }
    if (IsIdentChar(Peek(0)) || Peek(0) == '.') {
      while (at_ < sql_.size() && (IsIdentChar(sql_[at_]) || sql_[at_] == '.')) {
        Advance();
      }
      return ErrorAt(token.pos, absl::StrCat("malformed number '",
                                             Printable(sql_.substr(start, at_ - start)), "'"));
    }
    token.text = sql_.substr(start, at_ - start);
    token.value = std::string(token.text);
    return absl::OkStatus();
  }

  absl::Status LexString(Token& token) {
    size_t start = at_;
    Advance();  // Opening quote.
    while (true) {
      if (at_ >= sql_.size()) {
        return ErrorAt(token.pos, "unterminated string literal");
      }
      char c = sql_[at_];
      Advance();
      if (c == '\'') {
        if (Peek(0) != '\'') {
          break;
        }
        Advance();  // '' is an escaped quote.
      }
      token.value.push_back(c);
    }
    token.kind = TokenKind::kString;
    token.text = sql_.substr(start, at_ - start);
    return absl::OkStatus();
  }

  bool LexSymbol(Token& token) {
    size_t length = 0;
    char c = sql_[at_];
    char next = Peek(1);
    if (c == '(' || c == ')' || c == ',' || c == '*' || c == ';' || c == '=') {
      length = 1;
    } else if (c == '!' && next == '=') {
      length = 2;
    } else if (c == '<') {
      length = (next == '=' || next == '>') ? 2 : 1;
    } else if (c == '>') {
      length = next == '=' ? 2 : 1;
    } else {
      return false;
    }
    token.kind = TokenKind::kSymbol;
    token.text = sql_.substr(at_, length);
    for (size_t i = 0; i < length; ++i) {
      Advance();
    }
    return true;
  }

  absl::string_view sql_;
  size_t at_ = 0;
  int line_ = 1;
  int column_ = 1;
};

}  // namespace

std::vector<Token> Tokenize(absl::string_view sql) { return Lexer(sql).Run(); }

std::string Describe(const Token& token) {
  switch (token.kind) {
    case TokenKind::kEnd:
      return "end of input";
    case TokenKind::kError:
      return "invalid input";
    case TokenKind::kString:
      return absl::StrCat("string ", Printable(token.text));
    default:
      return absl::StrCat("'", Printable(token.text), "'");
  }
}

absl::Status ErrorAt(SourcePos pos, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(pos.line, ":", pos.column, ": ", message));
}

}  // namespace confide::hub::query::internal
