#pragma once

// Turns the filter flags of `confide audit list` and `confide audit report` into a
// ListAuditRequest (the hub applies the filters), and pages through the events it matches.
// Dates are UK civil dates: IG officers, partners and the ICO reason in Europe/London time.

#include <cstddef>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "cli/commands.h"
#include "confide/v1/audit.pb.h"

namespace confide::cli {

// Europe/London from the system's tzdata. FailedPrecondition (saying to install tzdata) when
// it is missing: guessing the offset would put events on the wrong day.
absl::StatusOr<absl::TimeZone> LondonTimeZone();

// A --since or --until value: YYYY-MM-DD, a whole day in `zone`, or RFC 3339 with an offset
// (2026-06-01T14:30:00Z, 2026-06-01T15:30:00+01:00). As --until a date includes the whole day,
// so its bound is the following midnight; a timestamp bound is exclusive.
// InvalidArgument, naming the accepted forms, for anything else.
enum class TimeBound { kSince, kUntil };
absl::StatusOr<absl::Time> ParseTimeBound(absl::string_view text, TimeBound bound,
                                          absl::TimeZone zone);

// The filter flags named in kAuditFilterFlags, from `parsed`:
//   --since D --until D --user NAME|URI --actor URI --agency ID --agreement ID --purpose TEXT
//   --action NAME --decision allow|deny|error --after SEQ --up-to SEQ
// InvalidArgument with a message fit for the user on a malformed value, an unknown decision or
// --until not after --since. The limit is left unset (the pager sets it per page).
inline constexpr const char* kAuditFilterFlags[] = {"since",    "until",     "user",    "actor",
                                                    "agency",   "agreement", "purpose", "action",
                                                    "decision", "after",     "up-to"};
absl::StatusOr<v1::ListAuditRequest> BuildListRequest(const ParsedArgs& parsed,
                                                      absl::TimeZone zone);

// One call to the hub's Audit.List.
using ListAuditPage =
    absl::FunctionRef<absl::StatusOr<v1::ListAuditResponse>(const v1::ListAuditRequest&)>;

// Every event matching `request` after its after_sequence, in sequence order, fetched page by
// page (at most `page_size` per call) until a short page; stops after `max_events` events when
// that is not 0. The first error from `list` is returned as is. DataLoss when the hub returns
// an event that is not after the previous one, which a correct hub never does.
inline constexpr int kAuditPageSize = 1000;
absl::StatusOr<std::vector<v1::AuditEvent>> ListAllAuditEvents(ListAuditPage list,
                                                               v1::ListAuditRequest request,
                                                               size_t max_events = 0,
                                                               int page_size = kAuditPageSize);

}  // namespace confide::cli
