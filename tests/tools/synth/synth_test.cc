// Shape of the generated extracts: headers, sizes, formats, value sets, determinism, the
// realistic event patterns, option validation and the command line.

#include "tools/synth/synth.h"

#include <sys/wait.h>

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
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/tools/synth/synth_test_util.h"

namespace confide::synth {
namespace {

using ::confide::testing::IsOk;
using ::confide::testing::StatusIs;
using ::testing::HasSubstr;
using testutil::District;
using testutil::IsWellFormedPostcode;
using testutil::MatchesShape;
using testutil::ParseAll;
using testutil::ParseCsv;
using testutil::Parsed;
using testutil::ParseIsoDate;
using testutil::ParseTime;
using testutil::ParseUkDate;
using testutil::PersonRow;
using testutil::Table;
using testutil::WithoutErrors;

constexpr absl::string_view kPoliceHeader =
    "Crime Reference,Offence Code,Offence Description,Offence Group,Knife Flag,Firearm Flag,"
    "Domestic Flag,Committed Date,Committed Time,Location Postcode,Victim Forename,"
    "Victim Surname,Victim DOB,Victim Sex,Victim Postcode\r\n";
constexpr absl::string_view kEdHeader =
    "Attendance ID,Arrival DateTime,Incident Postcode,Means of Assault,Admitted,NHS Number,"
    "Forename,Surname,Date of Birth,Sex,Patient Postcode\r\n";
constexpr absl::string_view kAmbulanceHeader =
    "Incident ID,Call Time,Incident Postcode,Call Category,Conveyed,Forename,Surname,"
    "Date of Birth,Sex,NHS Number,Patient Postcode\r\n";
constexpr absl::string_view kFireHeader =
    "Incident Number,Incident Date,Incident Time,Fire Type,Motive,Property Type,Postcode\r\n";
constexpr absl::string_view kGroundTruthHeader = "dataset,source_reference,person_id,errors\r\n";
constexpr absl::string_view kPeopleHeader =
    "person_id,household_id,twin_id,sex,forename,surname,new_surname,surname_changed_on,"
    "date_of_birth,nhs_number,postcode\r\n";

// Police column indices.
enum Police { kCrimeRef, kOffenceCode, kOffenceDesc, kOffenceGroup, kKnife, kFirearm, kDomestic };
enum Ed { kAttendanceId, kArrival, kIncidentPostcode, kMeans, kAdmitted };
enum Ambulance { kIncidentId, kCallTime, kCallPostcode, kCategory, kConveyed };
enum Fire { kIncidentNumber, kIncidentDate, kIncidentTime, kFireType, kMotive, kProperty };

class SynthTest : public ::testing::Test {
 protected:
  // The default-sized run is shared: generating and parsing it is the slow part.
  static void SetUpTestSuite() {
    absl::StatusOr<Extracts> extracts = Generate(Options{});
    ASSERT_THAT(extracts, IsOk());
    defaults_ = new Parsed;
    ASSERT_TRUE(ParseAll(*std::move(extracts), *defaults_));
  }
  static void TearDownTestSuite() {
    delete defaults_;
    defaults_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(defaults_, nullptr); }

  static const Extracts& extracts() { return defaults_->extracts; }
  static const Table& police() { return defaults_->police; }
  static const Table& ed() { return defaults_->ed; }
  static const Table& ambulance() { return defaults_->ambulance; }
  static const Table& fire() { return defaults_->fire; }
  static const std::vector<PersonRow>& rows() { return defaults_->rows; }

  static Parsed* defaults_;
};
Parsed* SynthTest::defaults_ = nullptr;

TEST_F(SynthTest, DefaultsGiveAtLeastOneHundredThousandPersonRecords) {
  EXPECT_EQ(police().size(), 50001u);
  EXPECT_EQ(ed().size(), 30001u);
  EXPECT_EQ(ambulance().size(), 25001u);
  EXPECT_EQ(fire().size(), 3001u);
  EXPECT_GE(rows().size(), 100000u);
  EXPECT_EQ(defaults_->truth.size(), rows().size() + 1);
  EXPECT_EQ(defaults_->people.size(), 150000u);
}

TEST_F(SynthTest, SameSeedGivesIdenticalBytes) {
  absl::StatusOr<Extracts> again = Generate(Options{});
  ASSERT_THAT(again, IsOk());
  // EXPECT_TRUE rather than EXPECT_EQ: a failure should not print megabytes.
  EXPECT_TRUE(again->police_crime == extracts().police_crime);
  EXPECT_TRUE(again->ed_attendance == extracts().ed_attendance);
  EXPECT_TRUE(again->ambulance_incident == extracts().ambulance_incident);
  EXPECT_TRUE(again->fire_incident == extracts().fire_incident);
  EXPECT_TRUE(again->ground_truth == extracts().ground_truth);
  EXPECT_TRUE(again->ground_truth_people == extracts().ground_truth_people);
}

uint64_t Fnv1a64(absl::string_view data) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : data) {
    hash = (hash ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  }
  return hash;
}

// The CI lanes build with g++ and with clang; both must produce exactly these bytes (checked
// with both). A change
// here means every seed's files changed: update the digest only for an intended change.
TEST(SynthGoldenTest, OutputDigestIsPinned) {
  Options options;
  options.people = 2000;
  options.police = 1000;
  options.ed = 500;
  options.ambulance = 400;
  options.fire = 300;
  absl::StatusOr<Extracts> e = Generate(options);
  ASSERT_THAT(e, IsOk());
  EXPECT_EQ(absl::StrFormat("%016x %016x %016x %016x %016x %016x", Fnv1a64(e->police_crime),
                            Fnv1a64(e->ed_attendance), Fnv1a64(e->ambulance_incident),
                            Fnv1a64(e->fire_incident), Fnv1a64(e->ground_truth),
                            Fnv1a64(e->ground_truth_people)),
            "f0dd930cf9dc0e30 989e24d86eb526c1 0d279d339cdda95b 42e9b03d381a4465 "
            "09be6ef1adcee6f0 02f1caad73c08ce4");
}

TEST_F(SynthTest, DifferentSeedGivesDifferentFiles) {
  Options options;
  options.seed = 43;
  absl::StatusOr<Extracts> other = Generate(options);
  ASSERT_THAT(other, IsOk());
  EXPECT_FALSE(other->police_crime == extracts().police_crime);
  EXPECT_FALSE(other->ed_attendance == extracts().ed_attendance);
  EXPECT_FALSE(other->ambulance_incident == extracts().ambulance_incident);
  EXPECT_FALSE(other->fire_incident == extracts().fire_incident);
  EXPECT_FALSE(other->ground_truth == extracts().ground_truth);
  EXPECT_FALSE(other->ground_truth_people == extracts().ground_truth_people);
}

TEST(SynthSizesTest, RowCountsMatchOptions) {
  Options options;
  options.seed = 7;
  options.people = 300;
  options.police = 321;
  options.ed = 123;
  options.ambulance = 77;
  options.fire = 45;
  absl::StatusOr<Extracts> extracts = Generate(options);
  ASSERT_THAT(extracts, IsOk());
  Parsed parsed;
  ASSERT_TRUE(ParseAll(*std::move(extracts), parsed));
  EXPECT_EQ(parsed.police.size(), 322u);
  EXPECT_EQ(parsed.ed.size(), 124u);
  EXPECT_EQ(parsed.ambulance.size(), 78u);
  EXPECT_EQ(parsed.fire.size(), 46u);
  EXPECT_EQ(parsed.truth.size(), 1u + 321 + 123 + 77);
  EXPECT_EQ(parsed.people.size(), 300u);
}

TEST(SynthSizesTest, ZeroEventsGiveHeaderOnlyFiles) {
  Options options;
  options.people = 1;
  options.police = 0;
  options.ed = 0;
  options.ambulance = 0;
  options.fire = 0;
  absl::StatusOr<Extracts> extracts = Generate(options);
  ASSERT_THAT(extracts, IsOk());
  EXPECT_EQ(extracts->police_crime, kPoliceHeader);
  EXPECT_EQ(extracts->ed_attendance, kEdHeader);
  EXPECT_EQ(extracts->ambulance_incident, kAmbulanceHeader);
  EXPECT_EQ(extracts->fire_incident, kFireHeader);
  EXPECT_EQ(extracts->ground_truth, kGroundTruthHeader);
  EXPECT_TRUE(absl::StartsWith(extracts->ground_truth_people, kPeopleHeader));
}

TEST_F(SynthTest, HeadersAreExactAndEveryRecordHasTheHeaderWidth) {
  EXPECT_TRUE(absl::StartsWith(extracts().police_crime, kPoliceHeader));
  EXPECT_TRUE(absl::StartsWith(extracts().ed_attendance, kEdHeader));
  EXPECT_TRUE(absl::StartsWith(extracts().ambulance_incident, kAmbulanceHeader));
  EXPECT_TRUE(absl::StartsWith(extracts().fire_incident, kFireHeader));
  EXPECT_TRUE(absl::StartsWith(extracts().ground_truth, kGroundTruthHeader));
  EXPECT_TRUE(absl::StartsWith(extracts().ground_truth_people, kPeopleHeader));
  const Table& truth = defaults_->truth;
  const Table& people = defaults_->people_table;
  for (const Table* table : {&police(), &ed(), &ambulance(), &fire(), &truth, &people}) {
    for (const auto& row : *table) {
      ASSERT_EQ(row.size(), table->front().size()) << absl::StrJoin(row, "|");
    }
  }
}

TEST_F(SynthTest, ReferencesAreUniqueAndWellFormed) {
  std::set<std::string> seen;
  const std::pair<const Table*, absl::string_view> shapes[] = {{&police(), "MP/25/#######"},
                                                               {&ed(), "ED-RQ6-########"},
                                                               {&ambulance(), "NWAS-25-#######"},
                                                               {&fire(), "MFRS-2025-######"}};
  for (const auto& [table, shape] : shapes) {
    for (size_t r = 1; r < table->size(); ++r) {
      const std::string& reference = (*table)[r][0];
      EXPECT_TRUE(MatchesShape(reference, shape)) << reference;
      EXPECT_TRUE(seen.insert(reference).second) << reference;
    }
  }
}

TEST_F(SynthTest, EventTimesAreInTheYearAndInFileOrder) {
  std::map<std::string, absl::CivilSecond> last;
  for (const PersonRow& row : rows()) {
    EXPECT_EQ(row.event_day.year(), 2025) << row.reference;
    const absl::CivilSecond at(row.event_day.year(), row.event_day.month(), row.event_day.day(),
                               row.event_hour, row.event_minute);
    EXPECT_LE(last[row.dataset], at) << row.reference << ": extracts are sorted by time";
    last[row.dataset] = at;
  }
  absl::CivilDay day;
  int hour = 0, minute = 0;
  for (size_t r = 1; r < fire().size(); ++r) {
    ASSERT_TRUE(ParseUkDate(fire()[r][kIncidentDate], day));
    EXPECT_EQ(day.year(), 2025);
    EXPECT_TRUE(ParseTime(fire()[r][kIncidentTime], hour, minute));
  }
}

TEST_F(SynthTest, PersonColumnsParseWhenPresent) {
  for (const PersonRow& row : rows()) {
    absl::CivilDay dob;
    if (!row.dob_text.empty()) {
      ASSERT_TRUE(row.dataset == "ed_attendance" ? ParseIsoDate(row.dob_text, dob)
                                                 : ParseUkDate(row.dob_text, dob))
          << row.reference << " " << row.dob_text;
      EXPECT_TRUE(dob == absl::CivilDay(1900, 1, 1) ||
                  (dob.year() >= 2025 - 80 && dob.year() <= 2025 - 11))
          << row.dob_text;
    }
    if (!row.postcode.empty()) {
      EXPECT_TRUE(IsWellFormedPostcode(row.postcode)) << row.postcode;
    }
    EXPECT_TRUE(IsWellFormedPostcode(row.location)) << row.location;
    EXPECT_FALSE(row.forename.empty());
    EXPECT_FALSE(row.surname.empty());
    const std::set<std::string> sexes = row.dataset == "ed_attendance"
                                            ? std::set<std::string>{"Male", "Female"}
                                            : std::set<std::string>{"M", "F"};
    EXPECT_EQ(sexes.count(row.sex), 1u) << row.sex;
    if (row.dataset == "ed_attendance" && !row.nhs_text.empty()) {
      EXPECT_TRUE(MatchesShape(row.nhs_text, "### ### ####")) << row.nhs_text;
    }
    if (row.dataset == "ambulance_incident" && !row.nhs_text.empty()) {
      EXPECT_TRUE(MatchesShape(row.nhs_text, "##########")) << row.nhs_text;
    }
  }
  for (size_t r = 1; r < fire().size(); ++r) {
    EXPECT_TRUE(IsWellFormedPostcode(fire()[r].back())) << fire()[r].back();
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
    saw_quoted_description |= row[kOffenceDesc] == "Assault, occasioning actual bodily harm";
    EXPECT_EQ(
        kYesNo.count(row[kKnife]) + kYesNo.count(row[kFirearm]) + kYesNo.count(row[kDomestic]), 3u);
  }
  EXPECT_TRUE(saw_quoted_description);
  const std::set<std::string> kMeansValues = {"Knife", "Blunt object", "Body part", "Firearm",
                                              "Other"};
  for (size_t r = 1; r < ed().size(); ++r) {
    EXPECT_EQ(kMeansValues.count(ed()[r][kMeans]), 1u) << ed()[r][kMeans];
    EXPECT_TRUE(ed()[r][kAdmitted] == "Yes" || ed()[r][kAdmitted] == "No");
  }
  const std::set<std::string> kCategories = {"Stab wound", "Gunshot wound", "Assault",
                                             "Sexual assault"};
  for (size_t r = 1; r < ambulance().size(); ++r) {
    EXPECT_EQ(kCategories.count(ambulance()[r][kCategory]), 1u) << ambulance()[r][kCategory];
    EXPECT_EQ(kYesNo.count(ambulance()[r][kConveyed]), 1u);
  }
  const std::set<std::string> kMotives = {"Deliberate", "Accidental", "Not known"};
  const std::set<std::string> kProperties = {"Dwelling", "Vehicle", "Refuse", "Grassland",
                                             "Other building"};
  for (size_t r = 1; r < fire().size(); ++r) {
    EXPECT_TRUE(fire()[r][kFireType] == "Primary" || fire()[r][kFireType] == "Secondary");
    EXPECT_EQ(kMotives.count(fire()[r][kMotive]), 1u);
    EXPECT_EQ(kProperties.count(fire()[r][kProperty]), 1u);
  }
}

double Share(int count, const Table& table) {
  return count / static_cast<double>(table.size() - 1);
}

TEST_F(SynthTest, RatesLookLikeSeriousViolenceData) {
  std::map<std::string, int> groups;
  int knife = 0, firearm = 0;
  for (size_t r = 1; r < police().size(); ++r) {
    ++groups[police()[r][kOffenceGroup]];
    knife += police()[r][kKnife] == "Y";
    firearm += police()[r][kFirearm] == "Y";
  }
  for (const auto& [group, count] : groups) {
    if (group != "assault_with_injury") {
      EXPECT_LT(count, groups["assault_with_injury"]) << group;
    }
  }
  EXPECT_LT(Share(groups["homicide"], police()), 0.005);
  EXPECT_NEAR(Share(knife, police()), 0.20, 0.06);
  EXPECT_LT(Share(firearm, police()), 0.03);

  int ed_knife = 0, admitted = 0;
  for (size_t r = 1; r < ed().size(); ++r) {
    ed_knife += ed()[r][kMeans] == "Knife";
    admitted += ed()[r][kAdmitted] == "Yes";
  }
  EXPECT_NEAR(Share(ed_knife, ed()), 0.15, 0.06);
  EXPECT_NEAR(Share(admitted, ed()), 0.20, 0.07);

  std::map<std::string, int> categories;
  int conveyed = 0;
  for (size_t r = 1; r < ambulance().size(); ++r) {
    ++categories[ambulance()[r][kCategory]];
    conveyed += ambulance()[r][kConveyed] == "Y";
  }
  EXPECT_GT(Share(categories["Assault"], ambulance()), 0.6);
  EXPECT_NEAR(Share(categories["Stab wound"], ambulance()), 0.16, 0.06);
  EXPECT_NEAR(Share(conveyed, ambulance()), 0.62, 0.08);

  int secondary = 0;
  for (size_t r = 1; r < fire().size(); ++r) {
    secondary += fire()[r][kFireType] == "Secondary";
  }
  EXPECT_NEAR(Share(secondary, fire()), 0.70, 0.05);
}

bool IsWeekendNight(absl::CivilDay day, int hour) {
  const absl::Weekday w = absl::GetWeekday(day);
  return (hour >= 20 && (w == absl::Weekday::friday || w == absl::Weekday::saturday)) ||
         (hour < 3 && (w == absl::Weekday::saturday || w == absl::Weekday::sunday));
}

TEST_F(SynthTest, WeekendNightsAndTownCentresAreOverRepresented) {
  std::map<std::string, int> total, weekend_night, hot;
  for (const PersonRow& row : rows()) {
    ++total[row.dataset];
    weekend_night[row.dataset] += IsWeekendNight(row.event_day, row.event_hour);
    const std::string district = District(row.location);
    hot[row.dataset] += district == "L1" || district == "L2" || district == "L3" ||
                        district == "CH41" || district == "PR8";
  }
  for (const auto& [dataset, n] : total) {
    // Fri and Sat 20:00-02:59 is 14 of the 168 hours of a week.
    EXPECT_GT(weekend_night[dataset] / static_cast<double>(n), 2 * 14.0 / 168.0) << dataset;
    // Five of 55 districts; by residents alone they would get well under 10%.
    EXPECT_GT(hot[dataset] / static_cast<double>(n), 0.15) << dataset;
  }
}

TEST(SynthOptionsTest, RejectsOutOfRangeOptionsNamingTheFlag) {
  Options options;
  options.people = 0;
  EXPECT_THAT(Generate(options), StatusIs(absl::StatusCode::kInvalidArgument,
                                          HasSubstr("expected --people in [1, 500000], got 0")));
  options = Options{};
  options.year = 1999;
  EXPECT_THAT(Generate(options), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--year")));
  options = Options{};
  options.ambulance = -1;
  EXPECT_THAT(ValidateOptions(options),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--ambulance")));
  options = Options{};
  options.fire = 200001;
  EXPECT_THAT(ValidateOptions(options), StatusIs(absl::StatusCode::kInvalidArgument));
  options = Options{};
  options.twin_rate = 0.5;
  EXPECT_THAT(ValidateOptions(options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("expected --twin_rate in [0, 0.2], got 0.5")));
  EXPECT_THAT(ValidateOptions(Options{}), IsOk());
}

TEST(SynthOptionsTest, RejectsEveryRateOutsideZeroToOne) {
  for (const ErrorRateField& field : ErrorRateFields()) {
    for (const double bad : {-0.01, 1.5, std::nan("")}) {
      Options options;
      options.errors.*field.rate = bad;
      EXPECT_THAT(ValidateOptions(options),
                  StatusIs(absl::StatusCode::kInvalidArgument,
                           HasSubstr(absl::StrCat("expected --", field.flag, " in [0, 1], got"))))
          << field.flag << " = " << bad;
    }
    Options edge = WithoutErrors(Options{});
    edge.errors.*field.rate = 1;
    EXPECT_THAT(ValidateOptions(edge), IsOk()) << field.flag;
  }
  EXPECT_EQ(ErrorRateFields().size(), sizeof(ErrorRates) / sizeof(double))
      << "every rate needs a flag name";
}

TEST(SynthOptionsTest, RejectsRatesThatShareADrawAndSumAboveOne) {
  Options options;
  options.errors.dob_missing = 0.6;
  options.errors.dob_placeholder = 0.5;
  EXPECT_THAT(ValidateOptions(options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("expected --dob_missing_rate + --dob_placeholder_rate <= 1, "
                                 "got 1.1")));
  options = Options{};
  options.errors.ambulance_nhs_missing = 0.995;
  EXPECT_THAT(ValidateOptions(options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--ambulance_nhs_missing_rate + --nhs_mistyped_rate")));
  options = Options{};
  options.errors.postcode_missing = 0.5;
  options.errors.postcode_mistyped = 0.6;
  EXPECT_THAT(ValidateOptions(options),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--postcode_missing_rate")));
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

TEST_F(SynthTest, WriteExtractsWritesTheSixFiles) {
  const std::filesystem::path dir = FreshTempDir("write") / "nested";
  ASSERT_THAT(WriteExtracts(extracts(), dir.string()), IsOk());
  EXPECT_TRUE(ReadFile(dir / "police_crime.csv") == extracts().police_crime);
  EXPECT_TRUE(ReadFile(dir / "ed_attendance.csv") == extracts().ed_attendance);
  EXPECT_TRUE(ReadFile(dir / "ambulance_incident.csv") == extracts().ambulance_incident);
  EXPECT_TRUE(ReadFile(dir / "fire_incident.csv") == extracts().fire_incident);
  EXPECT_TRUE(ReadFile(dir / "ground_truth.csv") == extracts().ground_truth);
  EXPECT_TRUE(ReadFile(dir / "ground_truth_people.csv") == extracts().ground_truth_people);
  int entries = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir)) {
    ++entries;
  }
  EXPECT_EQ(entries, 6);  // no temporary files left behind
}

TEST_F(SynthTest, WriteExtractsFailsWhenTheDirectoryIsAFile) {
  const std::filesystem::path dir = FreshTempDir("file");
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "plain") << "x";
  EXPECT_THAT(WriteExtracts(extracts(), (dir / "plain").string()),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("output directory")));
}

// Runs the binary built alongside this test, returning its exit code and stderr.
int RunCli(const std::string& args, std::string* err = nullptr) {
  const std::filesystem::path err_file = FreshTempDir("cli_err");
  const int status = std::system(  // NOLINT(concurrency-mt-unsafe): single-threaded test
      absl::StrCat(CONFIDE_SYNTH_BINARY, " ", args, " >/dev/null 2>", err_file.string()).c_str());
  if (err != nullptr) {
    *err = ReadFile(err_file);
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -2;
}

TEST(SynthCliTest, WritesFilesAndRejectsBadUsage) {
  ASSERT_TRUE(std::filesystem::exists(CONFIDE_SYNTH_BINARY)) << CONFIDE_SYNTH_BINARY;
  const std::filesystem::path dir = FreshTempDir("cli");
  ASSERT_EQ(RunCli(absl::StrCat("--out ", dir.string(),
                                " --seed 9 --people 200 --police 50 --ed 20 --ambulance 15 "
                                "--fire 10 --name_typo_rate 0.5 --dob_missing_rate 0")),
            0);
  Table table;
  ASSERT_TRUE(ParseCsv(ReadFile(dir / "police_crime.csv"), table));
  EXPECT_EQ(table.size(), 51u);
  ASSERT_TRUE(ParseCsv(ReadFile(dir / "ambulance_incident.csv"), table));
  EXPECT_EQ(table.size(), 16u);
  ASSERT_TRUE(ParseCsv(ReadFile(dir / "ground_truth.csv"), table));
  EXPECT_EQ(table.size(), 1u + 50 + 20 + 15);
  EXPECT_TRUE(std::filesystem::exists(dir / "ground_truth_people.csv"));

  Options options;  // the flags reach the options: same files from the library
  options.seed = 9;
  options.people = 200;
  options.police = 50;
  options.ed = 20;
  options.ambulance = 15;
  options.fire = 10;
  options.errors.name_typo = 0.5;
  options.errors.dob_missing = 0;
  absl::StatusOr<Extracts> same = Generate(options);
  ASSERT_THAT(same, IsOk());
  EXPECT_TRUE(ReadFile(dir / "ground_truth.csv") == same->ground_truth);

  std::string err;
  EXPECT_EQ(RunCli("--seed 1", &err), 1);
  EXPECT_THAT(err, HasSubstr("--out DIR is required"));
  EXPECT_EQ(RunCli(absl::StrCat("--out ", dir.string(), " --people 0"), &err), 1);
  EXPECT_THAT(err, HasSubstr("expected --people in [1, 500000], got 0"));
  EXPECT_EQ(RunCli(absl::StrCat("--out ", dir.string(), " --nickname_rate 2"), &err), 1);
  EXPECT_THAT(err, HasSubstr("expected --nickname_rate in [0, 1], got 2"));
  EXPECT_EQ(RunCli(absl::StrCat("--out ", dir.string(), " stray"), &err), 1);
  EXPECT_THAT(err, HasSubstr("unexpected argument 'stray'"));
}

}  // namespace
}  // namespace confide::synth
