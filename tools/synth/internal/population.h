#pragma once

#include <array>
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "tools/synth/internal/rng.h"

namespace confide::synth::internal {

inline constexpr size_t kNobody = std::numeric_limits<size_t>::max();

// One synthetic resident. Fields are the clean truth; per-agency errors are added when rows are
// written, never here.
struct Person {
  std::string id;  // "P000123": the key of ground_truth.csv
  int household = 0;
  size_t twin = kNobody;     // index of the other twin
  size_t partner = kNobody;  // index of a partner in the same household
  std::string forename;
  std::string surname;      // until surname_changed_on
  std::string new_surname;  // from surname_changed_on on; empty when the surname never changes
  absl::CivilDay surname_changed_on;
  char sex = 'M';  // 'M' or 'F'
  absl::CivilDay dob;
  std::string nhs_number;  // 10 digits, no spaces, valid mod-11, 999 test range
  int borough = 0;         // index into Boroughs()
  std::string postcode;    // home postcode shared by the household, "L8 1AB"
};

// The surname a record made on `day` would carry.
const std::string& SurnameOn(const Person& person, absl::CivilDay day);

// The NHS mod-11 check digit for the first nine digits of `digits` (weights 10..2): 0..9, or
// 10, which means no valid NHS number has that prefix. `digits` must hold >= 9 ASCII digits.
int NhsCheckDigit(absl::string_view digits);

// True for ten ASCII digits whose tenth is the check digit of the first nine.
bool IsValidNhsNumber(absl::string_view digits);

struct PopulationOptions {
  int count = 1;  // [1, 500000]: the NHS test-number range caps it
  int year = 2025;
  double twin_rate = 0;            // share of people who are one of a pair of twins
  double surname_change_rate = 0;  // share of 18-60 year olds whose surname changes in `year`
};

// People in households of one to five sharing a postcode (and mostly a surname), aged about 11
// to 80 during the year, with unique NHS numbers. Twins share surname, DOB and postcode, never a
// forename; a third of them share an initial. Deterministic in `rng`'s state.
std::vector<Person> MakePopulation(Rng& rng, const PopulationOptions& options);

// Draws victims: young adults far more often than the old, and a minority of "repeat victims"
// with a much higher propensity, so that some people have several events; twins share a
// propensity. Immutable after construction. `people` must outlive the sampler and be non-empty.
class VictimSampler {
 public:
  VictimSampler(const std::vector<Person>& people, int year, Rng& rng);

  // An index into `people` of the given sex, or of either sex if there is nobody of that sex.
  size_t Pick(Rng& rng, char sex) const;

 private:
  std::array<std::vector<size_t>, 2> index_;  // [0] male, [1] female
  std::array<std::vector<double>, 2> cumulative_;
};

}  // namespace confide::synth::internal
