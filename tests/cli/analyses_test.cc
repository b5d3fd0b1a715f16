// The built-in analyses: every query is valid SQL of our dialect and asks only for what the
// Merseyside Serious Violence Duty agreement permits; running goes through the injected runner
// unchanged; and the client-side post-processing uses only published values.

#include "cli/analyses.h"

#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "cli/output.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hub/query/sql_parser.h"
#include "policy/policy.h"
#include "tests/cli/report_canned_results.h"
#include "tests/testing/status_matchers.h"

namespace confide::cli {
namespace {

using ::confide::cli::testing::MakeResult;
using ::confide::testing::IsOk;
using ::confide::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kAgreement[] = "svd-merseyside-2026";

std::string SourceDir() {
  const char* dir = std::getenv("CONFIDE_SOURCE_DIR");  // NOLINT(concurrency-mt-unsafe)
  return dir == nullptr ? "." : dir;
}

TEST(AnalysesTest, NamesAreUniqueAndEveryAnalysisIsDescribed) {
  std::set<std::string> names;
  for (const Analysis& analysis : BuiltInAnalyses()) {
    EXPECT_TRUE(names.insert(analysis.name).second) << analysis.name;
    EXPECT_FALSE(analysis.title.empty()) << analysis.name;
    EXPECT_FALSE(analysis.description.empty()) << analysis.name;
    EXPECT_FALSE(analysis.datasets.empty()) << analysis.name;
    EXPECT_FALSE(analysis.queries.empty()) << analysis.name;
    EXPECT_TRUE(analysis.queries.size() == 1 || analysis.combine != nullptr) << analysis.name;
    EXPECT_EQ(FindAnalysis(analysis.name), &analysis);
  }
  for (const char* required :
       {"home-office-knife-admissions", "home-office-knife-crime", "home-office-homicides",
        "rates-by-borough", "hour-of-week", "repeat-victimisation", "ed-victims-unknown-to-police",
        "harm-hot-spots"}) {
    EXPECT_NE(FindAnalysis(required), nullptr) << required;
  }
  EXPECT_EQ(FindAnalysis("no-such-analysis"), nullptr);
}

TEST(AnalysesTest, EveryQueryParses) {
  for (const Analysis& analysis : BuiltInAnalyses()) {
    for (const AnalysisQuery& query : analysis.queries) {
      EXPECT_THAT(hub::query::ParseQuery(query.sql), IsOk())
          << analysis.name << " " << query.label << ": " << query.sql;
    }
  }
}

// The hub refuses a query naming a dimension (SELECT, WHERE or sub-query) or dataset the
// agreement does not cover; the built-in analyses must all pass under the main agreement.
TEST(AnalysesTest, EveryQueryIsWithinTheMerseysideAgreement) {
  absl::StatusOr<std::shared_ptr<const policy::Policy>> policy = policy::Policy::FromFile(
      SourceDir() + "/deploy/policy/merseyside.textpb", absl::CivilDay(2026, 6, 1));
  ASSERT_THAT(policy, IsOk());
  const v1::Agreement* agreement = (*policy)->FindAgreement(kAgreement);
  ASSERT_NE(agreement, nullptr);
  const std::set<std::string> permitted(agreement->dimensions().begin(),
                                        agreement->dimensions().end());
  std::set<std::string> covered;
  for (const v1::Contribution& contribution : agreement->contributions()) {
    covered.insert(contribution.datasets().begin(), contribution.datasets().end());
  }
  for (const Analysis& analysis : BuiltInAnalyses()) {
    std::set<std::string> read;
    for (const AnalysisQuery& query : analysis.queries) {
      absl::StatusOr<hub::query::ParsedQuery> parsed = hub::query::ParseQuery(query.sql);
      ASSERT_THAT(parsed, IsOk()) << analysis.name;
      for (const hub::query::ColumnRef& column : hub::query::ReferencedColumns(*parsed)) {
        EXPECT_EQ(permitted.count(column.name), 1u)
            << analysis.name << " names '" << column.name << "', not permitted by " << kAgreement;
      }
      for (const std::string& dataset : hub::query::ReferencedDatasets(*parsed)) {
        EXPECT_EQ(covered.count(dataset), 1u) << analysis.name << " reads " << dataset;
        read.insert(dataset);
      }
      for (const hub::query::SelectItem& item : parsed->select) {
        if (item.kind == hub::query::SelectItem::Kind::kAggregate &&
            item.aggregate.kind == hub::query::AggregateKind::kSumHarm) {
          const v1::Dataset* dataset = (*policy)->FindDataset(parsed->dataset);
          ASSERT_NE(dataset, nullptr);
          EXPECT_FALSE(dataset->harm_field().empty()) << parsed->dataset << " has no harm";
        }
      }
    }
    EXPECT_EQ(read, std::set<std::string>(analysis.datasets.begin(), analysis.datasets.end()))
        << analysis.name << ": the datasets listed are the ones read";
  }
}

TEST(AnalysesTest, RunAnalysisSendsAgreementPurposeAndSql) {
  const Analysis& analysis = *FindAnalysis("home-office-homicides");
  std::vector<v1::QueryRequest> sent;
  QueryRunner run = [&](const v1::QueryRequest& request) -> absl::StatusOr<v1::QueryResult> {
    sent.push_back(request);
    return MakeResult({"year"}, {"homicides"}, {{{"2025"}, {"10"}}});
  };
  absl::StatusOr<v1::QueryResult> result = RunAnalysis(analysis, run, kAgreement, "evaluating");
  ASSERT_THAT(result, IsOk());
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].agreement(), kAgreement);
  EXPECT_EQ(sent[0].purpose(), "evaluating");
  EXPECT_EQ(sent[0].sql(), analysis.queries[0].sql);
  EXPECT_EQ(result->rows(0).measures(0).display(), "10");
}

TEST(AnalysesTest, RunAnalysisReturnsTheHubsRefusalNamingTheQuery) {
  const Analysis& analysis = *FindAnalysis("ed-victims-unknown-to-police");
  int calls = 0;
  QueryRunner run = [&](const v1::QueryRequest&) -> absl::StatusOr<v1::QueryResult> {
    ++calls;
    return absl::PermissionDeniedError("dataset ed_attendance is not covered");
  };
  EXPECT_THAT(RunAnalysis(analysis, run, "youth-violence-2026", "x"),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("unknown_to_police: dataset ed_attendance")));
  EXPECT_EQ(calls, 1);
}

TEST(AnalysesTest, CombineSideBySideMatchesRowsAndFillsMissingGroupsWithZero) {
  std::vector<AnalysisQuery> queries = {{"a", ""}, {"b", ""}};
  absl::StatusOr<v1::QueryResult> combined = CombineSideBySide(
      {MakeResult({"x"}, {"n"}, {{{"p"}, {"10"}}, {{"q"}, {"*"}}}, {"one suppressed"}),
       MakeResult({"x"}, {"n"}, {{{"q"}, {"20"}}, {{"r"}, {"15"}}})},
      queries);
  ASSERT_THAT(combined, IsOk());
  EXPECT_THAT(combined->measure_names(), ElementsAre("a", "b"));
  ASSERT_EQ(combined->rows_size(), 3);
  EXPECT_EQ(combined->rows(0).dimensions(0), "p");
  EXPECT_EQ(combined->rows(0).measures(1).display(), "0");
  EXPECT_TRUE(combined->rows(1).measures(0).suppressed());
  EXPECT_EQ(combined->rows(1).measures(1).display(), "20");
  EXPECT_EQ(combined->rows(2).measures(0).display(), "0");
  EXPECT_EQ(combined->rows(2).measures(1).display(), "15");
  EXPECT_THAT(combined->notes(), ElementsAre("a: one suppressed"));
}

TEST(AnalysesTest, CombineSideBySideAddsUpPrivacySpend) {
  std::vector<v1::QueryResult> results = {MakeResult({"x"}, {"n"}, {}),
                                          MakeResult({"x"}, {"n"}, {})};
  for (int i = 0; i < 2; ++i) {
    results[i].set_differentially_private(true);
    results[i].set_epsilon_charged(0.25);
    results[i].set_epsilon_remaining(9.75 - 0.25 * i);
  }
  absl::StatusOr<v1::QueryResult> combined = CombineSideBySide(results, {{"a", ""}, {"b", ""}});
  ASSERT_THAT(combined, IsOk());
  EXPECT_TRUE(combined->differentially_private());
  EXPECT_DOUBLE_EQ(combined->epsilon_charged(), 0.5);
  EXPECT_DOUBLE_EQ(combined->epsilon_remaining(), 9.5);
}

TEST(AnalysesTest, CombineSideBySideRefusesDifferentDimensions) {
  std::vector<AnalysisQuery> queries = {{"a", ""}, {"b", ""}};
  EXPECT_THAT(
      CombineSideBySide({MakeResult({"x"}, {"n"}, {}), MakeResult({"y"}, {"n"}, {})}, queries),
      StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(AnalysesTest, OverlapPercentageUsesPublishedCountsOnly) {
  std::vector<AnalysisQuery> queries = {{"unknown_to_police", ""}, {"known_to_police", ""}};
  absl::StatusOr<v1::QueryResult> combined = CombineOverlap(
      {MakeResult({"means_of_assault"}, {"people"}, {{{"knife"}, {"30"}}, {{"firearm"}, {"*"}}}),
       MakeResult({"means_of_assault"}, {"people"}, {{{"knife"}, {"10"}}, {{"firearm"}, {"10"}}})},
      queries);
  ASSERT_THAT(combined, IsOk());
  EXPECT_THAT(combined->measure_names(),
              ElementsAre("unknown_to_police", "known_to_police", "pct_unknown"));
  EXPECT_EQ(combined->rows(0).measures(2).display(), "75");
  EXPECT_TRUE(combined->rows(1).measures(2).suppressed());
  EXPECT_EQ(combined->rows(1).measures(2).display(), "*");
}

v1::QueryResult HarmByWard() {
  return MakeResult({"ward"}, {"total_harm"},
                    {{{"Everton"}, {"100"}},
                     {{"Riverside"}, {"300"}},
                     {{"Formby"}, {"*"}},
                     {{"City Centre South"}, {"500"}},
                     {{"Anfield"}, {"100"}},
                     {{"Huyton"}, {"*"}}},
                    {"2 cells suppressed"});
}

TEST(AnalysesTest, HotSpotsRankPublishedHarmAndLeaveSuppressedOut) {
  absl::StatusOr<HotSpots> hot_spots = FindHotSpots(HarmByWard(), 0.5);
  ASSERT_THAT(hot_spots, IsOk());
  EXPECT_EQ(hot_spots->area_dimension, "ward");
  EXPECT_DOUBLE_EQ(hot_spots->published_total, 1000);
  ASSERT_EQ(hot_spots->areas.size(), 4u);
  EXPECT_EQ(hot_spots->areas[0].area, "City Centre South");
  EXPECT_EQ(hot_spots->areas[1].area, "Riverside");
  EXPECT_EQ(hot_spots->areas[2].area, "Anfield");  // ties by name
  EXPECT_EQ(hot_spots->areas[3].area, "Everton");
  EXPECT_EQ(hot_spots->hot_spot_count, 1u);  // 500 of 1,000 is exactly half
  EXPECT_DOUBLE_EQ(hot_spots->areas[1].cumulative, 0.8);
  EXPECT_THAT(hot_spots->suppressed_areas, ElementsAre("Formby", "Huyton"));
  const std::string text = DescribeHotSpots(*hot_spots);
  EXPECT_THAT(text, HasSubstr("1 of 4 wards with published harm holds 50% of the published "
                              "total harm (1,000)"));
  EXPECT_THAT(text, HasSubstr("2 wards were suppressed (*) and are left out"));
}

TEST(AnalysesTest, HotSpotsTakeTheFewestAreasReachingTheShare) {
  absl::StatusOr<HotSpots> hot_spots = FindHotSpots(HarmByWard(), 0.6);
  ASSERT_THAT(hot_spots, IsOk());
  EXPECT_EQ(hot_spots->hot_spot_count, 2u);
  EXPECT_TRUE(hot_spots->areas[1].in_hot_spot);
  EXPECT_FALSE(hot_spots->areas[2].in_hot_spot);
  hot_spots = FindHotSpots(HarmByWard(), 1.0);
  ASSERT_THAT(hot_spots, IsOk());
  EXPECT_EQ(hot_spots->hot_spot_count, 4u);
}

TEST(AnalysesTest, HotSpotsWithNoPublishedHarmNameNone) {
  absl::StatusOr<HotSpots> hot_spots =
      FindHotSpots(MakeResult({"ward"}, {"total_harm"}, {{{"A"}, {"*"}}, {{"B"}, {"0"}}}), 0.5);
  ASSERT_THAT(hot_spots, IsOk());
  EXPECT_EQ(hot_spots->hot_spot_count, 0u);
  EXPECT_THAT(DescribeHotSpots(*hot_spots), HasSubstr("No ward has published harm"));
  EXPECT_THAT(DescribeHotSpots(*hot_spots), HasSubstr("1 ward was suppressed"));
}

TEST(AnalysesTest, HotSpotsRefuseBadShareAndShape) {
  EXPECT_THAT(FindHotSpots(HarmByWard(), 0), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(FindHotSpots(HarmByWard(), 1.5), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(FindHotSpots(MakeResult({"year", "ward"}, {"total_harm"}, {}), 0.5),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(AnalysesTest, HotSpotsPostProcessRanksAndKeepsOutputMachineReadable) {
  AnalysisOptions options;
  absl::StatusOr<v1::QueryResult> ranked = HotSpotsPostProcess(HarmByWard(), options);
  ASSERT_THAT(ranked, IsOk());
  EXPECT_THAT(ranked->measure_names(),
              ElementsAre("total_harm", "share_pct", "cumulative_pct", "in_hot_spot"));
  ASSERT_EQ(ranked->rows_size(), 6);
  EXPECT_EQ(ranked->rows(0).dimensions(0), "City Centre South");
  EXPECT_EQ(ranked->rows(0).measures(1).display(), "50");
  EXPECT_EQ(ranked->rows(0).measures(3).display(), "1");
  EXPECT_EQ(ranked->rows(1).measures(2).display(), "80");
  EXPECT_EQ(ranked->rows(4).dimensions(0), "Formby");
  EXPECT_TRUE(ranked->rows(4).measures(0).suppressed());
  EXPECT_EQ(ranked->notes(0), "2 cells suppressed");
  EXPECT_THAT(ranked->notes(1), HasSubstr("hold"));
  const std::string json = RenderQueryResult(*ranked, Format::kJson);
  EXPECT_THAT(json, HasSubstr("[\"City Centre South\",500,50,50,1]"));
  EXPECT_THAT(json, HasSubstr("[\"Formby\",null,null,null,null]"));
}

TEST(AnalysesTest, FormatNumber) {
  EXPECT_EQ(FormatNumber(0), "0");
  EXPECT_EQ(FormatNumber(999), "999");
  EXPECT_EQ(FormatNumber(1000), "1,000");
  EXPECT_EQ(FormatNumber(1234567.891, 1), "1,234,567.9");
  EXPECT_EQ(FormatNumber(-1234.5, 2), "-1,234.5");
  EXPECT_EQ(FormatNumber(12.0, 1), "12");
  EXPECT_EQ(FormatNumber(-0.01, 1), "0");
  EXPECT_EQ(FormatNumber(100000), "100,000");
}

}  // namespace
}  // namespace confide::cli
