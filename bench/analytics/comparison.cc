#include "bench/analytics/comparison.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace confide::bench {
namespace {

constexpr double kSqliteGoal = 20;  // engine at least this many times faster than SQLite

std::string Duration(double seconds) {
  if (seconds < 0) {
    return "—";
  }
  if (seconds < 1) {
    return absl::StrFormat("%.3g ms", seconds * 1000);
  }
  return absl::StrFormat("%.3g s", seconds);
}

std::string Ratio(double numerator, double denominator) {
  if (numerator <= 0 || denominator <= 0) {
    return "—";
  }
  const double r = numerator / denominator;
  return r >= 100 ? absl::StrFormat("%.0fx", r) : absl::StrFormat("%.3gx", r);
}

const SystemReport* Find(const std::vector<SystemReport>& reports, absl::string_view name) {
  for (const SystemReport& r : reports) {
    if (r.name == name && r.done) {
      return &r;
    }
  }
  return nullptr;
}

double Best(const SystemReport* r, const char* query, bool cpu = false) {
  if (r == nullptr) {
    return -1;
  }
  auto it = r->queries.find(query);
  if (it == r->queries.end()) {
    return -1;
  }
  return cpu ? it->second.BestCpu() : it->second.Best();
}

// Whether all systems that ran agree on every query; prints each disagreement.
bool CheckAnswers(const std::vector<SystemReport>& reports,
                  const std::vector<BenchQuery>& queries) {
  bool agree = true;
  for (const BenchQuery& q : queries) {
    const SystemReport* reference = nullptr;
    for (const SystemReport& r : reports) {
      if (!r.done) {
        continue;
      }
      auto run = r.queries.find(q.id);
      if (run == r.queries.end()) {
        std::printf("!! MISMATCH: %s gave no answer to query %s\n", r.name.c_str(), q.id);
        std::fprintf(stderr, "!! MISMATCH: %s gave no answer to query %s\n", r.name.c_str(), q.id);
        agree = false;
        continue;
      }
      if (reference == nullptr) {
        reference = &r;
        continue;
      }
      const std::vector<std::string> diffs =
          CompareRuns(reference->queries.at(q.id), run->second, 10);
      if (!diffs.empty()) {
        agree = false;
        for (std::FILE* f : {stdout, stderr}) {
          std::fprintf(f, "!! MISMATCH on query %s (%s): %s differs from %s:\n", q.id, q.title,
                       r.name.c_str(), reference->name.c_str());
          for (const std::string& d : diffs) {
            std::fprintf(f, "!!   %s\n", d.c_str());
          }
        }
      }
    }
  }
  return agree;
}

}  // namespace

int PrintComparison(const std::vector<SystemReport>& reports,
                    const std::vector<BenchQuery>& queries) {
  bool all_ran = true;
  std::printf("\nsystems:\n");
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::string> busy;
  for (const SystemReport& r : reports) {
    if (r.done) {
      std::printf("  %-7s %s; load average after its queries %.2f\n", r.name.c_str(),
                  r.version.c_str(), r.load_average);
      if (r.load_average > cores + 1) {
        busy.push_back(absl::StrFormat("%s (%.1f)", r.name, r.load_average));
      }
    } else {
      all_ran = false;
      std::printf("  %-7s FAILED: %s\n", r.name.c_str(),
                  r.error.empty() ? "no report" : r.error.c_str());
      std::fprintf(stderr, "%s FAILED: %s\n", r.name.c_str(), r.error.c_str());
    }
  }
  if (!busy.empty()) {
    std::printf(
        "!! The machine was busy with other work while these ran: %s, on %u hardware threads.\n"
        "!! Their times are inflated and the ratios unreliable: run again on a quiet machine.\n",
        absl::StrJoin(busy, ", ").c_str(), cores);
  }
  const bool agree = CheckAnswers(reports, queries);

  const SystemReport* engine = Find(reports, "engine");
  const SystemReport* sqlite = Find(reports, "SQLite");
  const SystemReport* duckdb = Find(reports, "DuckDB");
  std::printf(
      "\nwall time of the fastest run:\n\n"
      "| query | engine | SQLite | DuckDB | SQLite/engine | DuckDB/engine |\n"
      "|---|---:|---:|---:|---:|---:|\n");
  std::vector<std::string> misses;
  for (const BenchQuery& q : queries) {
    const double e = Best(engine, q.id);
    const double s = Best(sqlite, q.id);
    const double d = Best(duckdb, q.id);
    std::printf("| %s. %s | %s | %s | %s | %s | %s |\n", q.id, q.title, Duration(e).c_str(),
                Duration(s).c_str(), Duration(d).c_str(), Ratio(s, e).c_str(), Ratio(d, e).c_str());
    if (e > 0 && d > 0 && e > d) {
      misses.push_back(absl::StrFormat("%s: engine slower than DuckDB (%s)", q.id, Ratio(d, e)));
    }
    if (e > 0 && s > 0 && s / e < kSqliteGoal) {
      misses.push_back(absl::StrFormat("%s: engine only %s faster than SQLite", q.id, Ratio(s, e)));
    }
  }

  std::printf(
      "\nCPU time of the least costly run (user + system, all threads of the process; less "
      "sensitive to other work on the machine than the wall times above):\n\n"
      "| query | engine CPU | SQLite CPU | DuckDB CPU | SQLite/engine | DuckDB/engine |\n"
      "|---|---:|---:|---:|---:|---:|\n");
  for (const BenchQuery& q : queries) {
    const double e = Best(engine, q.id, true);
    const double s = Best(sqlite, q.id, true);
    const double d = Best(duckdb, q.id, true);
    std::printf("| %s. %s | %s | %s | %s | %s | %s |\n", q.id, q.title, Duration(e).c_str(),
                Duration(s).c_str(), Duration(d).c_str(), Ratio(s, e).c_str(), Ratio(d, e).c_str());
  }

  std::printf("\nfirst (warm-up) runs:\n");
  for (const SystemReport& r : reports) {
    if (!r.done) {
      continue;
    }
    std::vector<std::string> warmups;
    for (const BenchQuery& q : queries) {
      auto it = r.queries.find(q.id);
      if (it != r.queries.end()) {
        warmups.push_back(absl::StrCat(q.id, " ", Duration(it->second.warmup_seconds)));
      }
    }
    std::printf("  %-7s %s\n", r.name.c_str(), absl::StrJoin(warmups, ", ").c_str());
  }

  std::printf(
      "\n| load and memory | load | resident after load | peak resident |\n"
      "|---|---:|---:|---:|\n");
  for (const SystemReport& r : reports) {
    if (!r.done) {
      continue;
    }
    std::printf("| %s | %s | %.0f MB | %.0f MB |\n", r.name.c_str(),
                Duration(r.load_seconds).c_str(), r.rss_load_mb, r.rss_peak_mb);
  }
  for (const SystemReport& r : reports) {
    if (r.done) {
      std::printf("  %-7s load: %s\n", r.name.c_str(), r.load_detail.c_str());
    }
  }
  std::printf("  (memory: resident set above the process's own before the load)\n");

  std::printf("\nanswers%s:\n", agree ? (reports.size() > 1 ? ", the same in every system" : "")
                                      : " (DISAGREE, see above)");
  for (const SystemReport& r : reports) {
    if (!r.done) {
      continue;
    }
    for (const BenchQuery& q : queries) {
      auto it = r.queries.find(q.id);
      if (it == r.queries.end()) {
        continue;
      }
      int64_t total = 0;
      for (const ResultRow& row : it->second.rows) {
        total += row.count;
      }
      std::printf("  %s. %zu group%s, counts adding up to %lld\n", q.id, it->second.rows.size(),
                  it->second.rows.size() == 1 ? "" : "s", static_cast<long long>(total));
    }
    break;  // the first system that ran; the others agree or were reported above
  }

  if (engine != nullptr && sqlite != nullptr && duckdb != nullptr) {
    std::printf(
        "\ngoal (engine no slower than DuckDB on every query, >= %.0fx faster than SQLite): "
        "%s\n",
        kSqliteGoal,
        misses.empty() ? (busy.empty() ? "met" : "met, but see the warning about load")
                       : "NOT met");
    for (const std::string& m : misses) {
      std::printf("  %s\n", m.c_str());
    }
  } else {
    std::printf("\ngoal: not assessed (a system did not run)\n");
  }
  if (!agree) {
    std::printf("\n!! The systems disagree: the timings above compare different answers.\n");
  }
  return agree && all_ran ? 0 : 1;
}

}  // namespace confide::bench
