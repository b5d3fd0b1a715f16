#pragma once

// Inline SVG charts for the analyst report (cli/report.h). Plain functions from values to SVG
// text: no scripts, no external resources, every label HTML-escaped. A suppressed value is
// always drawn as visibly missing (a grey dashed box marked "*"), never as zero or as a gap
// that could be mistaken for "no records".

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/optional.h"

namespace confide::cli::report {

// One published value.
struct Point {
  std::string label;             // category, bar or cell label (plain text)
  absl::optional<double> value;  // unset: suppressed
  std::string display;           // as published, e.g. "35", "12.4", "*"
  std::string colour;            // bars only: overrides the series colour when set
};

struct Series {
  std::string name;
  std::string colour;         // CSS colour, e.g. "#1f77b4"
  std::vector<Point> points;  // line charts: matched to categories by label
};

// Lines over shared x categories (e.g. months, in order). A category missing from a series is
// a gap in its line; a suppressed point breaks the line and gets a "*" marker on the axis.
std::string LineChart(const std::vector<std::string>& categories, const std::vector<Series>& series,
                      absl::string_view title);

// Horizontal bars, one group per row, one bar per series (row.points[i] belongs to series[i]),
// each bar labelled with its published display and `suffix` (e.g. " per 1,000").
struct BarRow {
  std::string label;
  std::vector<Point> points;
};
std::string BarChart(const std::vector<BarRow>& rows, const std::vector<Series>& series,
                     absl::string_view title, absl::string_view suffix = "");

// A grid of cells (rows x columns), shaded by value; each cell shows its display text.
std::string Heatmap(const std::vector<std::string>& row_labels,
                    const std::vector<std::string>& column_labels,
                    const std::vector<std::vector<Point>>& cells, absl::string_view title);

// A one-line key of the swatch used for suppressed values, for under a chart.
std::string SuppressedKey();

}  // namespace confide::cli::report
