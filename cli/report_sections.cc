#include "cli/report_sections.h"

#include <algorithm>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "cli/analyses.h"
#include "cli/audit_report.h"

namespace confide::cli::report {
namespace {

constexpr char kPolice[] = "#1f4e9c";
constexpr char kHealth[] = "#d95f02";
constexpr char kNeutral[] = "#6a8caf";
constexpr char kHot[] = "#c0392b";
// The longest month axis drawn: a hostile or mistaken month label must not make a huge SVG.
constexpr int kMaxMonths = 240;

std::string Heading(const std::string& id, absl::string_view title) {
  return absl::StrCat("<section id=\"", id, "\">\n<h2>", HtmlEscape(title), "</h2>\n");
}

// The result, or null with `*html` saying why there is none.
const v1::QueryResult* Lookup(const ReportInput& input, const std::string& name,
                              std::string* html) {
  auto found = input.results.find(name);
  if (found != input.results.end()) {
    return &found->second;
  }
  auto failed = input.failures.find(name);
  if (failed != input.failures.end()) {
    *html =
        absl::StrCat("<p class=\"failed\">Not available: <strong>", HtmlEscape(AnalysisTitle(name)),
                     "</strong> (<code>", HtmlEscape(name), "</code>) could not be produced: ",
                     HtmlEscape(absl::StatusCodeToString(failed->second.code())), ": ",
                     HtmlEscape(failed->second.message()),
                     ". See <a href=\"#suppression\">Suppression and rounding</a>.</p>\n");
  } else {
    *html = absl::StrCat("<p class=\"failed\">Not available: <code>", HtmlEscape(name),
                         "</code> was not run.</p>\n");
  }
  return nullptr;
}

// True when the result has exactly these dimensions and `measures` measures, row by row.
bool Shaped(const v1::QueryResult& result, const std::vector<std::string>& dims, int measures) {
  if (result.measure_names_size() != measures ||
      result.dimension_names_size() != static_cast<int>(dims.size()) ||
      !std::equal(dims.begin(), dims.end(), result.dimension_names().begin())) {
    return false;
  }
  return std::all_of(result.rows().begin(), result.rows().end(), [&](const v1::ResultRow& row) {
    return row.dimensions_size() == static_cast<int>(dims.size()) &&
           row.measures_size() == measures;
  });
}

std::string Unexpected(const v1::QueryResult& result, const std::string& name) {
  return absl::StrCat("<p class=\"failed\">The answer to <code>", HtmlEscape(name),
                      "</code> did not have the expected columns (got ",
                      HtmlEscape(absl::StrJoin(result.dimension_names(), ", ")), " / ",
                      HtmlEscape(absl::StrJoin(result.measure_names(), ", ")),
                      "), so it is shown as a table only.</p>\n", ResultTable(result));
}

// The named analysis's result when it arrived with the expected columns; otherwise null, with
// what to show instead (why it is missing, or the unexpected answer as a table) appended to
// `problem`.
const v1::QueryResult* ShapedResult(const ReportInput& input, const std::string& name,
                                    const std::vector<std::string>& dims, int measures,
                                    std::string& problem) {
  std::string why;
  const v1::QueryResult* result = Lookup(input, name, &why);
  if (result == nullptr) {
    absl::StrAppend(&problem, why);
    return nullptr;
  }
  if (!Shaped(*result, dims, measures)) {
    absl::StrAppend(&problem, Unexpected(*result, name));
    return nullptr;
  }
  return result;
}

std::string Description(const std::string& name) {
  const Analysis* analysis = FindAnalysis(name);
  return analysis == nullptr ? ""
                             : absl::StrCat("<p class=\"what\">", HtmlEscape(analysis->description),
                                            " <span class=\"name\">(<code>confide analysis run ",
                                            HtmlEscape(name), "</code>)</span></p>\n");
}

bool ParseMonth(const std::string& text, int* index) {
  int year = 0, month = 0;
  if (text.size() != 7 || text[4] != '-' || !absl::SimpleAtoi(text.substr(0, 4), &year) ||
      !absl::SimpleAtoi(text.substr(5, 2), &month) || month < 1 || month > 12) {
    return false;
  }
  *index = year * 12 + month - 1;
  return true;
}

std::string MonthText(int index) {
  return absl::StrFormat("%04d-%02d", index / 12, index % 12 + 1);
}

// The published months of one series, plus 0 for each month inside the series' own first-to-
// last range that has no group (the hub publishes no group where there are no records).
std::vector<Point> MonthSeries(const v1::QueryResult& result, int month_dim, int measure) {
  std::vector<Point> points;
  std::set<int> months;
  for (const v1::ResultRow& row : result.rows()) {
    points.push_back(ToPoint(row.dimensions(month_dim), row.measures(measure)));
    int index = 0;
    if (ParseMonth(row.dimensions(month_dim), &index)) {
      months.insert(index);
    }
  }
  if (!months.empty() && *months.rbegin() - *months.begin() < kMaxMonths) {
    for (int m = *months.begin(); m <= *months.rbegin(); ++m) {
      if (months.count(m) == 0) {
        points.push_back({MonthText(m), 0.0, "0", ""});
      }
    }
  }
  return points;
}

// Every month from the earliest to the latest of the series, or their labels in sorted order
// when they are not all months.
std::vector<std::string> MonthAxis(const std::vector<Series>& series) {
  std::set<std::string> labels;
  std::set<int> months;
  bool all_months = true;
  for (const Series& s : series) {
    for (const Point& point : s.points) {
      labels.insert(point.label);
      int index = 0;
      all_months = all_months && ParseMonth(point.label, &index);
      months.insert(index);
    }
  }
  if (!all_months || months.empty() || *months.rbegin() - *months.begin() >= kMaxMonths) {
    return {labels.begin(), labels.end()};
  }
  std::vector<std::string> axis;
  for (int m = *months.begin(); m <= *months.rbegin(); ++m) {
    axis.push_back(MonthText(m));
  }
  return axis;
}

// One bar per row of a one-dimension result, from `measure`.
std::vector<BarRow> Bars(const v1::QueryResult& result, int measure) {
  std::vector<BarRow> rows;
  for (const v1::ResultRow& row : result.rows()) {
    const std::string label = DimensionLabel(row.dimensions(0));
    rows.push_back({label, {ToPoint(label, row.measures(measure))}});
  }
  return rows;
}

}  // namespace

Point ToPoint(const std::string& label, const v1::ResultCell& cell) {
  Point point;
  point.label = label;
  point.display = cell.suppressed() ? "*" : cell.display();
  if (!cell.suppressed()) {
    point.value = cell.value();
  }
  return point;
}

std::string DimensionLabel(const std::string& value) {
  return value.empty() ? "(not recorded)" : value;
}

std::string AnalysisTitle(const std::string& name) {
  const Analysis* analysis = FindAnalysis(name);
  return analysis == nullptr ? name : analysis->title;
}

std::string ResultTable(const v1::QueryResult& result, absl::string_view summary) {
  std::string out =
      absl::StrCat("<details><summary>", HtmlEscape(summary), " (", result.rows_size(),
                   result.rows_size() == 1 ? " row" : " rows", ")</summary>\n<table>\n<tr>");
  for (const std::string& name : result.dimension_names()) {
    absl::StrAppend(&out, "<th>", HtmlEscape(name), "</th>");
  }
  for (const std::string& name : result.measure_names()) {
    absl::StrAppend(&out, "<th>", HtmlEscape(name), "</th>");
  }
  absl::StrAppend(&out, "</tr>\n");
  for (const v1::ResultRow& row : result.rows()) {
    absl::StrAppend(&out, "<tr>");
    for (const std::string& dim : row.dimensions()) {
      absl::StrAppend(&out, "<td>", HtmlEscape(DimensionLabel(dim)), "</td>");
    }
    for (const v1::ResultCell& cell : row.measures()) {
      if (cell.suppressed()) {
        absl::StrAppend(&out, "<td class=\"n sup\" title=\"suppressed\">*</td>");
      } else {
        absl::StrAppend(&out, "<td class=\"n\">", HtmlEscape(cell.display()), "</td>");
      }
    }
    absl::StrAppend(&out, "</tr>\n");
  }
  return absl::StrCat(out, "</table>\n</details>\n");
}

std::string TrendsSection(const ReportInput& input) {
  std::string out = Heading("trends", "Trends: knife crime and knife admissions by month");
  absl::StrAppend(&out,
                  "<p class=\"what\">Police-recorded knife-enabled serious violence and emergency "
                  "department admissions for assault by knife or sharp object, per month.</p>\n");
  std::vector<Series> series;
  std::string problems;
  if (const v1::QueryResult* crime =
          ShapedResult(input, "home-office-knife-crime", {"month"}, 1, problems)) {
    series.push_back(
        {"police: knife-enabled serious violence", kPolice, MonthSeries(*crime, 0, 0)});
  }
  if (const v1::QueryResult* admissions =
          ShapedResult(input, "home-office-knife-admissions", {"month"}, 1, problems)) {
    series.push_back({"ED: knife-assault admissions", kHealth, MonthSeries(*admissions, 0, 0)});
  }
  if (!series.empty()) {
    absl::StrAppend(&out,
                    LineChart(MonthAxis(series), series,
                              "Monthly knife crime and knife "
                              "admissions"),
                    SuppressedKey());
  }
  return absl::StrCat(out, problems, "</section>\n");
}

std::string HomeOfficeSection(const ReportInput& input) {
  std::string out = Heading("home-office", "Home Office success measures");
  absl::StrAppend(
      &out,
      "<p class=\"what\">The three Serious Violence Duty success measures. The monthly "
      "series of the first two are charted under <a href=\"#trends\">Trends</a>.</p>\n");
  for (const char* name :
       {"home-office-knife-admissions", "home-office-knife-crime", "home-office-homicides"}) {
    absl::StrAppend(&out, "<h3>", HtmlEscape(AnalysisTitle(name)), "</h3>\n", Description(name));
    std::string why;
    const v1::QueryResult* result = Lookup(input, name, &why);
    if (result == nullptr) {
      absl::StrAppend(&out, why);
      continue;
    }
    if (std::string(name) == "home-office-homicides") {
      if (!Shaped(*result, {"year"}, 1)) {
        absl::StrAppend(&out, Unexpected(*result, name));
        continue;
      }
      absl::StrAppend(
          &out, BarChart(Bars(*result, 0), {{"homicides", kPolice, {}}}, "Homicides by year"));
    }
    absl::StrAppend(&out, ResultTable(*result, "Published values"));
  }
  return absl::StrCat(out, "</section>\n");
}

std::string RatesSection(const ReportInput& input) {
  const std::string name = "rates-by-borough";
  std::string out =
      absl::StrCat(Heading("rates", "Rates per 1,000 population by borough"), Description(name));
  const v1::QueryResult* result = ShapedResult(input, name, {"borough"}, 2, out);
  if (result == nullptr) {
    return absl::StrCat(out, "</section>\n");
  }
  return absl::StrCat(out,
                      BarChart(Bars(*result, 1), {{"rate per 1,000", kPolice, {}}},
                               "Serious violence per 1,000 residents by borough", " per 1,000"),
                      SuppressedKey(), ResultTable(*result, "Counts and rates"), "</section>\n");
}

std::string HourOfWeekSection(const ReportInput& input) {
  const std::string name = "hour-of-week";
  std::string out = absl::StrCat(Heading("hour-of-week", "Hour of the week"), Description(name));
  const v1::QueryResult* result = ShapedResult(input, name, {"hour_of_week"}, 1, out);
  if (result == nullptr) {
    return absl::StrCat(out, "</section>\n");
  }
  const std::vector<std::string> days = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  std::vector<std::string> hours;
  for (int h = 0; h < 24; ++h) {
    hours.push_back(absl::StrFormat("%02d", h));
  }
  // A cell with no group had no records: 0, not missing.
  std::vector<std::vector<Point>> cells(7);
  for (int d = 0; d < 7; ++d) {
    for (int h = 0; h < 24; ++h) {
      cells[d].push_back({absl::StrCat(days[d], " ", hours[h], ":00"), 0.0, "0", ""});
    }
  }
  std::vector<std::string> unplaced;
  for (const v1::ResultRow& row : result->rows()) {
    // "5 Fri 23": ISO weekday number, day name, hour.
    std::vector<std::string> parts = absl::StrSplit(row.dimensions(0), ' ');
    int day = 0, hour = 0;
    if (parts.size() != 3 || !absl::SimpleAtoi(parts[0], &day) || day < 1 || day > 7 ||
        !absl::SimpleAtoi(parts[2], &hour) || hour < 0 || hour > 23) {
      unplaced.push_back(row.dimensions(0));
      continue;
    }
    Point& cell = cells[day - 1][hour];
    cell = ToPoint(cell.label, row.measures(0));
  }
  absl::StrAppend(&out, Heatmap(days, hours, cells, "Serious violence by weekday and hour"),
                  SuppressedKey(),
                  "<p class=\"key\">Darker is more. A white 0 means no records; hours are local "
                  "time of the offence, truncated to the hour.</p>\n");
  if (!unplaced.empty()) {
    absl::StrAppend(&out, "<p class=\"failed\">Not placed on the grid (unexpected labels): ",
                    HtmlEscape(absl::StrJoin(unplaced, "; ")), "</p>\n");
  }
  return absl::StrCat(out, ResultTable(*result), "</section>\n");
}

std::string RepeatSection(const ReportInput& input) {
  const std::string name = "repeat-victimisation";
  std::string out = absl::StrCat(Heading("repeat", "Repeat victimisation"), Description(name));
  const v1::QueryResult* result = ShapedResult(input, name, {"borough"}, 2, out);
  if (result == nullptr) {
    return absl::StrCat(out, "</section>\n");
  }
  return absl::StrCat(out,
                      BarChart(Bars(*result, 1), {{"repeat victims", kPolice, {}}},
                               "Percentage of victims victimised again within 365 days", "%"),
                      SuppressedKey(), ResultTable(*result, "Victims and repeat rates"),
                      "</section>\n");
}

std::string OverlapSection(const ReportInput& input) {
  const std::string name = "ed-victims-unknown-to-police";
  std::string out = absl::StrCat(
      Heading("overlap", "Cross-agency overlap: ED assault victims known and unknown to police"),
      Description(name));
  const v1::QueryResult* result = ShapedResult(input, name, {"means_of_assault"}, 3, out);
  if (result == nullptr) {
    return absl::StrCat(out, "</section>\n");
  }
  std::vector<BarRow> rows;
  for (const v1::ResultRow& row : result->rows()) {
    const std::string label = DimensionLabel(row.dimensions(0));
    rows.push_back({label, {ToPoint(label, row.measures(0)), ToPoint(label, row.measures(1))}});
    if (row.dimensions(0) == "knife" && !row.measures(2).suppressed()) {
      absl::StrAppend(&out, "<p class=\"callout\">", HtmlEscape(row.measures(2).display()),
                      "% of people attending an ED after a knife assault were not known to police "
                      "as a victim in the 365 days before.</p>\n");
    }
  }
  return absl::StrCat(out,
                      BarChart(rows,
                               {{"unknown to police", kHealth, {}},
                                {"known to police (prior 365 days)", kPolice, {}}},
                               "ED assault victims known and unknown to police"),
                      SuppressedKey(),
                      "<p class=\"key\">Linkage can miss a person whose details differ between "
                      "agencies, which makes the overlap look smaller: treat it as an estimate."
                      "</p>\n",
                      ResultTable(*result, "People by means of assault"), "</section>\n");
}

std::string HotSpotsSection(const ReportInput& input) {
  constexpr size_t kMostBars = 30;
  const std::string name = "harm-hot-spots";
  std::string out =
      absl::StrCat(Heading("hot-spots", "Harm-weighted hot spots"), Description(name));
  std::string why;
  const v1::QueryResult* result = Lookup(input, name, &why);
  if (result == nullptr) {
    return absl::StrCat(out, why, "</section>\n");
  }
  absl::StatusOr<HotSpots> hot_spots = FindHotSpots(*result, input.options.hot_spot_share);
  if (!hot_spots.ok()) {
    return absl::StrCat(out, "<p class=\"failed\">", HtmlEscape(hot_spots.status().message()),
                        "</p>\n", Unexpected(*result, name), "</section>\n");
  }
  absl::StrAppend(&out, "<p class=\"callout\">", HtmlEscape(DescribeHotSpots(*hot_spots)),
                  "</p>\n");
  std::vector<BarRow> rows;
  for (const HotSpotArea& area : hot_spots->areas) {
    if (rows.size() == kMostBars) {
      break;
    }
    const std::string label = DimensionLabel(area.area);
    rows.push_back({label,
                    {{label, area.harm,
                      absl::StrCat(area.display, " (cumulative ",
                                   FormatNumber(100 * area.cumulative, 1), "%)"),
                      area.in_hot_spot ? kHot : kNeutral}}});
  }
  for (const std::string& area : hot_spots->suppressed_areas) {
    rows.push_back({DimensionLabel(area), {{DimensionLabel(area), absl::nullopt, "*", ""}}});
  }
  if (!rows.empty()) {
    absl::StrAppend(
        &out,
        BarChart(rows, {{"harm", kNeutral, {}}},
                 "Published harm by area, largest "
                 "first"),
        "<p class=\"key\"><span class=\"swatch\" style=\"background:", kHot,
        "\"></span> hot spot (among the fewest areas that reach the share) ",
        "<span class=\"swatch\" style=\"background:", kNeutral, "\"></span> other areas",
        hot_spots->areas.size() > kMostBars ? absl::StrCat("; the ", kMostBars, " largest of ",
                                                           hot_spots->areas.size(), " are drawn")
                                            : "",
        "</p>\n", SuppressedKey());
  }
  absl::StatusOr<v1::QueryResult> ranked = HotSpotsPostProcess(*result, input.options);
  return absl::StrCat(out, ResultTable(ranked.ok() ? *ranked : *result, "Ranked areas"),
                      "</section>\n");
}

}  // namespace confide::cli::report
