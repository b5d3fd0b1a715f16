#include "cli/audit_report.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace confide::cli {
namespace {

// No external resource of any kind: the file must render the same offline and years later.
constexpr absl::string_view kStyle = R"css(
body { font-family: sans-serif; margin: 2em auto; max-width: 72em; color: #222; line-height: 1.4; }
h1 { border-bottom: 3px solid #1d4f91; padding-bottom: .2em; }
h2 { margin-top: 2em; color: #1d4f91; }
table { border-collapse: collapse; margin: .5em 0 1.5em; font-size: .9em; }
th, td { border: 1px solid #bbb; padding: .25em .5em; text-align: left; vertical-align: top; }
th { background: #eef2f8; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
code, .mono { font-family: monospace; word-break: break-all; }
.head { background: #f6f8fb; border: 1px solid #ccd; padding: .5em 1em; }
.finding { border-left: 5px solid #d62728; padding: .2em 1em; margin: 1em 0; background: #fff7f7; }
.finding.first { border-color: #ff9f1a; background: #fffaf2; }
.none { color: #2a7a2a; }
.deny { color: #b00; font-weight: bold; }
)css";

struct Series {
  const char* name;
  const char* colour;
  int64_t AccessCounts::*count;
};
constexpr Series kSeries[] = {{"queries", "#1f77b4", &AccessCounts::queries},
                              {"pushes", "#2ca02c", &AccessCounts::pushes},
                              {"audit reads", "#9467bd", &AccessCounts::audit_reads},
                              {"denials", "#d62728", &AccessCounts::denials}};

std::string Time(int64_t micros, absl::TimeZone zone) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%S %Z", absl::FromUnixMicros(micros), zone);
}

std::string Time(absl::Time time, absl::TimeZone zone) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%S %Z", time, zone);
}

const char* DecisionText(v1::AuditEvent::Decision decision) {
  switch (decision) {
    case v1::AuditEvent::ALLOW:
      return "allow";
    case v1::AuditEvent::DENY:
      return "deny";
    case v1::AuditEvent::ERROR:
      return "error";
    default:
      return "?";
  }
}

std::string Row(const std::vector<std::string>& escaped_cells, const std::string& tag = "td") {
  std::string out = "<tr>";
  for (const std::string& cell : escaped_cells) {
    absl::StrAppend(&out, "<", tag, ">", cell, "</", tag, ">");
  }
  return absl::StrCat(out, "</tr>\n");
}

std::string Number(int64_t n) { return absl::StrCat("<td class=\"n\">", n, "</td>"); }

// One group of horizontal bars per row, one bar per series, scaled to the largest count.
std::string BarChart(const std::vector<std::pair<std::string, AccessCounts>>& rows,
                     absl::string_view title) {
  constexpr int kLabelWidth = 300, kBarWidth = 380, kBar = 8, kGap = 2, kTop = 28, kRowGap = 10;
  constexpr int kRowHeight = 4 * (kBar + kGap) + kRowGap;
  int64_t most = 1;
  for (const auto& [label, counts] : rows) {
    for (const Series& series : kSeries) {
      most = std::max(most, counts.*series.count);
    }
  }
  const int width = kLabelWidth + kBarWidth + 60;
  const int height = kTop + static_cast<int>(rows.size()) * kRowHeight;
  std::string svg = absl::StrFormat(
      "<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
      "font-family=\"sans-serif\" font-size=\"11\"><title>%s</title>\n",
      width, height, width, height, HtmlEscape(title));
  int x = kLabelWidth;
  for (const Series& series : kSeries) {
    absl::StrAppendFormat(&svg,
                          "<rect x=\"%d\" y=\"6\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                          "<text x=\"%d\" y=\"15\">%s</text>\n",
                          x, series.colour, x + 14, series.name);
    x += 95;
  }
  int y = kTop;
  for (const auto& [label, counts] : rows) {
    absl::StrAppendFormat(&svg, "<text x=\"0\" y=\"%d\">%s</text>\n", y + 2 * (kBar + kGap) + 3,
                          HtmlEscape(label));
    int bar_y = y;
    for (const Series& series : kSeries) {
      const int64_t value = counts.*series.count;
      const int length = static_cast<int>(value * kBarWidth / most);
      absl::StrAppendFormat(&svg,
                            "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\">"
                            "<title>%s: %d</title></rect>"
                            "<text x=\"%d\" y=\"%d\" font-size=\"9\">%d</text>\n",
                            kLabelWidth, bar_y, length, kBar, series.colour, series.name, value,
                            kLabelWidth + length + 4, bar_y + kBar, value);
      bar_y += kBar + kGap;
    }
    y += kRowHeight;
  }
  return absl::StrCat(svg, "</svg>\n");
}

std::string CountsSection(const std::map<std::string, AccessCounts>& counts,
                          absl::string_view heading, absl::string_view key_name,
                          absl::string_view empty_key) {
  std::vector<std::pair<std::string, AccessCounts>> rows;
  for (const auto& [key, value] : counts) {
    rows.emplace_back(key.empty() ? std::string(empty_key) : key, value);
  }
  std::string out = absl::StrCat("<h2>", heading, "</h2>\n");
  if (rows.empty()) {
    return absl::StrCat(out, "<p class=\"none\">No requests in this period.</p>\n");
  }
  absl::StrAppend(
      &out, BarChart(rows, heading), "<table>\n",
      Row({std::string(key_name), "queries", "pushes", "audit reads", "other", "denials", "total"},
          "th"));
  for (const auto& [label, value] : rows) {
    absl::StrAppend(&out, "<tr><td>", HtmlEscape(label), "</td>", Number(value.queries),
                    Number(value.pushes), Number(value.audit_reads), Number(value.other),
                    Number(value.denials), Number(value.total()), "</tr>\n");
  }
  return absl::StrCat(out, "</table>\n");
}

std::string EventTable(const std::vector<v1::AuditEvent>& events, absl::TimeZone zone) {
  std::string out =
      absl::StrCat("<table>\n", Row({"seq", "time", "identity", "action", "agreement", "purpose",
                                     "decision", "rule", "reason", "detail"},
                                    "th"));
  for (const v1::AuditEvent& event : events) {
    absl::StrAppend(
        &out,
        Row({absl::StrCat(event.sequence()), HtmlEscape(Time(event.time_micros(), zone)),
             HtmlEscape(event.actor()), HtmlEscape(event.action()), HtmlEscape(event.agreement()),
             HtmlEscape(event.purpose()), DecisionText(event.decision()), HtmlEscape(event.rule()),
             HtmlEscape(event.reason()),
             absl::StrCat("<code>", HtmlEscape(event.detail()), "</code>")}));
  }
  return absl::StrCat(out, "</table>\n");
}

std::string HeadSection(const AuditReportInput& input) {
  const v1::SignedTreeHead& head = input.head;
  const std::string root = absl::BytesToHexString(head.root_hash());
  std::string period = absl::StrCat(
      input.since.has_value() ? absl::StrCat("from ", Time(*input.since, input.zone))
                              : "from the start of the log",
      input.until.has_value() ? absl::StrCat(" to before ", Time(*input.until, input.zone))
                              : " to the tree head");
  std::string events = "no events";
  if (!input.events.empty()) {
    events = absl::StrCat(input.events.size(), input.events.size() == 1 ? " event" : " events",
                          ", sequences ", input.events.front().sequence(), " to ",
                          input.events.back().sequence());
  }
  return absl::StrCat(
      "<div class=\"head\">\n<p><strong>Period:</strong> ", HtmlEscape(period), " (",
      HtmlEscape(input.zone.name()), " time). <strong>In the period:</strong> ", events,
      ".</p>\n<p><strong>Signed tree head:</strong> size ", head.tree_size(),
      ", root hash <span class=\"mono\">", HtmlEscape(root.substr(0, 16)),
      "&hellip;</span>, signed ", HtmlEscape(Time(head.timestamp_micros(), input.zone)),
      ", key fingerprint <span class=\"mono\">", HtmlEscape(head.key_fingerprint().substr(0, 16)),
      "&hellip;</span>. Every event in this report is one of the first ", head.tree_size(),
      " events that head commits to; check the head with <code>confide audit export</code> "
      "and <code>confide audit verify</code> against the pinned public key.</p>\n"
      "<p>Generated ",
      HtmlEscape(Time(input.generated, input.zone)), ".</p>\n</div>\n");
}

std::string FindingsSection(const std::vector<Finding>& findings, absl::TimeZone zone) {
  std::string out = "<h2>Unusual patterns</h2>\n";
  if (findings.empty()) {
    absl::StrAppend(&out, "<p class=\"none\">None of the rules below fired in this period.</p>\n");
  }
  for (const Finding& finding : findings) {
    absl::StrAppend(&out, "<div class=\"finding",
                    finding.kind == PatternKind::kFirstAccess ? " first" : "", "\">\n<h3>",
                    HtmlEscape(PatternTitle(finding.kind)), ": ", HtmlEscape(finding.actor),
                    "</h3>\n<p>", HtmlEscape(finding.summary), "</p>\n",
                    EventTable(finding.events, zone), "</div>\n");
  }
  absl::StrAppend(
      &out, "<p>Rules: <em>narrowing queries</em>: one identity runs at least ",
      kNarrowingMinVariants, " differently filtered versions of the same query under one ",
      "agreement within ", absl::ToInt64Minutes(kNarrowingWindow), " minutes",
      " (texts that differ only in their WHERE clause); <em>denial spike</em>: one identity is ",
      "refused at least ", kDenialSpikeCount, " times within ",
      absl::ToInt64Minutes(kDenialSpikeWindow),
      " minutes; <em>night</em>: a person's request between ",
      absl::StrFormat("%02d:00 and %02d:00", kNightStartHour, kNightEndHour), " ",
      HtmlEscape(zone.name()),
      " (agents' scheduled pushes are not flagged); <em>first access</em>: a person's first "
      "allowed query under an agreement in the whole log.</p>\n");
  return out;
}

std::string DenialsSection(const std::vector<v1::AuditEvent>& events, absl::TimeZone zone) {
  std::vector<v1::AuditEvent> denials;
  std::copy_if(
      events.begin(), events.end(), std::back_inserter(denials),
      [](const v1::AuditEvent& event) { return event.decision() == v1::AuditEvent::DENY; });
  std::string out = absl::StrCat("<h2>Denials (", denials.size(), ")</h2>\n");
  if (denials.empty()) {
    return absl::StrCat(out, "<p class=\"none\">Nothing was refused in this period.</p>\n");
  }
  return absl::StrCat(out, EventTable(denials, zone));
}

}  // namespace

std::string HtmlEscape(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string RenderAuditReport(const AuditReportInput& input) {
  AccessCounts total;
  for (const auto& [agreement, counts] : CountByAgreement(input.events)) {
    total.queries += counts.queries;
    total.pushes += counts.pushes;
    total.audit_reads += counts.audit_reads;
    total.other += counts.other;
    total.denials += counts.denials;
  }
  const std::vector<Finding> findings =
      DetectPatterns(input.events, input.prior_access, input.zone);
  std::string out = absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<title>Confide audit report</title>\n<style>",
      kStyle, "</style>\n</head>\n<body>\n<h1>Confide audit report</h1>\n", HeadSection(input),
      "<h2>Summary</h2>\n<table>\n",
      Row({"queries", "pushes", "audit reads", "other", "denials", "unusual patterns"}, "th"),
      "<tr>", Number(total.queries), Number(total.pushes), Number(total.audit_reads),
      Number(total.other), Number(total.denials), Number(static_cast<int64_t>(findings.size())),
      "</tr>\n</table>\n", FindingsSection(findings, input.zone),
      CountsSection(CountByAgreement(input.events), "Access per agreement", "agreement",
                    "(none: pushes, audit reads, administration)"),
      CountsSection(CountByIdentity(input.events), "Access per identity", "identity", "(none)"),
      DenialsSection(input.events, input.zone),
      "<p>Counts: each request counts once under its action (queries are Query.Run, pushes "
      "Ingest.Push, audit reads Audit.*, other is everything else); denials counts the refused "
      "ones among them. Events never contain names, NHS numbers, tokens or keys.</p>\n"
      "</body>\n</html>\n");
  return out;
}

}  // namespace confide::cli
