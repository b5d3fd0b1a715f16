#pragma once

// The analytics benchmark's verdict: checks that every system that ran gave the same answer to
// every query, then prints the table of times and ratios, load times, memory and the goal.

#include <vector>

#include "bench/analytics/bench_queries.h"
#include "bench/analytics/bench_report.h"

namespace confide::bench {

// Prints everything to stdout (mismatches to stderr as well). Systems are named "engine",
// "SQLite" and "DuckDB". Returns the exit code: 0 when every system ran and all answers agree,
// 1 otherwise.
int PrintComparison(const std::vector<SystemReport>& reports,
                    const std::vector<BenchQuery>& queries);

}  // namespace confide::bench
