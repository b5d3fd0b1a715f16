// Properties of the generated extracts, checked by parsing the CSV text the way an agency
// loader would, independently of the generator's own code.

#include "tools/synth/synth.h"

#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace confide::synth {
namespace {

using ::confide::testing::IsOk;
using ::confide::testing::StatusIs;
using ::testing::HasSubstr;

using Table = std::vector<std::vector<std::string>>;

constexpr absl::string_view kPoliceHeader =
    "Crime Reference,Offence Code,Offence Description,Offence Group,Knife Flag,Firearm Flag,"
    "Domestic Flag,Committed Date,Committed Time,Location Postcode,Victim Forename,"
    "Victim Surname,Victim DOB,Victim Sex\r\n";
constexpr absl::string_view kEdHeader =
    "Attendance ID,Arrival DateTime,Incident Postcode,Means of Assault,Admitted,NHS Number,"
    "Forename,Surname,Date of Birth,Sex,Patient Postcode\r\n";
constexpr absl::string_view kFireHeader =
    "Incident Number,Incident Date,Incident Time,Fire Type,Motive,Property Type,Postcode\r\n";
constexpr absl::string_view kGroundTruthHeader = "dataset,source_reference,person_id\r\n";

// Column indices.
enum Police {
  kCrimeRef,
  kOffenceCode,
  kOffenceDesc,
  kOffenceGroup,
  kKnife,
  kFirearm,
  kDomestic,
  kCommittedDate,
  kCommittedTime,
  kLocation,
  kVictimForename,
  kVictimSurname,
  kVictimDob,
  kVictimSex
};
enum Ed {
  kAttendanceId,
  kArrival,
  kIncidentPostcode,
  kMeans,
  kAdmitted,
  kNhs,
  kForename,
  kSurname,
  kEdDob,
  kEdSex,
  kPatientPostcode
};
enum Fire {
  kIncidentNumber,
  kIncidentDate,
  kIncidentTime,
  kFireType,
  kMotive,
  kProperty,
  kFirePostcode
};

// A strict RFC 4180 reader: CRLF after every record, quotes only around whole fields.
::testing::AssertionResult ParseCsv(absl::string_view text, Table& table) {
  table.clear();
  std::vector<std::string> record;
  std::string field;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '"') {
      for (++i;; ++i) {
        if (i >= text.size()) {
          return ::testing::AssertionFailure() << "unterminated quote";
        }
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field.push_back('"');
            ++i;
          } else {
            ++i;
            break;
          }
        } else {
          field.push_back(text[i]);
        }
      }
    } else {
      while (i < text.size() && text[i] != ',' && text[i] != '\r' && text[i] != '\n') {
        if (text[i] == '"') {
          return ::testing::AssertionFailure() << "quote inside unquoted field at " << i;
        }
        field.push_back(text[i++]);
      }
    }
    record.push_back(std::move(field));
    field.clear();
    if (i < text.size() && text[i] == ',') {
      ++i;
      continue;
    }
    if (text.substr(i, 2) != "\r\n") {
      return ::testing::AssertionFailure() << "expected CRLF at byte " << i;
    }
    i += 2;
    table.push_back(std::move(record));
    record.clear();
  }
  return ::testing::AssertionSuccess();
}

// "#" is a digit; anything else must match literally.
bool MatchesShape(absl::string_view s, absl::string_view shape) {
  if (s.size() != shape.size()) {
    return false;
  }
  for (size_t i = 0; i < s.size(); ++i) {
    if (shape[i] == '#' ? !absl::ascii_isdigit(s[i]) : s[i] != shape[i]) {
      return false;
    }
  }
  return true;
}

// Parses a date in the given field order, rejecting impossible dates such as 31/02.
bool ParseDate(absl::string_view s, absl::string_view shape, int d_at, int m_at, int y_at,
               absl::CivilDay& out) {
  int d = 0, m = 0, y = 0;
  if (!MatchesShape(s, shape) || !absl::SimpleAtoi(s.substr(d_at, 2), &d) ||
      !absl::SimpleAtoi(s.substr(m_at, 2), &m) || !absl::SimpleAtoi(s.substr(y_at, 4), &y)) {
    return false;
  }
  out = absl::CivilDay(y, m, d);
  return out.year() == y && out.month() == m && out.day() == d;
}
bool ParseUkDate(absl::string_view s, absl::CivilDay& out) {
  return ParseDate(s, "##/##/####", 0, 3, 6, out);
}
bool ParseIsoDate(absl::string_view s, absl::CivilDay& out) {
  return ParseDate(s, "####-##-##", 8, 5, 0, out);
}
bool ParseTime(absl::string_view s, int& hour, int& minute) {
  return MatchesShape(s, "##:##") && absl::SimpleAtoi(s.substr(0, 2), &hour) &&
         absl::SimpleAtoi(s.substr(3, 2), &minute) && hour < 24 && minute < 60;
}

bool IsWeekendNight(absl::CivilDay day, int hour) {
  const absl::Weekday w = absl::GetWeekday(day);
  return (hour >= 20 && (w == absl::Weekday::friday || w == absl::Weekday::saturday)) ||
         (hour < 3 && (w == absl::Weekday::saturday || w == absl::Weekday::sunday));
}

// The district of a postcode as written, tolerating the lower-case and no-space dirt.
std::string District(absl::string_view postcode) {
  std::string p = absl::AsciiStrToUpper(absl::StrReplaceAll(postcode, {{" ", ""}}));
  return p.size() > 3 ? p.substr(0, p.size() - 3) : "";
}

bool IsMerseysideDistrict(absl::string_view district) {
  static const std::set<std::string, std::less<>> kDistricts = {
      "L1",   "L2",   "L3",   "L4",   "L5",   "L6",   "L7",   "L8",   "L9",   "L11",  "L12",
      "L13",  "L15",  "L16",  "L17",  "L18",  "L19",  "L24",  "L25",  "L27",  "L14",  "L26",
      "L28",  "L32",  "L33",  "L34",  "L36",  "L20",  "L21",  "L22",  "L23",  "L29",  "L30",
      "L31",  "L37",  "L38",  "PR8",  "PR9",  "WA9",  "WA10", "WA11", "L35",  "CH41", "CH42",
      "CH43", "CH44", "CH45", "CH46", "CH47", "CH48", "CH49", "CH60", "CH61", "CH62", "CH63"};
  return kDistricts.count(district) > 0;
}

bool IsWellFormedPostcode(absl::string_view postcode) {
  const std::string p = absl::AsciiStrToUpper(postcode);
  const size_t space = p.find(' ');
  const std::string compact = absl::StrReplaceAll(p, {{" ", ""}});
  if (compact.size() < 5 || (space != std::string::npos && space != p.size() - 4)) {
    return false;
  }
  const absl::string_view inward = absl::string_view(compact).substr(compact.size() - 3);
  constexpr absl::string_view kUnitLetters = "ABDEFGHJLNPQRSTUWXYZ";
  return absl::ascii_isdigit(inward[0]) && absl::StrContains(kUnitLetters, inward[1]) &&
         absl::StrContains(kUnitLetters, inward[2]) && IsMerseysideDistrict(District(postcode));
}

bool PassesMod11(absl::string_view digits) {
  int sum = 0;
  for (int i = 0; i < 9; ++i) {
    sum += (digits[i] - '0') * (10 - i);
  }
  const int check = 11 - sum % 11;
  return check != 10 && (check == 11 ? 0 : check) == digits[9] - '0';
}

struct Parsed {
  Extracts extracts;
  Table police, ed, fire, truth;
};

class SynthTest : public ::testing::Test {
 protected:
  // The default-sized run is shared: generating it is the slow part.
  static void SetUpTestSuite() {
    absl::StatusOr<Extracts> extracts = Generate(Options{});
    ASSERT_THAT(extracts, IsOk());
    defaults_ = new Parsed{*std::move(extracts), {}, {}, {}, {}};
    ASSERT_TRUE(ParseCsv(defaults_->extracts.police_crime, defaults_->police));
    ASSERT_TRUE(ParseCsv(defaults_->extracts.ed_attendance, defaults_->ed));
    ASSERT_TRUE(ParseCsv(defaults_->extracts.fire_incident, defaults_->fire));
    ASSERT_TRUE(ParseCsv(defaults_->extracts.ground_truth, defaults_->truth));
  }
  static void TearDownTestSuite() {
    delete defaults_;
    defaults_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(defaults_, nullptr); }

  static const Table& police() { return defaults_->police; }
  static const Table& ed() { return defaults_->ed; }
  static const Table& fire() { return defaults_->fire; }
  static const Table& truth() { return defaults_->truth; }

  static Parsed* defaults_;
};
Parsed* SynthTest::defaults_ = nullptr;

TEST_F(SynthTest, SameSeedGivesIdenticalBytes) {
  absl::StatusOr<Extracts> again = Generate(Options{});
  ASSERT_THAT(again, IsOk());
  const Extracts& first = defaults_->extracts;
  EXPECT_TRUE(again->police_crime == first.police_crime);
  EXPECT_TRUE(again->ed_attendance == first.ed_attendance);
  EXPECT_TRUE(again->fire_incident == first.fire_incident);
  EXPECT_TRUE(again->ground_truth == first.ground_truth);
}

uint64_t Fnv1a64(absl::string_view data) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : data) {
    hash = (hash ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  }
  return hash;
}

// The CI lanes build with g++ and with clang; both must produce exactly these bytes. A change
// here means every seed's files changed: update the digest only for an intended change.
TEST(SynthGoldenTest, OutputDigestIsPinned) {
  Options options;
  options.people = 2000;
  options.police = 1000;
  options.ed = 500;
  options.fire = 300;
  absl::StatusOr<Extracts> extracts = Generate(options);
  ASSERT_THAT(extracts, IsOk());
  EXPECT_EQ(absl::StrFormat("%016x %016x %016x %016x", Fnv1a64(extracts->police_crime),
                            Fnv1a64(extracts->ed_attendance), Fnv1a64(extracts->fire_incident),
                            Fnv1a64(extracts->ground_truth)),
            "28af1e7045fdd209 8da5a7fd3c9df728 809666f416ae5b5f 6457537b4f3fe392");
}

TEST_F(SynthTest, DifferentSeedGivesDifferentFiles) {
  Options options;
  options.seed = 43;
  absl::StatusOr<Extracts> other = Generate(options);
  ASSERT_THAT(other, IsOk());
  const Extracts& first = defaults_->extracts;
  EXPECT_NE(other->police_crime, first.police_crime);
  EXPECT_NE(other->ed_attendance, first.ed_attendance);
  EXPECT_NE(other->fire_incident, first.fire_incident);
  EXPECT_NE(other->ground_truth, first.ground_truth);
}

TEST_F(SynthTest, DefaultRowCounts) {
  EXPECT_EQ(police().size(), 12001u);
  EXPECT_EQ(ed().size(), 6001u);
  EXPECT_EQ(fire().size(), 3001u);
  EXPECT_EQ(truth().size(), 18001u);
}

TEST_F(SynthTest, RowCountsMatchOptions) {
  Options options;
  options.seed = 7;
  options.people = 300;
  options.police = 321;
  options.ed = 123;
  options.fire = 45;
  absl::StatusOr<Extracts> extracts = Generate(options);
  ASSERT_THAT(extracts, IsOk());
  Table table;
  ASSERT_TRUE(ParseCsv(extracts->police_crime, table));
  EXPECT_EQ(table.size(), 322u);
  ASSERT_TRUE(ParseCsv(extracts->ed_attendance, table));
  EXPECT_EQ(table.size(), 124u);
  ASSERT_TRUE(ParseCsv(extracts->fire_incident, table));
  EXPECT_EQ(table.size(), 46u);
  ASSERT_TRUE(ParseCsv(extracts->ground_truth, table));
  EXPECT_EQ(table.size(), 1u + 321 + 123);
}

TEST_F(SynthTest, ZeroEventsGiveHeaderOnlyFiles) {
  Options options;
  options.people = 1;
  options.police = 0;
  options.ed = 0;
  options.fire = 0;
  absl::StatusOr<Extracts> extracts = Generate(options);
  ASSERT_THAT(extracts, IsOk());
  EXPECT_EQ(extracts->police_crime, kPoliceHeader);
  EXPECT_EQ(extracts->ed_attendance, kEdHeader);
  EXPECT_EQ(extracts->fire_incident, kFireHeader);
  EXPECT_EQ(extracts->ground_truth, kGroundTruthHeader);
}

TEST_F(SynthTest, HeadersAreExact) {
  const Extracts& e = defaults_->extracts;
  EXPECT_EQ(e.police_crime.substr(0, kPoliceHeader.size()), kPoliceHeader);
  EXPECT_EQ(e.ed_attendance.substr(0, kEdHeader.size()), kEdHeader);
  EXPECT_EQ(e.fire_incident.substr(0, kFireHeader.size()), kFireHeader);
  EXPECT_EQ(e.ground_truth.substr(0, kGroundTruthHeader.size()), kGroundTruthHeader);
}

TEST_F(SynthTest, EveryRecordHasTheHeaderWidth) {
  for (const Table* table : {&police(), &ed(), &fire(), &truth()}) {
    for (const auto& row : *table) {
      ASSERT_EQ(row.size(), table->front().size()) << absl::StrJoin(row, "|");
    }
  }
}

TEST_F(SynthTest, ReferencesAreUniqueAndWellFormed) {
  std::set<std::string> seen;
  for (size_t r = 1; r < police().size(); ++r) {
    EXPECT_TRUE(MatchesShape(police()[r][kCrimeRef], "MP/25/#######")) << police()[r][kCrimeRef];
    EXPECT_TRUE(seen.insert(police()[r][kCrimeRef]).second);
  }
  for (size_t r = 1; r < ed().size(); ++r) {
    EXPECT_TRUE(MatchesShape(ed()[r][kAttendanceId], "ED-RQ6-########"));
    EXPECT_TRUE(seen.insert(ed()[r][kAttendanceId]).second);
  }
  for (size_t r = 1; r < fire().size(); ++r) {
    EXPECT_TRUE(MatchesShape(fire()[r][kIncidentNumber], "MFRS-2025-######"));
    EXPECT_TRUE(seen.insert(fire()[r][kIncidentNumber]).second);
  }
}

TEST_F(SynthTest, NhsNumbersPassMod11AndSomeAreMissing) {
  int missing = 0;
  for (size_t r = 1; r < ed().size(); ++r) {
    const std::string& nhs = ed()[r][kNhs];
    if (nhs.empty()) {
      ++missing;
      continue;
    }
    ASSERT_TRUE(MatchesShape(nhs, "### ### ####")) << nhs;
    EXPECT_TRUE(PassesMod11(absl::StrReplaceAll(nhs, {{" ", ""}}))) << nhs;
  }
  const double share = static_cast<double>(missing) / static_cast<double>(ed().size() - 1);
  EXPECT_GT(share, 0.05);
  EXPECT_LT(share, 0.11);
}

TEST_F(SynthTest, EveryPostcodeIsInAMerseysideDistrict) {
  for (size_t r = 1; r < police().size(); ++r) {
    EXPECT_TRUE(IsWellFormedPostcode(police()[r][kLocation])) << police()[r][kLocation];
  }
  for (size_t r = 1; r < ed().size(); ++r) {
    EXPECT_TRUE(IsWellFormedPostcode(ed()[r][kIncidentPostcode])) << ed()[r][kIncidentPostcode];
    EXPECT_TRUE(IsWellFormedPostcode(ed()[r][kPatientPostcode])) << ed()[r][kPatientPostcode];
  }
  for (size_t r = 1; r < fire().size(); ++r) {
    EXPECT_TRUE(IsWellFormedPostcode(fire()[r][kFirePostcode])) << fire()[r][kFirePostcode];
  }
}

TEST_F(SynthTest, EventDatesAreWithinTheYearAndParse) {
  absl::CivilDay day;
  int hour = 0, minute = 0;
  for (size_t r = 1; r < police().size(); ++r) {
    ASSERT_TRUE(ParseUkDate(police()[r][kCommittedDate], day)) << police()[r][kCommittedDate];
    EXPECT_EQ(day.year(), 2025);
    EXPECT_TRUE(ParseTime(police()[r][kCommittedTime], hour, minute));
    ASSERT_TRUE(ParseUkDate(police()[r][kVictimDob], day)) << police()[r][kVictimDob];
    EXPECT_LE(day.year(), 2015);
    EXPECT_GE(day.year(), 1944);
  }
  for (size_t r = 1; r < ed().size(); ++r) {
    const std::string& arrival = ed()[r][kArrival];
    ASSERT_TRUE(MatchesShape(arrival, "####-##-## ##:##:##")) << arrival;
    ASSERT_TRUE(ParseIsoDate(arrival.substr(0, 10), day)) << arrival;
    EXPECT_EQ(day.year(), 2025);
    EXPECT_TRUE(ParseTime(arrival.substr(11, 5), hour, minute));
    ASSERT_TRUE(ParseIsoDate(ed()[r][kEdDob], day)) << ed()[r][kEdDob];
  }
  for (size_t r = 1; r < fire().size(); ++r) {
    ASSERT_TRUE(ParseUkDate(fire()[r][kIncidentDate], day));
    EXPECT_EQ(day.year(), 2025);
    EXPECT_TRUE(ParseTime(fire()[r][kIncidentTime], hour, minute));
  }
}

TEST_F(SynthTest, YearOptionMovesEverything) {
  Options options;
  options.year = 2024;  // a leap year
  options.people = 2000;
  options.police = 2000;
  options.ed = 1000;
  options.fire = 1000;
  absl::StatusOr<Extracts> extracts = Generate(options);
  ASSERT_THAT(extracts, IsOk());
  Table police_2024, fire_2024;
  ASSERT_TRUE(ParseCsv(extracts->police_crime, police_2024));
  ASSERT_TRUE(ParseCsv(extracts->fire_incident, fire_2024));
  absl::CivilDay day;
  for (size_t r = 1; r < police_2024.size(); ++r) {
    EXPECT_TRUE(MatchesShape(police_2024[r][kCrimeRef], "MP/24/#######"));
    ASSERT_TRUE(ParseUkDate(police_2024[r][kCommittedDate], day));
    EXPECT_EQ(day.year(), 2024);
  }
  for (size_t r = 1; r < fire_2024.size(); ++r) {
    EXPECT_TRUE(MatchesShape(fire_2024[r][kIncidentNumber], "MFRS-2024-######"));
  }
}

TEST_F(SynthTest, FieldValuesComeFromTheDeclaredSets) {
  const std::map<std::string, std::string> kCodes = {{"homicide", "1/1"},
                                                     {"attempted_murder", "2/0"},
                                                     {"wounding_gbh", "5/1"},
                                                     {"assault_with_injury", "8/1"},
                                                     {"robbery", "34/1"},
                                                     {"threats_to_kill", "3/1"},
                                                     {"rape", "19/1"},
                                                     {"sexual_assault", "17/1"},
                                                     {"arson_endangering_life", "56/1"}};
  const std::set<std::string> kYesNo = {"Y", "N"};
  bool saw_quoted_description = false;
  for (size_t r = 1; r < police().size(); ++r) {
    const auto& row = police()[r];
    ASSERT_EQ(kCodes.count(row[kOffenceGroup]), 1u) << row[kOffenceGroup];
    EXPECT_EQ(row[kOffenceCode], kCodes.at(row[kOffenceGroup]));
    EXPECT_FALSE(row[kOffenceDesc].empty());
    saw_quoted_description |= row[kOffenceDesc] == "Assault, occasioning actual bodily harm";
    EXPECT_EQ(
        kYesNo.count(row[kKnife]) + kYesNo.count(row[kFirearm]) + kYesNo.count(row[kDomestic]), 3u);
    EXPECT_TRUE(row[kVictimSex] == "M" || row[kVictimSex] == "F");
    EXPECT_FALSE(row[kVictimForename].empty());
    EXPECT_FALSE(row[kVictimSurname].empty());
  }
  EXPECT_TRUE(saw_quoted_description);
  const std::set<std::string> kMeansValues = {"Knife", "Blunt object", "Body part", "Firearm",
                                              "Other"};
  for (size_t r = 1; r < ed().size(); ++r) {
    const auto& row = ed()[r];
    EXPECT_EQ(kMeansValues.count(row[kMeans]), 1u) << row[kMeans];
    EXPECT_TRUE(row[kAdmitted] == "Yes" || row[kAdmitted] == "No");
    EXPECT_TRUE(row[kEdSex] == "Male" || row[kEdSex] == "Female");
  }
  const std::set<std::string> kMotives = {"Deliberate", "Accidental", "Not known"};
  const std::set<std::string> kProperties = {"Dwelling", "Vehicle", "Refuse", "Grassland",
                                             "Other building"};
  for (size_t r = 1; r < fire().size(); ++r) {
    const auto& row = fire()[r];
    EXPECT_TRUE(row[kFireType] == "Primary" || row[kFireType] == "Secondary");
    EXPECT_EQ(kMotives.count(row[kMotive]), 1u);
    EXPECT_EQ(kProperties.count(row[kProperty]), 1u);
  }
}

TEST_F(SynthTest, RatesLookLikeSeriousViolenceData) {
  std::map<std::string, int> groups;
  int knife = 0, firearm = 0;
  for (size_t r = 1; r < police().size(); ++r) {
    ++groups[police()[r][kOffenceGroup]];
    knife += police()[r][kKnife] == "Y";
    firearm += police()[r][kFirearm] == "Y";
  }
  const double n = static_cast<double>(police().size() - 1);
  for (const auto& [group, count] : groups) {
    if (group != "assault_with_injury") {
      EXPECT_LT(count, groups["assault_with_injury"]) << group;
    }
  }
  EXPECT_LT(groups["homicide"] / n, 0.005);
  EXPECT_NEAR(knife / n, 0.20, 0.06);
  EXPECT_LT(firearm / n, 0.03);

  int ed_knife = 0, admitted = 0;
  for (size_t r = 1; r < ed().size(); ++r) {
    ed_knife += ed()[r][kMeans] == "Knife";
    admitted += ed()[r][kAdmitted] == "Yes";
  }
  const double m = static_cast<double>(ed().size() - 1);
  EXPECT_NEAR(ed_knife / m, 0.15, 0.05);
  EXPECT_NEAR(admitted / m, 0.20, 0.06);

  int secondary = 0;
  for (size_t r = 1; r < fire().size(); ++r) {
    secondary += fire()[r][kFireType] == "Secondary";
  }
  EXPECT_NEAR(secondary / static_cast<double>(fire().size() - 1), 0.70, 0.05);
}

TEST_F(SynthTest, SomePeopleAppearInPoliceAndEd) {
  std::map<std::string, std::vector<absl::CivilDay>> police_days;  // person -> crime dates
  std::map<std::string, absl::CivilDay> crime_day;
  for (size_t r = 1; r < police().size(); ++r) {
    ASSERT_TRUE(ParseUkDate(police()[r][kCommittedDate], crime_day[police()[r][kCrimeRef]]));
  }
  std::set<std::string> police_people, ed_people;
  std::map<std::string, std::string> ed_person;
  for (size_t r = 1; r < truth().size(); ++r) {
    const auto& row = truth()[r];
    if (row[0] == "police_crime") {
      ASSERT_EQ(crime_day.count(row[1]), 1u) << row[1];
      police_people.insert(row[2]);
      police_days[row[2]].push_back(crime_day[row[1]]);
    } else {
      ASSERT_EQ(row[0], "ed_attendance");
      ed_people.insert(row[2]);
      ed_person[row[1]] = row[2];
    }
  }
  int both = 0;
  for (const std::string& p : ed_people) {
    both += police_people.count(p) > 0;
  }
  EXPECT_GT(both, 0);
  // Many ED victims are unknown to police, and most police victims never attend ED.
  EXPECT_LT(both, 0.7 * static_cast<double>(ed_people.size()));
  EXPECT_LT(both, 0.5 * static_cast<double>(police_people.size()));

  // About 40% of attendances are a police victim seen within days.
  int linked = 0;
  for (size_t r = 1; r < ed().size(); ++r) {
    absl::CivilDay arrival;
    ASSERT_TRUE(ParseIsoDate(ed()[r][kArrival].substr(0, 10), arrival));
    for (const absl::CivilDay& day : police_days[ed_person[ed()[r][kAttendanceId]]]) {
      if (arrival - day >= 0 && arrival - day <= 7) {
        ++linked;
        break;
      }
    }
  }
  EXPECT_NEAR(linked / static_cast<double>(ed().size() - 1), 0.40, 0.08);
}

TEST_F(SynthTest, WeekendNightShareIsWellAboveUniform) {
  int weekend_night = 0;
  for (size_t r = 1; r < police().size(); ++r) {
    absl::CivilDay day;
    int hour = 0, minute = 0;
    ASSERT_TRUE(ParseUkDate(police()[r][kCommittedDate], day));
    ASSERT_TRUE(ParseTime(police()[r][kCommittedTime], hour, minute));
    weekend_night += IsWeekendNight(day, hour);
  }
  // Fri and Sat 20:00-02:59 is 14 of the 168 hours of a week.
  const double uniform = 14.0 / 168.0;
  EXPECT_GT(weekend_night / static_cast<double>(police().size() - 1), 2 * uniform);
}

TEST_F(SynthTest, TownCentresAreOverRepresented) {
  int hot = 0;
  for (size_t r = 1; r < police().size(); ++r) {
    const std::string district = District(police()[r][kLocation]);
    hot += district == "L1" || district == "L2" || district == "L3" || district == "CH41" ||
           district == "PR8";
  }
  // Five of 55 districts; by residents alone they would get well under 10%.
  EXPECT_GT(hot / static_cast<double>(police().size() - 1), 0.15);
}

TEST_F(SynthTest, AMinorityAreRepeatVictims) {
  std::map<std::string, int> events;
  for (size_t r = 1; r < truth().size(); ++r) {
    if (truth()[r][0] == "police_crime") {
      ++events[truth()[r][2]];
    }
  }
  int repeat = 0, three_or_more = 0;
  for (const auto& [person, count] : events) {
    repeat += count > 1;
    three_or_more += count >= 3;
  }
  EXPECT_GT(three_or_more, 0);
  EXPECT_LT(repeat, static_cast<int>(events.size()) / 2);
}

TEST_F(SynthTest, DirtIsPresentButLight) {
  int upper = 0, no_space = 0, lower = 0;
  for (size_t r = 1; r < police().size(); ++r) {
    const std::string& surname = police()[r][kVictimSurname];
    upper += surname.size() > 2 && surname == absl::AsciiStrToUpper(surname);
    const std::string& postcode = police()[r][kLocation];
    no_space += !absl::StrContains(postcode, ' ');
    lower += postcode == absl::AsciiStrToLower(postcode);
  }
  const double n = static_cast<double>(police().size() - 1);
  for (const int count : {upper, no_space, lower}) {
    EXPECT_GT(count / n, 0.003);
    EXPECT_LT(count / n, 0.05);
  }
}

TEST_F(SynthTest, LinkedRowsMostlyAgreeAndDisagreeOnlyByDirt) {
  // Person -> DOB as the police recorded it (police DOBs carry no dirt).
  std::map<std::string, std::string> police_person, ed_person;
  for (size_t r = 1; r < truth().size(); ++r) {
    (truth()[r][0] == "police_crime" ? police_person : ed_person)[truth()[r][1]] = truth()[r][2];
  }
  std::map<std::string, absl::CivilDay> dob_of;
  for (size_t r = 1; r < police().size(); ++r) {
    ASSERT_TRUE(
        ParseUkDate(police()[r][kVictimDob], dob_of[police_person[police()[r][kCrimeRef]]]));
  }
  int compared = 0, same = 0, swapped = 0;
  for (size_t r = 1; r < ed().size(); ++r) {
    const auto it = dob_of.find(ed_person[ed()[r][kAttendanceId]]);
    if (it == dob_of.end()) {
      continue;
    }
    absl::CivilDay dob;
    ASSERT_TRUE(ParseIsoDate(ed()[r][kEdDob], dob));
    ++compared;
    if (dob == it->second) {
      ++same;
    } else {
      EXPECT_EQ(absl::CivilDay(dob.year(), dob.day(), dob.month()), it->second)
          << "only a day/month swap may differ";
      ++swapped;
    }
  }
  ASSERT_GT(compared, 1000);
  EXPECT_GT(swapped, 0);
  EXPECT_GT(same / static_cast<double>(compared), 0.97);
}

TEST_F(SynthTest, RejectsOutOfRangeOptions) {
  Options options;
  options.people = 0;
  EXPECT_THAT(Generate(options),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--people")));
  options = Options{};
  options.year = 1999;
  EXPECT_THAT(Generate(options), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--year")));
  options = Options{};
  options.police = -1;
  EXPECT_THAT(ValidateOptions(options), StatusIs(absl::StatusCode::kInvalidArgument));
  options = Options{};
  options.fire = 200001;
  EXPECT_THAT(ValidateOptions(options), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ValidateOptions(Options{}), IsOk());
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream contents;
  contents << file.rdbuf();
  return contents.str();
}

std::filesystem::path FreshTempDir(absl::string_view name) {
  std::filesystem::path dir =
      std::filesystem::path(::testing::TempDir()) / absl::StrCat("synth_test_", name);
  std::filesystem::remove_all(dir);
  return dir;
}

TEST_F(SynthTest, WriteExtractsWritesTheFourFiles) {
  const std::filesystem::path dir = FreshTempDir("write") / "nested";
  ASSERT_THAT(WriteExtracts(defaults_->extracts, dir.string()), IsOk());
  EXPECT_TRUE(ReadFile(dir / "police_crime.csv") == defaults_->extracts.police_crime);
  EXPECT_TRUE(ReadFile(dir / "ed_attendance.csv") == defaults_->extracts.ed_attendance);
  EXPECT_TRUE(ReadFile(dir / "fire_incident.csv") == defaults_->extracts.fire_incident);
  EXPECT_TRUE(ReadFile(dir / "ground_truth.csv") == defaults_->extracts.ground_truth);
  int entries = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir)) {
    ++entries;
  }
  EXPECT_EQ(entries, 4);  // no temporary files left behind
}

TEST_F(SynthTest, WriteExtractsFailsWhenTheDirectoryIsAFile) {
  const std::filesystem::path dir = FreshTempDir("file");
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "plain") << "x";
  EXPECT_THAT(WriteExtracts(defaults_->extracts, (dir / "plain").string()),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("output directory")));
}

// Runs the binary built alongside this test; -1 if it is missing.
int RunCli(const std::string& args) {
  const std::filesystem::path binary = CONFIDE_SYNTH_BINARY;
  if (!std::filesystem::exists(binary)) {
    return -1;
  }
  const int status = std::system(  // NOLINT(concurrency-mt-unsafe): single-threaded test
      absl::StrCat(binary.string(), " ", args, " >/dev/null 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -2;
}

TEST(SynthCliTest, WritesFilesAndRejectsBadUsage) {
  const std::filesystem::path dir = FreshTempDir("cli");
  const int ok = RunCli(
      absl::StrCat("--out ", dir.string(), " --seed 9 --people 200 --police 50 --ed 20 --fire 10"));
  if (ok == -1) {
    GTEST_SKIP() << CONFIDE_SYNTH_BINARY << " not built";
  }
  EXPECT_EQ(ok, 0);
  Table table;
  ASSERT_TRUE(ParseCsv(ReadFile(dir / "police_crime.csv"), table));
  EXPECT_EQ(table.size(), 51u);
  EXPECT_TRUE(std::filesystem::exists(dir / "ground_truth.csv"));
  EXPECT_EQ(RunCli("--seed 1"), 1);  // no --out
  EXPECT_EQ(RunCli(absl::StrCat("--out ", dir.string(), " --people 0")), 1);
  EXPECT_EQ(RunCli(absl::StrCat("--out ", dir.string(), " stray")), 1);
}

}  // namespace
}  // namespace confide::synth
