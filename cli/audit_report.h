#pragma once

// The IG officer's audit report (`confide audit report`): one self-contained HTML file, with
// inline CSS and inline SVG only (no scripts, fonts, images or links, so it opens offline and
// can be attached to a reply to the regulator), covering a period of the audit log and the
// signed tree head it is based on. Every string taken from an event is HTML-escaped.

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "cli/audit_analysis.h"
#include "confide/v1/audit.pb.h"

namespace confide::cli {

struct AuditReportInput {
  v1::SignedTreeHead head;             // the head the events were read under
  absl::optional<absl::Time> since;    // inclusive; unset: from the start of the log
  absl::optional<absl::Time> until;    // exclusive; unset: up to the head
  std::vector<v1::AuditEvent> events;  // the period's events, in sequence order
  AccessPairs prior_access;            // allowed (identity, agreement) queries before `since`
  absl::Time generated;
  absl::TimeZone zone;  // times are shown, and nights judged, in this zone
};

std::string RenderAuditReport(const AuditReportInput& input);

// Escapes & < > " ' so text is inert in element content and in quoted attributes.
std::string HtmlEscape(absl::string_view text);

}  // namespace confide::cli
