#include "tools/synth/synth.h"

#include <array>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "tools/synth/internal/events.h"
#include "tools/synth/internal/population.h"
#include "tools/synth/internal/rng.h"
#include "tools/synth/internal/writers.h"

namespace confide::synth {
namespace {

using internal::Rng;

// One generator stream per concern, so that e.g. changing --fire leaves the people and their
// police and ED rows exactly as they were. Row errors use streams of their own (writers.cc).
enum Stream : uint64_t {
  kPopulationStream = 1,
  kVictimStream,
  kPoliceStream,
  kEdStream,
  kFireStream,
  kAmbulanceStream,
};

constexpr ErrorRateField kRateFields[] = {
    {"name_typo_rate", &ErrorRates::name_typo},
    {"nickname_rate", &ErrorRates::nickname},
    {"name_swap_rate", &ErrorRates::name_swap},
    {"title_rate", &ErrorRates::title},
    {"suffix_rate", &ErrorRates::suffix},
    {"accents_stripped_rate", &ErrorRates::accents_stripped},
    {"punctuation_rate", &ErrorRates::punctuation},
    {"name_case_rate", &ErrorRates::name_case},
    {"name_placeholder_rate", &ErrorRates::name_placeholder},
    {"nhs_missing_rate", &ErrorRates::nhs_missing},
    {"ambulance_nhs_missing_rate", &ErrorRates::ambulance_nhs_missing},
    {"nhs_mistyped_rate", &ErrorRates::nhs_mistyped},
    {"dob_swap_rate", &ErrorRates::dob_swap},
    {"dob_missing_rate", &ErrorRates::dob_missing},
    {"dob_placeholder_rate", &ErrorRates::dob_placeholder},
    {"postcode_missing_rate", &ErrorRates::postcode_missing},
    {"postcode_mistyped_rate", &ErrorRates::postcode_mistyped},
    {"postcode_format_rate", &ErrorRates::postcode_format},
};

absl::Status CheckRange(absl::string_view name, int value, int lo, int hi) {
  if (value < lo || value > hi) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected --", name, " in [", lo, ", ", hi, "], got ", value));
  }
  return absl::OkStatus();
}

// Written so that NaN fails too.
absl::Status CheckRate(absl::string_view name, double value, double hi) {
  if (!(value >= 0 && value <= hi)) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected --", name, " in [0, ", hi, "], got ", value));
  }
  return absl::OkStatus();
}

// Rates that share one draw (a DOB is missing, a placeholder, or written) cannot exceed 1.
absl::Status CheckSum(absl::string_view a, double a_value, absl::string_view b, double b_value) {
  if (a_value + b_value > 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected --", a, " + --", b, " <= 1, got ", a_value + b_value));
  }
  return absl::OkStatus();
}

absl::Status FileError(const std::error_code& ec, absl::string_view what) {
  std::string message = absl::StrCat(what, ": ", ec.message());
  if (ec == std::errc::permission_denied || ec == std::errc::read_only_file_system) {
    return absl::PermissionDeniedError(message);
  }
  return absl::FailedPreconditionError(message);
}

absl::Status WriteFile(const std::filesystem::path& path, const std::string& contents) {
  std::filesystem::path temp = path;
  temp += ".tmp";
  {
    std::ofstream file(temp, std::ios::binary | std::ios::trunc);
    file.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    file.close();
    if (!file) {
      std::error_code ignored;
      std::filesystem::remove(temp, ignored);
      return absl::FailedPreconditionError(absl::StrCat("cannot write ", temp.string(),
                                                        ": check the directory is writable and "
                                                        "the disk is not full"));
    }
  }
  std::error_code ec;
  std::filesystem::rename(temp, path, ec);
  if (ec) {
    return FileError(ec, absl::StrCat("cannot rename ", temp.string(), " to ", path.string()));
  }
  return absl::OkStatus();
}

void Summarise(const std::vector<internal::Person>& people,
               const std::vector<internal::PoliceEvent>& police,
               const std::vector<internal::EdEvent>& ed,
               const std::vector<internal::AmbulanceEvent>& ambulance, Extracts& extracts) {
  constexpr uint8_t kPolice = 1, kEd = 2, kAmbulance = 4;
  std::vector<uint8_t> seen(people.size(), 0);
  for (const internal::PoliceEvent& e : police) {
    seen[e.person] |= kPolice;
  }
  for (const internal::EdEvent& e : ed) {
    seen[e.person] |= kEd;
  }
  for (const internal::AmbulanceEvent& e : ambulance) {
    seen[e.person] |= kAmbulance;
  }
  for (const uint8_t agencies : seen) {
    const int count =
        (agencies & kPolice ? 1 : 0) + (agencies & kEd ? 1 : 0) + (agencies & kAmbulance ? 1 : 0);
    extracts.people_with_rows += count > 0;
    extracts.people_in_two_or_more += count >= 2;
    extracts.people_in_all_three += count == 3;
  }
}

}  // namespace

std::span<const ErrorRateField> ErrorRateFields() { return kRateFields; }

absl::Status ValidateOptions(const Options& options) {
  CONFIDE_RETURN_IF_ERROR(CheckRange("people", options.people, 1, 500000));
  CONFIDE_RETURN_IF_ERROR(CheckRange("year", options.year, 2000, 2099));
  CONFIDE_RETURN_IF_ERROR(CheckRange("police", options.police, 0, 500000));
  CONFIDE_RETURN_IF_ERROR(CheckRange("ed", options.ed, 0, 500000));
  CONFIDE_RETURN_IF_ERROR(CheckRange("ambulance", options.ambulance, 0, 500000));
  CONFIDE_RETURN_IF_ERROR(CheckRange("fire", options.fire, 0, 200000));
  CONFIDE_RETURN_IF_ERROR(CheckRate("twin_rate", options.twin_rate, 0.2));
  CONFIDE_RETURN_IF_ERROR(CheckRate("surname_change_rate", options.surname_change_rate, 0.5));
  for (const ErrorRateField& field : kRateFields) {
    CONFIDE_RETURN_IF_ERROR(CheckRate(field.flag, options.errors.*field.rate, 1));
  }
  const ErrorRates& e = options.errors;
  CONFIDE_RETURN_IF_ERROR(
      CheckSum("nhs_missing_rate", e.nhs_missing, "nhs_mistyped_rate", e.nhs_mistyped));
  CONFIDE_RETURN_IF_ERROR(CheckSum("ambulance_nhs_missing_rate", e.ambulance_nhs_missing,
                                   "nhs_mistyped_rate", e.nhs_mistyped));
  CONFIDE_RETURN_IF_ERROR(
      CheckSum("dob_missing_rate", e.dob_missing, "dob_placeholder_rate", e.dob_placeholder));
  CONFIDE_RETURN_IF_ERROR(CheckSum("postcode_missing_rate", e.postcode_missing,
                                   "postcode_mistyped_rate", e.postcode_mistyped));
  return absl::OkStatus();
}

absl::StatusOr<Extracts> Generate(const Options& options) {
  CONFIDE_RETURN_IF_ERROR(ValidateOptions(options));
  const uint64_t seed = options.seed;

  Rng population_rng(seed, kPopulationStream);
  const std::vector<internal::Person> people = internal::MakePopulation(
      population_rng, {.count = options.people,
                       .year = options.year,
                       .twin_rate = options.twin_rate,
                       .surname_change_rate = options.surname_change_rate});
  Rng victim_rng(seed, kVictimStream);
  const internal::VictimSampler victims(people, options.year, victim_rng);

  Rng police_rng(seed, kPoliceStream);
  const std::vector<internal::PoliceEvent> police =
      internal::MakePoliceEvents(police_rng, options.police, options.year, people, victims);
  Rng ambulance_rng(seed, kAmbulanceStream);
  const std::vector<internal::AmbulanceEvent> ambulance = internal::MakeAmbulanceEvents(
      ambulance_rng, options.ambulance, options.year, people, victims, police);
  Rng ed_rng(seed, kEdStream);
  const std::vector<internal::EdEvent> ed =
      internal::MakeEdEvents(ed_rng, options.ed, options.year, people, victims, police, ambulance);
  Rng fire_rng(seed, kFireStream);
  const std::vector<internal::FireEvent> fire =
      internal::MakeFireEvents(fire_rng, options.fire, options.year);

  Extracts extracts;
  const ErrorRates& rates = options.errors;
  extracts.ground_truth = internal::GroundTruthHeader();
  std::string& truth = extracts.ground_truth;
  extracts.police_crime = internal::PoliceCrimeCsv(seed, rates, police, people, truth);
  extracts.ed_attendance = internal::EdAttendanceCsv(seed, rates, ed, people, truth);
  extracts.ambulance_incident =
      internal::AmbulanceIncidentCsv(seed, rates, ambulance, people, truth);
  extracts.fire_incident = internal::FireIncidentCsv(seed, rates, fire);
  extracts.ground_truth_people = internal::GroundTruthPeopleCsv(people);
  Summarise(people, police, ed, ambulance, extracts);
  return extracts;
}

absl::Status WriteExtracts(const Extracts& extracts, absl::string_view dir) {
  const std::filesystem::path root{std::string(dir)};
  std::error_code ec;
  std::filesystem::create_directories(root, ec);
  if (ec) {
    return FileError(ec, absl::StrCat("cannot create output directory ", dir));
  }
  const std::pair<absl::string_view, const std::string*> files[] = {
      {kPoliceCrimeFile, &extracts.police_crime},
      {kEdAttendanceFile, &extracts.ed_attendance},
      {kAmbulanceIncidentFile, &extracts.ambulance_incident},
      {kFireIncidentFile, &extracts.fire_incident},
      {kGroundTruthFile, &extracts.ground_truth},
      {kGroundTruthPeopleFile, &extracts.ground_truth_people},
  };
  for (const auto& [name, contents] : files) {
    CONFIDE_RETURN_IF_ERROR(WriteFile(root / std::string(name), *contents));
  }
  return absl::OkStatus();
}

}  // namespace confide::synth
