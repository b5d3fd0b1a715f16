#pragma once

// A test oracle for the analytics engines: the same raw rows in an in-memory SQLite database and
// each parsed query translated into plain SQLite SQL. Every derived dimension (year ..
// hour_of_week, ISO week, ward, borough, age_band), the value comparison rules, linked cohorts,
// harm, rates and repeat rates are computed by SQLite itself from the raw columns (strftime, CASE,
// GLOB, joins, window functions), never by calling hub code, so a differential test against it
// checks the engines against an independent implementation of the same semantics.
//
// Schema, one pair of tables per policy dataset:
//   raw_<dataset>(rid, person, event_time, <each sendable value as TEXT, NULL when missing>)
//   dim_<dataset>: raw columns, derived dimensions, and for every dimension c a column "c__n"
//                  holding its number when the text has the form -?[0-9]+(.[0-9]+)?, else NULL
// and the reference tables areas(code, ward, borough), populations(area, population),
// harm_weights(dataset, code, weight) copied from the policy.
//
// Semantics the translation encodes (hub/query/evaluator.h): a comparison against a numeric
// literal (quoted or not) is numeric when the value is a number too and a byte comparison
// otherwise; one against a non-numeric literal is always a byte comparison; missing values are
// NULL, so SQL's three-valued logic applies and only TRUE rows are kept. A value stored as ""
// is present (as it is to the evaluator's RowView), not missing.
//
// Conventions for what the engines leave open (the differential test reports any difference):
// RATE_PER_1000 divides by the population of the group's area when the query has one area
// dimension (borough, ward or district: the reference population named like its value), else by
// all populations summed; an area without a population makes the rate NaN. REPEAT_RATE over no
// persons is 0. ORDER BY and LIMIT are ignored (the engines return exact groups before them).
//
// Known limits: numbers are compared as SQLite INTEGER/REAL, so values beyond 2^53 with
// fractions or beyond int64 compare approximately; a stored value named like a derived dimension
// does not shadow it; age_band reads plain digit strings only (no sign, no spaces).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "confide/v1/storage.pb.h"
#include "hub/query/ast.h"
#include "hub/query/evaluator.h"
#include "policy/policy.h"

struct sqlite3;

namespace confide::hub::difftest {

// What the oracle knows of one dataset's columns.
struct OracleDataset {
  std::vector<std::string> raw_columns;  // sendable values, in policy order
  std::vector<std::string> dimensions;   // every queryable dimension, raw and derived
  std::string harm_field;                // empty when the dataset has no harm
  std::string location_column;           // e.g. "district"; empty without a location
};

// Earliest usable event time per dataset; rows before it take no part in the query at all.
using OracleCutoffs = absl::flat_hash_map<std::string, int64_t>;

class SqliteOracle {
 public:
  // Opens an in-memory database and creates the tables of every dataset of `policy`, with its
  // reference data loaded. Internal on any SQLite failure.
  static absl::StatusOr<std::unique_ptr<SqliteOracle>> Create(
      std::shared_ptr<const policy::Policy> policy);
  ~SqliteOracle();
  SqliteOracle(const SqliteOracle&) = delete;
  SqliteOracle& operator=(const SqliteOracle&) = delete;

  // Adds rows: records[i] belongs to persons[i]. Records of datasets the policy does not know
  // are skipped. May be called more than once; each call rebuilds the dim_ tables.
  absl::Status Load(const std::vector<v1::StoredRecord>& records,
                    const std::vector<int64_t>& persons);

  // The SQLite SQL answering `query` (for failure messages). InvalidArgument for an unknown
  // dataset or column, SUM(harm) on a dataset without a harm field, or RATE_PER_1000 grouped by
  // more than one area dimension.
  absl::StatusOr<std::string> Translate(const query::ParsedQuery& query,
                                        const OracleCutoffs& cutoffs) const;

  // Exact groups of `query`, dims in SELECT order with "(missing)" for a missing value,
  // measures in SELECT order, in no particular order. A query without GROUP BY gives one row.
  absl::StatusOr<std::vector<query::GroupRow>> Run(const query::ParsedQuery& query,
                                                   const OracleCutoffs& cutoffs = {}) const;

 private:
  explicit SqliteOracle(std::shared_ptr<const policy::Policy> policy);
  // Runs SQL statements that return no rows.
  absl::Status Exec(const std::string& sql) const;
  absl::Status CreateTables();
  absl::Status BuildDimensionTable(const std::string& dataset, const OracleDataset& info);

  std::shared_ptr<const policy::Policy> policy_;
  sqlite3* db_ = nullptr;
  absl::flat_hash_map<std::string, OracleDataset> datasets_;
};

}  // namespace confide::hub::difftest
