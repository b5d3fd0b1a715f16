#include "tests/hub/analytics/sqlite_sql.h"

#include <algorithm>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "common/status_macros.h"

namespace confide::hub::difftest {
namespace {

const char* OpSql(query::CompareOp op) {
  switch (op) {
    case query::CompareOp::kEq:
      return "=";
    case query::CompareOp::kNe:
      return "<>";
    case query::CompareOp::kLt:
      return "<";
    case query::CompareOp::kLe:
      return "<=";
    case query::CompareOp::kGt:
      return ">";
    case query::CompareOp::kGe:
      return ">=";
  }
  return "=";
}

}  // namespace

std::string Ident(absl::string_view name) {
  return absl::StrCat("\"", absl::StrReplaceAll(name, {{"\"", "\"\""}}), "\"");
}

std::string Quote(absl::string_view text) {
  return absl::StrCat("'", absl::StrReplaceAll(text, {{"'", "''"}}), "'");
}

// Written out again here rather than borrowed from the evaluator.
bool LooksNumeric(absl::string_view text) {
  if (!text.empty() && text.front() == '-') {
    text.remove_prefix(1);
  }
  const size_t dot = text.find('.');
  auto digits = [](absl::string_view part) {
    return !part.empty() &&
           std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (dot == absl::string_view::npos) {
    return digits(text);
  }
  return digits(text.substr(0, dot)) && digits(text.substr(dot + 1));
}

std::string NumericSql(const std::string& column) {
  const std::string unsigned_part = absl::StrCat("(CASE WHEN ", column, " GLOB '-*' THEN substr(",
                                                 column, ", 2) ELSE ", column, " END)");
  return absl::StrCat("CASE WHEN ", unsigned_part, " GLOB '[0-9]*' AND ", unsigned_part,
                      " GLOB '*[0-9]' AND ", unsigned_part, " NOT GLOB '*[^0-9.]*' AND ",
                      unsigned_part, " NOT GLOB '*.*.*' THEN CAST(", column, " AS NUMERIC) END");
}

std::string WhereTranslator::CutoffSql(const std::string& dataset, const std::string& alias) const {
  auto cutoff = cutoffs_.find(dataset);
  return cutoff == cutoffs_.end() ? "1" : absl::StrCat(alias, ".event_time >= ", cutoff->second);
}

absl::StatusOr<std::string> WhereTranslator::Translate(const query::Expr& expr,
                                                       const std::string& dataset,
                                                       const std::string& alias) {
  switch (expr.kind) {
    case query::Expr::Kind::kAnd:
    case query::Expr::Kind::kOr: {
      std::vector<std::string> parts;
      for (const std::unique_ptr<query::Expr>& child : expr.children) {
        CONFIDE_ASSIGN_OR_RETURN(std::string part, Translate(*child, dataset, alias));
        parts.push_back(std::move(part));
      }
      return absl::StrCat(
          "(", absl::StrJoin(parts, expr.kind == query::Expr::Kind::kAnd ? " AND " : " OR "), ")");
    }
    case query::Expr::Kind::kNot: {
      if (expr.children.size() != 1) {
        return absl::InvalidArgumentError("NOT needs exactly one operand");
      }
      CONFIDE_ASSIGN_OR_RETURN(std::string child, Translate(*expr.children[0], dataset, alias));
      return absl::StrCat("(NOT ", child, ")");
    }
    case query::Expr::Kind::kCompare:
      if (expr.literals.size() != 1) {
        return absl::InvalidArgumentError("a comparison needs one literal");
      }
      return Compare(dataset, alias, expr.column.name, expr.op, expr.literals[0]);
    case query::Expr::Kind::kIn: {
      std::vector<std::string> equal;
      for (const query::Literal& literal : expr.literals) {
        CONFIDE_ASSIGN_OR_RETURN(std::string part, Compare(dataset, alias, expr.column.name,
                                                           query::CompareOp::kEq, literal));
        equal.push_back(std::move(part));
      }
      // With the value missing every equality is NULL, so IN and NOT IN are both NULL.
      return absl::StrCat(expr.negated ? "(NOT (" : "((", absl::StrJoin(equal, " OR "), "))");
    }
    case query::Expr::Kind::kBetween: {
      if (expr.literals.size() != 2) {
        return absl::InvalidArgumentError("BETWEEN needs two literals");
      }
      CONFIDE_ASSIGN_OR_RETURN(std::string low, Compare(dataset, alias, expr.column.name,
                                                        query::CompareOp::kGe, expr.literals[0]));
      CONFIDE_ASSIGN_OR_RETURN(std::string high, Compare(dataset, alias, expr.column.name,
                                                         query::CompareOp::kLe, expr.literals[1]));
      return absl::StrCat("(", low, " AND ", high, ")");
    }
    case query::Expr::Kind::kPersonIn:
      return PersonIn(expr, alias);
  }
  return absl::InvalidArgumentError("unknown expression kind");
}

absl::StatusOr<std::string> WhereTranslator::Compare(const std::string& dataset,
                                                     const std::string& alias,
                                                     const std::string& column, query::CompareOp op,
                                                     const query::Literal& literal) const {
  auto info = datasets_.find(dataset);
  if (info == datasets_.end()) {
    return absl::InvalidArgumentError(absl::StrCat("unknown dataset '", dataset, "'"));
  }
  const std::vector<std::string>& dims = info->second.dimensions;
  if (std::find(dims.begin(), dims.end(), column) == dims.end()) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown column '", column, "' in dataset '", dataset, "'"));
  }
  if (literal.value.find('\0') != std::string::npos) {
    return absl::InvalidArgumentError("literals with NUL bytes are not supported");
  }
  const std::string text = absl::StrCat(alias, ".", Ident(column));
  const std::string as_text = absl::StrCat(text, " ", OpSql(op), " ", Quote(literal.value));
  if (!LooksNumeric(literal.value)) {
    return absl::StrCat("(", as_text, ")");  // bytes, whatever the value looks like
  }
  // Numbers when the value is one too, else bytes; NULL when the value is missing.
  const std::string number = absl::StrCat(alias, ".", Ident(absl::StrCat(column, "__n")));
  return absl::StrCat("(CASE WHEN ", number, " IS NOT NULL THEN ", number, " ", OpSql(op), " CAST(",
                      Quote(literal.value), " AS NUMERIC) ELSE ", as_text, " END)");
}

absl::StatusOr<std::string> WhereTranslator::PersonIn(const query::Expr& expr,
                                                      const std::string& outer) {
  if (expr.subquery == nullptr) {
    return absl::InvalidArgumentError("person IN without a sub-query");
  }
  const query::SubQuery& sub = *expr.subquery;
  if (!datasets_.contains(sub.dataset)) {
    return absl::InvalidArgumentError(absl::StrCat("unknown dataset '", sub.dataset, "'"));
  }
  const std::string alias = absl::StrCat("s", ++sub_queries_);
  std::string where = CutoffSql(sub.dataset, alias);
  if (sub.where != nullptr) {
    CONFIDE_ASSIGN_OR_RETURN(std::string condition, Translate(*sub.where, sub.dataset, alias));
    // Only rows where the condition is TRUE are members: NULL drops out of WHERE.
    absl::StrAppend(&where, " AND ", condition);
  }
  const std::string table = Ident(absl::StrCat("dim_", sub.dataset));
  if (!sub.window_days.has_value()) {
    return absl::StrCat("(", outer, ".person IN (SELECT ", alias, ".person FROM ", table, " ",
                        alias, " WHERE ", where, "))");
  }
  const int64_t window = std::min<int64_t>(*sub.window_days, 1000000000) * kSecondsPerDay;
  const std::string t = absl::StrCat(outer, ".event_time");
  std::string low = absl::StrCat(t, " - ", window);
  std::string high = absl::StrCat(t, " + ", window);
  if (sub.direction == query::SubQuery::Direction::kBefore) {
    high = t;
  } else if (sub.direction == query::SubQuery::Direction::kAfter) {
    low = t;
  }
  return absl::StrCat("(EXISTS (SELECT 1 FROM ", table, " ", alias, " WHERE ", alias,
                      ".person = ", outer, ".person AND ", where, " AND ", alias,
                      ".event_time BETWEEN ", low, " AND ", high, "))");
}

}  // namespace confide::hub::difftest
