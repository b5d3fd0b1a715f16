#pragma once

// The partnership's built-in analyses: named queries in the hub's restricted SQL that anyone
// entitled under an agreement can run (`confide analysis run NAME`, `confide report`). They run
// through the ordinary Query RPC, so the hub's authorisation, disclosure control and audit apply
// to them exactly as to a hand-written query. Client-side post-processing only ever combines or
// re-orders values the hub has already published; it never sees, or tries to recover, a
// suppressed cell.
//
// Everything here is pure (no gRPC): a QueryRunner is injected, so the whole path is testable
// with canned results.

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "confide/v1/query.pb.h"

namespace confide::cli {

// Runs one query at the hub (or a fake). Errors are the hub's, unchanged.
using QueryRunner = std::function<absl::StatusOr<v1::QueryResult>(const v1::QueryRequest&)>;

struct AnalysisOptions {
  // harm-hot-spots: the share of the published total harm the reported areas must hold.
  double hot_spot_share = 0.5;
};

// One query of an analysis. `label` names its published measure when an analysis puts several
// queries side by side (e.g. "unknown_to_police"); empty for single-query analyses.
struct AnalysisQuery {
  std::string label;
  std::string sql;
};

struct Analysis {
  std::string name;         // e.g. "harm-hot-spots"
  std::string title;        // for headings
  std::string description;  // one line
  std::vector<std::string> datasets;
  std::vector<AnalysisQuery> queries;
  // Joins the published results of several queries (in `queries` order) into one. Null for
  // single-query analyses.
  absl::StatusOr<v1::QueryResult> (*combine)(const std::vector<v1::QueryResult>& results,
                                             const std::vector<AnalysisQuery>& queries) = nullptr;
  // Optional post-processing of the (combined) published result for display by `confide
  // analysis run`. The report calls the same underlying functions itself.
  absl::StatusOr<v1::QueryResult> (*post_process)(const v1::QueryResult& published,
                                                  const AnalysisOptions& options) = nullptr;
};

// Every built-in analysis, in report order. Names are unique.
const std::vector<Analysis>& BuiltInAnalyses();
// Null when there is no analysis of that name.
const Analysis* FindAnalysis(absl::string_view name);

// Runs the analysis's queries under `agreement` and `purpose`, then `combine`. Does not apply
// post_process. Stops at the first refused query and returns its status, prefixed with the
// query's label when there are several.
absl::StatusOr<v1::QueryResult> RunAnalysis(const Analysis& analysis, const QueryRunner& run,
                                            const std::string& agreement,
                                            const std::string& purpose);

// Puts single-measure results with the same dimensions side by side: one measure per query,
// named by its label, rows matched on their dimension values (a group missing from one result
// had no records there, so it is published as 0). Notes are kept, prefixed with the label.
absl::StatusOr<v1::QueryResult> CombineSideBySide(const std::vector<v1::QueryResult>& results,
                                                  const std::vector<AnalysisQuery>& queries);

// ed-victims-unknown-to-police: CombineSideBySide, then the percentage unknown to police,
// computed from the two published counts ("*" when either is suppressed).
absl::StatusOr<v1::QueryResult> CombineOverlap(const std::vector<v1::QueryResult>& results,
                                               const std::vector<AnalysisQuery>& queries);

// Harm-weighted hot spots: the fewest areas that together hold `share` of the published total
// harm. Only published cells take part: suppressed areas are left out of both the ranking and
// the total, and that is said (suppressed_areas), because their harm is unknown to us.
struct HotSpotArea {
  std::string area;
  std::string display;    // as published
  double harm = 0;        // published value
  double share = 0;       // of the published total, 0..1
  double cumulative = 0;  // running share, largest first
  bool in_hot_spot = false;
};
struct HotSpots {
  std::string area_dimension;  // e.g. "ward"
  double target_share = 0.5;
  double published_total = 0;
  std::vector<HotSpotArea> areas;  // published areas, largest harm first (ties by name)
  size_t hot_spot_count = 0;       // leading entries of `areas` that reach target_share
  std::vector<std::string> suppressed_areas;
};
// InvalidArgument unless the result has exactly one dimension and a harm measure (named
// "...harm...", else the last measure) and 0 < share <= 1.
absl::StatusOr<HotSpots> FindHotSpots(const v1::QueryResult& published, double share);
// One plain-English sentence (two when areas were suppressed), e.g. "3 of 41 wards with published
// harm hold 50% of the published total harm (12,345)."
std::string DescribeHotSpots(const HotSpots& hot_spots);
// The post_process of harm-hot-spots: areas largest first with share, cumulative share and a
// 1/0 in_hot_spot column, suppressed areas last as "*", and DescribeHotSpots as a note.
absl::StatusOr<v1::QueryResult> HotSpotsPostProcess(const v1::QueryResult& published,
                                                    const AnalysisOptions& options);

// "12,345" / "12,345.6": thousands separators; at most `decimals` places, trailing zeros dropped.
std::string FormatNumber(double value, int decimals = 0);

}  // namespace confide::cli
