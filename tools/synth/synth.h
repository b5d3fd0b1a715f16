#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace confide::synth {

// How often each kind of recording error is written into a person-bearing extract row. Every
// rate is a probability in [0, 1], drawn independently per row (per name field where it says
// so), among the rows where the error is possible. 0 switches an error off; all zero gives rows
// that agree exactly with the true identity. The flag of each field is --<field>_rate.
// docs/synthetic-data.md describes each error with examples.
struct ErrorRates {
  double name_typo = 0.02;          // per name field of 4+ letters: substitution, transposition,
                                    // or a dropped letter
  double nickname = 0.05;           // forenames with a variant in the policy's nickname table
  double name_swap = 0.01;          // forename and surname in each other's column
  double title = 0.02;              // "Mr", "Mrs", "Miss", "Ms", "Dr", "Master" (boys)
  double suffix = 0.01;             // males: "Jnr", "Snr", "II" in the surname column
  double accents_stripped = 0.25;   // per name with an accent: Siobhán -> Siobhan
  double punctuation = 0.15;        // per name with ' - or space: O'Neill -> ONeill, O’Neill
  double name_case = 0.03;          // both names upper- or lower-case
  double name_placeholder = 0.005;  // both names "UNKNOWN" or "Not known"
  double nhs_missing = 0.08;        // ED rows without an NHS number
  double ambulance_nhs_missing = 0.35;  // ambulance rows without one (crews often cannot ask)
  double nhs_mistyped = 0.01;           // one digit changed or two transposed: check digit fails
  double dob_swap = 0.03;               // DOBs with day and month both <= 12 and different
  double dob_missing = 0.01;            // DOB left empty
  double dob_placeholder = 0.005;       // DOB 01/01/1900
  double postcode_missing = 0.03;       // home postcode left empty
  double postcode_mistyped = 0.01;      // one inward character wrong: L8 1AB -> L8 1AD
  double postcode_format = 0.025;       // every postcode column: "L81AB" or "l8 1ab"
};

// A rate field, for validation messages and for code that sets every rate at once.
struct ErrorRateField {
  absl::string_view flag;  // "name_typo_rate"
  double ErrorRates::*rate;
};
std::span<const ErrorRateField> ErrorRateFields();

// What to generate. Field names match the confide-synth flags.
struct Options {
  uint64_t seed = 42;
  int people = 150000;                // [1, 500000] residents, in households
  int year = 2025;                    // [2000, 2099]
  int police = 50000;                 // [0, 500000] rows in police_crime.csv
  int ed = 30000;                     // [0, 500000] rows in ed_attendance.csv
  int ambulance = 25000;              // [0, 500000] rows in ambulance_incident.csv
  int fire = 3000;                    // [0, 200000] rows in fire_incident.csv
  double twin_rate = 0.02;            // [0, 0.2] share of people who are one of twins
  double surname_change_rate = 0.02;  // [0, 0.5] share of 18-60 year olds whose surname
                                      // changes (marriage) on a day inside the year
  ErrorRates errors;
};

// InvalidArgument naming the first option out of range, as "expected --X in [lo, hi], got v".
absl::Status ValidateOptions(const Options& options);

// The files, each complete UTF-8 CSV text with CRLF line endings and a header row.
struct Extracts {
  std::string police_crime;
  std::string ed_attendance;
  std::string ambulance_incident;
  std::string fire_incident;
  // The linkage answer key, never to be pushed to the hub: for every police, ED and ambulance
  // row, which person it is about and which errors it carries (ground_truth.csv), and the true
  // identity of every person (ground_truth_people.csv).
  std::string ground_truth;
  std::string ground_truth_people;

  // For the summary line: distinct people with rows in at least one, at least two, and all
  // three of police, ED and ambulance.
  int people_with_rows = 0;
  int people_in_two_or_more = 0;
  int people_in_all_three = 0;
};

inline constexpr absl::string_view kPoliceCrimeFile = "police_crime.csv";
inline constexpr absl::string_view kEdAttendanceFile = "ed_attendance.csv";
inline constexpr absl::string_view kAmbulanceIncidentFile = "ambulance_incident.csv";
inline constexpr absl::string_view kFireIncidentFile = "fire_incident.csv";
inline constexpr absl::string_view kGroundTruthFile = "ground_truth.csv";
inline constexpr absl::string_view kGroundTruthPeopleFile = "ground_truth_people.csv";

// Deterministic: the same options give byte-identical output on every platform and build.
// Errors: InvalidArgument from ValidateOptions. Thread-safe (no shared mutable state).
absl::StatusOr<Extracts> Generate(const Options& options);

// Writes the six files into `dir`, creating it if needed. Each file is written to a temporary
// name and renamed, so a reader never sees a half-written extract. Errors: PermissionDenied,
// or FailedPrecondition when the directory cannot be created or a file cannot be written.
absl::Status WriteExtracts(const Extracts& extracts, absl::string_view dir);

}  // namespace confide::synth
