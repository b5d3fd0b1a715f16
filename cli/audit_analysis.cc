#include "cli/audit_analysis.h"

#include <algorithm>
#include <iterator>
#include <tuple>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"

namespace confide::cli {
namespace {

constexpr absl::string_view kUserPrefix = "confide://user/";

absl::Time TimeOf(const v1::AuditEvent& event) { return absl::FromUnixMicros(event.time_micros()); }

std::string Clock(const v1::AuditEvent& event, absl::TimeZone zone) {
  return absl::FormatTime("%H:%M:%S", TimeOf(event), zone);
}

std::string Day(const v1::AuditEvent& event, absl::TimeZone zone) {
  return absl::FormatTime("%Y-%m-%d", TimeOf(event), zone);
}

// Maximal runs of `group` (in time order) in which some window no longer than `window` holds at
// least `min_distinct` different keys. Overlapping windows merge into one run, so one burst
// yields one finding however long it lasts.
std::vector<std::vector<v1::AuditEvent>> Bursts(const std::vector<const v1::AuditEvent*>& group,
                                                const std::vector<std::string>& keys,
                                                absl::Duration window, int min_distinct) {
  std::map<std::string, int> in_window;
  std::vector<std::pair<size_t, size_t>> runs;
  size_t first = 0;
  for (size_t last = 0; last < group.size(); ++last) {
    ++in_window[keys[last]];
    while (TimeOf(*group[last]) - TimeOf(*group[first]) > window) {
      if (--in_window[keys[first]] == 0) {
        in_window.erase(keys[first]);
      }
      ++first;
    }
    if (in_window.size() >= static_cast<size_t>(min_distinct)) {
      if (!runs.empty() && first <= runs.back().second) {
        runs.back().second = last;
      } else {
        runs.emplace_back(first, last);
      }
    }
  }
  std::vector<std::vector<v1::AuditEvent>> bursts;
  for (const auto& [begin, end] : runs) {
    std::vector<v1::AuditEvent>& burst = bursts.emplace_back();
    for (size_t i = begin; i <= end; ++i) {
      burst.push_back(*group[i]);
    }
  }
  return bursts;
}

void SortBySequence(std::vector<Finding>& findings) {
  std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    return a.events.front().sequence() < b.events.front().sequence();
  });
}

void Count(const v1::AuditEvent& event, AccessCounts& counts) {
  if (event.action() == "Query.Run") {
    ++counts.queries;
  } else if (event.action() == "Ingest.Push") {
    ++counts.pushes;
  } else if (absl::StartsWith(event.action(), "Audit.")) {
    ++counts.audit_reads;
  } else {
    ++counts.other;
  }
  if (event.decision() == v1::AuditEvent::DENY) {
    ++counts.denials;
  }
}

}  // namespace

absl::string_view PatternTitle(PatternKind kind) {
  switch (kind) {
    case PatternKind::kNarrowingBurst:
      return "Burst of narrowing queries";
    case PatternKind::kDenialSpike:
      return "Spike of denials";
    case PatternKind::kNightAccess:
      return "Access at night";
    case PatternKind::kFirstAccess:
      return "First access to an agreement";
  }
  return "Pattern";
}

QueryParts SplitWhereClause(absl::string_view sql) {
  // Positions of top-level (outside quotes and brackets) clause keywords, so a subquery's own
  // WHERE or a quoted ' GROUP BY ' stays part of the outer condition.
  size_t where = absl::string_view::npos, end = sql.size();
  int depth = 0;
  bool quoted = false;
  for (size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (quoted) {
      quoted = c != '\'';  // a doubled '' closes and reopens: same result
      continue;
    }
    if (c == '\'') {
      quoted = true;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      --depth;
    } else if (c == ' ' && depth == 0) {
      const absl::string_view rest = sql.substr(i);
      if (where == absl::string_view::npos && absl::StartsWith(rest, " WHERE ")) {
        where = i;
      } else if (where != absl::string_view::npos &&
                 (absl::StartsWith(rest, " GROUP BY ") || absl::StartsWith(rest, " ORDER BY ") ||
                  absl::StartsWith(rest, " LIMIT "))) {
        end = i;
        break;
      }
    }
  }
  if (where == absl::string_view::npos) {
    return QueryParts{std::string(sql), ""};
  }
  return QueryParts{absl::StrCat(sql.substr(0, where), sql.substr(end)),
                    std::string(sql.substr(where + 7, end - where - 7))};
}

std::vector<Finding> FindNarrowingBursts(const std::vector<v1::AuditEvent>& events,
                                         absl::TimeZone zone) {
  // (identity, agreement, query without WHERE) -> its queries and their WHERE clauses.
  std::map<std::tuple<std::string, std::string, std::string>,
           std::pair<std::vector<const v1::AuditEvent*>, std::vector<std::string>>>
      groups;
  for (const v1::AuditEvent& event : events) {
    // A query refused before it was parsed has no text to compare.
    if (event.action() != "Query.Run" || event.detail().empty()) {
      continue;
    }
    QueryParts parts = SplitWhereClause(event.detail());
    auto& [group, wheres] = groups[{event.actor(), event.agreement(), parts.without_where}];
    group.push_back(&event);
    wheres.push_back(std::move(parts.where));
  }
  std::vector<Finding> findings;
  for (const auto& [key, group] : groups) {
    const auto& [actor, agreement, shape] = key;
    for (std::vector<v1::AuditEvent>& burst :
         Bursts(group.first, group.second, kNarrowingWindow, kNarrowingMinVariants)) {
      std::set<std::string> conditions;
      for (const v1::AuditEvent& event : burst) {
        conditions.insert(SplitWhereClause(event.detail()).where);
      }
      Finding& finding = findings.emplace_back();
      finding.kind = PatternKind::kNarrowingBurst;
      finding.actor = actor;
      finding.agreement = agreement;
      finding.summary = absl::StrCat(
          actor, " ran ", burst.size(), " queries under ", agreement, " between ",
          Clock(burst.front(), zone), " and ", Clock(burst.back(), zone), " on ",
          Day(burst.front(), zone), " that differ only in their WHERE clause (", conditions.size(),
          " different conditions), the pattern of a tracker or differencing "
          "attack. Check that no small group can be isolated by subtracting the results. "
          "Common query: ",
          shape);
      finding.events = std::move(burst);
    }
  }
  SortBySequence(findings);
  return findings;
}

std::vector<Finding> FindDenialSpikes(const std::vector<v1::AuditEvent>& events,
                                      absl::TimeZone zone) {
  std::map<std::string, std::pair<std::vector<const v1::AuditEvent*>, std::vector<std::string>>>
      denials;
  for (const v1::AuditEvent& event : events) {
    if (event.decision() == v1::AuditEvent::DENY) {
      auto& [group, keys] = denials[event.actor()];
      group.push_back(&event);
      keys.push_back(absl::StrCat(event.sequence()));  // every denial counts
    }
  }
  std::vector<Finding> findings;
  for (const auto& [actor, group] : denials) {
    for (std::vector<v1::AuditEvent>& burst :
         Bursts(group.first, group.second, kDenialSpikeWindow, kDenialSpikeCount)) {
      std::set<std::string> rules;
      for (const v1::AuditEvent& event : burst) {
        rules.insert(event.rule());
      }
      Finding& finding = findings.emplace_back();
      finding.kind = PatternKind::kDenialSpike;
      finding.actor = actor;
      finding.summary =
          absl::StrCat(actor, " was refused ", burst.size(), " times between ",
                       Clock(burst.front(), zone), " and ", Clock(burst.back(), zone), " on ",
                       Day(burst.front(), zone), " (rules: ", absl::StrJoin(rules, ", "),
                       "). Ask whether this was a misconfiguration or probing.");
      finding.events = std::move(burst);
    }
  }
  SortBySequence(findings);
  return findings;
}

std::vector<Finding> FindNightAccess(const std::vector<v1::AuditEvent>& events,
                                     absl::TimeZone zone) {
  // (identity, the day the night began) -> its requests.
  std::map<std::pair<std::string, absl::CivilDay>, std::vector<v1::AuditEvent>> nights;
  for (const v1::AuditEvent& event : events) {
    if (!absl::StartsWith(event.actor(), kUserPrefix)) {
      continue;
    }
    const absl::CivilSecond local = absl::ToCivilSecond(TimeOf(event), zone);
    if (local.hour() >= kNightStartHour || local.hour() < kNightEndHour) {
      // 01:00 on the 2nd belongs to the night that began on the 1st.
      const absl::CivilDay began = absl::CivilDay(local - kNightEndHour * 3600);
      nights[{event.actor(), began}].push_back(event);
    }
  }
  std::vector<Finding> findings;
  for (auto& [key, night] : nights) {
    Finding& finding = findings.emplace_back();
    finding.kind = PatternKind::kNightAccess;
    finding.actor = key.first;
    finding.summary = absl::StrCat(
        key.first, " made ", night.size(), night.size() == 1 ? " request" : " requests",
        " at night (", absl::StrFormat("%02d:00 to %02d:00", kNightStartHour, kNightEndHour), " ",
        zone.name(), ") in the night beginning ", absl::FormatCivilTime(key.second), ", between ",
        Clock(night.front(), zone), " and ", Clock(night.back(), zone), ".");
    finding.events = std::move(night);
  }
  SortBySequence(findings);
  return findings;
}

std::vector<Finding> FindFirstAccess(const std::vector<v1::AuditEvent>& events,
                                     const AccessPairs& prior_access) {
  AccessPairs seen = prior_access;
  std::vector<Finding> findings;
  for (const v1::AuditEvent& event : events) {
    if (event.action() != "Query.Run" || event.decision() != v1::AuditEvent::ALLOW ||
        event.agreement().empty() || !seen.insert({event.actor(), event.agreement()}).second) {
      continue;
    }
    Finding& finding = findings.emplace_back();
    finding.kind = PatternKind::kFirstAccess;
    finding.actor = event.actor();
    finding.agreement = event.agreement();
    finding.summary =
        absl::StrCat(event.actor(), " queried under ", event.agreement(),
                     " for the first time in the log, for the purpose '", event.purpose(),
                     "'. Confirm that this person was meant to join this agreement.");
    finding.events = {event};
  }
  return findings;
}

std::vector<Finding> DetectPatterns(const std::vector<v1::AuditEvent>& events,
                                    const AccessPairs& prior_access, absl::TimeZone zone) {
  std::vector<Finding> all = FindNarrowingBursts(events, zone);
  auto append = [&all](std::vector<Finding> more) {
    std::move(more.begin(), more.end(), std::back_inserter(all));
  };
  append(FindDenialSpikes(events, zone));
  append(FindNightAccess(events, zone));
  append(FindFirstAccess(events, prior_access));
  return all;
}

std::map<std::string, AccessCounts> CountByAgreement(const std::vector<v1::AuditEvent>& events) {
  std::map<std::string, AccessCounts> counts;
  for (const v1::AuditEvent& event : events) {
    Count(event, counts[event.agreement()]);
  }
  return counts;
}

std::map<std::string, AccessCounts> CountByIdentity(const std::vector<v1::AuditEvent>& events) {
  std::map<std::string, AccessCounts> counts;
  for (const v1::AuditEvent& event : events) {
    Count(event, counts[event.actor()]);
  }
  return counts;
}

}  // namespace confide::cli
