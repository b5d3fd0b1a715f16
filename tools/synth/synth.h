#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace confide::synth {

// What to generate. Field names match the confide-synth flags.
struct Options {
  uint64_t seed = 42;
  int people = 20000;  // [1, 500000]
  int year = 2025;     // [2000, 2099]
  int police = 12000;  // [0, 500000] rows in police_crime.csv
  int ed = 6000;       // [0, 500000] rows in ed_attendance.csv
  int fire = 3000;     // [0, 200000] rows in fire_incident.csv
};

// InvalidArgument naming the first field out of range.
absl::Status ValidateOptions(const Options& options);

// The four files, each complete UTF-8 CSV text with CRLF line endings and a header row.
struct Extracts {
  std::string police_crime;
  std::string ed_attendance;
  std::string fire_incident;
  // Which synthetic person each police and ED row is about. For measuring linkage precision
  // and recall only: it is the answer key and must never be pushed to the hub.
  std::string ground_truth;
  int people_in_police_and_ed = 0;  // distinct people with rows in both, for the summary
};

inline constexpr absl::string_view kPoliceCrimeFile = "police_crime.csv";
inline constexpr absl::string_view kEdAttendanceFile = "ed_attendance.csv";
inline constexpr absl::string_view kFireIncidentFile = "fire_incident.csv";
inline constexpr absl::string_view kGroundTruthFile = "ground_truth.csv";

// Deterministic: the same options give byte-identical output on every platform and build.
// Errors: InvalidArgument from ValidateOptions. Thread-safe (no shared mutable state).
absl::StatusOr<Extracts> Generate(const Options& options);

// Writes the four files into `dir`, creating it if needed. Each file is written to a temporary
// name and renamed, so a reader never sees a half-written extract. Errors: PermissionDenied,
// or FailedPrecondition when the directory cannot be created or a file cannot be written.
absl::Status WriteExtracts(const Extracts& extracts, absl::string_view dir);

}  // namespace confide::synth
