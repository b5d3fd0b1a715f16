#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "agent/extract/internal/uk_time.h"
#include "agent/extract/value_parser.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace confide::agent {
namespace {

using ::confide::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

// gtest names allow only [A-Za-z0-9_]; the index keeps them unique.
std::string CaseName(size_t index, absl::string_view a, absl::string_view b = "") {
  std::string name = absl::StrCat(index, "_", a, b.empty() ? "" : "_", b);
  for (char& c : name) {
    c = absl::ascii_isalnum(static_cast<unsigned char>(c)) ? c : '_';
  }
  return name;
}

struct DateCase {
  std::string format;
  std::string text;
  absl::CivilDay expected;
};

class ValueParserDateTest : public ::testing::TestWithParam<DateCase> {};

TEST_P(ValueParserDateTest, Parses) {
  absl::StatusOr<absl::CivilDay> day = ParseDate(GetParam().text, GetParam().format);
  ASSERT_THAT(day, ::confide::testing::IsOk());
  EXPECT_EQ(*day, GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ValueParserDateTest,
    ::testing::Values(DateCase{"dd/mm/yyyy", "03/04/2025", absl::CivilDay(2025, 4, 3)},
                      DateCase{"dd/mm/yyyy", "1/2/2025", absl::CivilDay(2025, 2, 1)},
                      DateCase{"dd/mm/yyyy", " 29/02/2024 ", absl::CivilDay(2024, 2, 29)},
                      DateCase{"mm/dd/yyyy", "04/03/2025", absl::CivilDay(2025, 4, 3)},
                      DateCase{"mm/dd/yyyy", "12/31/1999", absl::CivilDay(1999, 12, 31)},
                      DateCase{"yyyy-mm-dd", "2025-04-03", absl::CivilDay(2025, 4, 3)},
                      DateCase{"yyyy-mm-dd", "2025-4-3", absl::CivilDay(2025, 4, 3)},
                      DateCase{"dd-mm-yyyy", "03-04-2025", absl::CivilDay(2025, 4, 3)},
                      DateCase{"dd.mm.yyyy", "3.4.2025", absl::CivilDay(2025, 4, 3)},
                      DateCase{"yyyymmdd", "20250403", absl::CivilDay(2025, 4, 3)},
                      DateCase{"yyyymmdd", "19000101", absl::CivilDay(1900, 1, 1)},
                      DateCase{"yyyymmdd", "21001231", absl::CivilDay(2100, 12, 31)},
                      DateCase{"dd/mm/yy", "03/04/25", absl::CivilDay(2025, 4, 3)},
                      DateCase{"dd/mm/yy", "03/04/30", absl::CivilDay(2030, 4, 3)},
                      DateCase{"dd/mm/yy", "03/04/31", absl::CivilDay(1931, 4, 3)},
                      DateCase{"dd/mm/yy", "1/1/00", absl::CivilDay(2000, 1, 1)},
                      DateCase{"excel_serial", "1", absl::CivilDay(1900, 1, 1)},
                      DateCase{"excel_serial", "59", absl::CivilDay(1900, 2, 28)},
                      DateCase{"excel_serial", "61", absl::CivilDay(1900, 3, 1)},
                      DateCase{"excel_serial", "36526", absl::CivilDay(2000, 1, 1)},
                      DateCase{"excel_serial", "45658", absl::CivilDay(2025, 1, 1)},
                      DateCase{"excel_serial", "45658.75", absl::CivilDay(2025, 1, 1)},
                      DateCase{"excel_serial", "45658.999999", absl::CivilDay(2025, 1, 1)},
                      DateCase{"excel_serial", "73415", absl::CivilDay(2100, 12, 31)}),
    [](const ::testing::TestParamInfo<DateCase>& param_info) {
      return CaseName(param_info.index, param_info.param.format, param_info.param.text);
    });

struct ErrorCase {
  std::string format;
  std::string text;
  std::string message;  // substring
};

class ValueParserDateErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ValueParserDateErrorTest, Rejects) {
  const ErrorCase& c = GetParam();
  absl::StatusOr<absl::CivilDay> day = ParseDate(c.text, c.format);
  EXPECT_THAT(day, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.message)));
  if (c.text.size() > 3) {
    EXPECT_THAT(std::string(day.status().message()), Not(HasSubstr(c.text)));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ValueParserDateErrorTest,
    ::testing::Values(
        ErrorCase{"dd/mm/yyyy", "31/02/2025", "day 31 is not valid for month 2"},
        ErrorCase{"dd/mm/yyyy", "29/02/2023", "day 29 is not valid for month 2 of 2023"},
        ErrorCase{"dd/mm/yyyy", "31/04/2025", "day 31 is not valid for month 4"},
        ErrorCase{"dd/mm/yyyy", "00/04/2025", "day 0 is not valid for month 4"},
        ErrorCase{"dd/mm/yyyy", "12/13/2025", "month 13 is not valid"},
        ErrorCase{"dd/mm/yyyy", "12/00/2025", "month 0 is not valid"},
        ErrorCase{"dd/mm/yyyy", "01/01/1899", "year 1899 is outside 1900..2100"},
        ErrorCase{"yyyymmdd", "21010101", "year 2101 is outside 1900..2100"},
        ErrorCase{"dd/mm/yyyy", "2025-04-03", "expected a date in format dd/mm/yyyy"},
        ErrorCase{"dd/mm/yyyy", "03/04/25", "expected a date in format dd/mm/yyyy"},
        ErrorCase{"dd/mm/yyyy", "03/04/20255", "expected a date in format dd/mm/yyyy"},
        ErrorCase{"dd/mm/yyyy", "003/04/2025", "expected a date in format dd/mm/yyyy"},
        ErrorCase{"dd/mm/yyyy", "03/04/2025 10:00", "expected a date in format dd/mm/yyyy"},
        ErrorCase{"dd/mm/yyyy", "03-04-2025", "expected a date in format dd/mm/yyyy"},
        ErrorCase{"dd/mm/yyyy", "", "expected a date in format dd/mm/yyyy"},
        ErrorCase{"dd/mm/yy", "03/04/2025", "expected a date in format dd/mm/yy"},
        ErrorCase{"yyyymmdd", "2025043", "expected a date in format yyyymmdd"},
        ErrorCase{"yyyymmdd", "2025-04-03", "expected a date in format yyyymmdd"},
        ErrorCase{"yyyy-mm-dd", "+2025-04-03", "expected a date in format yyyy-mm-dd"},
        ErrorCase{"excel_serial", "60", "1900-02-29"},
        ErrorCase{"excel_serial", "0", "Excel serial 0 is not a date"},
        ErrorCase{"excel_serial", "-5", "expected an Excel serial date number"},
        ErrorCase{"excel_serial", "4.5e4", "expected an Excel serial date number"},
        ErrorCase{"excel_serial", "45658.", "expected an Excel serial date number"},
        ErrorCase{"excel_serial", "73416", "year 2101 is outside"},
        ErrorCase{"excel_serial", "99999999", "expected an Excel serial date number"},
        ErrorCase{"d/m/y", "1/1/2025", "unknown date format \"d/m/y\""}),
    [](const ::testing::TestParamInfo<ErrorCase>& param_info) {
      return CaseName(param_info.index, param_info.param.format, param_info.param.text);
    });
;

struct DateTimeCase {
  std::string format;
  std::string text;
  absl::CivilSecond expected;
};

class ValueParserDateTimeTest : public ::testing::TestWithParam<DateTimeCase> {};

TEST_P(ValueParserDateTimeTest, Parses) {
  absl::StatusOr<absl::CivilSecond> when = ParseDateTime(GetParam().text, GetParam().format);
  ASSERT_THAT(when, ::confide::testing::IsOk());
  EXPECT_EQ(*when, GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ValueParserDateTimeTest,
    ::testing::Values(
        DateTimeCase{"yyyy-mm-dd hh:mm[:ss]", "2025-04-03 14:05",
                     absl::CivilSecond(2025, 4, 3, 14, 5, 0)},
        DateTimeCase{"yyyy-mm-dd hh:mm[:ss]", "2025-04-03 14:05:09",
                     absl::CivilSecond(2025, 4, 3, 14, 5, 9)},
        DateTimeCase{"yyyy-mm-dd hh:mm:ss", "2025-04-03 00:00:00",
                     absl::CivilSecond(2025, 4, 3, 0, 0, 0)},
        DateTimeCase{"dd/mm/yyyy hh:mm[:ss]", "3/4/2025 9:05",
                     absl::CivilSecond(2025, 4, 3, 9, 5, 0)},
        DateTimeCase{"dd/mm/yyyy hh:mm", "03/04/2025 23:59:59",
                     absl::CivilSecond(2025, 4, 3, 23, 59, 59)},
        DateTimeCase{"dd/mm/yyyy", "03/04/2025", absl::CivilSecond(2025, 4, 3, 0, 0, 0)},
        DateTimeCase{"iso8601", "2025-01-15T10:20", absl::CivilSecond(2025, 1, 15, 10, 20, 0)},
        DateTimeCase{"iso8601", "2025-01-15T10:20:30.123",
                     absl::CivilSecond(2025, 1, 15, 10, 20, 30)},
        DateTimeCase{"iso8601", "2025-01-15T10:20:30Z", absl::CivilSecond(2025, 1, 15, 10, 20, 30)},
        DateTimeCase{"iso8601", "2025-07-15T10:20:30Z", absl::CivilSecond(2025, 7, 15, 11, 20, 30)},
        DateTimeCase{"iso8601", "2025-07-15T10:20:30.5+01:00",
                     absl::CivilSecond(2025, 7, 15, 10, 20, 30)},
        DateTimeCase{"iso8601", "2025-07-15T10:20:30-0400",
                     absl::CivilSecond(2025, 7, 15, 15, 20, 30)},
        DateTimeCase{"iso8601", "2025-01-15T01:00:00+05:30",
                     absl::CivilSecond(2025, 1, 14, 19, 30, 0)},
        DateTimeCase{"iso8601", "2025-03-30T00:59:59Z", absl::CivilSecond(2025, 3, 30, 0, 59, 59)},
        DateTimeCase{"iso8601", "2025-03-30T01:00:00Z", absl::CivilSecond(2025, 3, 30, 2, 0, 0)},
        DateTimeCase{"iso8601", "2025-10-26T00:59:59Z", absl::CivilSecond(2025, 10, 26, 1, 59, 59)},
        DateTimeCase{"iso8601", "2025-10-26T01:00:00Z", absl::CivilSecond(2025, 10, 26, 1, 0, 0)},
        DateTimeCase{"iso8601", "2024-12-31T23:30:00-01:00",
                     absl::CivilSecond(2025, 1, 1, 0, 30, 0)},
        DateTimeCase{"excel_serial", "45658", absl::CivilSecond(2025, 1, 1, 0, 0, 0)},
        DateTimeCase{"excel_serial", "45658.5", absl::CivilSecond(2025, 1, 1, 12, 0, 0)},
        DateTimeCase{"excel_serial", "45658.604166666664",
                     absl::CivilSecond(2025, 1, 1, 14, 30, 0)},
        DateTimeCase{"excel_serial", "45658.99999999", absl::CivilSecond(2025, 1, 2, 0, 0, 0)},
        DateTimeCase{"excel_serial", "1.25", absl::CivilSecond(1900, 1, 1, 6, 0, 0)}),
    [](const ::testing::TestParamInfo<DateTimeCase>& param_info) {
      return CaseName(param_info.index, param_info.param.format, param_info.param.text);
    });
;

TEST(ValueParserDateTimeErrorTest, RejectsMalformedOrImpossibleDateTimes) {
  const struct {
    const char* format;
    const char* text;
    const char* message;
  } cases[] = {
      {"yyyy-mm-dd hh:mm[:ss]", "2025-04-03", "expected a date-time in format"},
      {"yyyy-mm-dd hh:mm[:ss]", "2025-04-03T10:00", "expected a date-time in format"},
      {"yyyy-mm-dd hh:mm[:ss]", "2025-04-03 10:0", "expected a date-time in format"},
      {"yyyy-mm-dd hh:mm[:ss]", "2025-04-03 24:00", "hour 24 is not valid"},
      {"yyyy-mm-dd hh:mm[:ss]", "2025-04-03 10:60", "minute 60 is not valid"},
      {"dd/mm/yyyy hh:mm[:ss]", "03/04/2025 10:00:60", "second 60 is not valid"},
      {"dd/mm/yyyy hh:mm[:ss]", "31/02/2025 10:00", "day 31 is not valid for month 2"},
      {"iso8601", "2025-1-15T10:20", "expected a date-time in format iso8601"},
      {"iso8601", "2025-01-15", "expected a date-time in format iso8601"},
      {"iso8601", "2025-01-15T10:20+1", "expected a date-time in format iso8601"},
      {"iso8601", "2025-01-15T10:20:30+19:00", "expected a date-time in format iso8601"},
      {"iso8601", "2025-01-15T10:20:30.Z", "expected a date-time in format iso8601"},
      {"iso8601", "2025-01-15T10:20:30ZZ", "expected a date-time in format iso8601"},
      {"iso8601", "1899-12-31T23:00:00Z", "year 1899 is outside 1900..2100"},
      {"excel_serial", "60.5", "1900-02-29"},
      {"hh:mm", "10:00", "unknown date-time format \"hh:mm\""},
  };
  for (const auto& c : cases) {
    EXPECT_THAT(ParseDateTime(c.text, c.format),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.message)))
        << c.format << " / " << c.text;
  }
}

// The built-in rule must agree with tzdata for every hour in the years the
// rule has held (1996 on), so hosts without tzdata convert the same way.
TEST(ValueParserUkTimeTest, BuiltInRuleMatchesTzdata) {
  absl::TimeZone london;
  if (!absl::LoadTimeZone("Europe/London", &london)) {
    GTEST_SKIP() << "no tzdata on this host";
  }
  for (absl::CivilHour hour(1996, 1, 1, 0); hour < absl::CivilHour(2038, 1, 1, 0); ++hour) {
    const absl::CivilSecond utc(hour);
    const absl::CivilSecond expected =
        absl::ToCivilSecond(absl::FromCivil(utc, absl::UTCTimeZone()), london);
    ASSERT_EQ(internal::UkCivilFromUtcBuiltIn(utc), expected) << utc;
    ASSERT_EQ(internal::UkCivilFromUtc(utc), expected) << utc;
  }
}

}  // namespace
}  // namespace confide::agent
