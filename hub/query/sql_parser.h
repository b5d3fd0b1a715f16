#pragma once

// Parser for Confide's restricted SQL dialect. Analysts may only ask for aggregates, so the
// grammar has no way to return a row: every query needs an aggregate, and every selected column
// must be a GROUP BY column.
//
//   query      := SELECT select_item (',' select_item)* FROM dataset [WHERE expr]
//                 [GROUP BY column (',' column)*] [ORDER BY order_item (',' order_item)*]
//                 [LIMIT integer] [';']
//   select_item:= column | aggregate [AS alias]
//   aggregate  := COUNT(*) | COUNT(DISTINCT PERSON) | RATE_PER_1000(COUNT(*))
//               | RATE_PER_1000(COUNT(DISTINCT PERSON)) | SUM(HARM) | REPEAT_RATE(integer, integer)
//   expr       := or_expr ; or_expr := and_expr (OR and_expr)* ;
//   and_expr   := not_expr (AND not_expr)* ; not_expr := NOT not_expr | primary
//   primary    := '(' expr ')' | column cmp literal | column [NOT] IN '(' literal (',' literal)*
//   ')'
//               | column BETWEEN literal AND literal
//               | PERSON IN '(' SELECT PERSON FROM dataset [WHERE expr] ')'
//                 [WITHIN integer DAYS [BEFORE|AFTER]]
//   cmp        := '=' | '!=' | '<>' | '<' | '<=' | '>' | '>='
//   order_item := (column | alias | aggregate) [ASC|DESC]
//
// Keywords are case-insensitive; identifiers are [A-Za-z_][A-Za-z0-9_]* and are folded to lower
// case. String literals use single quotes with '' as an escaped quote; numbers are
// -?[0-9]+(.[0-9]+)?. `--` starts a comment that runs to the end of the line. Reserved words:
// AFTER AND AS ASC BEFORE BETWEEN BY DAYS DESC DISTINCT FROM GROUP IN LIMIT NOT OR ORDER PERSON
// SELECT WHERE WITHIN. Function names (COUNT, SUM, ...) and HARM are not reserved.
//
// Rules beyond the grammar, all enforced here: at least one aggregate; the selected columns and
// the GROUP BY columns are the same set, each named once; `person` is never a plain column;
// sub-queries only in the person IN (SELECT person ...) form and never nested; ORDER BY names a
// select item (by column, alias or aggregate); LIMIT, REPEAT_RATE arguments positive, WITHIN days
// in [0, 36525]; aliases unique and distinct from selected columns.

#include <cstddef>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hub/query/ast.h"

namespace confide::hub::query {

// Longest query text accepted, in bytes.
inline constexpr size_t kMaxQueryBytes = 64 * 1024;
// Deepest nesting of parentheses, NOT and sub-queries accepted.
inline constexpr int kMaxNestingDepth = 64;

// Parses one query. Every malformed input, including text over kMaxQueryBytes and nesting over
// kMaxNestingDepth, gives InvalidArgumentError whose message starts "line:column: " (1-based, of
// the offending token) and says what was expected, e.g. "2:8: expected FROM, got 'WHERE'". Never
// crashes on any byte string; time and stack use are linear in the input / bounded by the depth
// cap. Thread-safe (no shared state).
absl::StatusOr<ParsedQuery> ParseQuery(absl::string_view sql);

}  // namespace confide::hub::query
