// confide-synth: writes seeded synthetic police, ED, ambulance and fire extracts plus their
// ground truth.

#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "tools/synth/synth.h"

namespace {

// Defaults come from the structs, so the flags and the library cannot disagree.
const confide::synth::Options kDefaults;
const confide::synth::ErrorRates& kRates = kDefaults.errors;

}  // namespace

ABSL_FLAG(std::string, out, "", "Directory to write the CSV files into; created if missing.");
ABSL_FLAG(uint64_t, seed, kDefaults.seed,
          "Seed: the same seed and options give byte-identical files.");
ABSL_FLAG(int32_t, people, kDefaults.people, "Size of the synthetic population (in households).");
ABSL_FLAG(int32_t, year, kDefaults.year, "Calendar year that every event falls in.");
ABSL_FLAG(int32_t, police, kDefaults.police, "Rows in police_crime.csv.");
ABSL_FLAG(int32_t, ed, kDefaults.ed, "Rows in ed_attendance.csv.");
ABSL_FLAG(int32_t, ambulance, kDefaults.ambulance, "Rows in ambulance_incident.csv.");
ABSL_FLAG(int32_t, fire, kDefaults.fire, "Rows in fire_incident.csv.");
ABSL_FLAG(double, twin_rate, kDefaults.twin_rate, "Share of people who are one of twins.");
ABSL_FLAG(double, surname_change_rate, kDefaults.surname_change_rate,
          "Share of 18-60 year olds whose surname changes (marriage) during the year.");
// Recording errors: probabilities per row among rows where the error is possible.
ABSL_FLAG(double, name_typo_rate, kRates.name_typo,
          "Per name field: a substituted, transposed or dropped letter.");
ABSL_FLAG(double, nickname_rate, kRates.nickname,
          "Forename written as a nickname from the policy's table (Bill for William).");
ABSL_FLAG(double, name_swap_rate, kRates.name_swap, "Forename and surname swapped.");
ABSL_FLAG(double, title_rate, kRates.title,
          "Title in the forename field (Mr, Mrs, Miss, Ms, Dr; Master for boys).");
ABSL_FLAG(double, suffix_rate, kRates.suffix, "Males: suffix in the surname field (Jnr, Snr, II).");
ABSL_FLAG(double, accents_stripped_rate, kRates.accents_stripped,
          "Per accented name: accents stripped (Siobhán -> Siobhan).");
ABSL_FLAG(double, punctuation_rate, kRates.punctuation,
          "Per name with ' - or space: a variant (O'Neill -> ONeill, Smith-Jones -> Smith Jones).");
ABSL_FLAG(double, name_case_rate, kRates.name_case, "Both names upper- or lower-case.");
ABSL_FLAG(double, name_placeholder_rate, kRates.name_placeholder,
          "Both names a placeholder (UNKNOWN, Not known).");
ABSL_FLAG(double, nhs_missing_rate, kRates.nhs_missing, "ED rows without an NHS number.");
ABSL_FLAG(double, ambulance_nhs_missing_rate, kRates.ambulance_nhs_missing,
          "Ambulance rows without an NHS number.");
ABSL_FLAG(double, nhs_mistyped_rate, kRates.nhs_mistyped,
          "NHS number with a wrong or transposed digit (fails the check digit).");
ABSL_FLAG(double, dob_swap_rate, kRates.dob_swap,
          "DOBs with day and month both <= 12: day and month swapped.");
ABSL_FLAG(double, dob_missing_rate, kRates.dob_missing, "DOB left empty.");
ABSL_FLAG(double, dob_placeholder_rate, kRates.dob_placeholder, "DOB written as 01/01/1900.");
ABSL_FLAG(double, postcode_missing_rate, kRates.postcode_missing, "Home postcode left empty.");
ABSL_FLAG(double, postcode_mistyped_rate, kRates.postcode_mistyped,
          "Home postcode with one inward character wrong.");
ABSL_FLAG(double, postcode_format_rate, kRates.postcode_format,
          "Any postcode without its space or in lower case.");

namespace {

// --help lists this file's flags, not those of every linked library.
bool IsOurFlagFile(absl::string_view path) { return absl::EndsWith(path, "synth/main.cc"); }

confide::synth::Options OptionsFromFlags() {
  confide::synth::Options options;
  options.seed = absl::GetFlag(FLAGS_seed);
  options.people = absl::GetFlag(FLAGS_people);
  options.year = absl::GetFlag(FLAGS_year);
  options.police = absl::GetFlag(FLAGS_police);
  options.ed = absl::GetFlag(FLAGS_ed);
  options.ambulance = absl::GetFlag(FLAGS_ambulance);
  options.fire = absl::GetFlag(FLAGS_fire);
  options.twin_rate = absl::GetFlag(FLAGS_twin_rate);
  options.surname_change_rate = absl::GetFlag(FLAGS_surname_change_rate);
  confide::synth::ErrorRates& e = options.errors;
  e.name_typo = absl::GetFlag(FLAGS_name_typo_rate);
  e.nickname = absl::GetFlag(FLAGS_nickname_rate);
  e.name_swap = absl::GetFlag(FLAGS_name_swap_rate);
  e.title = absl::GetFlag(FLAGS_title_rate);
  e.suffix = absl::GetFlag(FLAGS_suffix_rate);
  e.accents_stripped = absl::GetFlag(FLAGS_accents_stripped_rate);
  e.punctuation = absl::GetFlag(FLAGS_punctuation_rate);
  e.name_case = absl::GetFlag(FLAGS_name_case_rate);
  e.name_placeholder = absl::GetFlag(FLAGS_name_placeholder_rate);
  e.nhs_missing = absl::GetFlag(FLAGS_nhs_missing_rate);
  e.ambulance_nhs_missing = absl::GetFlag(FLAGS_ambulance_nhs_missing_rate);
  e.nhs_mistyped = absl::GetFlag(FLAGS_nhs_mistyped_rate);
  e.dob_swap = absl::GetFlag(FLAGS_dob_swap_rate);
  e.dob_missing = absl::GetFlag(FLAGS_dob_missing_rate);
  e.dob_placeholder = absl::GetFlag(FLAGS_dob_placeholder_rate);
  e.postcode_missing = absl::GetFlag(FLAGS_postcode_missing_rate);
  e.postcode_mistyped = absl::GetFlag(FLAGS_postcode_mistyped_rate);
  e.postcode_format = absl::GetFlag(FLAGS_postcode_format_rate);
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  absl::FlagsUsageConfig usage_config;
  usage_config.contains_help_flags = IsOurFlagFile;
  usage_config.contains_helpshort_flags = IsOurFlagFile;
  absl::SetFlagsUsageConfig(usage_config);
  absl::SetProgramUsageMessage(
      "Writes synthetic agency extracts for a Merseyside-like partnership.\n"
      "usage: confide-synth --out DIR [--seed N] [--people N] [--year YYYY] [--police N] "
      "[--ed N] [--ambulance N] [--fire N] [--<error>_rate P ...]\n"
      "Files: police_crime.csv, ed_attendance.csv, ambulance_incident.csv, fire_incident.csv,\n"
      "and the linkage answer key ground_truth.csv and ground_truth_people.csv (keep them away\n"
      "from the hub). --<error>_rate 0 switches that error off; docs/synthetic-data.md has more.");
  const std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  if (positional.size() > 1) {
    std::cerr << "confide-synth: unexpected argument '" << positional[1]
              << "'; every option is a flag, e.g. --out DIR (see --help)\n";
    return 1;
  }
  const std::string out = absl::GetFlag(FLAGS_out);
  if (out.empty()) {
    std::cerr << "confide-synth: --out DIR is required (the directory to write the CSV files "
                 "into)\n";
    return 1;
  }

  const confide::synth::Options options = OptionsFromFlags();
  absl::StatusOr<confide::synth::Extracts> extracts = confide::synth::Generate(options);
  if (!extracts.ok()) {
    std::cerr << "confide-synth: " << extracts.status().message() << "\n";
    return 1;
  }
  if (absl::Status written = confide::synth::WriteExtracts(*extracts, out); !written.ok()) {
    std::cerr << "confide-synth: " << written.message() << "\n";
    return 1;
  }
  absl::PrintF(
      "confide-synth: wrote %d police_crime, %d ed_attendance, %d ambulance_incident and %d "
      "fire_incident rows to %s (seed %d, year %d)\n"
      "confide-synth: %d of %d people have rows; %d in two or more of police, ED and ambulance, "
      "%d in all three; answer key in %s and %s\n",
      options.police, options.ed, options.ambulance, options.fire, out, options.seed, options.year,
      extracts->people_with_rows, options.people, extracts->people_in_two_or_more,
      extracts->people_in_all_three, confide::synth::kGroundTruthFile,
      confide::synth::kGroundTruthPeopleFile);
  return 0;
}
