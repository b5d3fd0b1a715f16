#pragma once

// Syntax tree of the restricted SQL dialect (see hub/query/sql_parser.h for the grammar).
// A ParsedQuery that ParseQuery() returned already satisfies the dialect's shape rules: at least
// one aggregate, selected columns == GROUP BY columns, no `person` as a plain column, every ORDER
// BY item resolved to a select item. Plain value types: copyable only where cheap, movable always.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/types/optional.h"

namespace confide::hub::query {

// 1-based line and byte column in the query text; {0, 0} for nodes built by hand.
struct SourcePos {
  int line = 0;
  int column = 0;
};

// A column name as written, folded to lower case (unquoted SQL identifiers are case-insensitive).
struct Column {
  std::string name;
  SourcePos pos;
};

struct Literal {
  enum class Kind { kString, kInteger, kDecimal };
  Kind kind = Kind::kString;
  // kString: the unescaped text; kInteger/kDecimal: the digits as written, e.g. "-1.50".
  std::string value;
  SourcePos pos;
};

enum class AggregateKind {
  kCountStar,                       // COUNT(*)
  kCountDistinctPerson,             // COUNT(DISTINCT person)
  kRatePer1000CountStar,            // RATE_PER_1000(COUNT(*))
  kRatePer1000CountDistinctPerson,  // RATE_PER_1000(COUNT(DISTINCT person))
  kSumHarm,                         // SUM(harm)
  kRepeatRate,                      // REPEAT_RATE(args[0], args[1]); both >= 1
};

struct Aggregate {
  AggregateKind kind = AggregateKind::kCountStar;
  std::vector<int64_t> args;  // Only kRepeatRate has arguments.
  std::string alias;          // Lower case; empty when there is no AS.
  SourcePos pos;              // Of the function name.
};

struct SelectItem {
  enum class Kind { kDimension, kAggregate };
  Kind kind = Kind::kDimension;
  Column column;        // kDimension only.
  Aggregate aggregate;  // kAggregate only.
};

enum class CompareOp { kEq, kNe, kLt, kLe, kGt, kGe };

struct Expr;

// person IN (SELECT person FROM dataset [WHERE where]) [WITHIN days DAYS [BEFORE|AFTER]]
struct SubQuery {
  // kEither: no BEFORE or AFTER was written, the window reaches both ways.
  enum class Direction { kEither, kBefore, kAfter };
  std::string dataset;  // Lower case.
  SourcePos dataset_pos;
  std::unique_ptr<Expr> where;  // Null when there is no WHERE. Never contains kPersonIn.
  absl::optional<int64_t> window_days;
  Direction direction = Direction::kEither;  // Meaningful only with window_days.
};

struct Expr {
  enum class Kind { kAnd, kOr, kNot, kCompare, kIn, kBetween, kPersonIn };
  Kind kind = Kind::kCompare;
  SourcePos pos;  // Of the first token of the node.
  // kAnd/kOr: two or more operands, never themselves of the same kind (the parser flattens
  // them, so long chains do not make deep trees); kNot: exactly one operand.
  std::vector<std::unique_ptr<Expr>> children;
  Column column;                  // kCompare, kIn, kBetween.
  CompareOp op = CompareOp::kEq;  // kCompare.
  bool negated = false;           // kIn: NOT IN.
  // kCompare: one (the right-hand side); kIn: one or more; kBetween: two (low, high).
  std::vector<Literal> literals;
  std::unique_ptr<SubQuery> subquery;  // kPersonIn only.
};

struct OrderItem {
  size_t select_index = 0;  // Index into ParsedQuery::select of the item sorted on.
  bool descending = false;
  SourcePos pos;
};

struct ParsedQuery {
  std::string dataset;  // Lower case.
  SourcePos dataset_pos;
  std::vector<SelectItem> select;
  std::unique_ptr<Expr> where;   // Null when there is no WHERE.
  std::vector<Column> group_by;  // Same set of names as the kDimension select items.
  std::vector<OrderItem> order_by;
  absl::optional<int64_t> limit;  // Positive when present.
};

// One mention of a column anywhere in a query.
struct ColumnRef {
  std::string name;
  SourcePos pos;
  bool in_subquery = false;
  std::string dataset;  // The sub-query's dataset when in_subquery, else the main dataset.
};

// Every column named in the query, in source order: SELECT, WHERE (sub-queries included),
// GROUP BY, then ORDER BY items that name a column. A name mentioned twice appears twice.
std::vector<ColumnRef> ReferencedColumns(const ParsedQuery& query);

// Every dataset the query reads: the main one first, then each sub-query's (whether or not it
// names a column), in source order, each once.
std::vector<std::string> ReferencedDatasets(const ParsedQuery& query);

// The person IN (SELECT ...) nodes of `expr`, in source order.
std::vector<const Expr*> PersonInNodes(const Expr& expr);

// Canonical text of the query: keywords upper case, identifiers lower case, single spaces, no
// comments, no trailing ';', `<>` as `!=`, ASC omitted, ORDER BY items written as the select
// item's alias (if any) or text. Equivalent spellings give the same string, and
// ParseQuery(ToString(q)) yields a query whose ToString() is the same again (provided the text,
// which can be longer than the original, is within kMaxQueryBytes).
std::string ToString(const ParsedQuery& query);
std::string ToString(const Expr& expr);
std::string ToString(const Aggregate& aggregate);  // Without the alias.

}  // namespace confide::hub::query
