#include "tools/synth/internal/population.h"

#include <algorithm>
#include <cmath>
#include <unordered_set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tools/synth/internal/calendar.h"
#include "tools/synth/internal/geography.h"
#include "tools/synth/internal/names.h"

namespace confide::synth::internal {
namespace {

constexpr int kMinAge = 11;
constexpr int kMaxAge = 80;
constexpr int kAdultAge = 18;
// A parent is at least this much older than a child.
constexpr int kMinParentGap = 18;
constexpr int kMaxParentGap = 40;

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

// Age structure of the resident population (relative weights per year of age).
double PopulationAgeWeight(int age) {
  if (age < 65) {
    return 1.0;
  }
  if (age < 75) {
    return 0.85;
  }
  return 0.6;
}

// Household sizes 1..5, shaped like the census for Merseyside.
constexpr double kHouseholdSizeWeights[] = {30, 34, 16, 13, 7};

// NHS England reserves numbers starting 999 for testing; they are never issued, so synthetic
// data can never collide with a real patient's number. 999 999 9999 passes the checksum but is
// the classic placeholder, which agents treat as missing: it is never issued here.
std::string MakeNhsNumber(Rng& rng) {
  for (;;) {
    const std::string prefix = absl::StrFormat("999%06d", rng.Below(1000000));
    const int check = NhsCheckDigit(prefix);
    if (check != 10 && !(prefix == "999999999" && check == 9)) {
      return absl::StrFormat("%s%d", prefix, check);
    }
  }
}

class AgeSampler {
 public:
  explicit AgeSampler(int min_age) : min_age_(min_age) {
    for (int age = min_age; age <= kMaxAge; ++age) {
      weights_.push_back(PopulationAgeWeight(age));
    }
  }
  int Pick(Rng& rng) const { return min_age_ + static_cast<int>(rng.Pick(weights_)); }

 private:
  int min_age_;
  std::vector<double> weights_;
};

struct HouseholdPlan {
  int size = 1;
  int head_age = kAdultAge;
  bool twins = false;
};

bool CanHaveTwins(const HouseholdPlan& plan) {
  return plan.size >= 3 && plan.head_age >= kMinAge + kMinParentGap;
}

// Sizes and head ages first, so that exactly the requested number of twin pairs can be placed
// in households with room for two children (selection sampling, Knuth's Algorithm S).
std::vector<HouseholdPlan> PlanHouseholds(Rng& rng, const PopulationOptions& options,
                                          const AgeSampler& adult_ages) {
  std::vector<HouseholdPlan> plans;
  int planned = 0;
  int eligible = 0;
  while (planned < options.count) {
    HouseholdPlan plan;
    plan.size =
        std::min(1 + static_cast<int>(rng.Pick(kHouseholdSizeWeights)), options.count - planned);
    plan.head_age = adult_ages.Pick(rng);
    eligible += CanHaveTwins(plan);
    planned += plan.size;
    plans.push_back(plan);
  }
  int wanted =
      std::min(eligible, static_cast<int>(std::lround(options.twin_rate * options.count / 2.0)));
  int left = eligible;
  for (HouseholdPlan& plan : plans) {
    if (!CanHaveTwins(plan)) {
      continue;
    }
    if (static_cast<int>(rng.Below(static_cast<uint64_t>(left))) < wanted) {
      plan.twins = true;
      --wanted;
    }
    --left;
  }
  return plans;
}

absl::CivilDay BirthdayAtAge(Rng& rng, int year, int age) {
  const int birth_year = year - age;
  return absl::CivilDay(birth_year, 1, 1) +
         static_cast<absl::civil_diff_t>(rng.Below(static_cast<uint64_t>(DaysInYear(birth_year))));
}

int ChildAge(Rng& rng, int head_age) {
  return head_age - rng.Between(kMinParentGap, std::min(kMaxParentGap, head_age - kMinAge));
}

// A marriage (or its end) during the year: the new surname is the partner's when they have a
// different one, otherwise a fresh draw, and now and then the two double-barrelled.
void MaybeChangeSurname(Rng& rng, const PopulationOptions& options, std::vector<Person>& people,
                        size_t i) {
  Person& p = people[i];
  const int age = options.year - static_cast<int>(p.dob.year());
  const double p_change = p.sex == 'F' ? std::min(1.0, 1.8 * options.surname_change_rate)
                                       : 0.2 * options.surname_change_rate;
  const double u = rng.Unit();  // drawn for everyone, so the rate moves no other draw
  if (age < kAdultAge || age > 60 || u >= p_change) {
    return;
  }
  if (p.partner != kNobody && people[p.partner].surname != p.surname) {
    p.new_surname = people[p.partner].surname;
  } else {
    do {
      p.new_surname = std::string(PickSurname(rng));
    } while (p.new_surname == p.surname);
  }
  if (rng.Chance(0.1)) {
    p.new_surname = absl::StrCat(p.surname, "-", p.new_surname);
  }
  // Never on 1 January, so that the year holds days under each name.
  const absl::CivilDay first(options.year, 1, 1);
  p.surname_changed_on = first + 1 +
                         static_cast<absl::civil_diff_t>(
                             rng.Below(static_cast<uint64_t>(DaysInYear(options.year) - 1)));
}

}  // namespace

const std::string& SurnameOn(const Person& person, absl::CivilDay day) {
  return !person.new_surname.empty() && day >= person.surname_changed_on ? person.new_surname
                                                                         : person.surname;
}

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

std::vector<Person> MakePopulation(Rng& rng, const PopulationOptions& options) {
  const AgeSampler adult_ages(kAdultAge);
  const AgeSampler any_ages(kMinAge);
  const std::vector<HouseholdPlan> plans = PlanHouseholds(rng, options, adult_ages);
  std::vector<Person> people;
  people.reserve(static_cast<size_t>(options.count));
  std::unordered_set<std::string> used_nhs;
  auto add = [&](int household, char sex, std::string surname, int age) -> Person& {
    Person p;
    p.id = absl::StrFormat("P%06d", people.size() + 1);
    p.household = household;
    p.sex = sex;
    p.forename = std::string(PickForename(rng, sex));
    p.surname = std::move(surname);
    p.dob = BirthdayAtAge(rng, options.year, age);
    do {
      p.nhs_number = MakeNhsNumber(rng);
    } while (!used_nhs.insert(p.nhs_number).second);
    people.push_back(std::move(p));
    return people.back();
  };
  auto random_sex = [&] { return rng.Chance(0.5) ? 'M' : 'F'; };
  // Draws are made one per statement, never two among a call's arguments, whose order of
  // evaluation differs between compilers.

  for (size_t h = 0; h < plans.size(); ++h) {
    const HouseholdPlan& plan = plans[h];
    const int household = static_cast<int>(h);
    const size_t first = people.size();
    const char head_sex = random_sex();
    const std::string head_surname(PickSurname(rng));
    add(household, head_sex, head_surname, plan.head_age);
    int slots = plan.size - 1 - (plan.twins ? 2 : 0);
    if (slots > 0 && rng.Chance(0.7)) {  // a partner
      const char sex = rng.Chance(0.95) ? (head_sex == 'M' ? 'F' : 'M') : head_sex;
      const int age = std::clamp(plan.head_age + rng.Between(-6, 6), kAdultAge, kMaxAge);
      std::string surname = rng.Chance(0.75) ? head_surname : std::string(PickSurname(rng));
      add(household, sex, std::move(surname), age).partner = first;
      people[first].partner = first + 1;
      --slots;
    }
    for (; slots > 0; --slots) {
      if (plan.head_age >= kMinAge + kMinParentGap && rng.Chance(0.8)) {
        const int age = ChildAge(rng, plan.head_age);
        std::string surname = rng.Chance(0.9) ? head_surname : std::string(PickSurname(rng));
        const char sex = random_sex();
        add(household, sex, std::move(surname), age);
      } else {  // a lodger, sibling or friend
        const int age = any_ages.Pick(rng);
        const char sex = random_sex();
        add(household, sex, std::string(PickSurname(rng)), age);
      }
    }
    if (plan.twins) {
      const int age = ChildAge(rng, plan.head_age);
      const char sex = random_sex();
      Person& a = add(household, sex, head_surname, age);
      const size_t a_index = people.size() - 1;
      const absl::CivilDay dob = a.dob;
      const std::string sibling = a.forename;
      const char b_sex = rng.Chance(2.0 / 3.0) ? sex : (sex == 'M' ? 'F' : 'M');
      const bool same_initial = rng.Chance(1.0 / 3.0);
      Person& b = add(household, b_sex, head_surname, age);
      b.dob = dob;
      b.forename = std::string(PickTwinForename(rng, b_sex, sibling, same_initial));
      b.twin = a_index;
      people[a_index].twin = people.size() - 1;
    }
    const int borough = PickBorough(rng);
    const std::string postcode = MakePostcode(rng, PickDistrict(rng, borough));
    for (size_t i = first; i < people.size(); ++i) {
      people[i].borough = borough;
      people[i].postcode = postcode;
    }
  }
  for (size_t i = 0; i < people.size(); ++i) {
    MaybeChangeSurname(rng, options, people, i);
  }
  return people;
}

VictimSampler::VictimSampler(const std::vector<Person>& people, int year, Rng& rng) {
  std::array<double, 2> totals = {0, 0};
  std::vector<double> propensity(people.size(), 1.0);
  for (size_t i = 0; i < people.size(); ++i) {
    const Person& p = people[i];
    const int age = year - static_cast<int>(p.dob.year());
    // About 6% of people carry much of the repeat victimisation.
    const double u = rng.Unit();
    propensity[i] = u < 0.01 ? 10.0 : (u < 0.06 ? 4.0 : 1.0);
    if (p.twin < i) {  // twins share their circumstances
      propensity[i] = propensity[p.twin];
    }
    const size_t s = p.sex == 'M' ? 0 : 1;
    totals[s] += VictimAgeFactor(age) * propensity[i];
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
