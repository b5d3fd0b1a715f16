#include "bench/analytics/bench_report.h"

#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <fstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace confide::bench {
namespace {

// Fields must not hold the protocol's separators.
std::string Clean(absl::string_view text) {
  std::string out(text);
  std::replace(out.begin(), out.end(), '\t', ' ');
  std::replace(out.begin(), out.end(), '\n', ' ');
  return out;
}

double ToDouble(absl::string_view text) {
  double value = 0;
  return absl::SimpleAtod(text, &value) ? value : -1;
}

}  // namespace

double QueryRun::Best() const {
  return seconds.empty() ? -1 : *std::min_element(seconds.begin(), seconds.end());
}

double QueryRun::BestCpu() const {
  return cpu_seconds.empty() ? -1 : *std::min_element(cpu_seconds.begin(), cpu_seconds.end());
}

void ReportWriter::System(absl::string_view version) {
  std::fprintf(out_, "system\t%s\n", Clean(version).c_str());
}

void ReportWriter::Load(double seconds, absl::string_view detail) {
  std::fprintf(out_, "load\t%.6f\t%s\n", seconds, Clean(detail).c_str());
}

void ReportWriter::Memory(double rss_load_mb, double rss_peak_mb) {
  std::fprintf(out_, "memory\t%.1f\t%.1f\n", rss_load_mb, rss_peak_mb);
}

void ReportWriter::Time(absl::string_view query, const QueryRun& run) {
  auto list = [](const std::vector<double>& values) {
    std::vector<std::string> texts;
    for (double v : values) {
      texts.push_back(absl::StrFormat("%.6f", v));
    }
    return absl::StrJoin(texts, ",");
  };
  std::fprintf(out_, "time\t%s\t%.6f\t%s\t%s\n", Clean(query).c_str(), run.warmup_seconds,
               list(run.seconds).c_str(), list(run.cpu_seconds).c_str());
}

void ReportWriter::Row(absl::string_view query, const ResultRow& row) {
  const std::string rate = row.rate < 0 ? "-" : absl::StrFormat("%.17g", row.rate);
  std::fprintf(out_, "row\t%s\t%s\t%lld\t%s\n", Clean(query).c_str(), Clean(row.key).c_str(),
               static_cast<long long>(row.count), rate.c_str());
}

void ReportWriter::LoadAverage() {
  double load = -1;
  std::ifstream("/proc/loadavg") >> load;
  std::fprintf(out_, "loadavg\t%.2f\n", load);
}

void ReportWriter::Error(absl::string_view message) {
  std::fprintf(out_, "error\t%s\n", Clean(message).c_str());
  std::fflush(out_);
}

void ReportWriter::Done() {
  std::fprintf(out_, "done\n");
  std::fflush(out_);
}

SystemReport ParseReport(absl::string_view name, absl::string_view text) {
  SystemReport report;
  report.name = std::string(name);
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    std::vector<absl::string_view> f = absl::StrSplit(line, '\t');
    if (f[0] == "system" && f.size() >= 2) {
      report.version = std::string(f[1]);
    } else if (f[0] == "load" && f.size() >= 3) {
      report.load_seconds = ToDouble(f[1]);
      report.load_detail = std::string(f[2]);
    } else if (f[0] == "memory" && f.size() >= 3) {
      report.rss_load_mb = ToDouble(f[1]);
      report.rss_peak_mb = ToDouble(f[2]);
    } else if (f[0] == "time" && f.size() >= 4) {
      QueryRun& run = report.queries[std::string(f[1])];
      run.warmup_seconds = ToDouble(f[2]);
      for (absl::string_view s : absl::StrSplit(f[3], ',', absl::SkipEmpty())) {
        run.seconds.push_back(ToDouble(s));
      }
      for (absl::string_view s :
           absl::StrSplit(f.size() >= 5 ? f[4] : "", ',', absl::SkipEmpty())) {
        run.cpu_seconds.push_back(ToDouble(s));
      }
    } else if (f[0] == "row" && f.size() >= 5) {
      ResultRow row;
      row.key = std::string(f[2]);
      row.rate = f[4] == "-" ? -1 : ToDouble(f[4]);
      if (!absl::SimpleAtoi(f[3], &row.count)) {
        row.count = -1;
      }
      report.queries[std::string(f[1])].rows.push_back(std::move(row));
    } else if (f[0] == "loadavg" && f.size() >= 2) {
      report.load_average = ToDouble(f[1]);
    } else if (f[0] == "error") {
      absl::StrAppend(&report.error, report.error.empty() ? "" : "; ",
                      f.size() >= 2 ? f[1] : "(no message)");
    } else if (f[0] == "done") {
      report.done = true;
    } else {
      // Anything else (e.g. a warning a peer printed) is shown, not parsed.
      std::fprintf(stderr, "%s: %.*s\n", report.name.c_str(), static_cast<int>(line.size()),
                   line.data());
    }
  }
  for (auto& [id, run] : report.queries) {
    std::sort(run.rows.begin(), run.rows.end(),
              [](const ResultRow& a, const ResultRow& b) { return a.key < b.key; });
  }
  report.done = report.done && report.error.empty();
  return report;
}

std::vector<std::string> CompareRuns(const QueryRun& expected, const QueryRun& actual,
                                     size_t limit) {
  std::vector<std::string> diffs;
  auto add = [&](std::string diff) {
    if (diffs.size() < limit) {
      diffs.push_back(std::move(diff));
    }
  };
  auto key = [](const ResultRow& row) { return row.key.empty() ? "(all)" : row.key; };
  size_t i = 0;
  size_t j = 0;
  while (i < expected.rows.size() || j < actual.rows.size()) {
    const ResultRow* e = i < expected.rows.size() ? &expected.rows[i] : nullptr;
    const ResultRow* a = j < actual.rows.size() ? &actual.rows[j] : nullptr;
    if (a == nullptr || (e != nullptr && e->key < a->key)) {
      add(absl::StrCat("group ", key(*e), ": missing (expected count ", e->count, ")"));
      ++i;
    } else if (e == nullptr || a->key < e->key) {
      add(absl::StrCat("group ", key(*a), ": unexpected (count ", a->count, ")"));
      ++j;
    } else {
      if (e->count != a->count) {
        add(absl::StrCat("group ", key(*e), ": count ", a->count, ", expected ", e->count));
      }
      const bool rates = e->rate >= 0 || a->rate >= 0;
      if (rates && !(std::fabs(e->rate - a->rate) <= 1e-9 * std::max(1.0, std::fabs(e->rate)))) {
        add(absl::StrFormat("group %s: rate %.12g, expected %.12g", key(*e), a->rate, e->rate));
      }
      ++i;
      ++j;
    }
  }
  return diffs;
}

double RssMb(const char* field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field, 0) == 0) {
      return std::stod(line.substr(std::string(field).size())) / 1024.0;
    }
  }
  return -1;
}

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

void ResetPeakRss() { std::ofstream("/proc/self/clear_refs") << "5"; }

}  // namespace confide::bench
