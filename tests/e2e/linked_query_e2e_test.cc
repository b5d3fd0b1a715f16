// End to end: person linkage across agencies. Real police and ED agents push small hand-written
// extracts about known people (the same person written differently by the two agencies, a
// patient attending twice, twins), a real hub links them, and the analyst's distinct-person and
// overlap queries give the expected published (rounded or suppressed) numbers.
//
// Every expected person count is chosen next to a rounding boundary so that one wrong link or
// one missed link changes the published figure.

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/csv_oracle.h"
#include "tests/e2e/harness.h"

namespace confide::e2e {
namespace {

using ::testing::HasSubstr;

// One person as the ED system and the police system write them.
struct Person {
  std::string ed_forename, ed_surname;
  std::string police_forename, police_surname;
  char sex = 'F';
};

// In both datasets, spelt differently by the two agencies in ways the agents' normalisation
// folds to the same name (case, accents, apostrophes, hyphens, spaces): 13 persons.
const std::vector<Person>& Both() {
  static const auto* people = new std::vector<Person>{
      {"Siobhán", "O'Neill", "SIOBHAN", "ONEILL", 'F'},
      {"Aisha", "Khan", "aisha", "KHAN", 'F'},
      {"Grace", "Smith-Jones", "Grace", "Smith Jones", 'F'},
      {"Declan", "McGuire", "DECLAN", "Mcguire", 'M'},
      {"Zoe", "Fairclough", "Zoe", "FAIRCLOUGH", 'F'},
      {"Callum", "Doherty", " Callum", "Doherty ", 'M'},
      {"Niamh", "Gallagher", "NIAMH", "GALLAGHER", 'F'},
      {"Reece", "O'Brien", "Reece", "OBRIEN", 'M'},
      {"Megan", "Halliwell", "megan", "halliwell", 'F'},
      {"Kieran", "Ashworth", "KIERAN", "Ashworth", 'M'},
      {"Freya", "Pemberton", "Freya", "PEMBERTON", 'F'},
      {"Owen", "Brennan", "OWEN", "brennan", 'M'},
      {"Yasmin", "Kavanagh", "Yasmin", "Kavanagh", 'F'},
  };
  return *people;
}

// Only in ED: 25 persons (13 female, 12 male), among them twins (same surname and date of
// birth, same initial, different NHS numbers). The first 5 (twins included) attend twice.
const std::vector<Person>& EdOnly() {
  static const auto* people = [] {
    const std::vector<std::pair<std::string, std::string>> female = {
        {"Bethan", "Eccleston"}, {"Chloe", "Ingham"},     {"Erin", "Jarvis"},
        {"Hannah", "Lomax"},     {"Imogen", "Norris"},    {"Keira", "Quigley"},
        {"Leah", "Rimmer"},      {"Olivia", "Thornton"},  {"Poppy", "Unsworth"},
        {"Rosie", "Vaughan"},    {"Sophie", "Whitfield"}, {"Tara", "Yates"},
        {"Willow", "Bamber"}};
    const std::vector<std::pair<std::string, std::string>> male = {
        {"Aaron", "Hesketh"},  {"Adam", "Hesketh"}, {"Bradley", "Corkill"},
        {"Dylan", "Dunphy"},   {"Ethan", "Egan"},   {"Finley", "Formby"},
        {"Gareth", "Gorman"},  {"Harvey", "Irwin"}, {"Isaac", "Jolley"},
        {"Jordan", "Kershaw"}, {"Mason", "Lunt"},   {"Nathan", "Molyneux"}};
    auto* out = new std::vector<Person>;
    for (size_t i = 0; i < female.size() || i < male.size(); ++i) {
      if (i < female.size()) {
        out->push_back({female[i].first, female[i].second, "", "", 'F'});
      }
      if (i < male.size()) {
        out->push_back({male[i].first, male[i].second, "", "", 'M'});
      }
    }
    return out;
  }();
  return *people;
}

// Only in police data: 9 persons.
const std::vector<Person>& PoliceOnly() {
  static const auto* people =
      new std::vector<Person>{{"", "", "Tyler", "Nolan", 'M'},   {"", "", "Kyle", "Orrell", 'M'},
                              {"", "", "Jade", "Prescott", 'F'}, {"", "", "Vera", "Rainford", 'F'},
                              {"", "", "Una", "Stanley", 'F'},   {"", "", "Gavin", "Tarleton", 'M'},
                              {"", "", "Dale", "Upton", 'M'},    {"", "", "Lola", "Walsh", 'F'},
                              {"", "", "Rhys", "Aughton", 'M'}};
  return *people;
}

// Distinct birth years, so no derived key (phonetic, birth-year, transposed date) can link two
// different people; days past 12, so no day/month swap can make two dates agree.
absl::CivilDay BirthDate(int k) { return absl::CivilDay(1970 + k, 1 + k % 12, 13 + k % 15); }

// A valid NHS number (modulus 11) for person k.
std::string NhsNumber(int k) {
  for (int64_t base = 401000000 + k * 7919;; ++base) {
    std::string digits = absl::StrCat(base);
    int sum = 0;
    for (int i = 0; i < 9; ++i) {
      sum += (digits[i] - '0') * (10 - i);
    }
    int check = 11 - sum % 11;
    if (check == 11) {
      check = 0;
    }
    if (check != 10) {
      return absl::StrCat(digits, check);
    }
  }
}

std::string Iso(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}
std::string Uk(absl::CivilDay day) {
  return absl::StrFormat("%02d/%02d/%04d", day.day(), day.month(), day.year());
}

struct Extracts {
  std::string ed, police;
};

Extracts MakeExtracts() {
  Extracts out;
  out.ed =
      "Attendance ID,Arrival DateTime,Incident Postcode,Means of Assault,Admitted,NHS Number,"
      "Forename,Surname,Date of Birth,Sex,Patient Postcode\n";
  out.police =
      "Crime Reference,Offence Code,Offence Description,Offence Group,Knife Flag,Firearm Flag,"
      "Domestic Flag,Committed Date,Committed Time,Location Postcode,Victim Forename,"
      "Victim Surname,Victim DOB,Victim Sex,Victim Postcode\n";
  int attendance = 0, crime = 0;
  // Person k's attendance on `day`; `born` picks the date of birth (twins share one).
  auto ed_row = [&](const Person& p, int k, int born, absl::CivilDay day, bool again) {
    const std::string nhs = NhsNumber(k);
    // The ED system prints NHS numbers 3-3-4; a later attendance was keyed in without spaces
    // and with the forename in capitals.
    const std::string written =
        again ? nhs : absl::StrCat(nhs.substr(0, 3), " ", nhs.substr(3, 3), " ", nhs.substr(6));
    absl::StrAppend(&out.ed, "ATT", 1000 + attendance++, ",", Iso(day), " 22:15:00,L8 1AB,",
                    "Bladed article,Yes,", written, ",",
                    again ? absl::AsciiStrToUpper(p.ed_forename) : p.ed_forename, ",", p.ed_surname,
                    ",", Iso(BirthDate(born)), ",", p.sex == 'F' ? "Female" : "Male", ",L8 2CD\n");
  };
  auto police_row = [&](const Person& p, int k, absl::CivilDay day) {
    absl::StrAppend(&out.police, "E2E/", 5000 + crime++, ",5/1,Wounding with intent,wounding_gbh,",
                    "Y,N,N,", Uk(day), ",21:40,L1 1AA,", p.police_forename, ",", p.police_surname,
                    ",", Uk(BirthDate(k)), ",", std::string(1, p.sex), ",L8 2CD\n");
  };
  const absl::CivilDay start(2025, 3, 1);
  int k = 0;
  for (size_t i = 0; i < Both().size(); ++i, ++k) {
    const absl::CivilDay seen = start + 3 * k;
    ed_row(Both()[i], k, k, seen, false);
    // Ten were police victims 30 days before the attendance (an hour earlier in the day), three
    // 30 days after.
    police_row(Both()[i], k, i < 10 ? seen - 30 : seen + 30);
  }
  int first_twin = -1;
  for (size_t i = 0; i < EdOnly().size(); ++i, ++k) {
    const Person& p = EdOnly()[i];
    if (p.ed_forename == "Aaron") {
      first_twin = k;
    }
    const int born = p.ed_forename == "Adam" ? first_twin : k;
    const absl::CivilDay seen = start + 3 * k;
    ed_row(p, k, born, seen, false);
    if (i < 5) {
      ed_row(p, k, born, seen + 60, true);
    }
  }
  for (size_t i = 0; i < PoliceOnly().size(); ++i, ++k) {
    police_row(PoliceOnly()[i], k, start + 3 * k);
  }
  return out;
}

class LinkedQueryE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    hub_ = new HubProcess;
    const std::string& run = dir_->path();
    MakeRunDir(run);
    const Extracts extracts = MakeExtracts();
    WriteFileOrDie(run + "/ed.csv", extracts.ed);
    WriteFileOrDie(run + "/police.csv", extracts.police);
    absl::Status started = hub_->Start(run);
    ASSERT_TRUE(started.ok()) << started;
    SetHubPort(run, hub_->port());
    police_push_ = new CommandResult(
        RunCommand({BinDir() + "/confide-agent", "push", "--config", "police-agent.textpb",
                    "--dataset", "police_crime", "police.csv"},
                   run));
    ed_push_ =
        new CommandResult(RunCommand({BinDir() + "/confide-agent", "push", "--config",
                                      "ed-agent.textpb", "--dataset", "ed_attendance", "ed.csv"},
                                     run));
  }

  static void TearDownTestSuite() {
    hub_->Stop();
    delete hub_;
    delete police_push_;
    delete ed_push_;
    delete dir_;
  }

  // The published cells of a query (csv format) after its header line, "a,b" per row.
  static std::vector<std::string> Cells(const std::string& sql) {
    CommandResult result =
        RunCommand({BinDir() + "/confide", "query", "--config", "analyst.textpb", "--agreement",
                    "svd-merseyside-2026", "--purpose", "hotspot analysis", sql, "--format", "csv"},
                   dir_->path());
    EXPECT_EQ(result.exit_code, 0) << sql << "\n" << result.err;
    std::vector<std::string> lines = absl::StrSplit(result.out, '\n', absl::SkipEmpty());
    if (!lines.empty()) {
      lines.erase(lines.begin());
    }
    return lines;
  }

  static TempDir* dir_;
  static HubProcess* hub_;
  static CommandResult* police_push_;
  static CommandResult* ed_push_;
};

TempDir* LinkedQueryE2eTest::dir_ = nullptr;
HubProcess* LinkedQueryE2eTest::hub_ = nullptr;
CommandResult* LinkedQueryE2eTest::police_push_ = nullptr;
CommandResult* LinkedQueryE2eTest::ed_push_ = nullptr;

using ::testing::ElementsAre;

TEST_F(LinkedQueryE2eTest, AgentsPushEveryRow) {
  ASSERT_EQ(police_push_->exit_code, 0) << police_push_->err;
  ASSERT_EQ(ed_push_->exit_code, 0) << ed_push_->err;
  EXPECT_THAT(police_push_->out, HasSubstr("22 rows read, 22 sent"));
  EXPECT_THAT(ed_push_->out, HasSubstr("43 rows read, 43 sent"));
  EXPECT_THAT(ed_push_->out, HasSubstr("0 quarantined"));
}

TEST_F(LinkedQueryE2eTest, DistinctPersonsCountLinkedRecordsOnce) {
  // ED: 43 attendances by 38 persons (the twins apart, the five repeat patients once each).
  // 37 would publish 35 (twins merged); 43 would publish 45 (repeats not linked).
  EXPECT_THAT(Cells("SELECT COUNT(*), COUNT(DISTINCT person) FROM ed_attendance"),
              ElementsAre(absl::StrCat(Published(43), ",", Published(38))));
  EXPECT_EQ(Published(38), "40");
  // Police: 22 crimes against 22 persons.
  EXPECT_THAT(Cells("SELECT COUNT(DISTINCT person) FROM police_crime"), ElementsAre(Published(22)));
}

TEST_F(LinkedQueryE2eTest, EdAssaultVictimsUnknownToPolice) {
  // 25 ED patients unknown to police (30 attendances), by sex 13 female and 12 male.
  EXPECT_THAT(Cells("SELECT COUNT(*), COUNT(DISTINCT person) FROM ed_attendance WHERE NOT "
                    "person IN (SELECT person FROM police_crime)"),
              ElementsAre(absl::StrCat(Published(30), ",", Published(25))));
  EXPECT_THAT(Cells("SELECT sex, COUNT(DISTINCT person) FROM ed_attendance WHERE NOT person "
                    "IN (SELECT person FROM police_crime) GROUP BY sex"),
              ElementsAre(absl::StrCat("f,", Published(13)), absl::StrCat("m,", Published(12))));
  // 13 known to police, despite the agencies spelling their names differently: 12 would publish
  // 10.
  EXPECT_THAT(Cells("SELECT COUNT(DISTINCT person) FROM ed_attendance WHERE person IN "
                    "(SELECT person FROM police_crime WHERE offence_group = 'wounding_gbh')"),
              ElementsAre(Published(13)));
  EXPECT_EQ(Published(13), "15");
}

TEST_F(LinkedQueryE2eTest, KnownToPoliceWithinAWindow) {
  EXPECT_THAT(Cells("SELECT COUNT(DISTINCT person) FROM ed_attendance WHERE person IN "
                    "(SELECT person FROM police_crime) WITHIN 365 DAYS BEFORE"),
              ElementsAre(Published(10)));
  // Three became police victims after their attendance: a small count, suppressed.
  EXPECT_THAT(Cells("SELECT COUNT(DISTINCT person) FROM ed_attendance WHERE person IN "
                    "(SELECT person FROM police_crime) WITHIN 365 DAYS AFTER"),
              ElementsAre("*"));
  // Without a direction the window reaches both ways: every gap is 30 days and an hour or
  // 30 days less an hour.
  EXPECT_THAT(Cells("SELECT COUNT(DISTINCT person) FROM ed_attendance WHERE person IN "
                    "(SELECT person FROM police_crime) WITHIN 29 DAYS"),
              ElementsAre("0"));
  EXPECT_THAT(Cells("SELECT COUNT(DISTINCT person) FROM ed_attendance WHERE person IN "
                    "(SELECT person FROM police_crime) WITHIN 31 DAYS"),
              ElementsAre(Published(13)));
}

TEST_F(LinkedQueryE2eTest, PersonsAreNeverSelectable) {
  CommandResult result =
      RunCommand({BinDir() + "/confide", "query", "--config", "analyst.textpb", "--agreement",
                  "svd-merseyside-2026", "--purpose", "hotspot analysis",
                  "SELECT person, COUNT(*) FROM ed_attendance GROUP BY person", "--format", "csv"},
                 dir_->path());
  EXPECT_NE(result.exit_code, 0);
  EXPECT_THAT(result.err, HasSubstr("row-level output is not allowed"));
}

}  // namespace
}  // namespace confide::e2e
