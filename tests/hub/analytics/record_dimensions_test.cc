// Derived dimensions: time labels (checked against dates worked out independently, with
// timegm() rather than absl civil time) and the area / age-band lookups of RecordRowView.

#include "hub/analytics/record_dimensions.h"

#include <ctime>
#include <memory>
#include <set>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/policy.h"
#include "tests/testing/status_matchers.h"

namespace confide::hub {
namespace {

using ::confide::testing::IsOk;
using ::testing::Eq;
using ::testing::Optional;

// Civil seconds since 1970-01-01T00:00, computed with libc rather than absl.
int64_t At(int year, int month, int day, int hour = 0) {
  std::tm tm = {};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  return static_cast<int64_t>(timegm(&tm));
}

std::string Dim(absl::string_view dimension, int64_t event_time) {
  absl::optional<std::string> value = TimeDimension(dimension, event_time);
  EXPECT_TRUE(value.has_value()) << dimension;
  return value.value_or("<nullopt>");
}

TEST(TimeDimensionTest, EveryDimensionForOneFridayNight) {
  const int64_t t = At(2025, 3, 14, 21);  // Friday
  EXPECT_EQ(Dim("year", t), "2025");
  EXPECT_EQ(Dim("financial_year", t), "2024/25");
  EXPECT_EQ(Dim("quarter", t), "2025-Q1");
  EXPECT_EQ(Dim("month", t), "2025-03");
  EXPECT_EQ(Dim("week", t), "2025-W11");
  EXPECT_EQ(Dim("day", t), "2025-03-14");
  EXPECT_EQ(Dim("weekday", t), "5 Fri");
  EXPECT_EQ(Dim("hour", t), "21");
  EXPECT_EQ(Dim("hour_of_week", t), "5 Fri 21");
}

TEST(TimeDimensionTest, EveryPolicyTimeDimensionIsDerived) {
  for (const char* dimension : policy::kTimeDimensions) {
    EXPECT_TRUE(TimeDimension(dimension, At(2025, 6, 1)).has_value()) << dimension;
  }
}

TEST(TimeDimensionTest, UnknownDimensionIsNullopt) {
  for (const char* dimension : {"", "borough", "minute", "Year", "age_band", "week "}) {
    EXPECT_EQ(TimeDimension(dimension, At(2025, 6, 1)), absl::nullopt) << dimension;
  }
}

struct IsoCase {
  int year, month, day;
  const char* week;
};

TEST(TimeDimensionTest, IsoWeekEdgeCases) {
  // Worked out with Python's date.isocalendar().
  const IsoCase cases[] = {
      {2024, 12, 30, "2025-W01"}, {2021, 1, 3, "2020-W53"},   {2026, 1, 1, "2026-W01"},
      {2027, 1, 1, "2026-W53"},   {2020, 12, 31, "2020-W53"}, {2019, 12, 30, "2020-W01"},
      {2008, 12, 29, "2009-W01"}, {2010, 1, 3, "2009-W53"},   {2015, 12, 31, "2015-W53"},
      {2016, 1, 3, "2015-W53"},   {2016, 1, 4, "2016-W01"},   {2018, 12, 31, "2019-W01"},
      {2023, 1, 1, "2022-W52"},   {2023, 1, 2, "2023-W01"},   {1969, 12, 31, "1970-W01"},
      {1900, 1, 1, "1900-W01"},
  };
  for (const IsoCase& c : cases) {
    for (int hour : {0, 23}) {
      EXPECT_EQ(Dim("week", At(c.year, c.month, c.day, hour)), c.week)
          << c.year << "-" << c.month << "-" << c.day << " " << hour << ":00";
    }
  }
}

TEST(TimeDimensionTest, IsoWeeksChangeOnMondaysAndCountUpWithoutGaps) {
  std::string previous = Dim("week", At(1994, 12, 31));
  int weeks_in_year = 0;
  for (int64_t t = At(1995, 1, 1); t < At(2040, 1, 1); t += 86400) {
    const std::string week = Dim("week", t);
    const bool monday = Dim("weekday", t) == "1 Mon";
    if (!monday) {
      ASSERT_EQ(week, previous) << Dim("day", t);
      continue;
    }
    std::vector<std::string> parts = absl::StrSplit(week, "-W");
    std::vector<std::string> before = absl::StrSplit(previous, "-W");
    ASSERT_EQ(parts.size(), 2u) << week;
    int year = 0, number = 0, previous_year = 0, previous_number = 0;
    ASSERT_TRUE(absl::SimpleAtoi(parts[0], &year) && absl::SimpleAtoi(parts[1], &number));
    ASSERT_TRUE(absl::SimpleAtoi(before[0], &previous_year) &&
                absl::SimpleAtoi(before[1], &previous_number));
    if (number == 1) {
      ASSERT_EQ(year, previous_year + 1) << Dim("day", t);
      ASSERT_TRUE(previous_number == 52 || previous_number == 53) << previous;
      weeks_in_year = 0;
    } else {
      ASSERT_EQ(year, previous_year) << Dim("day", t);
      ASSERT_EQ(number, previous_number + 1) << Dim("day", t);
    }
    ++weeks_in_year;
    // An ISO week's Monday lies between 29 Dec of the year before and 28 Dec of its year.
    const std::string day = Dim("day", t);
    const int calendar_year = std::stoi(day.substr(0, 4));
    ASSERT_TRUE(calendar_year == year || (calendar_year == year - 1 && day.substr(5, 2) == "12"))
        << day << " " << week;
    previous = week;
  }
}

TEST(TimeDimensionTest, FinancialYearStartsOnFirstOfApril) {
  EXPECT_EQ(Dim("financial_year", At(2025, 3, 31, 23)), "2024/25");
  EXPECT_EQ(Dim("financial_year", At(2025, 4, 1, 0)), "2025/26");
  EXPECT_EQ(Dim("financial_year", At(2025, 1, 1, 0)), "2024/25");
  EXPECT_EQ(Dim("financial_year", At(2025, 12, 31, 23)), "2025/26");
  EXPECT_EQ(Dim("financial_year", At(1999, 4, 1, 0)), "1999/00");
  EXPECT_EQ(Dim("financial_year", At(2000, 3, 31, 0)), "1999/00");
  EXPECT_EQ(Dim("financial_year", At(2009, 4, 1, 0)), "2009/10");
}

TEST(TimeDimensionTest, QuarterAndMonthBoundaries) {
  EXPECT_EQ(Dim("quarter", At(2025, 3, 31, 23)), "2025-Q1");
  EXPECT_EQ(Dim("quarter", At(2025, 4, 1, 0)), "2025-Q2");
  EXPECT_EQ(Dim("quarter", At(2025, 9, 30, 23)), "2025-Q3");
  EXPECT_EQ(Dim("quarter", At(2025, 10, 1, 0)), "2025-Q4");
  EXPECT_EQ(Dim("quarter", At(2025, 12, 31, 23)), "2025-Q4");
  EXPECT_EQ(Dim("month", At(2024, 2, 29, 23)), "2024-02");
  EXPECT_EQ(Dim("month", At(2024, 3, 1, 0)), "2024-03");
  EXPECT_EQ(Dim("day", At(2024, 2, 29, 12)), "2024-02-29");
  EXPECT_EQ(Dim("year", At(2024, 12, 31, 23)), "2024");
  EXPECT_EQ(Dim("year", At(2025, 1, 1, 0)), "2025");
}

TEST(TimeDimensionTest, EventTimesBefore1970) {
  // Negative event times must floor, not truncate towards zero.
  EXPECT_EQ(Dim("day", At(1969, 12, 31, 23)), "1969-12-31");
  EXPECT_EQ(Dim("hour", At(1969, 12, 31, 23)), "23");
  EXPECT_EQ(Dim("weekday", At(1969, 12, 31, 23)), "3 Wed");
  EXPECT_EQ(Dim("day", At(1900, 1, 1, 0)), "1900-01-01");
  EXPECT_EQ(Dim("hour_of_week", At(1900, 1, 1, 5)), "1 Mon 05");
}

TEST(TimeDimensionTest, HourOfWeekLabelsCoverTheWeekInOrder) {
  // 2025-06-02 is a Monday.
  EXPECT_EQ(Dim("hour_of_week", At(2025, 6, 2, 0)), "1 Mon 00");
  EXPECT_EQ(Dim("hour_of_week", At(2025, 6, 7, 22)), "6 Sat 22");
  EXPECT_EQ(Dim("hour_of_week", At(2025, 6, 8, 23)), "7 Sun 23");
  EXPECT_EQ(Dim("hour_of_week", At(2025, 6, 9, 0)), "1 Mon 00");
  std::set<std::string> labels;
  std::string previous;
  for (int h = 0; h < 168; ++h) {
    const int64_t t = At(2025, 6, 2) + 3600 * h;
    const std::string label = Dim("hour_of_week", t);
    EXPECT_LT(previous, label) << "labels must sort in time order within the week";
    EXPECT_EQ(label, absl::StrCat(Dim("weekday", t), " ", Dim("hour", t)));
    labels.insert(label);
    previous = label;
  }
  EXPECT_EQ(labels.size(), 168u);
}

TEST(TimeDimensionTest, CalendarLabelsSortInTimeOrder) {
  const char* kCalendar[] = {"year", "financial_year", "quarter", "month", "week", "day"};
  for (const char* dimension : kCalendar) {
    std::string previous;
    for (int64_t t = At(1998, 1, 1); t < At(2032, 1, 1); t += 86400) {
      const std::string label = Dim(dimension, t);
      ASSERT_LE(previous, label) << dimension << " at " << Dim("day", t);
      previous = label;
    }
  }
}

TEST(AgeBandTest, BandBoundaries) {
  const std::pair<int, const char*> cases[] = {
      {0, "0-9"},    {9, "0-9"},    {10, "10-17"}, {17, "10-17"}, {18, "18-24"}, {24, "18-24"},
      {25, "25-34"}, {34, "25-34"}, {35, "35-44"}, {44, "35-44"}, {45, "45-54"}, {54, "45-54"},
      {55, "55-64"}, {64, "55-64"}, {65, "65+"},   {120, "65+"},
  };
  for (const auto& [age, band] : cases) {
    EXPECT_EQ(AgeBandOf(age), band) << age;
  }
}

class RecordRowViewTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::shared_ptr<const policy::Policy>> loaded = policy::Policy::FromFile(
        CONFIDE_SOURCE_DIR "/deploy/policy/merseyside.textpb", absl::CivilDay(2026, 6, 1));
    ASSERT_THAT(loaded, IsOk());
    policy_ = *loaded;
  }
  const v1::Dataset& Dataset(absl::string_view id) { return *policy_->FindDataset(id); }

  v1::StoredRecord Record(std::initializer_list<std::pair<const char*, const char*>> values) {
    v1::StoredRecord record;
    record.set_dataset("police_crime");
    record.set_event_time(At(2025, 3, 14, 21));
    for (const auto& [name, value] : values) {
      (*record.mutable_values())[name] = value;
    }
    return record;
  }
  absl::optional<std::string> Get(const RecordRowView& view, absl::string_view column) {
    absl::optional<absl::string_view> value = view.Get(column);
    return value.has_value() ? absl::optional<std::string>(std::string(*value)) : absl::nullopt;
  }

  std::shared_ptr<const policy::Policy> policy_;
};

TEST_F(RecordRowViewTest, SentValuesAndDerivedDimensions) {
  RecordRowView view(*policy_, Dataset("police_crime"));
  v1::StoredRecord record = Record({{"district", "L8"},
                                    {"age", "17"},
                                    {"sex", "f"},
                                    {"offence_group", "robbery"},
                                    {"knife", "true"}});
  view.Reset(record);
  EXPECT_THAT(Get(view, "sex"), Optional(Eq("f")));
  EXPECT_THAT(Get(view, "offence_group"), Optional(Eq("robbery")));
  EXPECT_THAT(Get(view, "knife"), Optional(Eq("true")));
  EXPECT_THAT(Get(view, "district"), Optional(Eq("L8")));
  EXPECT_THAT(Get(view, "ward"), Optional(Eq("Riverside")));
  EXPECT_THAT(Get(view, "borough"), Optional(Eq("Liverpool")));
  EXPECT_THAT(Get(view, "age_band"), Optional(Eq("10-17")));
  EXPECT_THAT(Get(view, "month"), Optional(Eq("2025-03")));
  EXPECT_THAT(Get(view, "hour_of_week"), Optional(Eq("5 Fri 21")));
  EXPECT_EQ(Get(view, "colour"), absl::nullopt);
  EXPECT_EQ(Get(view, "firearm"), absl::nullopt);  // a field the record did not send
}

TEST_F(RecordRowViewTest, AreasFromOtherBoroughs) {
  RecordRowView view(*policy_, Dataset("police_crime"));
  const std::pair<const char*, std::pair<const char*, const char*>> cases[] = {
      {"L36", {"Huyton", "Knowsley"}},
      {"PR8", {"Dukes", "Sefton"}},
      {"WA10", {"Town Centre", "St Helens"}},
      {"L35", {"Rainhill", "St Helens"}},
      {"CH41", {"Birkenhead and Tranmere", "Wirral"}},
  };
  for (const auto& [district, area] : cases) {
    v1::StoredRecord record = Record({{"district", district}});
    view.Reset(record);
    EXPECT_THAT(Get(view, "ward"), Optional(Eq(area.first))) << district;
    EXPECT_THAT(Get(view, "borough"), Optional(Eq(area.second))) << district;
  }
}

TEST_F(RecordRowViewTest, MissingOrUnknownValuesAreNullopt) {
  RecordRowView view(*policy_, Dataset("police_crime"));
  v1::StoredRecord none = Record({});
  view.Reset(none);
  EXPECT_EQ(Get(view, "borough"), absl::nullopt);
  EXPECT_EQ(Get(view, "ward"), absl::nullopt);
  EXPECT_EQ(Get(view, "age_band"), absl::nullopt);
  EXPECT_THAT(Get(view, "year"), Optional(Eq("2025")));  // time is always there

  for (const char* district : {"ZZ9", "l8", "L8 1", ""}) {
    v1::StoredRecord record = Record({{"district", district}});
    view.Reset(record);
    EXPECT_EQ(Get(view, "borough"), absl::nullopt) << "'" << district << "'";
    EXPECT_EQ(Get(view, "ward"), absl::nullopt) << "'" << district << "'";
  }
  for (const char* age : {"", "abc", "17.5", "-1", "-30"}) {
    v1::StoredRecord record = Record({{"age", age}});
    view.Reset(record);
    EXPECT_EQ(Get(view, "age_band"), absl::nullopt) << "'" << age << "'";
  }
}

TEST_F(RecordRowViewTest, ResetMovesToTheNextRecord) {
  RecordRowView view(*policy_, Dataset("police_crime"));
  v1::StoredRecord first = Record({{"district", "L8"}, {"age", "40"}});
  v1::StoredRecord second = Record({{"district", "CH41"}, {"age", "70"}});
  second.set_event_time(At(2026, 1, 1, 3));
  view.Reset(first);
  EXPECT_THAT(Get(view, "age_band"), Optional(Eq("35-44")));
  view.Reset(second);
  EXPECT_THAT(Get(view, "borough"), Optional(Eq("Wirral")));
  EXPECT_THAT(Get(view, "age_band"), Optional(Eq("65+")));
  EXPECT_THAT(Get(view, "week"), Optional(Eq("2026-W01")));
}

TEST_F(RecordRowViewTest, DatasetWithoutAgeHasNoAgeBand) {
  RecordRowView view(*policy_, Dataset("fire_incident"));
  v1::StoredRecord record = Record({{"district", "L4"}, {"age", "30"}});
  record.set_dataset("fire_incident");
  view.Reset(record);
  EXPECT_EQ(Get(view, "age_band"), absl::nullopt);
  EXPECT_THAT(Get(view, "borough"), Optional(Eq("Liverpool")));
  EXPECT_THAT(Get(view, "ward"), Optional(Eq("Anfield")));
}

}  // namespace
}  // namespace confide::hub
