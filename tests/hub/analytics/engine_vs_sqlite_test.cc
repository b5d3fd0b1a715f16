// Differential tests: the hub's analytics engines against SQLite on the same raw rows. Hundreds of
// random queries (fixed seeds) over random Merseyside-shaped data must give the same exact
// groups from the scan engine (COUNT(*), COUNT(DISTINCT person), linked cohorts), from the column
// store (every aggregate) and from the SQLite oracle, which computes every derived dimension and
// measure in SQL by itself (tests/hub/analytics/sqlite_oracle.h). The oracle's own sanity tests
// pin it to hand-counted answers, so the three cannot agree on something trivially wrong.

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hub/analytics/column_store.h"
#include "hub/analytics/scan_engine.h"
#include "hub/linkage/person_index.h"
#include "hub/query/sql_parser.h"
#include "hub/storage/record_store.h"
#include "policy/policy.h"
#include "tests/hub/analytics/query_generator.h"
#include "tests/hub/analytics/sqlite_oracle.h"
#include "tests/testing/status_matchers.h"

namespace confide::hub {
namespace {

using ::confide::testing::IsOk;
using difftest::GeneratedData;
using difftest::OracleCutoffs;
using difftest::QueryGenerator;
using difftest::SqliteOracle;

constexpr int kQueries = 400;
constexpr int kMaxReportedMismatches = 10;

std::shared_ptr<const policy::Policy> Merseyside() {
  absl::StatusOr<std::shared_ptr<const policy::Policy>> policy = policy::Policy::FromFile(
      CONFIDE_SOURCE_DIR "/deploy/policy/merseyside.textpb", absl::CivilDay(2026, 6, 1));
  EXPECT_THAT(policy, IsOk());
  return policy.value_or(nullptr);
}

std::string Show(const query::GroupRow& row) {
  return absl::StrCat("[", absl::StrJoin(row.dims, " | "), "] -> ",
                      absl::StrJoin(row.measures, ", ", [](std::string* out, double m) {
                        absl::StrAppend(out, absl::StrFormat("%.12g", m));
                      }));
}

std::string ShowCutoffs(const OracleCutoffs& cutoffs) {
  std::map<std::string, int64_t> sorted(cutoffs.begin(), cutoffs.end());
  return absl::StrJoin(sorted, ", ", absl::PairFormatter("="));
}

// Equal within a relative 1e-9; two NaNs (an undefined ratio on both sides) are equal.
bool Near(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) {
    return std::isnan(a) && std::isnan(b);
  }
  return a == b || std::fabs(a - b) <= 1e-9 * std::max(std::fabs(a), std::fabs(b));
}

// "" when the two sets of groups agree, else the first difference.
std::string FirstDifference(std::vector<query::GroupRow> expected,
                            std::vector<query::GroupRow> actual) {
  auto by_dims = [](const query::GroupRow& a, const query::GroupRow& b) { return a.dims < b.dims; };
  std::sort(expected.begin(), expected.end(), by_dims);
  std::sort(actual.begin(), actual.end(), by_dims);
  for (size_t i = 0; i < std::max(expected.size(), actual.size()); ++i) {
    if (i >= expected.size()) {
      return absl::StrCat("extra group ", Show(actual[i]));
    }
    if (i >= actual.size() || actual[i].dims != expected[i].dims) {
      return absl::StrCat("SQLite has ", Show(expected[i]), ", engine has ",
                          i < actual.size() ? Show(actual[i]) : "no more groups");
    }
    bool same = expected[i].measures.size() == actual[i].measures.size();
    for (size_t m = 0; same && m < expected[i].measures.size(); ++m) {
      same = Near(expected[i].measures[m], actual[i].measures[m]);
    }
    if (!same) {
      return absl::StrCat("SQLite has ", Show(expected[i]), ", engine has ", Show(actual[i]));
    }
  }
  return "";
}

// A read-only store over a vector: all the scan engine and the person index need. (The full
// in-memory fake also brings the audit log, which lives in confide::hub_core.)
class VectorStore final : public RecordStore {
 public:
  explicit VectorStore(const std::vector<v1::StoredRecord>& records) : records_(records) {}
  absl::StatusOr<PutBatchResult> PutBatch(
      const BatchWrite&, const std::function<v1::AuditEvent(BatchOutcome)>&) override {
    return absl::UnimplementedError("read-only store");
  }
  absl::StatusOr<WithdrawalResult> Withdraw(
      const WithdrawalWrite&,
      const std::function<v1::AuditEvent(const WithdrawalResult&)>&) override {
    return absl::UnimplementedError("read-only store");
  }
  absl::StatusOr<PurgeResult> PurgeBefore(absl::string_view, int64_t,
                                          const std::function<v1::AuditEvent(int64_t)>&) override {
    return absl::UnimplementedError("read-only store");
  }
  absl::Status ScanDataset(
      absl::string_view dataset,
      const std::function<void(const v1::StoredRecord&)>& visit) const override {
    for (const v1::StoredRecord& record : records_) {
      if (record.dataset() == dataset) {
        visit(record);
      }
    }
    return absl::OkStatus();
  }

 private:
  const std::vector<v1::StoredRecord>& records_;
};

// "" when a column store group's ratio parts agree with its measures: a rate is 1000 times its
// numerator over its population, a repeat rate 100 times repeaters over persons.
std::string InconsistentParts(const query::ParsedQuery& parsed,
                              const analytics::ExactGroup& group) {
  std::vector<query::AggregateKind> kinds;
  for (const query::SelectItem& item : parsed.select) {
    if (item.kind == query::SelectItem::Kind::kAggregate) {
      kinds.push_back(item.aggregate.kind);
    }
  }
  if (group.measures.size() != kinds.size() || group.numerators.size() != kinds.size() ||
      group.denominators.size() != kinds.size()) {
    return absl::StrCat("group [", absl::StrJoin(group.dims, " | "), "] has ",
                        group.measures.size(), " measures, ", group.numerators.size(),
                        " numerators and ", group.denominators.size(), " denominators for ",
                        kinds.size(), " aggregates");
  }
  for (size_t a = 0; a < kinds.size(); ++a) {
    const double scale = kinds[a] == query::AggregateKind::kRepeatRate ? 100
                         : kinds[a] == query::AggregateKind::kRatePer1000CountStar ||
                                 kinds[a] == query::AggregateKind::kRatePer1000CountDistinctPerson
                             ? 1000
                             : 0;
    if (scale > 0 && group.denominators[a] > 0 &&
        !Near(group.measures[a], scale * static_cast<double>(group.numerators[a]) /
                                     static_cast<double>(group.denominators[a]))) {
      return absl::StrCat("group [", absl::StrJoin(group.dims, " | "), "] measure ", a, " is ",
                          group.measures[a], " but its parts are ", group.numerators[a], "/",
                          group.denominators[a]);
    }
  }
  return "";
}

// The random data set, the store and person index the scan engine reads, and the oracle; built
// once for all tests of the suite.
class EngineVsSqliteTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    policy_ = Merseyside();
    ASSERT_NE(policy_, nullptr);
    data_ = new GeneratedData(difftest::GenerateRecords(*policy_, 20260601));
    store_ = new VectorStore(data_->records);
    absl::StatusOr<std::unique_ptr<linkage::PersonIndex>> index =
        linkage::PersonIndex::Build(*store_, *policy_);
    ASSERT_THAT(index, IsOk());
    persons_ = index->release();
    absl::StatusOr<std::unique_ptr<SqliteOracle>> oracle = SqliteOracle::Create(policy_);
    ASSERT_THAT(oracle, IsOk());
    oracle_ = oracle->release();
    ASSERT_THAT(oracle_->Load(data_->records, data_->persons), IsOk());
  }

  static void TearDownTestSuite() {
    delete oracle_;
    delete persons_;
    delete store_;
    delete data_;
    policy_.reset();
  }

  // Counts a mismatch; the first few are reported with everything needed to reproduce them.
  static void Report(const SqliteOracle& oracle, const std::string& text,
                     const OracleCutoffs& cutoffs, const query::ParsedQuery& parsed,
                     const std::string& difference, int& mismatches) {
    if (++mismatches > kMaxReportedMismatches) {
      return;
    }
    absl::StatusOr<std::string> sql = oracle.Translate(parsed, cutoffs);
    ADD_FAILURE() << "query: " << text << "\ncut-offs: {" << ShowCutoffs(cutoffs) << "}\n"
                  << difference << "\nSQLite SQL: " << sql.value_or("?");
  }

  // Records each row's true person in the column store.
  static absl::Status RefreshPersons(analytics::ColumnStore& columns, const GeneratedData& data) {
    absl::flat_hash_map<std::string, uint64_t> person_of;
    auto key = [](absl::string_view dataset, absl::string_view agency, absl::string_view id) {
      return absl::StrCat(dataset, "/", agency, "/", id);
    };
    for (size_t i = 0; i < data.records.size(); ++i) {
      const v1::StoredRecord& r = data.records[i];
      person_of[key(r.dataset(), r.agency(), r.record_id())] = data.persons[i];
    }
    return columns.RefreshPersons([&](absl::string_view dataset, absl::string_view agency,
                                      absl::string_view id) -> absl::optional<uint64_t> {
      auto found = person_of.find(key(dataset, agency, id));
      return found == person_of.end() ? absl::nullopt : absl::make_optional(found->second);
    });
  }

  // Runs `queries` random queries (every aggregate) on the column store and the oracle; returns
  // how many differ, reporting the first few.
  static int RunColumnStoreQueries(const analytics::ColumnStore& columns,
                                   const SqliteOracle& oracle, uint64_t seed, int queries) {
    QueryGenerator generator(*policy_, *data_, seed);
    int mismatches = 0;
    for (int i = 0; i < queries; ++i) {
      const std::string text = generator.Next({.scan_aggregates_only = false, .linked = true});
      const OracleCutoffs cutoffs = generator.NextCutoffs();
      absl::StatusOr<query::ParsedQuery> parsed = query::ParseQuery(text);
      EXPECT_THAT(parsed, IsOk()) << text;
      absl::StatusOr<std::vector<query::GroupRow>> expected =
          parsed.ok() ? oracle.Run(*parsed, cutoffs) : parsed.status();
      EXPECT_THAT(expected, IsOk()) << text;
      if (!expected.ok()) {
        ++mismatches;
        continue;
      }
      analytics::RunOptions options;
      options.min_event_time = cutoffs;
      options.threads = 2;
      absl::StatusOr<std::vector<analytics::ExactGroup>> exact = columns.Run(*parsed, options);
      std::string difference =
          exact.ok() ? "" : absl::StrCat("column store failed: ", exact.status().ToString());
      std::vector<query::GroupRow> actual;
      for (const analytics::ExactGroup& group : exact.ok() ? *exact : EmptyGroups()) {
        actual.push_back({group.dims, group.measures});
        if (difference.empty()) {
          difference = InconsistentParts(*parsed, group);
        }
      }
      if (difference.empty()) {
        difference = FirstDifference(*expected, actual);
      }
      if (!difference.empty()) {
        Report(oracle, text, cutoffs, *parsed, difference, mismatches);
      }
    }
    return mismatches;
  }

  static const std::vector<analytics::ExactGroup>& EmptyGroups() {
    static const auto* const kEmpty = new std::vector<analytics::ExactGroup>();
    return *kEmpty;
  }

  static std::shared_ptr<const policy::Policy> policy_;
  static GeneratedData* data_;
  static VectorStore* store_;
  static linkage::PersonIndex* persons_;
  static SqliteOracle* oracle_;
};

std::shared_ptr<const policy::Policy> EngineVsSqliteTest::policy_;
GeneratedData* EngineVsSqliteTest::data_ = nullptr;
VectorStore* EngineVsSqliteTest::store_ = nullptr;
linkage::PersonIndex* EngineVsSqliteTest::persons_ = nullptr;
SqliteOracle* EngineVsSqliteTest::oracle_ = nullptr;

// The engines count persons from the index, the oracle from the generator's true persons: the
// comparison is only fair when the index recovers exactly those persons.
TEST_F(EngineVsSqliteTest, PersonIndexRecoversTheTruePersons) {
  std::map<linkage::PersonId, int64_t> true_of;
  std::map<int64_t, linkage::PersonId> index_of;
  for (size_t i = 0; i < data_->records.size(); ++i) {
    const v1::StoredRecord& r = data_->records[i];
    absl::optional<linkage::PersonId> person =
        persons_->PersonOf(r.dataset(), r.agency(), r.record_id());
    ASSERT_TRUE(person.has_value()) << r.record_id();
    EXPECT_EQ(true_of.emplace(*person, data_->persons[i]).first->second, data_->persons[i]);
    EXPECT_EQ(index_of.emplace(data_->persons[i], *person).first->second, *person);
  }
  EXPECT_GT(data_->records.size(), true_of.size() * 3) << "persons should recur";
}

TEST_F(EngineVsSqliteTest, ScanEngineMatchesSqlite) {
  QueryGenerator generator(*policy_, *data_, 1);
  int mismatches = 0;
  int non_empty = 0;
  for (int i = 0; i < kQueries; ++i) {
    const std::string text = generator.Next({.scan_aggregates_only = true, .linked = true});
    const OracleCutoffs cutoffs = generator.NextCutoffs();
    absl::StatusOr<query::ParsedQuery> parsed = query::ParseQuery(text);
    ASSERT_THAT(parsed, IsOk()) << text;
    absl::StatusOr<std::vector<query::GroupRow>> expected = oracle_->Run(*parsed, cutoffs);
    ASSERT_THAT(expected, IsOk()) << text;
    ScanOptions options;
    options.min_event_time = cutoffs;
    options.persons = persons_;
    absl::StatusOr<std::vector<query::GroupRow>> actual =
        RunScan(*policy_, *parsed, *store_, options);
    ASSERT_THAT(actual, IsOk()) << text;
    const std::string difference = FirstDifference(*expected, *actual);
    if (!difference.empty()) {
      Report(*oracle_, text, cutoffs, *parsed, difference, mismatches);
    }
    non_empty += !expected->empty() && expected->front().measures.front() > 0 ? 1 : 0;
  }
  EXPECT_EQ(mismatches, 0) << mismatches << " of " << kQueries << " queries differ";
  EXPECT_GT(non_empty, kQueries / 3) << "too many random queries select nothing";
}

TEST_F(EngineVsSqliteTest, ColumnStoreMatchesSqliteOnEveryAggregate) {
  analytics::ColumnStore columns(policy_);
  for (const v1::StoredRecord& record : data_->records) {
    columns.Upsert(record);
  }
  ASSERT_THAT(RefreshPersons(columns, *data_), IsOk());
  const int mismatches = RunColumnStoreQueries(columns, *oracle_, 2, kQueries);
  EXPECT_EQ(mismatches, 0) << mismatches << " of " << kQueries << " queries differ";
}

// The store is kept in step as batches land: after records are replaced (new values, new
// times), removed and added in another order, it must answer like a fresh load of what is left.
TEST_F(EngineVsSqliteTest, ColumnStoreMatchesSqliteAfterReplacementsAndRemovals) {
  analytics::ColumnStore columns(policy_);
  for (auto it = data_->records.rbegin(); it != data_->records.rend(); ++it) {
    columns.Upsert(*it);
  }
  GeneratedData after;
  for (size_t i = 0; i < data_->records.size(); ++i) {
    v1::StoredRecord record = data_->records[i];
    if (i % 5 == 0) {
      columns.Remove(record.dataset(), record.agency(), record.record_id());
      continue;
    }
    if (i % 7 == 0) {
      record.set_event_time(record.event_time() + 3 * 86400);
      auto& values = *record.mutable_values();
      values.erase("sex");
      values["district"] = "L1";
      if (record.dataset() == "police_crime") {
        values["offence_group"] = "homicide";
      } else {
        values["means_of_assault"] = "other";
      }
      columns.Upsert(record);
    }
    after.records.push_back(record);
    after.persons.push_back(data_->persons[i]);
  }
  ASSERT_THAT(RefreshPersons(columns, after), IsOk());
  absl::StatusOr<std::unique_ptr<SqliteOracle>> oracle = SqliteOracle::Create(policy_);
  ASSERT_THAT(oracle, IsOk());
  ASSERT_THAT((*oracle)->Load(after.records, after.persons), IsOk());
  const int queries = kQueries / 2;
  const int mismatches = RunColumnStoreQueries(columns, **oracle, 3, queries);
  EXPECT_EQ(mismatches, 0) << mismatches << " of " << queries << " queries differ";
}

}  // namespace
}  // namespace confide::hub
