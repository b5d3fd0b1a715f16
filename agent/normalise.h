#pragma once

// Normalisation of person elements before tokenisation. Every agency must normalise the same way
// or their tokens will not agree, so these rules are part of the linkage protocol.
// A value that is missing, a placeholder or invalid normalises to nullopt, never to "".

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/types/optional.h"

namespace confide::agent {

// Lower-case ASCII letters only: accents folded (Siobhán -> siobhan), apostrophes, hyphens,
// spaces and punctuation removed (O'Neill -> oneill, Smith-Jones -> smithjones).
absl::optional<std::string> NormaliseName(absl::string_view name);

// Ten digits with a valid modulus-11 check digit; spaces and dashes ignored.
absl::optional<std::string> NormaliseNhsNumber(absl::string_view text);
bool IsValidNhsNumber(absl::string_view ten_digits);

// "m" or "f" from M/F/Male/Female (any case); anything else is missing.
absl::optional<std::string> NormaliseSex(absl::string_view text);

// yyyymmdd. Dates before 1901 are missing: 1900-01-01 and earlier are placeholder values.
absl::optional<std::string> NormaliseDateOfBirth(absl::CivilDay date);

// Whole years between `birth` and `event`; nullopt if negative or above 120.
absl::optional<int> AgeAtEvent(absl::CivilDay birth, absl::CivilDay event);
// Bands: 0-9, 10-17, 18-24, 25-34, 35-44, 45-54, 55-64, 65+.
std::string AgeBand(int age);

}  // namespace confide::agent
