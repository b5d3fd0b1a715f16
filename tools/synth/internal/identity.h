#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/types/optional.h"
#include "tools/synth/internal/rng.h"
#include "tools/synth/synth.h"

namespace confide::synth::internal {

// A person's identifiers as they are on the day of one event.
struct TrueIdentity {
  absl::string_view forename;
  absl::string_view surname;
  char sex = 'M';
  bool adult = true;  // 18 or over on the day: children are "Master" or "Miss", never "Dr"
  absl::CivilDay dob;
  absl::string_view nhs_number;  // 10 digits
  absl::string_view postcode;    // "L8 1AB"
};

// The same identifiers as one agency's system recorded them, and the names of the errors made
// (in a fixed order, e.g. "nickname", "dob_day_month_swapped"; docs/synthetic-data.md lists
// them). The agency formats the date and the NHS number its own way.
struct WrittenIdentity {
  std::string forename;
  std::string surname;
  absl::optional<absl::CivilDay> dob;  // nullopt: left empty
  std::string nhs_number;              // 10 digits, or empty
  std::string postcode;                // empty when missing
  std::vector<absl::string_view> errors;
};

// Applies `rates` to one record. Every decision is drawn for every record whether or not it can
// apply, so changing one rate moves no other error to a different record. `nhs_missing` is the
// dataset's missing rate (ED and ambulance differ); nullopt for an extract without an NHS
// number column, which then gets no NHS errors.
WrittenIdentity WriteIdentity(Rng& rng, const ErrorRates& rates, absl::optional<double> nhs_missing,
                              const TrueIdentity& truth);

}  // namespace confide::synth::internal
