#include "agent/normalise.h"

#include <string>

#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace confide::agent {
namespace {

using ::testing::Eq;
using ::testing::Optional;

TEST(NormaliseNameTest, FoldsAccents) {
  EXPECT_THAT(NormaliseName("Siobh\xc3\xa1n"), Optional(Eq("siobhan")));        // Siobhán
  EXPECT_THAT(NormaliseName("Zo\xc3\xab"), Optional(Eq("zoe")));                // Zoë
  EXPECT_THAT(NormaliseName("Ren\xc3\xa9\x65"), Optional(Eq("renee")));         // Renée
  EXPECT_THAT(NormaliseName("M\xc3\xbcller"), Optional(Eq("muller")));          // Müller
  EXPECT_THAT(NormaliseName("\xc3\x89owyn"), Optional(Eq("eowyn")));            // Éowyn
  EXPECT_THAT(NormaliseName("Fran\xc3\xa7ois"), Optional(Eq("francois")));      // François
  EXPECT_THAT(NormaliseName("N\xc3\xba\xc3\xb1\x65z"), Optional(Eq("nunez")));  // Núñez
}

TEST(NormaliseNameTest, AccentedAndPlainSpellingsAgree) {
  EXPECT_EQ(NormaliseName("Siobh\xc3\xa1n"), NormaliseName("SIOBHAN"));
  EXPECT_EQ(NormaliseName("Zo\xc3\xab"), NormaliseName("Zoe"));
}

TEST(NormaliseNameTest, RemovesApostrophesHyphensSpacesAndPunctuation) {
  EXPECT_THAT(NormaliseName("O'Neill"), Optional(Eq("oneill")));
  EXPECT_THAT(NormaliseName("O\xe2\x80\x99Neill"), Optional(Eq("oneill")));  // curly apostrophe
  EXPECT_THAT(NormaliseName("Smith-Jones"), Optional(Eq("smithjones")));
  EXPECT_EQ(NormaliseName("Smith-Jones"), NormaliseName("Smith Jones"));
  EXPECT_EQ(NormaliseName("Smith-Jones"), NormaliseName("  smith  JONES "));
  EXPECT_THAT(NormaliseName("St. John"), Optional(Eq("stjohn")));
  EXPECT_THAT(NormaliseName("Mary-Ann (Annie)"), Optional(Eq("maryannannie")));
}

TEST(NormaliseNameTest, DigitsAreNotPartOfNames) {
  EXPECT_THAT(NormaliseName("John2"), Optional(Eq("john")));
  EXPECT_EQ(NormaliseName("12345"), absl::nullopt);
}

TEST(NormaliseNameTest, MissingAndPlaceholdersAreNullNeverEmpty) {
  for (const char* placeholder :
       {"", "   ", "-", "'", "Unknown", "UNKNOWN", "unknown ", "N/A", "n/a", "NA", "None",
        "Not Known", "not-known", "Not Stated", "NOT STATED"}) {
    SCOPED_TRACE(placeholder);
    EXPECT_EQ(NormaliseName(placeholder), absl::nullopt);
  }
}

TEST(NormaliseNameTest, RealNamesResemblingPlaceholdersSurvive) {
  EXPECT_THAT(NormaliseName("Nana"), Optional(Eq("nana")));
  EXPECT_THAT(NormaliseName("Noney"), Optional(Eq("noney")));
}

TEST(NormaliseNameTest, TruncatedUtf8IsIgnoredSafely) {
  EXPECT_THAT(NormaliseName("Zo\xc3"), Optional(Eq("zo")));
  EXPECT_EQ(NormaliseName("\xc3"), absl::nullopt);
}

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
  // 000000031: weighted sum 3*3 + 1*2 = 11, remainder 0, check value 11, so check digit 0.
  EXPECT_TRUE(IsValidNhsNumber("0000000310"));
  EXPECT_FALSE(IsValidNhsNumber("0000000311"));
}

TEST(NhsNumberTest, AllSameDigitPlaceholdersAreInvalid) {
  // Each of these passes the checksum; they are still placeholders.
  EXPECT_FALSE(IsValidNhsNumber("0000000000"));
  EXPECT_FALSE(IsValidNhsNumber("1111111111"));
  EXPECT_FALSE(IsValidNhsNumber("2222222222"));
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

TEST(NormaliseNhsNumberTest, RejectsInvalidAndMissing) {
  EXPECT_EQ(NormaliseNhsNumber(""), absl::nullopt);
  EXPECT_EQ(NormaliseNhsNumber("   "), absl::nullopt);
  EXPECT_EQ(NormaliseNhsNumber("9434765918"), absl::nullopt);
  EXPECT_EQ(NormaliseNhsNumber("111 111 1111"), absl::nullopt);
  EXPECT_EQ(NormaliseNhsNumber("9434765969"), absl::nullopt);
  EXPECT_EQ(NormaliseNhsNumber("94347659199"), absl::nullopt);
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

TEST(NormaliseDateOfBirthTest, FormatsAsYyyymmdd) {
  EXPECT_THAT(NormaliseDateOfBirth(absl::CivilDay(1990, 3, 12)), Optional(Eq("19900312")));
  EXPECT_THAT(NormaliseDateOfBirth(absl::CivilDay(2008, 12, 1)), Optional(Eq("20081201")));
  EXPECT_THAT(NormaliseDateOfBirth(absl::CivilDay(1901, 1, 1)), Optional(Eq("19010101")));
}

TEST(NormaliseDateOfBirthTest, PlaceholderDatesAreMissing) {
  EXPECT_EQ(NormaliseDateOfBirth(absl::CivilDay(1900, 1, 1)), absl::nullopt);
  EXPECT_EQ(NormaliseDateOfBirth(absl::CivilDay(1899, 12, 31)), absl::nullopt);
  EXPECT_EQ(NormaliseDateOfBirth(absl::CivilDay(1800, 1, 1)), absl::nullopt);
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
