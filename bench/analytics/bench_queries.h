#pragma once

// The analytics benchmark's queries, each written once per system: in Confide's dialect for the
// columnar engine, and as the equivalent SQL for SQLite and DuckDB, which compute the derived
// dimensions (borough from the reference areas, month from the event time, the rate from the
// reference populations) in their own SQL.
//
// Each system's answer is normalised to rows of (key, count, rate): the key is the group's
// dimension values joined by " / " (empty for an ungrouped query), count the group's COUNT(*) or
// COUNT(DISTINCT person), rate the rate per 1,000 when the query asks for one.

#include <vector>

namespace confide::bench {

struct BenchQuery {
  const char* id;     // short name used in the protocol and the table: "a", "b", ...
  const char* title;  // what it measures, for the table
  const char* confide;
  const char* sqlite;
  const char* duckdb;
  bool has_rate;
};

const std::vector<BenchQuery>& BenchQueries();

// Separator of dimension values in a result key.
inline constexpr const char* kKeySeparator = " / ";

}  // namespace confide::bench
