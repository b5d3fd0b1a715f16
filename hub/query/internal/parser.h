#pragma once

// Recursive-descent parser over the lexer's tokens. Private to hub/query: the statement-level
// rules live in sql_parser.cc and expressions in expr_parser.cc.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hub/query/ast.h"
#include "hub/query/internal/lexer.h"

namespace confide::hub::query::internal {

class Parser {
 public:
  // `tokens` ends with a kEnd token, as Tokenize() returns.
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  absl::StatusOr<ParsedQuery> ParseStatement();

 private:
  // Token access. Never moves past the final kEnd token.
  const Token& Cur() const { return tokens_[at_]; }
  const Token& Next() const { return tokens_[at_ + 1 < tokens_.size() ? at_ + 1 : at_]; }
  void Advance() {
    if (at_ + 1 < tokens_.size()) {
      ++at_;
    }
  }
  bool AtKeyword(absl::string_view keyword) const;
  bool AtSymbol(absl::string_view symbol) const;
  bool AtFunctionCall() const;  // identifier '('
  // Every parse error goes through Error(): when the parser stopped at the lexer's kError token,
  // the lexical error is the one to report.
  absl::Status Error(SourcePos pos, absl::string_view message) const;
  absl::Status Expect(absl::string_view what) const;  // "expected <what>, got <token>"
  absl::Status ExpectKeyword(absl::string_view keyword);
  absl::Status ExpectSymbol(absl::string_view symbol);
  absl::StatusOr<int64_t> ParseInteger(int64_t min, int64_t max, absl::string_view what);
  absl::StatusOr<std::string> ParseDatasetName();

  // Statement level (sql_parser.cc).
  absl::StatusOr<SelectItem> ParseSelectItem();
  absl::StatusOr<Aggregate> ParseAggregate();
  absl::Status ParseCountBody(bool rate, Aggregate& aggregate);
  absl::Status ParseOrderBy(ParsedQuery& query);
  absl::Status Validate(const ParsedQuery& query) const;

  // Expressions (expr_parser.cc). `in_subquery` forbids nested sub-queries.
  absl::StatusOr<std::unique_ptr<Expr>> ParseOr(bool in_subquery);
  absl::StatusOr<std::unique_ptr<Expr>> ParseAnd(bool in_subquery);
  absl::StatusOr<std::unique_ptr<Expr>> ParseNot(bool in_subquery);
  absl::StatusOr<std::unique_ptr<Expr>> ParsePrimary(bool in_subquery);
  absl::StatusOr<std::unique_ptr<Expr>> ParsePersonIn(bool in_subquery);
  absl::StatusOr<std::unique_ptr<Expr>> ParseColumnCondition();
  absl::StatusOr<Literal> ParseLiteral();
  absl::Status EnterNesting();  // Counts one level; fails past kMaxNestingDepth.

  std::vector<Token> tokens_;
  size_t at_ = 0;
  int depth_ = 0;
  std::vector<SourcePos> alias_pos_;  // Per select item; {0,0} when it has no alias.
};

}  // namespace confide::hub::query::internal
