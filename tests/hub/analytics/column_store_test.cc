// The columnar engine on hand-made records: derived dimensions, upsert/remove/compaction,
// fingerprints, SUM(harm), RATE_PER_1000, REPEAT_RATE, contribution bounding, all-groups
// answers and the persons precondition. (engine_vs_sqlite_test compares it with SQLite on
// generated data.)

#include "hub/analytics/column_store.h"

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hub/query/sql_parser.h"
#include "policy/policy.h"
#include "tests/testing/status_matchers.h"

namespace confide::hub::analytics {
namespace {

using ::confide::testing::IsOk;
using ::confide::testing::IsOkAndHolds;
using ::confide::testing::StatusIs;

constexpr int64_t kDay = 86400;
constexpr int64_t kBase = 1735689600;  // 2025-01-01T00:00 (a Wednesday)

std::shared_ptr<const policy::Policy> Merseyside() {
  absl::StatusOr<std::shared_ptr<const policy::Policy>> policy = policy::Policy::FromFile(
      CONFIDE_SOURCE_DIR "/deploy/policy/merseyside.textpb", absl::CivilDay(2026, 6, 1));
  EXPECT_THAT(policy, IsOk());
  return policy.value_or(nullptr);
}

v1::StoredRecord Crime(const std::string& id, int64_t time, const std::string& district,
                       const std::string& offence, const std::string& knife = "false") {
  v1::StoredRecord record;
  record.set_dataset("police_crime");
  record.set_agency("merseyside-police");
  record.set_record_id(id);
  record.set_event_time(time);
  (*record.mutable_values())["district"] = district;
  (*record.mutable_values())["offence_group"] = offence;
  (*record.mutable_values())["knife"] = knife;
  return record;
}

class ColumnStoreTest : public ::testing::Test {
 protected:
  ColumnStoreTest() : store_(Merseyside()) {}

  // Persons come from person_of_ (record id -> person), defaulting to one person per record.
  void Refresh() {
    ASSERT_THAT(store_.RefreshPersons([this](absl::string_view, absl::string_view,
                                             absl::string_view id) -> absl::optional<uint64_t> {
      auto it = person_of_.find(std::string(id));
      return it == person_of_.end() ? 1000000 + std::hash<std::string>()(std::string(id)) % 1000
                                    : it->second;
    }),
                IsOk());
  }

  // "dims -> measures" of every group.
  absl::StatusOr<std::map<std::string, std::string>> Run(const std::string& sql,
                                                         RunOptions options = {}) {
    absl::StatusOr<query::ParsedQuery> parsed = query::ParseQuery(sql);
    if (!parsed.ok()) {
      return parsed.status();
    }
    absl::StatusOr<std::vector<ExactGroup>> groups = store_.Run(*parsed, options);
    if (!groups.ok()) {
      return groups.status();
    }
    std::map<std::string, std::string> out;
    for (const ExactGroup& group : *groups) {
      std::vector<std::string> measures;
      for (size_t m = 0; m < group.measures.size(); ++m) {
        measures.push_back(
            absl::StrCat(group.measures[m], "/", group.numerators[m], "/", group.denominators[m]));
      }
      out[absl::StrJoin(group.dims, "|")] = absl::StrJoin(measures, ",");
    }
    return out;
  }

  ColumnStore store_;
  std::map<std::string, uint64_t> person_of_;
};

TEST_F(ColumnStoreTest, GroupsByDerivedTimeAndAreaDimensions) {
  store_.Upsert(Crime("a", kBase + 22 * 3600, "L1", "robbery"));             // Wed 22:00, Liverpool
  store_.Upsert(Crime("b", kBase + 2 * kDay + 23 * 3600, "L1", "robbery"));  // Fri 23:00
  store_.Upsert(Crime("c", kBase + 40 * kDay, "CH41", "robbery"));           // Feb, Wirral
  store_.Upsert(Crime("d", kBase + 40 * kDay, "ZZ9", "robbery"));            // not an area
  EXPECT_THAT(Run("SELECT borough, month, COUNT(*) FROM police_crime GROUP BY borough, month"),
              IsOkAndHolds(std::map<std::string, std::string>{{"Liverpool|2025-01", "2/2/0"},
                                                              {"Wirral|2025-02", "1/1/0"},
                                                              {"(missing)|2025-02", "1/1/0"}}));
  EXPECT_THAT(Run("SELECT hour_of_week, COUNT(*) FROM police_crime WHERE district = 'L1' "
                  "GROUP BY hour_of_week"),
              IsOkAndHolds(std::map<std::string, std::string>{{"3 Wed 22", "1/1/0"},
                                                              {"5 Fri 23", "1/1/0"}}));
}

TEST_F(ColumnStoreTest, UpsertReplacesRemoveDeletesAndFingerprintsFollowTheRecords) {
  absl::StatusOr<query::ParsedQuery> parsed =
      query::ParseQuery("SELECT COUNT(*) FROM police_crime");
  ASSERT_THAT(parsed, IsOk());
  const uint64_t empty = store_.Fingerprint(*parsed);
  store_.Upsert(Crime("a", kBase, "L1", "robbery"));
  const uint64_t one = store_.Fingerprint(*parsed);
  EXPECT_NE(one, empty);
  store_.Upsert(Crime("a", kBase, "L1", "homicide"));  // same id: replaces
  EXPECT_EQ(store_.RowCount("police_crime"), 1);
  EXPECT_NE(store_.Fingerprint(*parsed), one);
  EXPECT_THAT(Run("SELECT offence_group, COUNT(*) FROM police_crime GROUP BY offence_group"),
              IsOkAndHolds(std::map<std::string, std::string>{{"homicide", "1/1/0"}}));
  store_.Remove("police_crime", "merseyside-police", "a");
  EXPECT_EQ(store_.Fingerprint(*parsed), empty);
  // Enough removals to compact the table, then the survivors still answer.
  for (int i = 0; i < 5000; ++i) {
    store_.Upsert(Crime(absl::StrCat("r", i), kBase + i * 3600, i % 2 ? "L1" : "CH41", "robbery"));
  }
  for (int i = 0; i < 5000; i += 3) {
    store_.Remove("police_crime", "merseyside-police", absl::StrCat("r", i));
  }
  int64_t liverpool = 0, wirral = 0;
  for (int i = 0; i < 5000; ++i) {
    if (i % 3 != 0) {
      (i % 2 ? liverpool : wirral) += 1;
    }
  }
  EXPECT_EQ(store_.RowCount("police_crime"), liverpool + wirral);
  EXPECT_THAT(Run("SELECT borough, COUNT(*) FROM police_crime GROUP BY borough"),
              IsOkAndHolds(std::map<std::string, std::string>{
                  {"Liverpool", absl::StrCat(liverpool, "/", liverpool, "/0")},
                  {"Wirral", absl::StrCat(wirral, "/", wirral, "/0")}}));
}

TEST_F(ColumnStoreTest, SumsHarmWeightsAndRefusesDatasetsWithoutThem) {
  store_.Upsert(Crime("a", kBase, "L1", "homicide"));   // 5475
  store_.Upsert(Crime("b", kBase, "L1", "robbery"));    // 365
  store_.Upsert(Crime("c", kBase, "CH41", "robbery"));  // 365
  EXPECT_THAT(Run("SELECT borough, SUM(harm) FROM police_crime GROUP BY borough"),
              IsOkAndHolds(std::map<std::string, std::string>{{"Liverpool", "5840/2/0"},
                                                              {"Wirral", "365/1/0"}}));
  EXPECT_THAT(Run("SELECT SUM(harm) FROM ed_attendance"),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::HasSubstr("harm weights")));
}

TEST_F(ColumnStoreTest, RatesDivideByTheReferencePopulation) {
  for (int i = 0; i < 486; ++i) {
    store_.Upsert(Crime(absl::StrCat("l", i), kBase, "L8", "robbery"));
  }
  store_.Upsert(Crime("w", kBase, "CH41", "robbery"));
  EXPECT_THAT(Run("SELECT borough, RATE_PER_1000(COUNT(*)) FROM police_crime GROUP BY borough"),
              IsOkAndHolds(std::map<std::string, std::string>{{"Liverpool", "1/486/486000"},
                                                              {"Wirral", "0.003125/1/320000"}}));
  // No area dimension: the whole partnership (1,423,000 people).
  EXPECT_THAT(Run("SELECT year, RATE_PER_1000(COUNT(*)) FROM police_crime GROUP BY year"),
              IsOkAndHolds(std::map<std::string, std::string>{
                  {"2025", absl::StrCat(487000.0 / 1423000.0, "/487/1423000")}}));
  EXPECT_THAT(Run("SELECT borough, ward, RATE_PER_1000(COUNT(*)) FROM police_crime "
                  "GROUP BY borough, ward"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::HasSubstr("at most one area dimension")));
}

TEST_F(ColumnStoreTest, RepeatRateCountsPersonsWithEnoughEventsInTheWindow) {
  // Person 1: two events 100 days apart (a repeat within 365 days); person 2: two events 400
  // days apart (not); person 3: one event.
  store_.Upsert(Crime("p1a", kBase, "L1", "robbery"));
  store_.Upsert(Crime("p1b", kBase + 100 * kDay, "L1", "robbery"));
  store_.Upsert(Crime("p2a", kBase, "L1", "robbery"));
  store_.Upsert(Crime("p2b", kBase + 400 * kDay, "L1", "robbery"));
  store_.Upsert(Crime("p3", kBase, "L1", "robbery"));
  person_of_ = {{"p1a", 1}, {"p1b", 1}, {"p2a", 2}, {"p2b", 2}, {"p3", 3}};
  absl::StatusOr<query::ParsedQuery> parsed =
      query::ParseQuery("SELECT REPEAT_RATE(2, 365) FROM police_crime");
  ASSERT_THAT(parsed, IsOk());
  EXPECT_THAT(store_.Run(*parsed, {}), StatusIs(absl::StatusCode::kFailedPrecondition));
  Refresh();
  EXPECT_THAT(Run("SELECT REPEAT_RATE(2, 365), REPEAT_RATE(2, 400), COUNT(DISTINCT person) "
                  "FROM police_crime"),
              IsOkAndHolds(std::map<std::string, std::string>{
                  {"", absl::StrCat(100.0 / 3, "/1/3,", 200.0 / 3, "/2/3,3/3/0")}}));
}

TEST_F(ColumnStoreTest, ContributionBoundKeepsAtMostKRecordsPerPerson) {
  for (int i = 0; i < 5; ++i) {
    store_.Upsert(Crime(absl::StrCat("p1-", i), kBase + i * kDay, "L1", "robbery"));
    person_of_[absl::StrCat("p1-", i)] = 1;
  }
  store_.Upsert(Crime("p2", kBase, "CH41", "homicide"));
  person_of_["p2"] = 2;
  Refresh();
  RunOptions bounded;
  bounded.max_records_per_person = 2;
  EXPECT_THAT(
      Run("SELECT borough, COUNT(*), SUM(harm) FROM police_crime GROUP BY borough", bounded),
      IsOkAndHolds(std::map<std::string, std::string>{{"Liverpool", "2/2/0,730/2/0"},
                                                      {"Wirral", "1/1/0,5475/1/0"}}));
  // The kept records do not depend on arrival order.
  absl::StatusOr<std::map<std::string, std::string>> days =
      Run("SELECT day, COUNT(*) FROM police_crime WHERE district = 'L1' GROUP BY day", bounded);
  ASSERT_THAT(days, IsOk());
  for (int i = 4; i >= 0; --i) {
    store_.Remove("police_crime", "merseyside-police", absl::StrCat("p1-", i));
  }
  for (int i = 4; i >= 0; --i) {
    store_.Upsert(Crime(absl::StrCat("p1-", i), kBase + i * kDay, "L1", "robbery"));
  }
  Refresh();
  EXPECT_THAT(
      Run("SELECT day, COUNT(*) FROM police_crime WHERE district = 'L1' GROUP BY day", bounded),
      IsOkAndHolds(*days));
}

TEST_F(ColumnStoreTest, AllGroupsAnswersEveryKnownCombination) {
  store_.Upsert(Crime("a", kBase, "L1", "robbery", "true"));
  store_.Upsert(Crime("b", kBase, "CH41", "homicide", "false"));
  RunOptions all;
  all.all_groups = true;
  absl::StatusOr<std::map<std::string, std::string>> groups =
      Run("SELECT knife, COUNT(*) FROM police_crime WHERE offence_group = 'robbery' GROUP BY knife",
          all);
  EXPECT_THAT(groups, IsOkAndHolds(std::map<std::string, std::string>{
                          {"(missing)", "0/0/0"}, {"false", "0/0/0"}, {"true", "1/1/0"}}));
}

TEST_F(ColumnStoreTest, WhereFollowsThreeValuedLogic) {
  store_.Upsert(Crime("a", kBase, "L1", "robbery", "true"));
  v1::StoredRecord no_knife = Crime("b", kBase, "L1", "robbery");
  no_knife.mutable_values()->erase("knife");
  store_.Upsert(no_knife);
  // A missing value is UNKNOWN: neither = nor != (nor NOT of either) matches it. Without GROUP
  // BY there is always one row, even when it counts nothing.
  EXPECT_THAT(Run("SELECT COUNT(*) FROM police_crime WHERE knife != 'true'"),
              IsOkAndHolds(std::map<std::string, std::string>{{"", "0/0/0"}}));
  EXPECT_THAT(Run("SELECT COUNT(*) FROM police_crime WHERE NOT knife = 'true' OR knife = 'true'"),
              IsOkAndHolds(std::map<std::string, std::string>{{"", "1/1/0"}}));
}

}  // namespace
}  // namespace confide::hub::analytics
