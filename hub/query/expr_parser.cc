// Expression half of internal::Parser (see hub/query/internal/parser.h).

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "hub/query/internal/lexer.h"
#include "hub/query/internal/parser.h"
#include "hub/query/sql_parser.h"

namespace confide::hub::query::internal {
namespace {

// Largest WITHIN window: a century, so that later date arithmetic cannot overflow.
constexpr int64_t kMaxWindowDays = 36525;

bool IsAggregateName(absl::string_view upper) {
  return upper == "COUNT" || upper == "RATE_PER_1000" || upper == "SUM" || upper == "REPEAT_RATE";
}

// Builds an n-ary AND/OR node, splicing in operands of the same kind (from parentheses) so that
// trees stay shallow and equivalent groupings print the same.
std::unique_ptr<Expr> Combine(Expr::Kind kind, std::vector<std::unique_ptr<Expr>> operands) {
  if (operands.size() == 1) {
    return std::move(operands[0]);
  }
  auto node = std::make_unique<Expr>();
  node->kind = kind;
  node->pos = operands[0]->pos;
  for (std::unique_ptr<Expr>& operand : operands) {
    if (operand->kind == kind) {
      for (std::unique_ptr<Expr>& grandchild : operand->children) {
        node->children.push_back(std::move(grandchild));
      }
    } else {
      node->children.push_back(std::move(operand));
    }
  }
  return node;
}

}  // namespace

absl::Status Parser::EnterNesting() {
  if (++depth_ > kMaxNestingDepth) {
    return Error(Cur().pos,
                 absl::StrCat("expression is nested more than ", kMaxNestingDepth, " levels deep"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Expr>> Parser::ParseOr(bool in_subquery) {
  std::vector<std::unique_ptr<Expr>> operands;
  while (true) {
    CONFIDE_ASSIGN_OR_RETURN(std::unique_ptr<Expr> operand, ParseAnd(in_subquery));
    operands.push_back(std::move(operand));
    if (!AtKeyword("OR")) {
      return Combine(Expr::Kind::kOr, std::move(operands));
    }
    Advance();
  }
}

absl::StatusOr<std::unique_ptr<Expr>> Parser::ParseAnd(bool in_subquery) {
  std::vector<std::unique_ptr<Expr>> operands;
  while (true) {
    CONFIDE_ASSIGN_OR_RETURN(std::unique_ptr<Expr> operand, ParseNot(in_subquery));
    operands.push_back(std::move(operand));
    if (!AtKeyword("AND")) {
      return Combine(Expr::Kind::kAnd, std::move(operands));
    }
    Advance();
  }
}

absl::StatusOr<std::unique_ptr<Expr>> Parser::ParseNot(bool in_subquery) {
  if (!AtKeyword("NOT")) {
    return ParsePrimary(in_subquery);
  }
  auto node = std::make_unique<Expr>();
  node->kind = Expr::Kind::kNot;
  node->pos = Cur().pos;
  Advance();
  CONFIDE_RETURN_IF_ERROR(EnterNesting());
  CONFIDE_ASSIGN_OR_RETURN(std::unique_ptr<Expr> operand, ParseNot(in_subquery));
  --depth_;
  node->children.push_back(std::move(operand));
  return node;
}

absl::StatusOr<std::unique_ptr<Expr>> Parser::ParsePrimary(bool in_subquery) {
  if (AtSymbol("(")) {
    Advance();
    if (AtKeyword("SELECT")) {
      return Error(Cur().pos,
                   "sub-queries are only allowed as person IN (SELECT person FROM dataset ...)");
    }
    CONFIDE_RETURN_IF_ERROR(EnterNesting());
    CONFIDE_ASSIGN_OR_RETURN(std::unique_ptr<Expr> inner, ParseOr(in_subquery));
    --depth_;
    CONFIDE_RETURN_IF_ERROR(ExpectSymbol(")"));
    return inner;
  }
  if (AtKeyword("PERSON")) {
    return ParsePersonIn(in_subquery);
  }
  if (AtFunctionCall()) {
    if (IsAggregateName(Cur().upper)) {
      return Error(Cur().pos, absl::StrCat("aggregate ", Cur().upper,
                                           " is not allowed in WHERE (there is no HAVING)"));
    }
    return Error(Cur().pos, absl::StrCat("unknown function ", Describe(Cur()),
                                         "; functions are not allowed in WHERE"));
  }
  if (Cur().kind == TokenKind::kIdentifier) {
    return ParseColumnCondition();
  }
  return Expect("a condition such as column = value");
}

absl::StatusOr<std::unique_ptr<Expr>> Parser::ParsePersonIn(bool in_subquery) {
  auto node = std::make_unique<Expr>();
  node->kind = Expr::Kind::kPersonIn;
  node->pos = Cur().pos;
  Advance();  // PERSON
  constexpr absl::string_view kOnlyForm =
      "'person' can only be used as person IN (SELECT person FROM dataset ...)";
  if (!AtKeyword("IN")) {
    return Error(node->pos, absl::StrCat(kOnlyForm, "; got ", Describe(Cur()), " after it"));
  }
  Advance();
  CONFIDE_RETURN_IF_ERROR(ExpectSymbol("("));
  if (!AtKeyword("SELECT")) {
    return Error(Cur().pos, absl::StrCat(kOnlyForm, "; got ", Describe(Cur())));
  }
  if (in_subquery) {
    return Error(Cur().pos, "sub-queries cannot be nested");
  }
  CONFIDE_RETURN_IF_ERROR(EnterNesting());
  Advance();  // SELECT
  if (!AtKeyword("PERSON")) {
    return Expect("person (a sub-query can only select person)");
  }
  Advance();
  CONFIDE_RETURN_IF_ERROR(ExpectKeyword("FROM"));
  auto sub = std::make_unique<SubQuery>();
  sub->dataset_pos = Cur().pos;
  CONFIDE_ASSIGN_OR_RETURN(sub->dataset, ParseDatasetName());
  if (AtKeyword("WHERE")) {
    Advance();
    CONFIDE_ASSIGN_OR_RETURN(sub->where, ParseOr(/*in_subquery=*/true));
  }
  if (!AtSymbol(")")) {
    return Expect(sub->where == nullptr ? "WHERE or ')' to close the sub-query"
                                        : "AND, OR or ')' to close the sub-query");
  }
  Advance();
  --depth_;
  if (AtKeyword("WITHIN")) {
    Advance();
    CONFIDE_ASSIGN_OR_RETURN(
        sub->window_days,
        ParseInteger(
            0, kMaxWindowDays,
            absl::StrCat("WITHIN needs a whole number of days from 0 to ", kMaxWindowDays)));
    CONFIDE_RETURN_IF_ERROR(ExpectKeyword("DAYS"));
    // Without BEFORE or AFTER the window reaches both ways.
    sub->direction = SubQuery::Direction::kEither;
    if (AtKeyword("BEFORE") || AtKeyword("AFTER")) {
      sub->direction =
          AtKeyword("BEFORE") ? SubQuery::Direction::kBefore : SubQuery::Direction::kAfter;
      Advance();
    }
  }
  node->subquery = std::move(sub);
  return node;
}

absl::StatusOr<std::unique_ptr<Expr>> Parser::ParseColumnCondition() {
  auto node = std::make_unique<Expr>();
  node->pos = Cur().pos;
  node->column = Column{absl::AsciiStrToLower(Cur().text), Cur().pos};
  const Token& column = Cur();
  Advance();
  static constexpr std::pair<absl::string_view, CompareOp> kOps[] = {
      {"=", CompareOp::kEq},  {"!=", CompareOp::kNe}, {"<>", CompareOp::kNe}, {"<", CompareOp::kLt},
      {"<=", CompareOp::kLe}, {">", CompareOp::kGt},  {">=", CompareOp::kGe},
  };
  for (const auto& [text, op] : kOps) {
    if (AtSymbol(text)) {
      Advance();
      node->kind = Expr::Kind::kCompare;
      node->op = op;
      CONFIDE_ASSIGN_OR_RETURN(Literal literal, ParseLiteral());
      node->literals.push_back(std::move(literal));
      return node;
    }
  }
  if (AtKeyword("BETWEEN")) {
    Advance();
    node->kind = Expr::Kind::kBetween;
    CONFIDE_ASSIGN_OR_RETURN(Literal low, ParseLiteral());
    CONFIDE_RETURN_IF_ERROR(ExpectKeyword("AND"));
    CONFIDE_ASSIGN_OR_RETURN(Literal high, ParseLiteral());
    node->literals.push_back(std::move(low));
    node->literals.push_back(std::move(high));
    return node;
  }
  if (AtKeyword("NOT")) {
    Advance();
    if (!AtKeyword("IN")) {
      return Expect(absl::StrCat("IN after ", Describe(column), " NOT"));
    }
    node->negated = true;
  }
  if (!AtKeyword("IN")) {
    return Expect(absl::StrCat("a comparison, IN or BETWEEN after column ", Describe(column)));
  }
  Advance();
  node->kind = Expr::Kind::kIn;
  CONFIDE_RETURN_IF_ERROR(ExpectSymbol("("));
  if (AtKeyword("SELECT")) {
    return Error(Cur().pos,
                 "sub-queries are only allowed as person IN (SELECT person FROM dataset ...)");
  }
  while (true) {
    CONFIDE_ASSIGN_OR_RETURN(Literal literal, ParseLiteral());
    node->literals.push_back(std::move(literal));
    if (!AtSymbol(",")) {
      break;
    }
    Advance();
  }
  CONFIDE_RETURN_IF_ERROR(ExpectSymbol(")"));
  return node;
}

absl::StatusOr<Literal> Parser::ParseLiteral() {
  Literal literal;
  literal.pos = Cur().pos;
  switch (Cur().kind) {
    case TokenKind::kString:
      literal.kind = Literal::Kind::kString;
      break;
    case TokenKind::kInteger:
      literal.kind = Literal::Kind::kInteger;
      break;
    case TokenKind::kDecimal:
      literal.kind = Literal::Kind::kDecimal;
      break;
    case TokenKind::kIdentifier:
      return Expect("a literal value (comparing two columns is not supported)");
    default:
      return Expect("a literal value");
  }
  literal.value = Cur().value;
  Advance();
  return literal;
}

}  // namespace confide::hub::query::internal
