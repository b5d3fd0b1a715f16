#include "tools/synth/internal/population.h"

#include <algorithm>
#include <unordered_set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "tools/synth/internal/calendar.h"
#include "tools/synth/internal/geography.h"
#include "tools/synth/internal/names.h"

namespace confide::synth::internal {
namespace {

// Victimisation by age, relative: peaks for 16-34 as in ONS crime survey violence figures.
double VictimAgeFactor(int age) {
  if (age < 16) {
    return 0.7;
  }
  if (age < 25) {
    return 3.0;
  }
  if (age < 35) {
    return 2.4;
  }
  if (age < 45) {
    return 1.5;
  }
  if (age < 60) {
    return 0.8;
  }
  return 0.3;
}

// Age structure of the resident population in the 11..80 band (relative weights per year).
double PopulationAgeWeight(int age) {
  if (age < 65) {
    return 1.0;
  }
  if (age < 75) {
    return 0.85;
  }
  return 0.6;
}

// NHS England reserves numbers starting 999 for testing; they are never issued, so synthetic
// data can never collide with a real patient's number.
std::string MakeNhsNumber(Rng& rng) {
  for (;;) {
    const std::string prefix = absl::StrFormat("999%06d", rng.Below(1000000));
    const int check = NhsCheckDigit(prefix);
    if (check != 10) {
      return absl::StrFormat("%s%d", prefix, check);
    }
  }
}

}  // namespace

int NhsCheckDigit(absl::string_view digits) {
  int sum = 0;
  for (int i = 0; i < 9; ++i) {
    sum += (digits[static_cast<size_t>(i)] - '0') * (10 - i);
  }
  const int check = 11 - (sum % 11);
  return check == 11 ? 0 : check;
}

bool IsValidNhsNumber(absl::string_view digits) {
  if (digits.size() != 10 || !std::all_of(digits.begin(), digits.end(), absl::ascii_isdigit)) {
    return false;
  }
  const int check = NhsCheckDigit(digits);
  return check != 10 && check == digits[9] - '0';
}

std::vector<Person> MakePopulation(Rng& rng, int count, int year) {
  std::vector<double> age_weights;
  for (int age = 11; age <= 80; ++age) {
    age_weights.push_back(PopulationAgeWeight(age));
  }
  std::unordered_set<std::string> used_nhs;
  std::vector<Person> people;
  people.reserve(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) {
    Person p;
    p.id = absl::StrFormat("P%06d", i + 1);
    p.sex = rng.Chance(0.5) ? 'M' : 'F';
    p.forename = std::string(PickForename(rng, p.sex));
    p.surname = std::string(PickSurname(rng));
    // Born in year - age, so everyone is at least 10 on 1 January of `year`.
    const int birth_year = year - 11 - static_cast<int>(rng.Pick(age_weights));
    p.dob =
        absl::CivilDay(birth_year, 1, 1) +
        static_cast<absl::civil_diff_t>(rng.Below(static_cast<uint64_t>(DaysInYear(birth_year))));
    do {
      p.nhs_number = MakeNhsNumber(rng);
    } while (!used_nhs.insert(p.nhs_number).second);
    p.borough = PickBorough(rng);
    p.postcode = MakePostcode(rng, PickDistrict(rng, p.borough));
    people.push_back(std::move(p));
  }
  return people;
}

VictimSampler::VictimSampler(const std::vector<Person>& people, int year, Rng& rng) {
  std::array<double, 2> totals = {0, 0};
  for (size_t i = 0; i < people.size(); ++i) {
    const Person& p = people[i];
    const int age = year - static_cast<int>(p.dob.year());
    // About 6% of people carry much of the repeat victimisation.
    const double u = rng.Unit();
    const double propensity = u < 0.01 ? 10.0 : (u < 0.06 ? 4.0 : 1.0);
    const size_t s = p.sex == 'M' ? 0 : 1;
    totals[s] += VictimAgeFactor(age) * propensity;
    index_[s].push_back(i);
    cumulative_[s].push_back(totals[s]);
  }
}

size_t VictimSampler::Pick(Rng& rng, char sex) const {
  size_t s = sex == 'M' ? 0 : 1;
  if (index_[s].empty()) {
    s = 1 - s;
  }
  const std::vector<double>& cumulative = cumulative_[s];
  const double target = rng.Unit() * cumulative.back();
  const size_t i = static_cast<size_t>(
      std::upper_bound(cumulative.begin(), cumulative.end(), target) - cumulative.begin());
  return index_[s][std::min(i, index_[s].size() - 1)];
}

}  // namespace confide::synth::internal
