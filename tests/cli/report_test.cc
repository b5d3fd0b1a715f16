// The analyst's HTML report from canned results: self-contained, every section present,
// suppressed values drawn as missing (never as zero), hostile values inert, failures reported
// without stopping the report; and CollectReport carrying on past a refusal.

#include "cli/report.h"

#include <regex>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/report_canned_results.h"

namespace confide::cli {
namespace {

using ::confide::cli::testing::CannedReportInput;
using ::confide::cli::testing::kHostile;
using ::confide::cli::testing::MakeResult;
using ::testing::HasSubstr;
using ::testing::Not;

size_t Count(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

// The HTML from `start` (an id) up to the next section.
std::string Section(const std::string& html, const std::string& id) {
  const size_t start = html.find(absl::StrCat("<section id=\"", id, "\">"));
  if (start == std::string::npos) {
    return "";
  }
  return html.substr(start, html.find("</section>", start) - start);
}

TEST(ReportTest, IsSelfContained) {
  const std::string html = RenderAnalystReport(CannedReportInput());
  EXPECT_THAT(html, HasSubstr("<!DOCTYPE html>"));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("@import")));
  EXPECT_THAT(html, Not(HasSubstr("url(")));
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_THAT(html, Not(HasSubstr("<link")));
  EXPECT_THAT(html, Not(HasSubstr("<iframe")));
  const std::regex external(R"((src|href)\s*=\s*["']?\s*(https?:|//|data:|javascript:))",
                            std::regex::icase);
  EXPECT_FALSE(std::regex_search(html, external));
  // Every link is to an anchor in the page itself.
  const std::regex href(R"re(href="([^"]*)")re");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), href); it != std::sregex_iterator();
       ++it) {
    const std::string target = (*it)[1];
    ASSERT_FALSE(target.empty());
    EXPECT_EQ(target[0], '#') << target;
    EXPECT_THAT(html, HasSubstr(absl::StrCat("id=\"", target.substr(1), "\""))) << target;
  }
}

TEST(ReportTest, EverySectionIsPresent) {
  const std::string html = RenderAnalystReport(CannedReportInput());
  for (const char* id : {"trends", "home-office", "rates", "hour-of-week", "repeat", "overlap",
                         "hot-spots", "suppression"}) {
    EXPECT_THAT(Section(html, id), HasSubstr("<h2>")) << id;
  }
  EXPECT_THAT(html, HasSubstr("8 of 8 analyses ran."));
  EXPECT_THAT(html, HasSubstr("Suppression and rounding"));
  EXPECT_THAT(html, HasSubstr("None: every analysis ran."));
  EXPECT_THAT(html, Not(HasSubstr("class=\"failed\"")));
  EXPECT_THAT(html, Not(HasSubstr("did not have the expected columns")));
}

TEST(ReportTest, TrendsChartBothSeriesAndMarkSuppressedMonths) {
  const std::string trends = Section(RenderAnalystReport(CannedReportInput()), "trends");
  EXPECT_EQ(Count(trends, "<svg class=\"chart\""), 1u);
  EXPECT_THAT(trends, HasSubstr("police: knife-enabled serious violence"));
  EXPECT_THAT(trends, HasSubstr("ED: knife-assault admissions"));
  // Suppressed months break the line and are marked "*", they are not plotted at zero.
  EXPECT_THAT(trends, HasSubstr("police: knife-enabled serious violence, 2025-08: *"));
  EXPECT_THAT(trends, HasSubstr("ED: knife-assault admissions, 2025-05: *"));
  EXPECT_THAT(trends, Not(HasSubstr("2025-08: 0")));
  // A month with no group (no records) inside the series' range is a published zero.
  EXPECT_THAT(trends, HasSubstr("ED: knife-assault admissions, 2025-09: 0"));
  EXPECT_GE(Count(trends, "<polyline"), 3u);  // at least one break per series with a gap
}

TEST(ReportTest, BoroughRatesAreLabelledAndSuppressedBarsAreMissing) {
  const std::string rates = Section(RenderAnalystReport(CannedReportInput()), "rates");
  EXPECT_THAT(rates, HasSubstr(">6.4 per 1,000</text>"));
  EXPECT_THAT(rates, HasSubstr(">3.1 per 1,000</text>"));
  EXPECT_THAT(rates, HasSubstr("stroke-dasharray=\"3 2\""));
  EXPECT_THAT(rates, HasSubstr("* suppressed"));
  EXPECT_THAT(rates, HasSubstr("<td class=\"n sup\" title=\"suppressed\">*</td>"));
  EXPECT_THAT(rates, Not(HasSubstr(">0 per 1,000<")));
}

TEST(ReportTest, HourOfWeekIsASevenByTwentyFourGrid) {
  const std::string section = Section(RenderAnalystReport(CannedReportInput()), "hour-of-week");
  const size_t svg_end = section.find("</svg>");
  ASSERT_NE(svg_end, std::string::npos);
  const std::string heatmap = section.substr(0, svg_end);
  EXPECT_EQ(Count(heatmap, "font-size=\"10\""), 7u * 24u);
  for (const char* day : {">Mon<", ">Tue<", ">Wed<", ">Thu<", ">Fri<", ">Sat<", ">Sun<"}) {
    EXPECT_THAT(heatmap, HasSubstr(day));
  }
  EXPECT_THAT(heatmap, HasSubstr(">23<"));
  EXPECT_THAT(heatmap, HasSubstr("<title>Sat 22:00: 80</title>"));
  EXPECT_THAT(heatmap, HasSubstr("<title>Mon 05:00: *</title>"));
  EXPECT_THAT(heatmap, HasSubstr("stroke-dasharray=\"3 2\""));
  EXPECT_THAT(section, Not(HasSubstr("Not placed on the grid")));
}

TEST(ReportTest, HomeOfficeOverlapRepeatAndHotSpots) {
  const std::string html = RenderAnalystReport(CannedReportInput());
  const std::string home_office = Section(html, "home-office");
  EXPECT_THAT(home_office, HasSubstr("Hospital admissions for assault by knife or sharp object"));
  EXPECT_THAT(home_office, HasSubstr("Police-recorded knife-enabled serious violence"));
  EXPECT_THAT(home_office, HasSubstr("Homicides by year"));
  const std::string overlap = Section(html, "overlap");
  EXPECT_THAT(overlap, HasSubstr("60% of people attending an ED after a knife assault were not "
                                 "known to police"));
  EXPECT_THAT(overlap, HasSubstr("unknown to police"));
  EXPECT_THAT(overlap, HasSubstr("* suppressed"));  // firearm
  EXPECT_THAT(Section(html, "repeat"), HasSubstr(">14.1%</text>"));
  const std::string hot_spots = Section(html, "hot-spots");
  EXPECT_THAT(hot_spots, HasSubstr("2 of 8 wards with published harm hold 55.9% of the "
                                   "published total harm (65,335)"));
  EXPECT_THAT(hot_spots, HasSubstr("2 wards were suppressed (*)"));
  EXPECT_THAT(hot_spots, HasSubstr("fill=\"#c0392b\""));
}

TEST(ReportTest, EveryNoteIsListedUnderSuppressionAndRounding) {
  const ReportInput input = CannedReportInput();
  const std::string suppression = Section(RenderAnalystReport(input), "suppression");
  EXPECT_THAT(suppression, HasSubstr("<strong>*</strong> means the value is hidden"));
  EXPECT_THAT(suppression, HasSubstr("rounded"));
  for (const auto& [name, result] : input.results) {
    EXPECT_THAT(suppression, HasSubstr(absl::StrCat("<code>", name, "</code>")));
    for (const std::string& note : result.notes()) {
      if (!absl::StrContains(note, "<")) {
        EXPECT_THAT(suppression, HasSubstr(absl::StrCat("<li>", note, "</li>"))) << note;
      }
    }
  }
  EXPECT_THAT(suppression, HasSubstr("unknown_to_police: 1 cell suppressed"));
}

TEST(ReportTest, DifferentialPrivacySpendIsStated) {
  ReportInput input = CannedReportInput();
  EXPECT_THAT(RenderAnalystReport(input), Not(HasSubstr("<strong>differential privacy")));
  for (const char* name : {"home-office-homicides", "hour-of-week"}) {
    v1::QueryResult& result = input.results[name];
    result.set_differentially_private(true);
    result.set_epsilon_charged(0.5);
  }
  input.results["home-office-homicides"].set_epsilon_remaining(9.5);
  input.results["hour-of-week"].set_epsilon_remaining(9);
  const std::string html = RenderAnalystReport(input);
  EXPECT_THAT(html, HasSubstr("uses <strong>differential privacy</strong>"));
  EXPECT_THAT(html, HasSubstr("spent 1 of your privacy budget (epsilon); 9 is left"));
  EXPECT_THAT(Section(html, "suppression"),
              HasSubstr("differentially private: privacy budget (epsilon) spent 0.5, left 9.5"));
}

TEST(ReportTest, HostileValuesAreEscaped) {
  ReportInput input = CannedReportInput();
  input.agreement = "\"><script>alert(2)</script>";
  input.purpose = kHostile;
  input.results["hour-of-week"].mutable_rows(0)->set_dimensions(0, kHostile);
  input.results["home-office-knife-crime"].mutable_rows(0)->set_dimensions(0, kHostile);
  input.results["rates-by-borough"].mutable_rows(0)->mutable_measures(1)->set_display(kHostile);
  input.failures["repeat-victimisation"] = absl::PermissionDeniedError(kHostile);
  input.results.erase("repeat-victimisation");
  const std::string html = RenderAnalystReport(input);
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("<b>")));
  EXPECT_THAT(html, HasSubstr("&lt;img src=x onerror=alert(1)&gt;"));
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(&#39;note&#39;)&lt;/script&gt;"));
  EXPECT_THAT(html, HasSubstr("Bootle &lt;b&gt;"));
  EXPECT_THAT(Section(html, "hour-of-week"), HasSubstr("Not placed on the grid"));
}

TEST(ReportTest, FailedAnalysesAreReportedAndTheRestRendered) {
  ReportInput input = CannedReportInput();
  input.results.erase("hour-of-week");
  input.failures["hour-of-week"] = absl::PermissionDeniedError(
      "query.dimension-not-permitted: hour_of_week is not permitted by youth-violence-2026");
  input.results.erase("harm-hot-spots");  // neither result nor failure: not run
  input.results["rates-by-borough"] = MakeResult({"district"}, {"crimes"}, {{{"L8"}, {"40"}}});
  const std::string html = RenderAnalystReport(input);
  EXPECT_THAT(html, HasSubstr("6 of 8 analyses ran"));
  EXPECT_THAT(Section(html, "hour-of-week"),
              HasSubstr("PERMISSION_DENIED: query.dimension-not-permitted: hour_of_week"));
  EXPECT_THAT(Section(html, "hot-spots"), HasSubstr("was not run"));
  EXPECT_THAT(Section(html, "rates"), HasSubstr("did not have the expected columns"));
  EXPECT_THAT(Section(html, "rates"), HasSubstr("<td>L8</td>"));
  const std::string suppression = Section(html, "suppression");
  EXPECT_THAT(suppression, HasSubstr("Analyses that could not be produced"));
  EXPECT_THAT(suppression, HasSubstr("<code>hour-of-week</code>): PERMISSION_DENIED"));
  EXPECT_THAT(suppression, HasSubstr("<code>harm-hot-spots</code>): not run."));
  EXPECT_THAT(Section(html, "trends"), HasSubstr("<svg"));
}

TEST(ReportTest, CollectReportCarriesOnPastARefusal) {
  std::vector<std::string> sql;
  QueryRunner run = [&](const v1::QueryRequest& request) -> absl::StatusOr<v1::QueryResult> {
    sql.push_back(request.sql());
    EXPECT_EQ(request.agreement(), "youth-violence-2026");
    EXPECT_EQ(request.purpose(), "youth violence needs assessment");
    if (absl::StrContains(request.sql(), "hour_of_week")) {
      return absl::PermissionDeniedError("hour_of_week is not permitted");
    }
    return MakeResult({"x"}, {"n"}, {{{"a"}, {"10"}}});
  };
  AnalysisOptions options;
  options.hot_spot_share = 0.75;
  ReportInput input =
      CollectReport(run, "youth-violence-2026", "youth violence needs assessment", options);
  size_t queries = 0;
  for (const Analysis& analysis : BuiltInAnalyses()) {
    queries += analysis.queries.size();
  }
  EXPECT_EQ(sql.size(), queries);
  ASSERT_EQ(input.failures.size(), 1u);
  EXPECT_TRUE(absl::IsPermissionDenied(input.failures.at("hour-of-week")));
  EXPECT_EQ(input.results.size(), BuiltInAnalyses().size() - 1);
  EXPECT_EQ(input.options.hot_spot_share, 0.75);
  // Results of the wrong shape still render (as tables), never crash.
  EXPECT_THAT(RenderAnalystReport(input), HasSubstr("did not have the expected columns"));
}

TEST(ReportTest, CollectReportStopsTryingOnceTheHubIsUnreachable) {
  int calls = 0;
  QueryRunner run = [&](const v1::QueryRequest&) -> absl::StatusOr<v1::QueryResult> {
    ++calls;
    return absl::UnavailableError("failed to connect to all addresses");
  };
  ReportInput input = CollectReport(run, "svd-merseyside-2026", "x", AnalysisOptions());
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(input.results.empty());
  ASSERT_EQ(input.failures.size(), BuiltInAnalyses().size());
  for (const auto& [name, status] : input.failures) {
    EXPECT_TRUE(absl::IsUnavailable(status)) << name;
  }
  EXPECT_THAT(input.failures.at("harm-hot-spots").message(), HasSubstr("not attempted"));
}

}  // namespace
}  // namespace confide::cli
