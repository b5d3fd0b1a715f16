#include "cli/analyses.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace confide::cli {
namespace {

// The Office for National Statistics' "selected offences" for knife or sharp instrument crime,
// in our offence groups: every serious-violence group except arson, which no knife enables.
constexpr char kKnifeOffenceGroups[] =
    "('homicide', 'attempted_murder', 'wounding_gbh', 'assault_with_injury', 'robbery', "
    "'threats_to_kill', 'rape', 'sexual_assault')";

std::vector<Analysis> MakeAnalyses() {
  std::vector<Analysis> analyses;
  analyses.push_back(
      {"home-office-knife-admissions",
       "Hospital admissions for assault by knife or sharp object",
       "Home Office success measure 1: ED assault attendances by knife or sharp object that were "
       "admitted, by month.",
       {"ed_attendance"},
       {{"",
         "SELECT month, COUNT(*) AS admissions FROM ed_attendance "
         "WHERE means_of_assault = 'knife' AND admitted = 'true' "
         "GROUP BY month ORDER BY month"}}});
  analyses.push_back(
      {"home-office-knife-crime",
       "Police-recorded knife-enabled serious violence",
       "Home Office success measure 2: police-recorded serious violence involving a knife or "
       "sharp object (ONS selected offences), by month.",
       {"police_crime"},
       {{"", absl::StrCat("SELECT month, COUNT(*) AS crimes FROM police_crime "
                          "WHERE knife = 'true' AND offence_group IN ",
                          kKnifeOffenceGroups, " GROUP BY month ORDER BY month")}}});
  analyses.push_back({"home-office-homicides",
                      "Homicides",
                      "Home Office success measure 3: police-recorded homicides, by year.",
                      {"police_crime"},
                      {{"",
                        "SELECT year, COUNT(*) AS homicides FROM police_crime "
                        "WHERE offence_group = 'homicide' GROUP BY year ORDER BY year"}}});
  analyses.push_back(
      {"rates-by-borough",
       "Serious violence per 1,000 residents by borough",
       "Police-recorded serious violence by borough: count and rate per 1,000 residents (the "
       "policy's reference populations).",
       {"police_crime"},
       {{"",
         "SELECT borough, COUNT(*) AS crimes, RATE_PER_1000(COUNT(*)) AS rate_per_1000 "
         "FROM police_crime GROUP BY borough ORDER BY borough"}}});
  analyses.push_back(
      {"hour-of-week",
       "Serious violence by hour of the week",
       "Police-recorded serious violence by weekday and hour (168 cells), to show the "
       "Friday and Saturday night peaks.",
       {"police_crime"},
       {{"",
         "SELECT hour_of_week, COUNT(*) AS crimes FROM police_crime "
         "GROUP BY hour_of_week ORDER BY hour_of_week"}}});
  analyses.push_back(
      {"repeat-victimisation",
       "Repeat victimisation by borough",
       "Victims of police-recorded serious violence by borough, and the percentage of them who "
       "were victims at least twice within 365 days.",
       {"police_crime"},
       {{"",
         "SELECT borough, COUNT(DISTINCT person) AS victims, REPEAT_RATE(2, 365) AS "
         "repeat_rate_pct FROM police_crime GROUP BY borough ORDER BY borough"}}});
  Analysis overlap{
      "ed-victims-unknown-to-police",
      "Emergency department assault victims unknown to police",
      "People attending an ED after an assault, by means of assault, who were (not) known to "
      "police as a victim of serious violence in the 365 days before.",
      {"ed_attendance", "police_crime"},
      {{"unknown_to_police",
        "SELECT means_of_assault, COUNT(DISTINCT person) AS people FROM ed_attendance "
        "WHERE NOT person IN (SELECT person FROM police_crime) WITHIN 365 DAYS BEFORE "
        "GROUP BY means_of_assault ORDER BY means_of_assault"},
       {"known_to_police",
        "SELECT means_of_assault, COUNT(DISTINCT person) AS people FROM ed_attendance "
        "WHERE person IN (SELECT person FROM police_crime) WITHIN 365 DAYS BEFORE "
        "GROUP BY means_of_assault ORDER BY means_of_assault"}}};
  overlap.combine = &CombineOverlap;
  analyses.push_back(std::move(overlap));
  Analysis hot_spots{
      "harm-hot-spots",
      "Harm-weighted hot spots",
      "Police-recorded serious violence weighted by harm (policy harm weights) by ward, and the "
      "fewest wards that hold a given share (default 50%) of the published total harm.",
      {"police_crime"},
      {{"",
        "SELECT ward, SUM(harm) AS total_harm FROM police_crime GROUP BY ward "
        "ORDER BY total_harm DESC"}}};
  hot_spots.post_process = &HotSpotsPostProcess;
  analyses.push_back(std::move(hot_spots));
  return analyses;
}

v1::ResultCell Cell(double value, int decimals) {
  v1::ResultCell cell;
  cell.set_value(value);
  cell.set_display(FormatNumber(value, decimals));
  // Machine-readable output (CSV, JSON) prints display as a number: no thousands separators.
  std::string plain = cell.display();
  plain.erase(std::remove(plain.begin(), plain.end(), ','), plain.end());
  cell.set_display(plain);
  return cell;
}

v1::ResultCell Hidden() {
  v1::ResultCell cell;
  cell.set_display("*");
  cell.set_suppressed(true);
  return cell;
}

std::string Plural(const std::string& noun, size_t count) {
  return count == 1 ? noun : absl::StrCat(noun, "s");
}

}  // namespace

const std::vector<Analysis>& BuiltInAnalyses() {
  static const std::vector<Analysis>* const kAnalyses = new std::vector<Analysis>(MakeAnalyses());
  return *kAnalyses;
}

const Analysis* FindAnalysis(absl::string_view name) {
  for (const Analysis& analysis : BuiltInAnalyses()) {
    if (analysis.name == name) {
      return &analysis;
    }
  }
  return nullptr;
}

absl::StatusOr<v1::QueryResult> RunAnalysis(const Analysis& analysis, const QueryRunner& run,
                                            const std::string& agreement,
                                            const std::string& purpose) {
  std::vector<v1::QueryResult> results;
  for (const AnalysisQuery& query : analysis.queries) {
    v1::QueryRequest request;
    request.set_agreement(agreement);
    request.set_purpose(purpose);
    request.set_sql(query.sql);
    absl::StatusOr<v1::QueryResult> result = run(request);
    if (!result.ok()) {
      if (analysis.queries.size() == 1) {
        return result.status();
      }
      return absl::Status(result.status().code(),
                          absl::StrCat(query.label, ": ", result.status().message()));
    }
    results.push_back(*std::move(result));
  }
  if (analysis.combine != nullptr) {
    return analysis.combine(results, analysis.queries);
  }
  if (results.size() != 1) {
    return absl::InternalError(absl::StrCat("analysis ", analysis.name, " has ", results.size(),
                                            " queries and no way to combine them"));
  }
  return std::move(results[0]);
}

absl::StatusOr<v1::QueryResult> CombineSideBySide(const std::vector<v1::QueryResult>& results,
                                                  const std::vector<AnalysisQuery>& queries) {
  if (results.empty() || results.size() != queries.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected one result per query (", queries.size(), "), got ", results.size()));
  }
  v1::QueryResult combined;
  *combined.mutable_dimension_names() = results[0].dimension_names();
  std::map<std::vector<std::string>, int> row_of;  // dimension values -> row in `combined`
  for (size_t q = 0; q < results.size(); ++q) {
    const v1::QueryResult& result = results[q];
    if (result.measure_names_size() != 1) {
      return absl::InvalidArgumentError(absl::StrCat(queries[q].label, ": expected 1 measure, got ",
                                                     result.measure_names_size()));
    }
    if (result.dimension_names_size() != combined.dimension_names_size() ||
        !std::equal(result.dimension_names().begin(), result.dimension_names().end(),
                    combined.dimension_names().begin())) {
      return absl::InvalidArgumentError(
          absl::StrCat(queries[q].label, ": dimensions differ from the first query's"));
    }
    combined.add_measure_names(queries[q].label);
    for (const v1::ResultRow& row : result.rows()) {
      if (row.measures_size() != 1 || row.dimensions_size() != result.dimension_names_size()) {
        return absl::InvalidArgumentError(
            absl::StrCat(queries[q].label, ": a row does not match the result's columns"));
      }
      std::vector<std::string> key(row.dimensions().begin(), row.dimensions().end());
      auto [it, added] = row_of.emplace(key, combined.rows_size());
      if (added) {
        *combined.add_rows()->mutable_dimensions() = row.dimensions();
      }
      v1::ResultRow* out = combined.mutable_rows(it->second);
      while (out->measures_size() < static_cast<int>(q)) {
        *out->add_measures() = Cell(0, 0);  // no records in the earlier queries' group
      }
      *out->add_measures() = row.measures(0);
    }
    for (v1::ResultRow& row : *combined.mutable_rows()) {
      while (row.measures_size() <= static_cast<int>(q)) {
        *row.add_measures() = Cell(0, 0);
      }
    }
    for (const std::string& note : result.notes()) {
      combined.add_notes(absl::StrCat(queries[q].label, ": ", note));
    }
    if (combined.policy_version().empty()) {
      combined.set_policy_version(result.policy_version());
    }
    combined.set_audit_sequence(std::max(combined.audit_sequence(), result.audit_sequence()));
    // Differential privacy: the analysis cost what its queries cost; what is left is what the
    // last one left.
    if (result.differentially_private()) {
      combined.set_differentially_private(true);
      combined.set_epsilon_charged(combined.epsilon_charged() + result.epsilon_charged());
      combined.set_epsilon_remaining(result.epsilon_remaining());
    }
  }
  return combined;
}

absl::StatusOr<v1::QueryResult> CombineOverlap(const std::vector<v1::QueryResult>& results,
                                               const std::vector<AnalysisQuery>& queries) {
  absl::StatusOr<v1::QueryResult> combined = CombineSideBySide(results, queries);
  if (!combined.ok() || combined->measure_names_size() != 2) {
    return combined;
  }
  combined->add_measure_names("pct_unknown");
  for (v1::ResultRow& row : *combined->mutable_rows()) {
    const v1::ResultCell& unknown = row.measures(0);
    const v1::ResultCell& known = row.measures(1);
    const double people = unknown.value() + known.value();
    if (unknown.suppressed() || known.suppressed() || people <= 0) {
      *row.add_measures() = Hidden();
    } else {
      *row.add_measures() = Cell(100 * unknown.value() / people, 1);
    }
  }
  combined->add_notes(
      "pct_unknown is computed by confide from the two published, rounded counts, and is * "
      "where either count is suppressed. A person with several attendances can be counted in "
      "both columns.");
  return combined;
}

absl::StatusOr<HotSpots> FindHotSpots(const v1::QueryResult& published, double share) {
  if (!(share > 0 && share <= 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected a share of the total harm in (0, 1], got ", share));
  }
  if (published.dimension_names_size() != 1 || published.measure_names_size() < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "expected one area dimension and a harm measure, got ", published.dimension_names_size(),
        " dimensions and ", published.measure_names_size(), " measures"));
  }
  int measure = published.measure_names_size() - 1;
  for (int m = 0; m < published.measure_names_size(); ++m) {
    if (absl::StrContains(absl::AsciiStrToLower(published.measure_names(m)), "harm")) {
      measure = m;
      break;
    }
  }
  HotSpots hot_spots;
  hot_spots.area_dimension = published.dimension_names(0);
  hot_spots.target_share = share;
  for (const v1::ResultRow& row : published.rows()) {
    if (row.dimensions_size() != 1 || row.measures_size() <= measure) {
      return absl::InvalidArgumentError("a row does not match the result's columns");
    }
    const v1::ResultCell& cell = row.measures(measure);
    if (cell.suppressed()) {
      hot_spots.suppressed_areas.push_back(row.dimensions(0));
      continue;
    }
    if (!std::isfinite(cell.value()) || cell.value() < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("expected a non-negative harm, got '", cell.display(), "'"));
    }
    HotSpotArea& area = hot_spots.areas.emplace_back();
    area.area = row.dimensions(0);
    area.display = cell.display();
    area.harm = cell.value();
    hot_spots.published_total += cell.value();
  }
  std::sort(hot_spots.areas.begin(), hot_spots.areas.end(),
            [](const HotSpotArea& a, const HotSpotArea& b) {
              return a.harm != b.harm ? a.harm > b.harm : a.area < b.area;
            });
  double running = 0;
  for (HotSpotArea& area : hot_spots.areas) {
    const bool reached =
        hot_spots.published_total > 0 && running >= share * hot_spots.published_total * (1 - 1e-12);
    running += area.harm;
    if (hot_spots.published_total > 0) {
      area.share = area.harm / hot_spots.published_total;
      area.cumulative = running / hot_spots.published_total;
    }
    if (!reached && hot_spots.published_total > 0) {
      area.in_hot_spot = true;
      ++hot_spots.hot_spot_count;
    }
  }
  return hot_spots;
}

std::string DescribeHotSpots(const HotSpots& hot_spots) {
  const std::string noun = hot_spots.area_dimension.empty() ? "area" : hot_spots.area_dimension;
  std::string out;
  if (hot_spots.hot_spot_count == 0) {
    out = absl::StrCat("No ", noun, " has published harm, so no hot spots can be named.");
  } else {
    const HotSpotArea& last = hot_spots.areas[hot_spots.hot_spot_count - 1];
    const size_t count = hot_spots.hot_spot_count;
    out = absl::StrCat(count, " of ", hot_spots.areas.size(), " ",
                       Plural(noun, hot_spots.areas.size()), " with published harm ",
                       count == 1 ? "holds " : "hold ", FormatNumber(100 * last.cumulative, 1),
                       "% of the published total harm (", FormatNumber(hot_spots.published_total),
                       "): the fewest ", Plural(noun, 2), " that reach ",
                       FormatNumber(100 * hot_spots.target_share, 1), "%.");
  }
  if (!hot_spots.suppressed_areas.empty()) {
    const size_t hidden = hot_spots.suppressed_areas.size();
    absl::StrAppend(&out, " ", hidden, " ", Plural(noun, hidden), hidden == 1 ? " was" : " were",
                    " suppressed (*) and ", hidden == 1 ? "is" : "are",
                    " left out of the ranking and the total, because ",
                    hidden == 1 ? "its" : "their",
                    " harm is not published; the true concentration may differ.");
  }
  return out;
}

absl::StatusOr<v1::QueryResult> HotSpotsPostProcess(const v1::QueryResult& published,
                                                    const AnalysisOptions& options) {
  absl::StatusOr<HotSpots> hot_spots = FindHotSpots(published, options.hot_spot_share);
  if (!hot_spots.ok()) {
    return hot_spots.status();
  }
  std::string harm_name = "total_harm";
  for (const std::string& name : published.measure_names()) {
    if (absl::StrContains(absl::AsciiStrToLower(name), "harm")) {
      harm_name = name;
    }
  }
  v1::QueryResult out;
  out.add_dimension_names(hot_spots->area_dimension);
  for (const std::string& name : {harm_name, std::string("share_pct"),
                                  std::string("cumulative_pct"), std::string("in_hot_spot")}) {
    out.add_measure_names(name);
  }
  for (const HotSpotArea& area : hot_spots->areas) {
    v1::ResultRow* row = out.add_rows();
    row->add_dimensions(area.area);
    v1::ResultCell* harm = row->add_measures();
    harm->set_display(area.display);
    harm->set_value(area.harm);
    *row->add_measures() = Cell(100 * area.share, 1);
    *row->add_measures() = Cell(100 * area.cumulative, 1);
    *row->add_measures() = Cell(area.in_hot_spot ? 1 : 0, 0);
  }
  for (const std::string& area : hot_spots->suppressed_areas) {
    v1::ResultRow* row = out.add_rows();
    row->add_dimensions(area);
    for (int m = 0; m < 4; ++m) {
      *row->add_measures() = Hidden();
    }
  }
  *out.mutable_notes() = published.notes();
  out.add_notes(DescribeHotSpots(*hot_spots));
  out.set_policy_version(published.policy_version());
  out.set_audit_sequence(published.audit_sequence());
  out.set_differentially_private(published.differentially_private());
  out.set_epsilon_charged(published.epsilon_charged());
  out.set_epsilon_remaining(published.epsilon_remaining());
  return out;
}

std::string FormatNumber(double value, int decimals) {
  if (!std::isfinite(value)) {
    return "?";
  }
  std::string text = absl::StrFormat("%.*f", std::max(decimals, 0), value);
  if (text.find('.') != std::string::npos) {
    while (text.back() == '0') {
      text.pop_back();
    }
    if (text.back() == '.') {
      text.pop_back();
    }
  }
  if (text == "-0") {
    text = "0";
  }
  const size_t start = text[0] == '-' ? 1 : 0;
  size_t end = text.find('.');
  if (end == std::string::npos) {
    end = text.size();
  }
  for (size_t i = end; i > start + 3; i -= 3) {
    text.insert(i - 3, ",");
  }
  return text;
}

}  // namespace confide::cli
