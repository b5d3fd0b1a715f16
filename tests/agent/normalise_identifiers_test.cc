// Normalisation of NHS numbers, sex and dates of birth, Soundex, derived elements and ages.

#include <string>

#include "absl/time/civil_time.h"
#include "agent/normalise.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace confide::agent {
namespace {

using ::testing::Eq;
using ::testing::Key;
using ::testing::Not;
using ::testing::Optional;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

// Valid NHS numbers with their modulus-11 check digits (weights 10..2).
TEST(NhsNumberTest, KnownValidNumbers) {
  EXPECT_TRUE(IsValidNhsNumber("9434765919"));
  EXPECT_TRUE(IsValidNhsNumber("4010232137"));
  EXPECT_TRUE(IsValidNhsNumber("4857773457"));
}

TEST(NhsNumberTest, WrongCheckDigitIsInvalid) {
  EXPECT_FALSE(IsValidNhsNumber("9434765918"));
  EXPECT_FALSE(IsValidNhsNumber("9434765910"));
  EXPECT_FALSE(IsValidNhsNumber("4010232138"));
}

TEST(NhsNumberTest, CheckDigitOfTenIsAlwaysInvalid) {
  // 943476596: weighted sum 309, 309 % 11 = 1, so the check value is 10 and no tenth digit fits.
  for (char last = '0'; last <= '9'; ++last) {
    std::string number = std::string("943476596") + last;
    SCOPED_TRACE(number);
    EXPECT_FALSE(IsValidNhsNumber(number));
  }
}

TEST(NhsNumberTest, CheckValueElevenMeansCheckDigitZero) {
  // 401023211: weighted sum 4*10 + 1*8 + 2*6 + 3*5 + 2*4 + 1*3 + 1*2 = 88, remainder 0, check
  // value 11, so the check digit is 0.
  EXPECT_TRUE(IsValidNhsNumber("4010232110"));
  EXPECT_FALSE(IsValidNhsNumber("4010232111"));
}

TEST(NhsNumberTest, OneRepeatedDigitIsAPlaceholderThoughItPassesTheChecksum) {
  for (char digit = '0'; digit <= '9'; ++digit) {
    const std::string number(10, digit);
    SCOPED_TRACE(number);
    EXPECT_TRUE(IsPlaceholderNhsNumber(number));
    EXPECT_FALSE(IsValidNhsNumber(number));
  }
}

TEST(NhsNumberTest, OtherNeverIssuedNumbersAreInvalid) {
  // Each passes the checksum.
  for (const char* fake : {"0123456789", "9876543210", "0000000310", "0012345679"}) {
    SCOPED_TRACE(fake);
    EXPECT_TRUE(IsPlaceholderNhsNumber(fake));
    EXPECT_FALSE(IsValidNhsNumber(fake));
  }
}

TEST(NhsNumberTest, TestRangeNumbersAreValidUnlessAllNines) {
  // Synthetic data uses 999 000 0000 - 999 999 9999, issued to nobody.
  EXPECT_FALSE(IsPlaceholderNhsNumber("9990000018"));
  EXPECT_TRUE(IsValidNhsNumber("9990000018"));
  EXPECT_THAT(NormaliseNhsNumber("999 000 0018"), Optional(Eq("9990000018")));
  EXPECT_EQ(NormaliseNhsNumber("999 999 9999"), absl::nullopt);
}

TEST(NhsNumberTest, WrongLengthOrNonDigitsAreInvalid) {
  EXPECT_FALSE(IsValidNhsNumber(""));
  EXPECT_FALSE(IsValidNhsNumber("943476591"));
  EXPECT_FALSE(IsValidNhsNumber("94347659190"));
  EXPECT_FALSE(IsValidNhsNumber("943476591A"));
  EXPECT_FALSE(IsValidNhsNumber("943 476 5919"));
}

TEST(NormaliseNhsNumberTest, AcceptsSpacesAndDashes) {
  EXPECT_THAT(NormaliseNhsNumber("9434765919"), Optional(Eq("9434765919")));
  EXPECT_THAT(NormaliseNhsNumber("943 476 5919"), Optional(Eq("9434765919")));
  EXPECT_THAT(NormaliseNhsNumber("943-476-5919"), Optional(Eq("9434765919")));
  EXPECT_THAT(NormaliseNhsNumber(" 943 - 476 - 5919 "), Optional(Eq("9434765919")));
}

TEST(NormaliseNhsNumberTest, RejectsLettersAndOtherSeparators) {
  EXPECT_EQ(NormaliseNhsNumber("943476591A"), absl::nullopt);
  EXPECT_EQ(NormaliseNhsNumber("NHS9434765919"), absl::nullopt);
  EXPECT_EQ(NormaliseNhsNumber("943.476.5919"), absl::nullopt);
  EXPECT_EQ(NormaliseNhsNumber("943/476/5919"), absl::nullopt);
  EXPECT_EQ(NormaliseNhsNumber("9434765919\t"), absl::nullopt);
}

TEST(NormaliseNhsNumberTest, RejectsInvalidPlaceholderAndMissing) {
  EXPECT_EQ(NormaliseNhsNumber(""), absl::nullopt);
  EXPECT_EQ(NormaliseNhsNumber("   "), absl::nullopt);
  EXPECT_EQ(NormaliseNhsNumber("9434765918"), absl::nullopt);
  EXPECT_EQ(NormaliseNhsNumber("111 111 1111"), absl::nullopt);
  EXPECT_EQ(NormaliseNhsNumber("000-000-0000"), absl::nullopt);
  EXPECT_EQ(NormaliseNhsNumber("9434765969"), absl::nullopt);
  EXPECT_EQ(NormaliseNhsNumber("94347659199"), absl::nullopt);
}

TEST(NormaliseNhsNumberTest, RecipePlaceholderNumbersAreMissing) {
  v1::LinkageRecipe recipe;
  recipe.add_placeholder_values("401 023 2137");
  const PersonNormaliser normaliser(recipe);
  EXPECT_EQ(normaliser.NhsNumber("4010232137"), absl::nullopt);
  EXPECT_THAT(PersonNormaliser().NhsNumber("4010232137"), Optional(Eq("4010232137")));
  EXPECT_THAT(normaliser.NhsNumber("943 476 5919"), Optional(Eq("9434765919")));
}

TEST(NormaliseSexTest, MapsCommonCodings) {
  for (const char* male : {"M", "m", "Male", "MALE", " male "}) {
    EXPECT_THAT(NormaliseSex(male), Optional(Eq("m"))) << male;
  }
  for (const char* female : {"F", "f", "Female", "FEMALE", "\tfemale"}) {
    EXPECT_THAT(NormaliseSex(female), Optional(Eq("f"))) << female;
  }
}

TEST(NormaliseSexTest, AnythingElseIsMissing) {
  for (const char* other : {"", " ", "U", "X", "unknown", "9", "mf", "ma", "fem", "1"}) {
    EXPECT_EQ(NormaliseSex(other), absl::nullopt) << other;
  }
}

const absl::CivilDay kEvent(2026, 2, 14);

TEST(NormaliseDateOfBirthTest, FormatsAsYyyymmdd) {
  EXPECT_THAT(NormaliseDateOfBirth(absl::CivilDay(1990, 3, 12), kEvent), Optional(Eq("19900312")));
  EXPECT_THAT(NormaliseDateOfBirth(absl::CivilDay(2008, 12, 1), kEvent), Optional(Eq("20081201")));
  EXPECT_THAT(NormaliseDateOfBirth(absl::CivilDay(1901, 1, 1), kEvent), Optional(Eq("19010101")));
}

TEST(NormaliseDateOfBirthTest, PlaceholderDatesBefore1901AreMissing) {
  EXPECT_EQ(NormaliseDateOfBirth(absl::CivilDay(1900, 1, 1), kEvent), absl::nullopt);
  EXPECT_EQ(NormaliseDateOfBirth(absl::CivilDay(1900, 12, 31), kEvent), absl::nullopt);
  EXPECT_EQ(NormaliseDateOfBirth(absl::CivilDay(1800, 1, 1), kEvent), absl::nullopt);
}

TEST(NormaliseDateOfBirthTest, DatesAfterTheEventAreMissing) {
  EXPECT_EQ(NormaliseDateOfBirth(kEvent + 1, kEvent), absl::nullopt);
  EXPECT_EQ(NormaliseDateOfBirth(absl::CivilDay(2099, 1, 1), kEvent), absl::nullopt);
  // Born on the day of the event: a newborn, not a placeholder.
  EXPECT_THAT(NormaliseDateOfBirth(kEvent, kEvent), Optional(Eq("20260214")));
}

TEST(NormaliseDateOfBirthTest, RecipePlaceholderDatesAreMissing) {
  v1::LinkageRecipe recipe;
  recipe.add_placeholder_values("1980-01-01");
  const PersonNormaliser normaliser(recipe);
  EXPECT_EQ(normaliser.DateOfBirth(absl::CivilDay(1980, 1, 1), kEvent), absl::nullopt);
  EXPECT_THAT(normaliser.DateOfBirth(absl::CivilDay(1980, 1, 2), kEvent), Optional(Eq("19800102")));
  EXPECT_THAT(PersonNormaliser().DateOfBirth(absl::CivilDay(1980, 1, 1), kEvent),
              Optional(Eq("19800101")));
}

TEST(SoundexTest, StandardVectors) {
  EXPECT_EQ(Soundex("robert"), "r163");
  EXPECT_EQ(Soundex("rupert"), "r163");
  EXPECT_EQ(Soundex("rubin"), "r150");
  EXPECT_EQ(Soundex("ashcraft"), "a261");  // s and c either side of h code once
  EXPECT_EQ(Soundex("ashcroft"), "a261");
  EXPECT_EQ(Soundex("tymczak"), "t522");   // c and z adjacent code once
  EXPECT_EQ(Soundex("pfister"), "p236");   // f codes as the first letter p does
  EXPECT_EQ(Soundex("honeyman"), "h555");  // y separates the n and m
}

TEST(SoundexTest, PaddingTruncationAndCase) {
  EXPECT_EQ(Soundex("lee"), "l000");
  EXPECT_EQ(Soundex("smith"), "s530");
  EXPECT_EQ(Soundex("smyth"), "s530");
  EXPECT_EQ(Soundex("jackson"), "j250");
  EXPECT_EQ(Soundex("gutierrez"), "g362");
  EXPECT_EQ(Soundex("lloyd"), "l300");
  EXPECT_EQ(Soundex("washington"), "w252");
  EXPECT_EQ(Soundex("SMITH"), "s530");
  EXPECT_EQ(Soundex(""), "");
}

PersonElements FullElements() {
  return {{v1::FORENAME, "siobhan"},
          {v1::SURNAME, "oneill"},
          {v1::DATE_OF_BIRTH, "19900312"},
          {v1::SEX, "f"},
          {v1::POSTCODE, "L81AB"}};
}

TEST(DerivedElementsTest, AllDerivedFromAFullSet) {
  PersonElements elements = FullElements();
  AddDerivedElements(&elements);
  EXPECT_THAT(elements,
              UnorderedElementsAre(Pair(v1::FORENAME, "siobhan"), Pair(v1::SURNAME, "oneill"),
                                   Pair(v1::DATE_OF_BIRTH, "19900312"), Pair(v1::SEX, "f"),
                                   Pair(v1::POSTCODE, "L81AB"), Pair(v1::SURNAME_PHONETIC, "o540"),
                                   Pair(v1::FORENAME_INITIAL, "s"), Pair(v1::BIRTH_YEAR, "1990"),
                                   Pair(v1::POSTCODE_DISTRICT_OF_PERSON, "l8"),
                                   Pair(v1::DATE_OF_BIRTH_UNORDERED, "19900312")));
}

TEST(DerivedElementsTest, DayMonthSwapGivesTheSameUnorderedDate) {
  PersonElements right = {{v1::DATE_OF_BIRTH, "19900312"}};
  PersonElements swapped = {{v1::DATE_OF_BIRTH, "19901203"}};
  AddDerivedElements(&right);
  AddDerivedElements(&swapped);
  EXPECT_EQ(right.at(v1::DATE_OF_BIRTH_UNORDERED), "19900312");
  EXPECT_EQ(swapped.at(v1::DATE_OF_BIRTH_UNORDERED), "19900312");
  EXPECT_NE(right.at(v1::DATE_OF_BIRTH), swapped.at(v1::DATE_OF_BIRTH));
}

TEST(DerivedElementsTest, OutwardCodesOfEveryShape) {
  for (const auto& [postcode, district] : {std::pair<const char*, const char*>{"L81AB", "l8"},
                                           {"L181AB", "l18"},
                                           {"CH411AA", "ch41"},
                                           {"SW1A1AA", "sw1a"},
                                           {"W1A0AX", "w1a"}}) {
    PersonElements elements = {{v1::POSTCODE, postcode}};
    AddDerivedElements(&elements);
    EXPECT_EQ(elements.at(v1::POSTCODE_DISTRICT_OF_PERSON), district) << postcode;
  }
}

TEST(DerivedElementsTest, MissingSourceMeansNoDerivedElementNeverAnEmptyOne) {
  for (v1::PersonElement source : {v1::FORENAME, v1::SURNAME, v1::DATE_OF_BIRTH, v1::POSTCODE}) {
    PersonElements elements = FullElements();
    elements.erase(source);
    AddDerivedElements(&elements);
    for (const auto& [element, value] : elements) {
      EXPECT_FALSE(value.empty()) << v1::PersonElement_Name(element);
    }
    switch (source) {
      case v1::FORENAME:
        EXPECT_THAT(elements, Not(::testing::Contains(Key(v1::FORENAME_INITIAL))));
        break;
      case v1::SURNAME:
        EXPECT_THAT(elements, Not(::testing::Contains(Key(v1::SURNAME_PHONETIC))));
        break;
      case v1::DATE_OF_BIRTH:
        EXPECT_THAT(elements, Not(::testing::Contains(Key(v1::BIRTH_YEAR))));
        EXPECT_THAT(elements, Not(::testing::Contains(Key(v1::DATE_OF_BIRTH_UNORDERED))));
        break;
      default:
        EXPECT_THAT(elements, Not(::testing::Contains(Key(v1::POSTCODE_DISTRICT_OF_PERSON))));
    }
  }
}

TEST(DerivedElementsTest, StaleDerivedValuesAreReplacedOrRemoved) {
  PersonElements elements = {
      {v1::SURNAME, "smith"}, {v1::SURNAME_PHONETIC, "x999"}, {v1::BIRTH_YEAR, "1850"}};
  AddDerivedElements(&elements);
  EXPECT_THAT(elements,
              UnorderedElementsAre(Pair(v1::SURNAME, "smith"), Pair(v1::SURNAME_PHONETIC, "s530")));
}

TEST(AgeAtEventTest, CountsWholeYearsAroundTheBirthday) {
  const absl::CivilDay birth(2000, 6, 15);
  EXPECT_THAT(AgeAtEvent(birth, absl::CivilDay(2010, 6, 14)), Optional(9));
  EXPECT_THAT(AgeAtEvent(birth, absl::CivilDay(2010, 6, 15)), Optional(10));
  EXPECT_THAT(AgeAtEvent(birth, absl::CivilDay(2010, 6, 16)), Optional(10));
  EXPECT_THAT(AgeAtEvent(birth, absl::CivilDay(2010, 5, 31)), Optional(9));
  EXPECT_THAT(AgeAtEvent(birth, absl::CivilDay(2010, 7, 1)), Optional(10));
  EXPECT_THAT(AgeAtEvent(birth, absl::CivilDay(2010, 12, 31)), Optional(10));
  EXPECT_THAT(AgeAtEvent(birth, absl::CivilDay(2011, 1, 1)), Optional(10));
}

TEST(AgeAtEventTest, LeapDayBirthdays) {
  const absl::CivilDay birth(2004, 2, 29);
  EXPECT_THAT(AgeAtEvent(birth, absl::CivilDay(2004, 2, 29)), Optional(0));
  EXPECT_THAT(AgeAtEvent(birth, absl::CivilDay(2005, 2, 28)), Optional(0));
  // In a common year the birthday is taken as 1 March (UK convention).
  EXPECT_THAT(AgeAtEvent(birth, absl::CivilDay(2005, 3, 1)), Optional(1));
  EXPECT_THAT(AgeAtEvent(birth, absl::CivilDay(2008, 2, 28)), Optional(3));
  EXPECT_THAT(AgeAtEvent(birth, absl::CivilDay(2008, 2, 29)), Optional(4));
  EXPECT_THAT(AgeAtEvent(birth, absl::CivilDay(2022, 2, 28)), Optional(17));
  EXPECT_THAT(AgeAtEvent(birth, absl::CivilDay(2022, 3, 1)), Optional(18));
}

TEST(AgeAtEventTest, EventOnTheDayOfBirthIsZero) {
  EXPECT_THAT(AgeAtEvent(absl::CivilDay(2020, 1, 1), absl::CivilDay(2020, 1, 1)), Optional(0));
  EXPECT_THAT(AgeAtEvent(absl::CivilDay(2019, 12, 31), absl::CivilDay(2020, 1, 1)), Optional(0));
}

TEST(AgeAtEventTest, ImpossibleAgesAreMissing) {
  EXPECT_EQ(AgeAtEvent(absl::CivilDay(2020, 1, 2), absl::CivilDay(2020, 1, 1)), absl::nullopt);
  EXPECT_EQ(AgeAtEvent(absl::CivilDay(2021, 1, 1), absl::CivilDay(2020, 6, 1)), absl::nullopt);
  EXPECT_THAT(AgeAtEvent(absl::CivilDay(1900, 6, 1), absl::CivilDay(2020, 6, 1)), Optional(120));
  EXPECT_EQ(AgeAtEvent(absl::CivilDay(1900, 5, 31), absl::CivilDay(2021, 6, 1)), absl::nullopt);
}

TEST(AgeBandTest, Edges) {
  EXPECT_EQ(AgeBand(0), "0-9");
  EXPECT_EQ(AgeBand(9), "0-9");
  EXPECT_EQ(AgeBand(10), "10-17");
  EXPECT_EQ(AgeBand(17), "10-17");
  EXPECT_EQ(AgeBand(18), "18-24");
  EXPECT_EQ(AgeBand(24), "18-24");
  EXPECT_EQ(AgeBand(25), "25-34");
  EXPECT_EQ(AgeBand(34), "25-34");
  EXPECT_EQ(AgeBand(35), "35-44");
  EXPECT_EQ(AgeBand(44), "35-44");
  EXPECT_EQ(AgeBand(45), "45-54");
  EXPECT_EQ(AgeBand(54), "45-54");
  EXPECT_EQ(AgeBand(55), "55-64");
  EXPECT_EQ(AgeBand(64), "55-64");
  EXPECT_EQ(AgeBand(65), "65+");
  EXPECT_EQ(AgeBand(120), "65+");
}

}  // namespace
}  // namespace confide::agent
