#pragma once

// The analysis sections of the analyst report, shared by cli/report.cc (the page) and
// cli/report_sections.cc. Each section function returns escaped HTML, heading included, and
// copes with any result (a failed analysis, or a result of an unexpected shape, is said so and
// shown as a plain table) so one odd answer never stops the report.

#include <string>
#include <vector>

#include "cli/report.h"
#include "cli/report_charts.h"
#include "confide/v1/query.pb.h"

namespace confide::cli::report {

std::string TrendsSection(const ReportInput& input);
std::string HomeOfficeSection(const ReportInput& input);
std::string RatesSection(const ReportInput& input);
std::string HourOfWeekSection(const ReportInput& input);
std::string RepeatSection(const ReportInput& input);
std::string OverlapSection(const ReportInput& input);
std::string HotSpotsSection(const ReportInput& input);

// Every published cell in a <table> (suppressed cells marked), inside a collapsible <details>.
std::string ResultTable(const v1::QueryResult& result, absl::string_view summary = "Table");
// A published cell as a chart point: suppressed cells have no value.
Point ToPoint(const std::string& label, const v1::ResultCell& cell);
// A dimension value for people: "(not recorded)" for an empty one.
std::string DimensionLabel(const std::string& value);
// Title of a built-in analysis, or the name itself.
std::string AnalysisTitle(const std::string& name);

}  // namespace confide::cli::report
