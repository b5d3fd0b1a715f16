#pragma once

// SQL text helpers of the SQLite oracle (sqlite_oracle.h) and its translation of WHERE trees:
// the dialect's comparison rule and three-valued logic spelled in SQLite SQL.

#include <cstdint>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hub/query/ast.h"
#include "tests/hub/analytics/sqlite_oracle.h"

namespace confide::hub::difftest {

inline constexpr int64_t kSecondsPerDay = 86400;
inline constexpr absl::string_view kMissing = "(missing)";

// A double-quoted SQL identifier.
std::string Ident(absl::string_view name);
// A single-quoted SQL string literal.
std::string Quote(absl::string_view text);
// Whether `text` has the form -?[0-9]+(.[0-9]+)?, the dialect's numbers.
bool LooksNumeric(absl::string_view text);
// The same test in SQL over the SQL expression `column`: its number, or NULL.
std::string NumericSql(const std::string& column);

// Translates WHERE trees into conditions over one alias of a dim_<dataset> table (whose columns
// are the dimensions and their "__n" numbers); person IN nodes become sub-queries over the
// other dataset's dim_ table. One per query: sub-query aliases are numbered s1, s2, ...
class WhereTranslator {
 public:
  WhereTranslator(const absl::flat_hash_map<std::string, OracleDataset>& datasets,
                  const OracleCutoffs& cutoffs)
      : datasets_(datasets), cutoffs_(cutoffs) {}

  // Keeps only usable rows: those at or after the dataset's cut-off ("1" when it has none).
  std::string CutoffSql(const std::string& dataset, const std::string& alias) const;

  // A condition that is TRUE, FALSE or NULL exactly when `expr` is TRUE, FALSE or UNKNOWN.
  // InvalidArgument for an unknown dataset or column.
  absl::StatusOr<std::string> Translate(const query::Expr& expr, const std::string& dataset,
                                        const std::string& alias);

 private:
  absl::StatusOr<std::string> Compare(const std::string& dataset, const std::string& alias,
                                      const std::string& column, query::CompareOp op,
                                      const query::Literal& literal) const;
  absl::StatusOr<std::string> PersonIn(const query::Expr& expr, const std::string& outer);

  const absl::flat_hash_map<std::string, OracleDataset>& datasets_;
  const OracleCutoffs& cutoffs_;
  int sub_queries_ = 0;
};

}  // namespace confide::hub::difftest
