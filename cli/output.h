#pragma once

// Rendering of query results and audit events for people (table) and programs (csv, json).

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "confide/v1/audit.pb.h"
#include "confide/v1/query.pb.h"

namespace confide::cli {

enum class Format { kTable, kCsv, kJson };
absl::StatusOr<Format> ParseFormat(absl::string_view text);

// Notes (suppression, rounding) are part of the table and JSON output; for CSV the caller
// prints them to stderr so the CSV stays machine-readable.
std::string RenderQueryResult(const v1::QueryResult& result, Format format);
std::string RenderAuditEvents(const std::vector<v1::AuditEvent>& events, Format format);

std::string RenderTable(const std::vector<std::string>& header,
                        const std::vector<std::vector<std::string>>& rows);

}  // namespace confide::cli
