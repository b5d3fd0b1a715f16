#include "tools/synth/synth.h"

#include <filesystem>
#include <fstream>
#include <system_error>
#include <unordered_set>
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
// police and ED rows exactly as they were.
enum Stream : uint64_t {
  kPopulationStream = 1,
  kVictimStream,
  kPoliceStream,
  kEdStream,
  kFireStream,
  kPoliceDirtStream,
  kEdDirtStream,
  kFireDirtStream,
};

absl::Status CheckRange(absl::string_view name, int value, int lo, int hi) {
  if (value < lo || value > hi) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected --", name, " in [", lo, ", ", hi, "], got ", value));
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

int CountPeopleInBoth(const std::vector<internal::PoliceEvent>& police,
                      const std::vector<internal::EdEvent>& ed) {
  std::unordered_set<size_t> in_police;
  for (const internal::PoliceEvent& e : police) {
    in_police.insert(e.person);
  }
  std::unordered_set<size_t> both;
  for (const internal::EdEvent& e : ed) {
    if (in_police.count(e.person) > 0) {
      both.insert(e.person);
    }
  }
  return static_cast<int>(both.size());
}

}  // namespace

absl::Status ValidateOptions(const Options& options) {
  CONFIDE_RETURN_IF_ERROR(CheckRange("people", options.people, 1, 500000));
  CONFIDE_RETURN_IF_ERROR(CheckRange("year", options.year, 2000, 2099));
  CONFIDE_RETURN_IF_ERROR(CheckRange("police", options.police, 0, 500000));
  CONFIDE_RETURN_IF_ERROR(CheckRange("ed", options.ed, 0, 500000));
  CONFIDE_RETURN_IF_ERROR(CheckRange("fire", options.fire, 0, 200000));
  return absl::OkStatus();
}

absl::StatusOr<Extracts> Generate(const Options& options) {
  CONFIDE_RETURN_IF_ERROR(ValidateOptions(options));
  const uint64_t seed = options.seed;

  Rng population_rng(seed, kPopulationStream);
  const std::vector<internal::Person> people =
      internal::MakePopulation(population_rng, options.people, options.year);
  Rng victim_rng(seed, kVictimStream);
  const internal::VictimSampler victims(people, options.year, victim_rng);

  Rng police_rng(seed, kPoliceStream);
  const std::vector<internal::PoliceEvent> police =
      internal::MakePoliceEvents(police_rng, options.police, options.year, people, victims);
  Rng ed_rng(seed, kEdStream);
  const std::vector<internal::EdEvent> ed =
      internal::MakeEdEvents(ed_rng, options.ed, options.year, people, victims, police);
  Rng fire_rng(seed, kFireStream);
  const std::vector<internal::FireEvent> fire =
      internal::MakeFireEvents(fire_rng, options.fire, options.year);

  Extracts extracts;
  Rng police_dirt(seed, kPoliceDirtStream);
  extracts.police_crime = internal::PoliceCrimeCsv(police_dirt, police, people);
  Rng ed_dirt(seed, kEdDirtStream);
  extracts.ed_attendance = internal::EdAttendanceCsv(ed_dirt, ed, people);
  Rng fire_dirt(seed, kFireDirtStream);
  extracts.fire_incident = internal::FireIncidentCsv(fire_dirt, fire);
  extracts.ground_truth = internal::GroundTruthCsv(police, ed, people);
  extracts.people_in_police_and_ed = CountPeopleInBoth(police, ed);
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
      {kFireIncidentFile, &extracts.fire_incident},
      {kGroundTruthFile, &extracts.ground_truth},
  };
  for (const auto& [name, contents] : files) {
    CONFIDE_RETURN_IF_ERROR(WriteFile(root / std::string(name), *contents));
  }
  return absl::OkStatus();
}

}  // namespace confide::synth
