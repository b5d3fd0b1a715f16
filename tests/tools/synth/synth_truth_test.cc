// The answer key: every extract row is in ground_truth.csv exactly once, the people file is a
// consistent population (households, twins, surname changes, valid NHS numbers), the rows agree
// with it except where an error is recorded, and people move between agencies the way the
// generator promises (police, then ambulance, then ED).

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/tools/synth/synth_test_util.h"
#include "tools/synth/synth.h"

namespace confide::synth {
namespace {

using ::confide::testing::IsOk;
using testutil::DobText;
using testutil::Parsed;
using testutil::PassesMod11;
using testutil::PersonRow;
using testutil::TruePerson;

class SynthTruthTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<Extracts> extracts = Generate(Options{});
    ASSERT_THAT(extracts, IsOk());
    defaults_ = new Parsed;
    ASSERT_TRUE(testutil::ParseAll(*std::move(extracts), *defaults_));
  }
  static void TearDownTestSuite() {
    delete defaults_;
    defaults_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(defaults_, nullptr); }

  static const std::vector<PersonRow>& rows() { return defaults_->rows; }
  static const TruePerson& PersonOf(const PersonRow& row) {
    return defaults_->people.at(row.person);
  }
  static Parsed* defaults_;
};
Parsed* SynthTruthTest::defaults_ = nullptr;

TEST_F(SynthTruthTest, EveryExtractRowIsInTheGroundTruthExactlyOnce) {
  std::map<std::pair<std::string, std::string>, int> in_truth;
  for (size_t r = 1; r < defaults_->truth.size(); ++r) {
    const auto& row = defaults_->truth[r];
    EXPECT_TRUE(row[0] == "police_crime" || row[0] == "ed_attendance" ||
                row[0] == "ambulance_incident")
        << row[0];
    ++in_truth[{row[0], row[1]}];
    EXPECT_EQ(defaults_->people.count(row[2]), 1u) << row[2];
  }
  std::set<std::pair<std::string, std::string>> in_extracts;
  for (const PersonRow& row : rows()) {
    const std::pair<std::string, std::string> key(row.dataset, row.reference);
    EXPECT_EQ(in_truth[key], 1) << row.dataset << " " << row.reference;
    EXPECT_TRUE(in_extracts.insert(key).second);
  }
  EXPECT_EQ(in_truth.size(), in_extracts.size()) << "the truth has rows no extract has";
}

TEST_F(SynthTruthTest, ExtractsNeverCarryTheAnswerKey) {
  const Extracts& e = defaults_->extracts;
  for (const std::string* text :
       {&e.police_crime, &e.ed_attendance, &e.ambulance_incident, &e.fire_incident}) {
    EXPECT_FALSE(absl::StrContains(*text, "person_id"));
    EXPECT_FALSE(absl::StrContains(*text, "_typo"));
    // Person ids look like P000123; no extract value does.
    for (size_t i = 0; i + 7 <= text->size(); ++i) {
      if ((*text)[i] == 'P' && (i == 0 || !absl::ascii_isalnum((*text)[i - 1])) &&
          testutil::MatchesShape(absl::string_view(*text).substr(i + 1, 6), "######")) {
        ADD_FAILURE() << "person id in an extract at byte " << i;
        break;
      }
    }
  }
}

TEST_F(SynthTruthTest, PeopleHaveUniqueValidTestRangeNhsNumbers) {
  std::set<std::string> numbers;
  for (const auto& [id, p] : defaults_->people) {
    EXPECT_TRUE(PassesMod11(p.nhs)) << p.nhs;
    EXPECT_TRUE(absl::StartsWith(p.nhs, "999")) << "never a real patient's number: " << p.nhs;
    EXPECT_NE(p.nhs, "9999999999");
    EXPECT_TRUE(numbers.insert(p.nhs).second) << p.nhs;
  }
}

TEST_F(SynthTruthTest, NhsNumbersAreValidExceptTheDeliberateMistypes) {
  int written = 0, mistyped = 0;
  for (const PersonRow& row : rows()) {
    if (row.dataset == "police_crime" || row.nhs_text.empty()) {
      continue;
    }
    ++written;
    const std::string digits = testutil::Digits(row.nhs_text);
    if (row.errors.count("nhs_mistyped") > 0) {
      ++mistyped;
      EXPECT_FALSE(PassesMod11(digits)) << digits;
      EXPECT_TRUE(absl::StartsWith(digits, "999")) << digits;
      EXPECT_NE(digits, "9999999999");
    } else {
      EXPECT_TRUE(PassesMod11(digits)) << digits;
      EXPECT_EQ(digits, PersonOf(row).nhs);
    }
  }
  EXPECT_GT(written, 40000);
  EXPECT_GT(mistyped, 0);
}

TEST_F(SynthTruthTest, HouseholdsShareAPostcodeAndTwinsShareSurnameDobAndPostcode) {
  std::map<std::string, std::set<std::string>> postcodes_of_household;
  std::map<std::string, int> household_size;
  int twins = 0, same_initial = 0;
  for (const auto& [id, p] : defaults_->people) {
    postcodes_of_household[p.household].insert(p.postcode);
    ++household_size[p.household];
    if (p.twin.empty()) {
      continue;
    }
    ++twins;
    const TruePerson& other = defaults_->people.at(p.twin);
    EXPECT_EQ(other.twin, p.id);
    EXPECT_EQ(other.household, p.household);
    EXPECT_EQ(other.surname, p.surname);
    EXPECT_EQ(other.dob, p.dob);
    EXPECT_EQ(other.postcode, p.postcode);
    EXPECT_NE(other.forename, p.forename);
    same_initial += other.forename[0] == p.forename[0];
  }
  for (const auto& [household, postcodes] : postcodes_of_household) {
    EXPECT_EQ(postcodes.size(), 1u) << household;
  }
  int shared = 0;
  for (const auto& [household, size] : household_size) {
    EXPECT_LE(size, 5);
    shared += size > 1 ? size : 0;
  }
  EXPECT_GT(shared, 0.6 * defaults_->people.size());
  const double n = static_cast<double>(defaults_->people.size());
  EXPECT_NEAR(twins / n, Options{}.twin_rate, 0.002);
  EXPECT_NEAR(same_initial / static_cast<double>(twins), 1.0 / 3, 0.06);
}

TEST_F(SynthTruthTest, SurnamesChangeInsideTheYearAndRecordsFollowThem) {
  int adults = 0, changed = 0;
  for (const auto& [id, p] : defaults_->people) {
    const int age = 2025 - static_cast<int>(p.dob.year());
    adults += age >= 18 && age <= 60;
    if (p.new_surname.empty()) {
      continue;
    }
    ++changed;
    EXPECT_TRUE(age >= 18 && age <= 60) << id;
    EXPECT_NE(p.new_surname, p.surname);
    EXPECT_EQ(p.surname_changed_on.year(), 2025);
    EXPECT_GT(p.surname_changed_on, absl::CivilDay(2025, 1, 1));
  }
  EXPECT_NEAR(changed / static_cast<double>(adults), Options{}.surname_change_rate, 0.005);

  // People whose rows straddle the change appear under both names.
  std::map<std::string, std::set<std::string>> surnames_written;
  for (const PersonRow& row : rows()) {
    const TruePerson& p = PersonOf(row);
    if (!p.new_surname.empty() && row.errors.empty()) {
      EXPECT_EQ(row.surname, p.SurnameOn(row.event_day)) << row.reference;
      surnames_written[p.id].insert(row.surname);
    }
  }
  int both = 0;
  for (const auto& [id, names] : surnames_written) {
    both += names.size() == 2;
  }
  EXPECT_GT(both, 20);
}

// Which written field each error touches; a field no error touches must equal the truth.
const std::map<std::string, std::set<std::string>>& FieldsTouched() {
  static const auto* const kTouched = new std::map<std::string, std::set<std::string>>{
      {"name_placeholder", {"forename", "surname"}},
      {"nickname", {"forename"}},
      {"forename_typo", {"forename"}},
      {"surname_typo", {"surname"}},
      {"forename_accents_stripped", {"forename"}},
      {"surname_accents_stripped", {"surname"}},
      {"forename_punctuation", {"forename"}},
      {"surname_punctuation", {"surname"}},
      {"names_swapped", {"forename", "surname"}},
      {"title", {"forename"}},
      {"suffix", {"surname"}},
      {"name_case", {"forename", "surname"}},
      {"nhs_missing", {"nhs"}},
      {"nhs_mistyped", {"nhs"}},
      {"dob_day_month_swapped", {"dob"}},
      {"dob_missing", {"dob"}},
      {"dob_placeholder", {"dob"}},
      {"postcode_missing", {"postcode"}},
      {"postcode_mistyped", {"postcode"}},
      {"postcode_format", {"postcode"}},
  };
  return *kTouched;
}

TEST_F(SynthTruthTest, RowsAgreeWithTheTruthExceptWhereAnErrorIsRecorded) {
  std::map<std::string, int> changed_alone;  // error -> rows where it alone changed its field
  for (const PersonRow& row : rows()) {
    const TruePerson& p = PersonOf(row);
    std::map<std::string, std::set<std::string>> errors_on;  // field -> errors touching it
    for (const std::string& error : row.errors) {
      ASSERT_EQ(FieldsTouched().count(error), 1u) << "undocumented error " << error;
      for (const std::string& field : FieldsTouched().at(error)) {
        errors_on[field].insert(error);
      }
    }
    const std::map<std::string, std::pair<std::string, std::string>> fields = {
        {"forename", {row.forename, p.forename}},
        {"surname", {row.surname, p.SurnameOn(row.event_day)}},
        {"dob", {row.dob_text, DobText(row.dataset, p.dob)}},
        {"postcode", {row.postcode, p.postcode}},
        {"nhs", {testutil::Digits(row.nhs_text), row.dataset == "police_crime" ? "" : p.nhs}}};
    for (const auto& [field, written_and_true] : fields) {
      const auto& [written, truth] = written_and_true;
      const auto touched = errors_on.find(field);
      if (touched == errors_on.end()) {
        EXPECT_EQ(written, truth) << row.reference << " " << field;
      } else if (touched->second.size() == 1 && written != truth) {
        ++changed_alone[*touched->second.begin()];
      }
    }
    EXPECT_EQ(row.sex.substr(0, 1), p.sex) << row.reference;
  }
  // Every kind of error occurs at the default rates and visibly changes its field.
  for (const auto& [error, fields] : FieldsTouched()) {
    EXPECT_GT(changed_alone[error], 0) << error;
  }
}

TEST_F(SynthTruthTest, PeopleAppearInSeveralAgenciesAndSomeAreRepeatVictims) {
  std::map<std::string, std::map<std::string, int>> rows_of;  // person -> dataset -> rows
  for (const PersonRow& row : rows()) {
    ++rows_of[row.person][row.dataset];
  }
  int two = 0, three = 0, police_victims = 0, repeat = 0, three_or_more = 0;
  for (const auto& [person, datasets] : rows_of) {
    two += datasets.size() >= 2;
    three += datasets.size() == 3;
    const auto police = datasets.find("police_crime");
    if (police != datasets.end()) {
      ++police_victims;
      repeat += police->second > 1;
      three_or_more += police->second >= 3;
    }
  }
  EXPECT_GT(two, 0.2 * rows_of.size());
  EXPECT_GT(three, 0.05 * rows_of.size());
  EXPECT_GT(three_or_more, 0);
  EXPECT_GT(repeat, 0.1 * police_victims);
  EXPECT_LT(repeat, 0.35 * police_victims) << "repeat victims are a minority";
  EXPECT_EQ(defaults_->extracts.people_in_all_three, three);
  EXPECT_EQ(defaults_->extracts.people_in_two_or_more, two);
  EXPECT_EQ(defaults_->extracts.people_with_rows, static_cast<int>(rows_of.size()));

  // Twins and households are in the data, not only in the population.
  std::set<std::string> with_rows;
  for (const auto& [person, datasets] : rows_of) {
    with_rows.insert(person);
  }
  int twin_pairs = 0;
  for (const std::string& person : with_rows) {
    const TruePerson& p = defaults_->people.at(person);
    twin_pairs += !p.twin.empty() && p.id < p.twin && with_rows.count(p.twin) > 0;
  }
  EXPECT_GT(twin_pairs, 50);
}

// Minutes from the event of `a` to the event of `b` (positive when b is later).
long MinutesBetween(const PersonRow& a, const PersonRow& b) {
  const absl::CivilMinute at(a.event_day.year(), a.event_day.month(), a.event_day.day(),
                             a.event_hour, a.event_minute);
  const absl::CivilMinute bt(b.event_day.year(), b.event_day.month(), b.event_day.day(),
                             b.event_hour, b.event_minute);
  return static_cast<long>(bt - at);
}

TEST_F(SynthTruthTest, PoliceThenAmbulanceThenEd) {
  std::map<std::string, std::map<std::string, std::vector<const PersonRow*>>> by_person;
  for (const PersonRow& row : rows()) {
    by_person[row.person][row.dataset].push_back(&row);
  }
  auto share_following = [&](const std::string& later, const std::string& earlier, long lo,
                             long hi) {
    int n = 0, followed = 0;
    for (const auto& [person, datasets] : by_person) {
      const auto later_rows = datasets.find(later);
      if (later_rows == datasets.end()) {
        continue;
      }
      const auto earlier_rows = datasets.find(earlier);
      for (const PersonRow* row : later_rows->second) {
        ++n;
        if (earlier_rows == datasets.end()) {
          continue;
        }
        for (const PersonRow* before : earlier_rows->second) {
          const long minutes = MinutesBetween(*before, *row);
          if (minutes >= lo && minutes <= hi) {
            ++followed;
            break;
          }
        }
      }
    }
    return followed / static_cast<double>(n);
  };
  // About 45% of call-outs attend a police-recorded crime, within half an hour of it.
  EXPECT_NEAR(share_following("ambulance_incident", "police_crime", 0, 30), 0.45, 0.05);
  // Up to half of ED attendances come by ambulance, 25 to 100 minutes after the call.
  EXPECT_NEAR(share_following("ed_attendance", "ambulance_incident", 24, 101), 0.5, 0.05);
  // About 40% are a police-recorded victim seen within days.
  EXPECT_NEAR(share_following("ed_attendance", "police_crime", 0, 7 * 24 * 60), 0.42, 0.06);
}

}  // namespace
}  // namespace confide::synth
