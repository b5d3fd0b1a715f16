#include "agent/extract/value_parser.h"

#include <cstdint>
#include <limits>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace confide::agent {
namespace {

using ::confide::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(ValueParserTest, BooleanAcceptsAllSpellings) {
  for (const char* text : {"Y", "y", "Yes", "YES", "1", "TRUE", "true", "T", "t", " yes \t"}) {
    EXPECT_EQ(ParseBoolean(text).value_or(false), true) << text;
  }
  for (const char* text : {"N", "n", "No", "no", "0", "FALSE", "False", "F", "f", "  N"}) {
    EXPECT_EQ(ParseBoolean(text).value_or(true), false) << text;
  }
}

TEST(ValueParserTest, BooleanRejectsOtherText) {
  for (const char* text : {"", " ", "maybe", "yess", "2", "Y N", "on", "off", "-1", "ja"}) {
    EXPECT_THAT(ParseBoolean(text),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("expected a boolean")))
        << text;
  }
}

// gtest names allow only [A-Za-z0-9_]; the index keeps them unique.
std::string CaseName(size_t index, absl::string_view a, absl::string_view b = "") {
  std::string name = absl::StrCat(index, "_", a, b.empty() ? "" : "_", b);
  for (char& c : name) {
    c = absl::ascii_isalnum(static_cast<unsigned char>(c)) ? c : '_';
  }
  return name;
}

struct IntegerCase {
  std::string text;
  int64_t value;
};

class ValueParserIntegerTest : public ::testing::TestWithParam<IntegerCase> {};

TEST_P(ValueParserIntegerTest, Parses) {
  EXPECT_EQ(ParseInteger(GetParam().text).value_or(-424242), GetParam().value);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ValueParserIntegerTest,
    ::testing::Values(IntegerCase{"0", 0}, IntegerCase{"42", 42}, IntegerCase{" 42 ", 42},
                      IntegerCase{"+7", 7}, IntegerCase{"-7", -7}, IntegerCase{"007", 7},
                      IntegerCase{"-0", 0},
                      IntegerCase{"9223372036854775807", std::numeric_limits<int64_t>::max()},
                      IntegerCase{"-9223372036854775808", std::numeric_limits<int64_t>::min()}),
    [](const ::testing::TestParamInfo<IntegerCase>& param_info) {
      return CaseName(param_info.index, param_info.param.text);
    });
;

TEST(ValueParserTest, IntegerRejectsMalformedText) {
  for (const char* text : {"", "-", "+", "1.0", "1e3", "0x10", "--1", "+-1", "1 2", "abc", "١٢"}) {
    EXPECT_THAT(ParseInteger(text),
                StatusIs(absl::StatusCode::kInvalidArgument, "expected an integer"))
        << text;
  }
  EXPECT_THAT(ParseInteger("1,234"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("thousands separators")));
}

TEST(ValueParserTest, IntegerOverflowIsOutOfRange) {
  for (const char* text :
       {"9223372036854775808", "-9223372036854775809", "99999999999999999999999999999"}) {
    EXPECT_THAT(ParseInteger(text), StatusIs(absl::StatusCode::kOutOfRange)) << text;
  }
}

EnumSpec Ethnicity() {
  return EnumSpec{{"A", "B", "Not stated"},
                  {{"White British", "A"}, {"Mixed", "B"}, {"Unknown", "Not stated"}}};
}

TEST(ValueParserTest, EnumMatchesCodesAndSynonymsIgnoringCaseAndSpaces) {
  const EnumSpec spec = Ethnicity();
  EXPECT_EQ(ParseEnum("A", spec).value_or(""), "A");
  EXPECT_EQ(ParseEnum(" a ", spec).value_or(""), "A");
  EXPECT_EQ(ParseEnum("NOT STATED", spec).value_or(""), "Not stated");
  EXPECT_EQ(ParseEnum("notstated", spec).value_or(""), "Not stated");
  EXPECT_EQ(ParseEnum("  white   british", spec).value_or(""), "A");
  EXPECT_EQ(ParseEnum("WHITE\xC2\xA0"
                      "BRITISH",
                      spec)
                .value_or(""),
            "A");
  EXPECT_EQ(ParseEnum("unknown", spec).value_or(""), "Not stated");
}

TEST(ValueParserTest, EnumRejectsUnknownTextWithoutEchoingIt) {
  EXPECT_THAT(ParseEnum("Z-secret", Ethnicity()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::AllOf(HasSubstr("expected one of: A, B, Not stated"),
                                        Not(HasSubstr("secret")))));
  EXPECT_THAT(ParseEnum("", Ethnicity()), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ValueParserTest, EnumSynonymToUnknownCodeIsAConfigurationError) {
  const EnumSpec spec{{"A"}, {{"alpha", "Q"}}};
  EXPECT_THAT(ParseEnum("Alpha", spec), StatusIs(absl::StatusCode::kFailedPrecondition));
}

struct PostcodeCase {
  std::string text;
  std::string full;
  std::string district;
  std::string sector;
};

class ValueParserPostcodeTest : public ::testing::TestWithParam<PostcodeCase> {};

TEST_P(ValueParserPostcodeTest, Normalises) {
  absl::StatusOr<Postcode> postcode = ParsePostcode(GetParam().text);
  ASSERT_THAT(postcode, ::confide::testing::IsOk());
  EXPECT_EQ(postcode->full, GetParam().full);
  EXPECT_EQ(postcode->district, GetParam().district);
  EXPECT_EQ(postcode->sector, GetParam().sector);
}

INSTANTIATE_TEST_SUITE_P(Cases, ValueParserPostcodeTest,
                         ::testing::Values(PostcodeCase{"l81ab", "L8 1AB", "L8", "L8 1"},
                                           PostcodeCase{"L8 1AB", "L8 1AB", "L8", "L8 1"},
                                           PostcodeCase{"  l8   1ab ", "L8 1AB", "L8", "L8 1"},
                                           PostcodeCase{"M60 1NW", "M60 1NW", "M60", "M60 1"},
                                           PostcodeCase{"cr26xh", "CR2 6XH", "CR2", "CR2 6"},
                                           PostcodeCase{"DN55 1PT", "DN55 1PT", "DN55", "DN55 1"},
                                           PostcodeCase{"W1A 1HQ", "W1A 1HQ", "W1A", "W1A 1"},
                                           PostcodeCase{"EC1A1BB", "EC1A 1BB", "EC1A", "EC1A 1"},
                                           PostcodeCase{"sw1a 2aa", "SW1A 2AA", "SW1A", "SW1A 2"},
                                           PostcodeCase{"gir0aa", "GIR 0AA", "GIR", "GIR 0"}),
                         [](const ::testing::TestParamInfo<PostcodeCase>& param_info) {
                           return CaseName(param_info.index, param_info.param.text);
                         });
;

TEST(ValueParserTest, PostcodeRejectsBadShapesWithoutEchoingThem) {
  for (const char* text : {"", "L8", "L81A", "L8 1ABC", "8L 1AB", "L8 AAB", "L8 11B", "LLL8 1AB",
                           "Q1 1AB", "AI1 1AB", "A1I 1AB", "AA1C 1AB", "L8 1CB", "L8 1AV", "L8-1AB",
                           "L8 1AB!", "ZZ99 9ZZ9", "L\xC3\xA9 1AB"}) {
    absl::StatusOr<Postcode> postcode = ParsePostcode(text);
    EXPECT_THAT(postcode,
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("expected a UK postcode")))
        << text;
    if (!postcode.ok() && std::string(text).size() > 2) {
      EXPECT_THAT(std::string(postcode.status().message()), Not(HasSubstr(text)));
    }
  }
}

}  // namespace
}  // namespace confide::agent
