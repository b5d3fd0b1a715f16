#pragma once

// The analyst's report (`confide report`): the built-in analyses (cli/analyses.h) rendered as
// one self-contained HTML file, with inline CSS and inline SVG only (no scripts, fonts, images
// or external links), so it opens offline and can be attached to an e-mail to the partnership
// board. Every value in it is one the hub published under disclosure control; suppressed cells
// are drawn as visibly missing, never as zero, and every note the hub returned is listed.
//
// Fetching (CollectReport, through an injected QueryRunner) is kept apart from rendering
// (RenderAnalystReport, a pure function of the results), so the page is testable with canned
// results.

#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "cli/analyses.h"
#include "confide/v1/query.pb.h"

namespace confide::cli {

struct ReportInput {
  std::string agreement;
  std::string purpose;
  absl::Time generated;
  absl::TimeZone zone = absl::UTCTimeZone();  // for `generated`
  AnalysisOptions options;
  // Analysis name -> its published (combined, not post-processed) result.
  std::map<std::string, v1::QueryResult> results;
  // Analysis name -> why it could not be produced (refused, unreachable, ...).
  std::map<std::string, absl::Status> failures;
};

// Runs every built-in analysis in order. A refused analysis is recorded in `failures` and the
// rest carry on (an agreement may permit some analyses and not others); once the hub is
// unreachable (UNAVAILABLE or DEADLINE_EXCEEDED) the remaining ones are not attempted and are
// recorded as failed for that reason. Sets agreement, purpose, options and the maps only.
ReportInput CollectReport(const QueryRunner& run, const std::string& agreement,
                          const std::string& purpose, const AnalysisOptions& options);

// The whole HTML document. Analyses missing from both maps are reported as not run.
std::string RenderAnalystReport(const ReportInput& input);

}  // namespace confide::cli
