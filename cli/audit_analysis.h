#pragma once

// What `confide audit report` finds in a period of the audit log: access counts per agreement
// and per identity, and unusual patterns worth an IG officer's attention, each with the events
// that triggered it. Pure functions of the events; no I/O.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "confide/v1/audit.pb.h"

namespace confide::cli {

// Narrowing (tracker/differencing) bursts. Five differently-filtered versions of one query are
// more than an analyst refining a question usually needs, and enough to isolate a small cohort
// by subtraction; ten minutes is long enough for a scripted or hand-typed series, short enough
// that day-long routine work does not trip it.
inline constexpr int kNarrowingMinVariants = 5;
inline constexpr absl::Duration kNarrowingWindow = absl::Minutes(10);

// Night access, in Europe/London hours: the partnership works office hours, so a person's
// request between 22:00 and 06:00 deserves a look. Agents are exempt: scheduled overnight
// pushes are how extracts are meant to arrive.
inline constexpr int kNightStartHour = 22;
inline constexpr int kNightEndHour = 6;

// Denial spikes for one identity. One or two refusals are typos in a purpose or agreement; five
// within fifteen minutes looks like probing what the policy lets through.
inline constexpr int kDenialSpikeCount = 5;
inline constexpr absl::Duration kDenialSpikeWindow = absl::Minutes(15);

enum class PatternKind { kNarrowingBurst, kDenialSpike, kNightAccess, kFirstAccess };
absl::string_view PatternTitle(PatternKind kind);

struct Finding {
  PatternKind kind;
  std::string actor;
  std::string agreement;               // empty unless the pattern is about one agreement
  std::string summary;                 // plain words, unescaped
  std::vector<v1::AuditEvent> events;  // the events that triggered it, in sequence order
};

// (identity, agreement) pairs with an allowed query before the report's period.
using AccessPairs = std::set<std::pair<std::string, std::string>>;

// Each detector takes the period's events in sequence order.
std::vector<Finding> FindNarrowingBursts(const std::vector<v1::AuditEvent>& events,
                                         absl::TimeZone zone);
std::vector<Finding> FindDenialSpikes(const std::vector<v1::AuditEvent>& events,
                                      absl::TimeZone zone);
std::vector<Finding> FindNightAccess(const std::vector<v1::AuditEvent>& events,
                                     absl::TimeZone zone);
std::vector<Finding> FindFirstAccess(const std::vector<v1::AuditEvent>& events,
                                     const AccessPairs& prior_access);
// All four, most pressing kind first.
std::vector<Finding> DetectPatterns(const std::vector<v1::AuditEvent>& events,
                                    const AccessPairs& prior_access, absl::TimeZone zone);

// A normalised query (as the hub records it: upper-case keywords, single-quoted strings) split
// into its text without the top-level WHERE clause, and that clause ("" when there is none).
struct QueryParts {
  std::string without_where;
  std::string where;
};
QueryParts SplitWhereClause(absl::string_view sql);

// Requests counted once under their action; `denials` counts the refused ones among them all.
struct AccessCounts {
  int64_t queries = 0;      // Query.Run
  int64_t pushes = 0;       // Ingest.Push
  int64_t audit_reads = 0;  // Audit.*
  int64_t other = 0;        // everything else: schema fetches, withdrawals, health, hub events
  int64_t denials = 0;      // decision DENY, any action
  int64_t total() const { return queries + pushes + audit_reads + other; }
};
// Keyed by agreement; "" holds requests made under none (pushes, audit reads, administration).
std::map<std::string, AccessCounts> CountByAgreement(const std::vector<v1::AuditEvent>& events);
// Keyed by certificate identity (people, agents and the hub itself).
std::map<std::string, AccessCounts> CountByIdentity(const std::vector<v1::AuditEvent>& events);

}  // namespace confide::cli
