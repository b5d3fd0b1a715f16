#pragma once

// What one system under test reports, and the line protocol that carries it from the process
// that ran the system (the engine and SQLite each run in a child process of the bench, DuckDB in
// node) back to the bench, which compares the answers and prints the table. One record a line,
// fields separated by tabs:
//
//   system  <version>
//   load    <seconds>  <what the load did, in words>
//   memory  <resident MB after the load>  <peak resident MB over load and queries>
//   time    <query id>  <warm-up seconds>  <seconds of each timed run, comma-separated>
//           <CPU seconds of each timed run, all threads of the process, comma-separated>
//   row     <query id>  <key>  <count>  <rate, or - when the query has none>
//   loadavg <the machine's 1-minute load average after the queries>
//   error   <message>
//   done
//
// Memory is above the process's resident size before the load. A report without `done` is a
// failed run.

#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace confide::bench {

struct ResultRow {
  std::string key;
  int64_t count = 0;
  double rate = -1;  // < 0: none
};

struct QueryRun {
  double warmup_seconds = 0;
  std::vector<double> seconds;
  std::vector<double> cpu_seconds;  // process CPU time (user + system) of each timed run
  std::vector<ResultRow> rows;      // sorted by key once parsed
  double Best() const;
  double BestCpu() const;
};

struct SystemReport {
  std::string name;
  std::string version;
  bool done = false;
  std::string error;
  double load_seconds = 0;
  std::string load_detail;
  double rss_load_mb = 0;
  double rss_peak_mb = 0;
  double load_average = -1;                 // < 0: not reported
  std::map<std::string, QueryRun> queries;  // by query id
};

class ReportWriter {
 public:
  explicit ReportWriter(std::FILE* out) : out_(out) {}
  void System(absl::string_view version);
  void Load(double seconds, absl::string_view detail);
  void Memory(double rss_load_mb, double rss_peak_mb);
  void Time(absl::string_view query, const QueryRun& run);
  void Row(absl::string_view query, const ResultRow& row);
  // Reads the machine's 1-minute load average and reports it.
  void LoadAverage();
  void Error(absl::string_view message);
  void Done();

 private:
  std::FILE* out_;
};

SystemReport ParseReport(absl::string_view name, absl::string_view text);

// Differences between two systems' answers to one query, one line each (at most `limit`), empty
// when they agree: the same keys, equal counts, rates equal to 1e-9 relative.
std::vector<std::string> CompareRuns(const QueryRun& expected, const QueryRun& actual,
                                     size_t limit);

// Resident set size fields of /proc/self/status ("VmRSS:", "VmHWM:") in MB; -1 if unreadable.
double RssMb(const char* field);
// CPU time (user + system) of this process so far, all threads, in seconds.
double CpuSeconds();
// Resets VmHWM to the current RSS (Linux >= 4.0), so the next reading covers only what follows.
void ResetPeakRss();

}  // namespace confide::bench
