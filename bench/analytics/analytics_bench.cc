// confide-analytics-bench: times the same aggregate queries on the same synthetic records in
// Confide's columnar engine (hub/analytics), SQLite (C API, in-memory) and DuckDB (node,
// @duckdb/node-api, in-memory), checks that all three give the same answers, and prints one
// table of best-of-N times and ratios, plus load times and memory.
//
// The engine and SQLite each run in a forked child (so each one's resident memory is its own);
// DuckDB runs in node on CSV files written here. Every system reports back through the line
// protocol of bench_report.h. Run it through bench/analytics/run-analytics-bench, which
// installs the DuckDB package first.

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/civil_time.h"
#include "bench/analytics/bench_queries.h"
#include "bench/analytics/bench_report.h"
#include "bench/analytics/comparison.h"
#include "bench/analytics/runners.h"
#include "bench/analytics/synthetic_records.h"

ABSL_FLAG(int64_t, records, 10000000, "Records in all (police_crime and ed_attendance).");
ABSL_FLAG(double, police_share, 0.7, "Share of the records that are police_crime.");
ABSL_FLAG(uint64_t, seed, 20260601, "Seed of the synthetic records.");
ABSL_FLAG(int, runs, 5, "Timed runs per query and system, after one warm-up run; best is shown.");
ABSL_FLAG(int, threads, 0, "Threads each system may use; 0: the machine's hardware threads.");
ABSL_FLAG(std::vector<std::string>, systems,
          std::vector<std::string>({"engine", "sqlite", "duckdb"}),
          "Systems to run, of engine, sqlite, duckdb.");
ABSL_FLAG(std::string, dir, "",
          "Directory for the CSV files DuckDB loads (default: a new one under $TMPDIR or /tmp).");
ABSL_FLAG(bool, keep, false, "Keep the CSV files.");
ABSL_FLAG(std::string, policy, CONFIDE_SOURCE_DIR "/deploy/policy/merseyside.textpb",
          "Policy giving the datasets, reference areas and populations.");
ABSL_FLAG(std::string, node, "node", "The node executable.");
ABSL_FLAG(std::string, duckdb_script, CONFIDE_SOURCE_DIR "/bench/analytics/duckdb/duckdb_bench.cjs",
          "The DuckDB side.");
ABSL_FLAG(std::string, duckdb_modules, CONFIDE_BINARY_DIR "/bench-analytics-node",
          "Directory where run-analytics-bench installed @duckdb/node-api (has package.json).");

namespace {

namespace bench = ::confide::bench;
using bench::SystemReport;

std::string ShellQuote(const std::string& s) {
  return absl::StrCat("'", absl::StrReplaceAll(s, {{"'", "'\\''"}}), "'");
}

std::string ExitDescription(int status) {
  if (WIFEXITED(status)) {
    return absl::StrCat("exited with status ", WEXITSTATUS(status));
  }
  if (WIFSIGNALED(status)) {
    return absl::StrCat("killed by signal ", WTERMSIG(status));
  }
  return "ended abnormally";
}

std::string ReadAll(std::FILE* in) {
  std::string text;
  char buffer[1 << 16];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), in)) > 0) {
    text.append(buffer, n);
  }
  return text;
}

SystemReport Failed(const std::string& name, const std::string& error) {
  SystemReport failed;
  failed.name = name;
  failed.error = error;
  return failed;
}

// Runs `body` in a forked child that reports through a pipe.
SystemReport RunInChild(const std::string& name,
                        const std::function<void(bench::ReportWriter&)>& body) {
  int fds[2];
  if (pipe(fds) != 0) {
    return Failed(name, "pipe() failed");
  }
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    std::FILE* out = fdopen(fds[1], "w");
    bench::ReportWriter writer(out);
    body(writer);
    std::fclose(out);
    _exit(0);
  }
  close(fds[1]);
  std::FILE* in = fdopen(fds[0], "r");
  const std::string text = ReadAll(in);
  std::fclose(in);
  int status = 0;
  waitpid(pid, &status, 0);
  SystemReport report = bench::ParseReport(name, text);
  if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    absl::StrAppend(&report.error, report.error.empty() ? "" : "; ",
                    pid < 0 ? "fork() failed" : ExitDescription(status));
    report.done = false;
  }
  return report;
}

SystemReport RunNode(const std::string& dir, int runs, int threads) {
  const std::string command = absl::StrCat(
      ShellQuote(absl::GetFlag(FLAGS_node)), " ", ShellQuote(absl::GetFlag(FLAGS_duckdb_script)),
      " --modules ", ShellQuote(absl::GetFlag(FLAGS_duckdb_modules)), " --data ", ShellQuote(dir),
      " --runs ", runs, " --threads ", threads);
  std::fflush(nullptr);
  std::FILE* in = popen(command.c_str(), "r");
  if (in == nullptr) {
    return Failed("DuckDB", "could not start node");
  }
  const std::string text = ReadAll(in);
  const int status = pclose(in);
  SystemReport report = bench::ParseReport("DuckDB", text);
  if (status != 0) {
    absl::StrAppend(&report.error, report.error.empty() ? "" : "; ", "node ",
                    ExitDescription(status));
    report.done = false;
  }
  return report;
}

// Writes the CSV files and the DuckDB queries into --dir, runs the DuckDB side on them in node,
// and removes them again unless --keep.
SystemReport RunDuckDb(const bench::SyntheticRecords& data, const bench::RunConfig& config) {
  std::string dir = absl::GetFlag(FLAGS_dir);
  const bool own_dir = dir.empty();
  if (own_dir) {
    const char* tmp = std::getenv("TMPDIR");
    dir = absl::StrCat(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp", "/confide-analytics-bench-",
                       getpid());
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const auto start = std::chrono::steady_clock::now();
  absl::Status written = data.WriteCsv(dir);
  std::ofstream queries(dir + "/duckdb-queries.tsv");
  for (const bench::BenchQuery& q : bench::BenchQueries()) {
    queries << q.id << '\t' << (q.has_rate ? 1 : 0) << '\t' << q.duckdb << '\n';
  }
  queries.close();
  SystemReport report;
  if (!written.ok() || !queries) {
    report = Failed("DuckDB", written.ok() ? "could not write the DuckDB queries in " + dir
                                           : written.ToString());
  } else {
    std::printf("CSV for DuckDB written to %s in %.1f s (%.0f MB)\n", dir.c_str(),
                bench::SecondsSince(start),
                (std::filesystem::file_size(dir + "/police_crime.csv", ec) +
                 std::filesystem::file_size(dir + "/ed_attendance.csv", ec)) /
                    1048576.0);
    report = RunNode(dir, config.runs, config.threads);
  }
  if (!absl::GetFlag(FLAGS_keep)) {
    for (const char* file : {"police_crime.csv", "ed_attendance.csv", "areas.csv",
                             "populations.csv", "duckdb-queries.tsv"}) {
      std::filesystem::remove(std::filesystem::path(dir) / file, ec);
    }
    if (own_dir) {
      std::filesystem::remove(dir, ec);
    }
  }
  return report;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::vector<std::string> systems = absl::GetFlag(FLAGS_systems);
  auto wanted = [&](absl::string_view s) {
    return std::find(systems.begin(), systems.end(), s) != systems.end();
  };
  for (const std::string& s : systems) {
    if (s != "engine" && s != "sqlite" && s != "duckdb") {
      std::fprintf(stderr, "--systems: expected engine, sqlite or duckdb, got '%s'\n", s.c_str());
      return 1;
    }
  }
  absl::StatusOr<std::shared_ptr<const confide::policy::Policy>> policy =
      confide::policy::Policy::FromFile(absl::GetFlag(FLAGS_policy), absl::CivilDay(2026, 6, 1));
  if (!policy.ok()) {
    std::fprintf(stderr, "policy: %s\n", policy.status().ToString().c_str());
    return 1;
  }
  bench::RunConfig config;
  config.runs = std::max(1, absl::GetFlag(FLAGS_runs));
  config.threads = absl::GetFlag(FLAGS_threads) > 0
                       ? absl::GetFlag(FLAGS_threads)
                       : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  const bench::SyntheticRecords data(**policy, absl::GetFlag(FLAGS_records),
                                     absl::GetFlag(FLAGS_police_share), absl::GetFlag(FLAGS_seed));
  std::printf(
      "confide-analytics-bench: %lld records (%lld police_crime, %lld ed_attendance) of up to "
      "%llu persons; %d threads; best of %d runs after a warm-up\n",
      static_cast<long long>(data.size()), static_cast<long long>(data.police()),
      static_cast<long long>(data.size() - data.police()),
      static_cast<unsigned long long>(data.persons()), config.threads, config.runs);

  std::vector<SystemReport> reports;
  if (wanted("engine")) {
    reports.push_back(RunInChild(
        "engine", [&](bench::ReportWriter& out) { bench::RunEngine(data, *policy, config, out); }));
  }
  if (wanted("sqlite")) {
    reports.push_back(RunInChild(
        "SQLite", [&](bench::ReportWriter& out) { bench::RunSqlite(data, config, out); }));
  }
  if (wanted("duckdb")) {
    reports.push_back(RunDuckDb(data, config));
  }
  return bench::PrintComparison(reports, bench::BenchQueries());
}
