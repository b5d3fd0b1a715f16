// confide-synth: writes seeded synthetic police, ED and fire extracts plus their ground truth.

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

ABSL_FLAG(std::string, out, "", "Directory to write the CSV files into; created if missing.");
ABSL_FLAG(uint64_t, seed, 42, "Seed: the same seed and sizes give byte-identical files.");
ABSL_FLAG(int32_t, people, 20000, "Size of the synthetic population.");
ABSL_FLAG(int32_t, year, 2025, "Calendar year that every event falls in.");
ABSL_FLAG(int32_t, police, 12000, "Rows in police_crime.csv.");
ABSL_FLAG(int32_t, ed, 6000, "Rows in ed_attendance.csv.");
ABSL_FLAG(int32_t, fire, 3000, "Rows in fire_incident.csv.");

namespace {

// --help lists this file's flags, not those of every linked library.
bool IsOurFlagFile(absl::string_view path) { return absl::EndsWith(path, "synth/main.cc"); }

}  // namespace

int main(int argc, char** argv) {
  absl::FlagsUsageConfig usage_config;
  usage_config.contains_help_flags = IsOurFlagFile;
  usage_config.contains_helpshort_flags = IsOurFlagFile;
  absl::SetFlagsUsageConfig(usage_config);
  absl::SetProgramUsageMessage(
      "Writes synthetic agency extracts for a Merseyside-like partnership.\n"
      "usage: confide-synth --out DIR [--seed N] [--people N] [--year YYYY] [--police N] "
      "[--ed N] [--fire N]\n"
      "Files: police_crime.csv, ed_attendance.csv, fire_incident.csv, and ground_truth.csv\n"
      "(the linkage answer key: keep it away from the hub).");
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

  confide::synth::Options options;
  options.seed = absl::GetFlag(FLAGS_seed);
  options.people = absl::GetFlag(FLAGS_people);
  options.year = absl::GetFlag(FLAGS_year);
  options.police = absl::GetFlag(FLAGS_police);
  options.ed = absl::GetFlag(FLAGS_ed);
  options.fire = absl::GetFlag(FLAGS_fire);

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
      "confide-synth: wrote %d police_crime, %d ed_attendance and %d fire_incident rows for %d "
      "people (seed %d, year %d; %d people in both police and ED) to %s\n",
      options.police, options.ed, options.fire, options.people, options.seed, options.year,
      extracts->people_in_police_and_ed, out);
  return 0;
}
