#include "cli/output.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "common/text_escaping.h"

namespace confide::cli {
namespace {

std::string RenderCsv(const std::vector<std::string>& header,
                      const std::vector<std::vector<std::string>>& rows) {
  std::string out;
  auto line = [&](const std::vector<std::string>& cells) {
    std::vector<std::string> escaped;
    for (const std::string& cell : cells) {
      escaped.push_back(CsvField(cell));
    }
    absl::StrAppend(&out, absl::StrJoin(escaped, ","), "\n");
  };
  line(header);
  for (const auto& row : rows) {
    line(row);
  }
  return out;
}

const char* DecisionName(v1::AuditEvent::Decision decision) {
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

}  // namespace

absl::StatusOr<Format> ParseFormat(absl::string_view text) {
  if (text == "table") {
    return Format::kTable;
  }
  if (text == "csv") {
    return Format::kCsv;
  }
  if (text == "json") {
    return Format::kJson;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("expected --format table, csv or json, got '", text, "'"));
}

std::string RenderTable(const std::vector<std::string>& header,
                        const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths(header.size());
  for (size_t i = 0; i < header.size(); ++i) {
    widths[i] = header[i].size();
    for (const auto& row : rows) {
      widths[i] = std::max(widths[i], i < row.size() ? row[i].size() : 0);
    }
  }
  std::string out;
  auto line = [&](const std::vector<std::string>& cells) {
    std::string text;
    for (size_t i = 0; i < widths.size(); ++i) {
      const std::string& cell = i < cells.size() ? cells[i] : "";
      absl::StrAppend(&text, i == 0 ? "" : "  ", cell, std::string(widths[i] - cell.size(), ' '));
    }
    while (!text.empty() && text.back() == ' ') {
      text.pop_back();
    }
    absl::StrAppend(&out, text, "\n");
  };
  line(header);
  std::vector<std::string> rule;
  for (size_t width : widths) {
    rule.push_back(std::string(width, '-'));
  }
  line(rule);
  for (const auto& row : rows) {
    line(row);
  }
  return out;
}

std::string RenderQueryResult(const v1::QueryResult& result, Format format) {
  std::vector<std::string> header(result.dimension_names().begin(), result.dimension_names().end());
  header.insert(header.end(), result.measure_names().begin(), result.measure_names().end());
  std::vector<std::vector<std::string>> rows;
  for (const v1::ResultRow& row : result.rows()) {
    std::vector<std::string>& cells =
        rows.emplace_back(row.dimensions().begin(), row.dimensions().end());
    for (const v1::ResultCell& cell : row.measures()) {
      cells.push_back(cell.display());
    }
  }
  if (format == Format::kCsv) {
    return RenderCsv(header, rows);
  }
  if (format == Format::kTable) {
    std::string out = RenderTable(header, rows);
    for (const std::string& note : result.notes()) {
      absl::StrAppend(&out, "note: ", note, "\n");
    }
    if (result.differentially_private()) {
      absl::StrAppend(&out, "privacy budget: ",
                      result.epsilon_charged() == 0
                          ? std::string("a repeat of an earlier query on the same data, same "
                                        "answer, nothing charged")
                          : absl::StrCat("epsilon ", result.epsilon_charged(), " charged"),
                      "; ", result.epsilon_remaining(), " left\n");
    }
    return out;
  }
  std::string out = "{\"columns\":[";
  std::vector<std::string> quoted;
  for (const std::string& name : header) {
    quoted.push_back(JsonQuoted(name));
  }
  absl::StrAppend(&out, absl::StrJoin(quoted, ","), "],\"rows\":[");
  for (int r = 0; r < result.rows_size(); ++r) {
    const v1::ResultRow& row = result.rows(r);
    std::vector<std::string> cells;
    for (const std::string& dim : row.dimensions()) {
      cells.push_back(JsonQuoted(dim));
    }
    for (const v1::ResultCell& cell : row.measures()) {
      cells.push_back(cell.suppressed() ? "null" : cell.display());
    }
    absl::StrAppend(&out, r == 0 ? "" : ",", "[", absl::StrJoin(cells, ","), "]");
  }
  quoted.clear();
  for (const std::string& note : result.notes()) {
    quoted.push_back(JsonQuoted(note));
  }
  absl::StrAppend(&out, "],\"notes\":[", absl::StrJoin(quoted, ","),
                  "],\"policy_version\":", JsonQuoted(result.policy_version()),
                  ",\"audit_sequence\":", result.audit_sequence(),
                  result.differentially_private()
                      ? absl::StrCat(",\"epsilon_charged\":", result.epsilon_charged(),
                                     ",\"epsilon_remaining\":", result.epsilon_remaining())
                      : "",
                  "}\n");
  return out;
}

std::string RenderAuditEvents(const std::vector<v1::AuditEvent>& events, Format format) {
  std::vector<std::string> header = {"seq",      "time (UTC)", "actor",     "action",
                                     "decision", "dataset",    "agreement", "purpose",
                                     "rule",     "reason",     "detail"};
  std::vector<std::vector<std::string>> rows;
  for (const v1::AuditEvent& event : events) {
    rows.push_back({absl::StrCat(event.sequence()),
                    absl::FormatTime("%Y-%m-%d %H:%M:%S", absl::FromUnixMicros(event.time_micros()),
                                     absl::UTCTimeZone()),
                    event.actor(), event.action(), DecisionName(event.decision()), event.dataset(),
                    event.agreement(), event.purpose(), event.rule(), event.reason(),
                    event.detail()});
  }
  if (format == Format::kTable) {
    return RenderTable(header, rows);
  }
  if (format == Format::kCsv) {
    return RenderCsv(header, rows);
  }
  std::string out;
  for (const auto& row : rows) {
    std::vector<std::string> fields;
    for (size_t i = 0; i < header.size(); ++i) {
      fields.push_back(absl::StrCat(JsonQuoted(header[i]), ":", JsonQuoted(row[i])));
    }
    absl::StrAppend(&out, "{", absl::StrJoin(fields, ","), "}\n");
  }
  return out;
}

}  // namespace confide::cli
