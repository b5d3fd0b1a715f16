#pragma once

// Canned published results for every built-in analysis, shaped as the hub returns them, with
// suppressed cells, notes, and hostile dimension values and notes (markup that must come out
// inert). Shared by the report's unit test and its headless-browser test.

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/time/civil_time.h"
#include "cli/analyses.h"
#include "cli/report.h"
#include "confide/v1/query.pb.h"

namespace confide::cli::testing {

inline constexpr char kHostile[] = "<img src=x onerror=alert(1)>";

using CannedRow = std::pair<std::vector<std::string>, std::vector<std::string>>;

// Cells are published displays; "*" is a suppressed cell.
inline v1::QueryResult MakeResult(const std::vector<std::string>& dims,
                                  const std::vector<std::string>& measures,
                                  const std::vector<CannedRow>& rows,
                                  const std::vector<std::string>& notes = {}) {
  v1::QueryResult result;
  for (const std::string& dim : dims) {
    result.add_dimension_names(dim);
  }
  for (const std::string& measure : measures) {
    result.add_measure_names(measure);
  }
  for (const auto& [dim_values, cells] : rows) {
    v1::ResultRow* row = result.add_rows();
    for (const std::string& value : dim_values) {
      row->add_dimensions(value);
    }
    for (const std::string& display : cells) {
      v1::ResultCell* cell = row->add_measures();
      cell->set_display(display);
      double value = 0;
      if (display == "*") {
        cell->set_suppressed(true);
      } else if (absl::SimpleAtod(absl::StrReplaceAll(display, {{",", ""}}), &value)) {
        cell->set_value(value);
      }
    }
  }
  for (const std::string& note : notes) {
    result.add_notes(note);
  }
  result.set_policy_version("0123456789abcdef");
  result.set_audit_sequence(100 + static_cast<uint64_t>(rows.size()));
  return result;
}

inline std::vector<CannedRow> Months(const std::vector<std::string>& values) {
  std::vector<CannedRow> rows;
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i].empty()) {
      continue;  // no group: no records that month
    }
    const absl::CivilMonth month = absl::CivilMonth(2025, 4) + static_cast<int>(i);
    const std::string label = absl::StrFormat("%04d-%02d", month.year(), month.month());
    rows.push_back({{label}, {values[i]}});
  }
  return rows;
}

inline ReportInput CannedReportInput() {
  ReportInput input;
  input.agreement = "svd-merseyside-2026";
  input.purpose = "strategic needs assessment";
  input.generated = absl::FromCivil(absl::CivilSecond(2026, 6, 1, 9, 30, 0), absl::UTCTimeZone());
  const std::string rounding = "counts rounded to the nearest 5";
  input.results["home-office-knife-crime"] =
      MakeResult({"month"}, {"crimes"},
                 Months({"45", "50", "40", "55", "*", "60", "65", "70", "50", "45", "55", "80"}),
                 {"1 cell suppressed (a count of 1 to 7)", rounding});
  input.results["home-office-knife-admissions"] =
      MakeResult({"month"}, {"admissions"},
                 Months({"10", "*", "15", "10", "20", "", "15", "10", "*", "10", "15", "20"}),
                 {"2 cells suppressed (a count of 1 to 7)", rounding});
  input.results["home-office-homicides"] =
      MakeResult({"year"}, {"homicides"}, {{{"2025"}, {"*"}}, {{"2026"}, {"10"}}},
                 {"1 cell suppressed (a count of 1 to 7)"});
  input.results["rates-by-borough"] =
      MakeResult({"borough"}, {"crimes", "rate_per_1000"},
                 {{{"Knowsley"}, {"640", "4.2"}},
                  {{"Liverpool"}, {"3,120", "6.4"}},
                  {{"Sefton"}, {"910", "3.3"}},
                  {{"St Helens"}, {"555", "3"}},
                  {{"Wirral"}, {"1,005", "3.1"}},
                  {{kHostile}, {"*", "*"}}},
                 {"crimes: 1 cell suppressed", "rate_per_1000: 1 cell suppressed",
                  "<script>alert('note')</script>"});
  std::vector<CannedRow> hours;
  const char* days[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  for (int d = 0; d < 7; ++d) {
    for (int h = 0; h < 24; ++h) {
      const bool night = h >= 20 || h <= 2;
      const int count = (d >= 4 && night ? 60 : 10) + (night ? 15 : 0) + (h % 5) * 5 - 5;
      hours.push_back({{absl::StrFormat("%d %s %02d", d + 1, days[d], h)},
                       {count < 10 ? std::string("*") : absl::StrCat(count)}});
    }
  }
  input.results["hour-of-week"] =
      MakeResult({"hour_of_week"}, {"crimes"}, hours, {"some cells suppressed", rounding});
  input.results["repeat-victimisation"] = MakeResult({"borough"}, {"victims", "repeat_rate_pct"},
                                                     {{{"Knowsley"}, {"410", "12.5"}},
                                                      {{"Liverpool"}, {"2,015", "14.1"}},
                                                      {{"Sefton"}, {"*", "*"}},
                                                      {{"St Helens"}, {"380", "9.8"}},
                                                      {{"Wirral"}, {"720", "11"}}},
                                                     {"victims: 1 cell suppressed"});
  const std::vector<AnalysisQuery> overlap_queries = {{"unknown_to_police", ""},
                                                      {"known_to_police", ""}};
  absl::StatusOr<v1::QueryResult> overlap =
      CombineOverlap({MakeResult({"means_of_assault"}, {"people"},
                                 {{{"blunt_object"}, {"85"}},
                                  {{"body_part"}, {"410"}},
                                  {{"firearm"}, {"*"}},
                                  {{"knife"}, {"120"}},
                                  {{"other"}, {"60"}}},
                                 {"1 cell suppressed"}),
                      MakeResult({"means_of_assault"}, {"people"},
                                 {{{"blunt_object"}, {"40"}},
                                  {{"body_part"}, {"150"}},
                                  {{"firearm"}, {"*"}},
                                  {{"knife"}, {"80"}},
                                  {{"other"}, {"15"}}},
                                 {"1 cell suppressed"})},
                     overlap_queries);
  if (overlap.ok()) {
    input.results["ed-victims-unknown-to-police"] = *std::move(overlap);
  }
  input.results["harm-hot-spots"] =
      MakeResult({"ward"}, {"total_harm"},
                 {{{"City Centre South"}, {"21,900"}},
                  {{"Riverside"}, {"14,600"}},
                  {{"Everton"}, {"8,760"}},
                  {{"Kensington"}, {"6,205"}},
                  {{"Birkenhead and Tranmere"}, {"5,840"}},
                  {{"Anfield"}, {"3,650"}},
                  {{"Huyton"}, {"2,920"}},
                  {{"Formby"}, {"*"}},
                  {{"Bootle <b>"}, {"1,460"}},
                  {{kHostile}, {"*"}}},
                 {"2 cells suppressed (harm from fewer than 8 crimes)"});
  return input;
}

}  // namespace confide::cli::testing
