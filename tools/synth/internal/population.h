#pragma once

#include <array>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "tools/synth/internal/rng.h"

namespace confide::synth::internal {

// One synthetic resident. Fields are the clean truth; per-agency dirt is added when rows are
// written, never here.
struct Person {
  std::string id;  // "P000123": the key of ground_truth.csv
  std::string forename;
  std::string surname;
  char sex = 'M';  // 'M' or 'F'
  absl::CivilDay dob;
  std::string nhs_number;  // 10 digits, no spaces, valid mod-11
  int borough = 0;         // index into Boroughs()
  std::string postcode;    // home postcode, "L8 1AB"
};

// The NHS mod-11 check digit for the first nine digits of `digits` (weights 10..2): 0..9, or
// 10, which means no valid NHS number has that prefix. `digits` must hold >= 9 ASCII digits.
int NhsCheckDigit(absl::string_view digits);

// True for ten ASCII digits whose tenth is the check digit of the first nine.
bool IsValidNhsNumber(absl::string_view digits);

// `count` people with unique NHS numbers, aged about 10 to 80 during `year`. Deterministic in
// `rng`'s state. count must be in [1, 500000] (the NHS test-number range caps it).
std::vector<Person> MakePopulation(Rng& rng, int count, int year);

// Draws victims: young adults far more often than the old, and a minority of "repeat victims"
// with a much higher propensity, so that some people have several events. Immutable after
// construction. `people` must outlive the sampler and be non-empty.
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
