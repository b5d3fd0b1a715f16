#include "cli/report_charts.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/analyses.h"
#include "cli/audit_report.h"

namespace confide::cli::report {
namespace {

// The one look of a suppressed value, everywhere: it must never read as a zero-length bar.
constexpr char kMissingFill[] = "#e4e4e4";
constexpr char kMissingStroke[] = "#777";

std::string SvgOpen(int width, int height, absl::string_view title) {
  return absl::StrFormat(
      "<svg class=\"chart\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
      "font-family=\"sans-serif\" font-size=\"11\"><title>%s</title>\n",
      width, height, width, height, HtmlEscape(title));
}

std::string MissingBox(double x, double y, double width, double height) {
  return absl::StrFormat(
      "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" stroke=\"%s\" "
      "stroke-dasharray=\"3 2\"/>",
      x, y, width, height, kMissingFill, kMissingStroke);
}

// A round axis maximum of about four steps above `most`.
double NiceStep(double most) {
  const double raw = std::max(most, 1.0) / 4;
  const double magnitude = std::pow(10, std::floor(std::log10(raw)));
  for (double factor : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (factor * magnitude >= raw) {
      return factor * magnitude;
    }
  }
  return 10 * magnitude;
}

double Finite(double value) { return std::isfinite(value) ? std::max(value, 0.0) : 0; }

std::string Legend(const std::vector<Series>& series, int x, int y) {
  std::string out;
  for (const Series& s : series) {
    absl::StrAppendFormat(&out,
                          "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                          "<text x=\"%d\" y=\"%d\">%s</text>\n",
                          x, y, HtmlEscape(s.colour), x + 16, y + 10, HtmlEscape(s.name));
    x += 30 + 7 * static_cast<int>(std::min<size_t>(s.name.size(), 40));
  }
  return out;
}

}  // namespace

std::string SuppressedKey() {
  return absl::StrCat(
      "<p class=\"key\"><svg width=\"28\" height=\"14\" viewBox=\"0 0 28 14\" role=\"img\">"
      "<title>suppressed</title>",
      MissingBox(1, 1, 26, 12),
      "</svg> grey dashed box, <strong>*</strong>: suppressed by disclosure control (not zero; "
      "see <a href=\"#suppression\">Suppression and rounding</a>)</p>\n");
}

std::string LineChart(const std::vector<std::string>& categories, const std::vector<Series>& series,
                      absl::string_view title) {
  constexpr int kLeft = 56, kRight = 20, kTop = 34, kBottom = 54, kPlotWidth = 880;
  constexpr int kPlotHeight = 230;
  const int width = kLeft + kPlotWidth + kRight;
  const int height = kTop + kPlotHeight + kBottom;
  double most = 0;
  for (const Series& s : series) {
    for (const Point& point : s.points) {
      most = std::max(most, point.value.has_value() ? Finite(*point.value) : 0);
    }
  }
  const double step = NiceStep(most);
  const double top = step * std::max(1.0, std::ceil(most / step));
  const size_t n = categories.size();
  auto x_of = [&](size_t i) {
    return n <= 1 ? kLeft + kPlotWidth / 2.0
                  : kLeft + static_cast<double>(i) * kPlotWidth / static_cast<double>(n - 1);
  };
  auto y_of = [&](double v) { return kTop + kPlotHeight - Finite(v) / top * kPlotHeight; };
  std::string svg = SvgOpen(width, height, title);
  absl::StrAppend(&svg, Legend(series, kLeft, 8));
  for (double tick = 0; tick <= top + step / 2; tick += step) {
    absl::StrAppendFormat(&svg,
                          "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                          "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                          kLeft, y_of(tick), kLeft + kPlotWidth, y_of(tick), kLeft - 6,
                          y_of(tick) + 4, FormatNumber(tick, 1));
  }
  const size_t label_every = std::max<size_t>(1, (n + 11) / 12);
  for (size_t i = 0; i < n; i += label_every) {
    absl::StrAppendFormat(&svg, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
                          x_of(i), kTop + kPlotHeight + 16, HtmlEscape(categories[i]));
  }
  for (size_t s = 0; s < series.size(); ++s) {
    std::map<std::string, const Point*> by_label;
    for (const Point& point : series[s].points) {
      by_label.emplace(point.label, &point);
    }
    const std::string colour = HtmlEscape(series[s].colour);
    std::string segment, marks;
    auto flush = [&]() {
      if (!segment.empty()) {
        absl::StrAppend(&svg, "<polyline fill=\"none\" stroke=\"", colour,
                        "\" stroke-width=\"2\" points=\"", segment, "\"/>\n");
        segment.clear();
      }
    };
    for (size_t i = 0; i < n; ++i) {
      auto it = by_label.find(categories[i]);
      if (it == by_label.end()) {
        flush();
        continue;
      }
      const Point& point = *it->second;
      const std::string tip =
          HtmlEscape(absl::StrCat(series[s].name, ", ", point.label, ": ", point.display));
      if (!point.value.has_value()) {
        flush();
        // Stacked per series below the axis, so two suppressed series stay distinguishable.
        const double y = kTop + kPlotHeight + 24 + 12.0 * static_cast<double>(s);
        absl::StrAppend(&marks, MissingBox(x_of(i) - 5, y - 9, 10, 11),
                        absl::StrFormat("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
                                        "fill=\"%s\" font-weight=\"bold\">*<title>%s</title>"
                                        "</text>\n",
                                        x_of(i), y, colour, tip));
        continue;
      }
      absl::StrAppendFormat(&segment, "%.1f,%.1f ", x_of(i), y_of(*point.value));
      absl::StrAppendFormat(&marks,
                            "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\">"
                            "<title>%s</title></circle>\n",
                            x_of(i), y_of(*point.value), colour, tip);
    }
    flush();
    absl::StrAppend(&svg, marks);
  }
  return absl::StrCat(svg, "</svg>\n");
}

std::string BarChart(const std::vector<BarRow>& rows, const std::vector<Series>& series,
                     absl::string_view title, absl::string_view suffix) {
  constexpr int kLabelWidth = 210, kBarArea = 560, kBar = 15, kGap = 3, kRowGap = 9;
  const int legend = series.size() > 1 ? 24 : 4;
  const int per_row =
      static_cast<int>(std::max<size_t>(series.size(), 1)) * (kBar + kGap) + kRowGap;
  const int width = kLabelWidth + kBarArea + 190;
  const int height = legend + static_cast<int>(rows.size()) * per_row + 4;
  double most = 0;
  for (const BarRow& row : rows) {
    for (const Point& point : row.points) {
      most = std::max(most, point.value.has_value() ? Finite(*point.value) : 0);
    }
  }
  std::string svg = SvgOpen(width, height, title);
  if (series.size() > 1) {
    absl::StrAppend(&svg, Legend(series, kLabelWidth, 4));
  }
  int y = legend;
  for (const BarRow& row : rows) {
    const int group_height = per_row - kRowGap;
    absl::StrAppendFormat(&svg, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n",
                          kLabelWidth - 8, y + group_height / 2 + 4, HtmlEscape(row.label));
    for (size_t i = 0; i < row.points.size(); ++i) {
      const Point& point = row.points[i];
      const int bar_y = y + static_cast<int>(i) * (kBar + kGap);
      const std::string name = i < series.size() ? series[i].name : "";
      const std::string tip = HtmlEscape(
          absl::StrCat(row.label, name.empty() ? "" : ", ", name, ": ", point.display, suffix));
      if (!point.value.has_value()) {
        absl::StrAppend(&svg, MissingBox(kLabelWidth, bar_y, 44, kBar),
                        absl::StrFormat("<text x=\"%d\" y=\"%d\" fill=\"#555\">* suppressed"
                                        "<title>%s</title></text>\n",
                                        kLabelWidth + 50, bar_y + kBar - 3, tip));
        continue;
      }
      const double value = Finite(*point.value);
      double length = most > 0 ? value / most * kBarArea : 0;
      if (value > 0) {
        length = std::max(length, 1.0);  // a small published value is still visible
      }
      std::string colour = point.colour;
      if (colour.empty()) {
        colour = i < series.size() ? series[i].colour : "#1f77b4";
      }
      absl::StrAppendFormat(&svg,
                            "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\">"
                            "<title>%s</title></rect>"
                            "<text x=\"%.1f\" y=\"%d\">%s</text>\n",
                            kLabelWidth, bar_y, length, kBar, HtmlEscape(colour), tip,
                            kLabelWidth + length + 5, bar_y + kBar - 3,
                            HtmlEscape(absl::StrCat(point.display, suffix)));
    }
    y += per_row;
  }
  return absl::StrCat(svg, "</svg>\n");
}

std::string Heatmap(const std::vector<std::string>& row_labels,
                    const std::vector<std::string>& column_labels,
                    const std::vector<std::vector<Point>>& cells, absl::string_view title) {
  constexpr int kLeft = 48, kTop = 22, kCellWidth = 38, kCellHeight = 26;
  const int width = kLeft + static_cast<int>(column_labels.size()) * kCellWidth + 4;
  const int height = kTop + static_cast<int>(row_labels.size()) * kCellHeight + 4;
  double most = 0;
  for (const auto& row : cells) {
    for (const Point& point : row) {
      most = std::max(most, point.value.has_value() ? Finite(*point.value) : 0);
    }
  }
  std::string svg = SvgOpen(width, height, title);
  for (size_t c = 0; c < column_labels.size(); ++c) {
    absl::StrAppendFormat(&svg, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
                          kLeft + static_cast<int>(c) * kCellWidth + kCellWidth / 2, kTop - 7,
                          HtmlEscape(column_labels[c]));
  }
  for (size_t r = 0; r < row_labels.size() && r < cells.size(); ++r) {
    const int y = kTop + static_cast<int>(r) * kCellHeight;
    absl::StrAppendFormat(&svg, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n",
                          kLeft - 6, y + kCellHeight / 2 + 4, HtmlEscape(row_labels[r]));
    for (size_t c = 0; c < column_labels.size() && c < cells[r].size(); ++c) {
      const Point& point = cells[r][c];
      const int x = kLeft + static_cast<int>(c) * kCellWidth;
      const std::string tip = HtmlEscape(absl::StrCat(point.label, ": ", point.display));
      std::string text_colour = "#222";
      if (!point.value.has_value()) {
        absl::StrAppend(&svg, MissingBox(x + 1, y + 1, kCellWidth - 2, kCellHeight - 2));
      } else {
        // White to dark blue; the darker half gets white text.
        const double t = most > 0 ? Finite(*point.value) / most : 0;
        const int red = static_cast<int>(std::lround(247 + (8 - 247) * t));
        const int green = static_cast<int>(std::lround(251 + (48 - 251) * t));
        const int blue = static_cast<int>(std::lround(255 + (107 - 255) * t));
        if (t > 0.5) {
          text_colour = "#fff";
        }
        absl::StrAppendFormat(&svg,
                              "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
                              "fill=\"rgb(%d,%d,%d)\" stroke=\"#fff\"/>",
                              x, y, kCellWidth, kCellHeight, red, green, blue);
      }
      absl::StrAppendFormat(&svg,
                            "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"10\" "
                            "fill=\"%s\">%s<title>%s</title></text>\n",
                            x + kCellWidth / 2, y + kCellHeight / 2 + 4, text_colour,
                            HtmlEscape(point.display), tip);
    }
  }
  return absl::StrCat(svg, "</svg>\n");
}

}  // namespace confide::cli::report
