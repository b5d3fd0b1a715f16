#pragma once

// Typed parsers for CSV field values. Formats are named in configuration,
// never guessed.
//
// All functions are pure and thread-safe. Input is trimmed of surrounding
// ASCII whitespace. Errors are InvalidArgument (OutOfRange for numbers that do
// not fit) and their messages say what was expected without echoing the
// value, which may be an identifier: e.g. "expected a date in format
// dd/mm/yyyy", "day 31 is not valid for month 2".

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace confide::agent {

// Dates/times are civil (UK local) values; the caller decides what to do with them.
//
// Date formats: "dd/mm/yyyy", "mm/dd/yyyy", "yyyy-mm-dd", "dd-mm-yyyy",
// "dd.mm.yyyy", "yyyymmdd", "dd/mm/yy" (yy <= 30 is 20yy, else 19yy) and
// "excel_serial" (1900 date system including Lotus's phantom 1900-02-29; a
// fractional part is the time of day and is ignored by ParseDate). Day and
// month may have one digit except in "yyyymmdd". Impossible dates and years
// outside 1900..2100 are rejected.
absl::StatusOr<absl::CivilDay> ParseDate(absl::string_view text, absl::string_view format);

// Datetime formats: "yyyy-mm-dd hh:mm[:ss]", "dd/mm/yyyy hh:mm[:ss]" (seconds
// optional), "iso8601" (yyyy-mm-ddThh:mm[:ss[.fff]][Z|±hh:mm|±hhmm|±hh],
// 'T' or a space between date and time, fraction truncated; with a zone
// designator the instant is converted to Europe/London civil time, without
// one it is taken as UK local time), "excel_serial" (fraction rounded to the
// nearest second), and any date format above (midnight). The names
// "yyyy-mm-dd hh:mm:ss", "yyyy-mm-dd hh:mm" and the dd/mm/yyyy equivalents
// are accepted as synonyms; all take optional seconds.
absl::StatusOr<absl::CivilSecond> ParseDateTime(absl::string_view text, absl::string_view format);

// Y/N, Yes/No, 1/0, TRUE/FALSE, T/F in any case.
absl::StatusOr<bool> ParseBoolean(absl::string_view text);

// Optional sign and decimal digits; thousands separators are NOT accepted.
absl::StatusOr<int64_t> ParseInteger(absl::string_view text);

// Enum normalisation: text matched case-insensitively, ignoring whitespace,
// against codes first and then synonyms.
struct EnumSpec {
  std::vector<std::string> codes;
  std::vector<std::pair<std::string, std::string>> synonyms;  // synonym -> code
};
// Returns the canonical code as spelled in spec.codes. FailedPrecondition if
// the matching synonym names a code that is not in spec.codes.
absl::StatusOr<std::string> ParseEnum(absl::string_view text, const EnumSpec& spec);

// UK postcode: upper-cased, spacing fixed ("l81ab" -> "L8 1AB") and the shape
// validated (A9 9AA, A99 9AA, A9A 9AA, AA9 9AA, AA99 9AA, AA9A 9AA, GIR 0AA).
struct Postcode {
  std::string full;      // "L8 1AB"
  std::string district;  // outward code: "L8"
  std::string sector;    // "L8 1"
};
absl::StatusOr<Postcode> ParsePostcode(absl::string_view text);

}  // namespace confide::agent
