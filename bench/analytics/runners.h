#pragma once

// The systems under test that run inside the bench's own binary, each in a child process of its
// own so that its memory is measured alone: the columnar engine and SQLite. (DuckDB runs in
// node: duckdb/duckdb_bench.cjs.) Each loads the synthetic records, runs every BenchQuery once
// to warm up and then `runs` times, and writes its report with `out` (bench_report.h).

#include <chrono>
#include <memory>
#include <vector>

#include "bench/analytics/bench_report.h"
#include "bench/analytics/synthetic_records.h"
#include "policy/policy.h"

namespace confide::bench {

struct RunConfig {
  int runs = 5;     // timed runs per query, after one warm-up run
  int threads = 2;  // worker threads a system may use
};

void RunEngine(const SyntheticRecords& data, std::shared_ptr<const policy::Policy> policy,
               const RunConfig& config, ReportWriter& out);
void RunSqlite(const SyntheticRecords& data, const RunConfig& config, ReportWriter& out);

inline double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Runs `run` (a callable returning false on failure) once to warm up, then `runs` times, timing
// each (wall and CPU time) into `timings`. False as soon as one run fails.
template <typename Run>
bool TimeRuns(int runs, Run run, QueryRun& timings) {
  for (int i = 0; i <= runs; ++i) {
    const double cpu = CpuSeconds();
    const auto start = std::chrono::steady_clock::now();
    if (!run()) {
      return false;
    }
    const double s = SecondsSince(start);
    if (i == 0) {
      timings.warmup_seconds = s;
    } else {
      timings.seconds.push_back(s);
      timings.cpu_seconds.push_back(CpuSeconds() - cpu);
    }
  }
  return true;
}

}  // namespace confide::bench
