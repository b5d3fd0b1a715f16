// The columnar engine under test: hub/analytics/column_store.h, loaded the way the hub loads it
// (Upsert of every stored record, then RefreshPersons from the person index, here a lookup of
// the synthetic person), queried through ParseQuery and ColumnStore::Run.

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "bench/analytics/bench_queries.h"
#include "bench/analytics/runners.h"
#include "hub/analytics/column_store.h"
#include "hub/query/sql_parser.h"

namespace confide::bench {

void RunEngine(const SyntheticRecords& data, std::shared_ptr<const policy::Policy> policy,
               const RunConfig& config, ReportWriter& out) {
  using hub::analytics::ColumnStore;
  out.System("Confide ColumnStore (hub/analytics)");
  constexpr int64_t kBatch = 10000;
  std::vector<v1::StoredRecord> batch(kBatch);
  for (int64_t j = 0; j < kBatch && j < data.size(); ++j) {
    data.Fill(j, batch[j]);  // allocate the batch's strings before the baseline
  }
  const double base_rss = RssMb("VmRSS:");
  ResetPeakRss();

  // Load: generating the records is not timed, only Upsert and RefreshPersons.
  auto store = std::make_unique<ColumnStore>(policy);
  double upsert_s = 0;
  for (int64_t i = 0; i < data.size(); i += kBatch) {
    const int64_t count = std::min(kBatch, data.size() - i);
    for (int64_t j = 0; j < count; ++j) {
      data.Fill(i + j, batch[j]);
    }
    const auto start = std::chrono::steady_clock::now();
    for (int64_t j = 0; j < count; ++j) {
      store->Upsert(batch[j]);
    }
    upsert_s += SecondsSince(start);
  }
  batch.clear();
  batch.shrink_to_fit();
  const hub::analytics::PersonLookup person_of =
      [&data](absl::string_view, absl::string_view,
              absl::string_view record_id) -> absl::optional<uint64_t> {
    const int64_t index = SyntheticRecords::IndexOfRecordId(record_id);
    if (index < 0 || index >= data.size()) {
      return absl::nullopt;
    }
    return data.PersonOf(index);
  };
  const auto refresh_start = std::chrono::steady_clock::now();
  absl::Status refreshed = store->RefreshPersons(person_of);
  const double refresh_s = SecondsSince(refresh_start);
  // What the lookup itself costs (the hub's is a PersonIndex look-up), to set it apart.
  const auto lookup_start = std::chrono::steady_clock::now();
  uint64_t checksum = 0;
  for (int64_t i = 0; i < data.size(); ++i) {
    checksum += person_of("", "", SyntheticRecords::RecordId(i)).value_or(0);
  }
  const double lookup_s = SecondsSince(lookup_start);
  asm volatile("" : : "r"(checksum) : "memory");  // the loop's result is used
  if (!refreshed.ok()) {
    out.Error(absl::StrCat("RefreshPersons: ", refreshed.ToString()));
    return;
  }
  if (store->RowCount("police_crime") != data.police() ||
      store->RowCount("ed_attendance") != data.size() - data.police()) {
    out.Error(absl::StrCat("the store holds ", store->RowCount("police_crime"), " + ",
                           store->RowCount("ed_attendance"), " rows, expected ", data.police(),
                           " + ", data.size() - data.police()));
    return;
  }
  out.Load(upsert_s + refresh_s,
           absl::StrFormat("Upsert %.2f s (%.0f records/s) + RefreshPersons %.2f s (~%.2f s of "
                           "it in the bench's person lookup callback)",
                           upsert_s, data.size() / upsert_s, refresh_s, lookup_s));
  const double rss_load = RssMb("VmRSS:") - base_rss;

  hub::analytics::RunOptions options;
  options.threads = config.threads;
  for (const BenchQuery& query : BenchQueries()) {
    absl::StatusOr<hub::query::ParsedQuery> parsed = hub::query::ParseQuery(query.confide);
    if (!parsed.ok()) {
      out.Error(absl::StrCat("query ", query.id, ": ", parsed.status().ToString()));
      return;
    }
    std::vector<hub::analytics::ExactGroup> groups;
    std::string error;
    auto run = [&] {
      absl::StatusOr<std::vector<hub::analytics::ExactGroup>> result = store->Run(*parsed, options);
      if (!result.ok()) {
        error = result.status().ToString();
        return false;
      }
      groups = *std::move(result);
      return true;
    };
    QueryRun timings;
    if (!TimeRuns(config.runs, run, timings)) {
      out.Error(absl::StrCat("query ", query.id, ": ", error));
      return;
    }
    out.Time(query.id, timings);
    for (const hub::analytics::ExactGroup& group : groups) {
      if (group.measures.empty()) {
        out.Error(absl::StrCat("query ", query.id, ": a group without measures"));
        return;
      }
      ResultRow row;
      row.key = absl::StrJoin(group.dims, kKeySeparator);
      row.count = group.numerators.empty() ? std::llround(group.measures[0]) : group.numerators[0];
      row.rate = query.has_rate ? group.measures[0] : -1;
      out.Row(query.id, row);
    }
  }
  out.Memory(rss_load, RssMb("VmHWM:") - base_rss);
  out.LoadAverage();
  out.Done();
}

}  // namespace confide::bench
