// End to end: a real confide-hub process with test-made certificates on a loopback port, real
// confide-agent pushes of generated extracts, and real confide queries checked against an
// independent count over the generated CSV.

#include <filesystem>
#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/csv_oracle.h"
#include "tests/e2e/harness.h"

namespace confide::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char kAgreement[] = "svd-merseyside-2026";

class PushQueryE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    hub_ = new HubProcess;
    const std::string& run = dir_->path();
    MakeRunDir(run);
    CommandResult synth =
        RunCommand({BinDir() + "/confide-synth", "--out", run + "/extracts", "--seed", "7",
                    "--people", "6000", "--police", "4000", "--ed", "2000", "--fire", "1000"});
    ASSERT_EQ(synth.exit_code, 0) << synth.err;
    absl::Status started = hub_->Start(run);
    ASSERT_TRUE(started.ok()) << started;
    SetHubPort(run, hub_->port());
    pushes_ = new std::map<std::string, CommandResult>;
    for (const auto& [agent, dataset] :
         std::vector<std::pair<std::string, std::string>>{{"police-agent", "police_crime"},
                                                          {"ed-agent", "ed_attendance"},
                                                          {"fire-agent", "fire_incident"}}) {
      (*pushes_)[dataset] =
          RunCommand({BinDir() + "/confide-agent", "push", "--config", agent + ".textpb",
                      "--dataset", dataset, "extracts/" + dataset + ".csv"},
                     run);
    }
  }

  static void TearDownTestSuite() {
    hub_->Stop();
    delete hub_;
    delete pushes_;
    delete dir_;
  }

  static CommandResult Query(const std::string& sql, const std::string& format = "csv",
                             const std::string& purpose = "hotspot analysis") {
    return RunCommand({BinDir() + "/confide", "query", "--config", "analyst.textpb", "--agreement",
                       kAgreement, "--purpose", purpose, sql, "--format", format},
                      dir_->path());
  }

  // Parses `confide query --format csv` output into dims -> displayed count.
  static std::map<std::string, std::string> ParseCsvResult(const std::string& out) {
    std::map<std::string, std::string> cells;
    std::vector<std::string> lines = absl::StrSplit(out, '\n', absl::SkipEmpty());
    for (size_t i = 1; i < lines.size(); ++i) {
      size_t comma = lines[i].rfind(',');
      cells[lines[i].substr(0, comma)] = lines[i].substr(comma + 1);
    }
    return cells;
  }

  static std::string Path(const std::string& name) { return dir_->path() + "/" + name; }

  static TempDir* dir_;
  static HubProcess* hub_;
  static std::map<std::string, CommandResult>* pushes_;
};

TempDir* PushQueryE2eTest::dir_ = nullptr;
HubProcess* PushQueryE2eTest::hub_ = nullptr;
std::map<std::string, CommandResult>* PushQueryE2eTest::pushes_ = nullptr;

TEST_F(PushQueryE2eTest, AgentsPrintOneLineSummaryAndExitZero) {
  for (const auto& [dataset, result] : *pushes_) {
    EXPECT_EQ(result.exit_code, 0) << dataset << ": " << result.err;
    std::vector<std::string> lines = absl::StrSplit(result.out, '\n', absl::SkipEmpty());
    ASSERT_EQ(lines.size(), 1u) << result.out;
    EXPECT_THAT(lines[0], HasSubstr(absl::StrCat("pushed ", dataset)));
    EXPECT_THAT(lines[0], HasSubstr("0 quarantined"));
  }
  EXPECT_THAT((*pushes_)["police_crime"].out, HasSubstr("4000 rows read, 4000 sent"));
}

TEST_F(PushQueryE2eTest, KnifeCrimeByBoroughMatchesIndependentCount) {
  auto rows = ReadCsv(Path("extracts/police_crime.csv"));
  auto boroughs = BoroughByDistrict(Path("policy.textpb"));
  size_t knife = Column(rows[0], "Knife Flag"), postcode = Column(rows[0], "Location Postcode");
  std::map<std::string, long> expected;
  for (size_t i = 1; i < rows.size(); ++i) {
    if (rows[i][knife] == "Y") {
      ++expected[boroughs.at(DistrictOf(rows[i][postcode]))];
    }
  }
  CommandResult result =
      Query("SELECT borough, COUNT(*) FROM police_crime WHERE knife = 'true' GROUP BY borough");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::map<std::string, std::string> cells = ParseCsvResult(result.out);
  ASSERT_EQ(cells.size(), expected.size()) << result.out;
  for (const auto& [borough, count] : expected) {
    EXPECT_EQ(cells[borough], Published(count)) << borough << " exact " << count;
  }
}

TEST_F(PushQueryE2eTest, RatesPerThousandComeFromPublishedCountsAndReferencePopulations) {
  auto rows = ReadCsv(Path("extracts/police_crime.csv"));
  auto boroughs = BoroughByDistrict(Path("policy.textpb"));
  const std::map<std::string, double> population = {{"Liverpool", 486000},
                                                    {"Knowsley", 154000},
                                                    {"Sefton", 280000},
                                                    {"St Helens", 183000},
                                                    {"Wirral", 320000}};
  size_t postcode = Column(rows[0], "Location Postcode");
  std::map<std::string, long> expected;
  for (size_t i = 1; i < rows.size(); ++i) {
    ++expected[boroughs.at(DistrictOf(rows[i][postcode]))];
  }
  CommandResult result =
      Query("SELECT borough, RATE_PER_1000(COUNT(*)) FROM police_crime GROUP BY borough");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::map<std::string, std::string> cells = ParseCsvResult(result.out);
  ASSERT_EQ(cells.size(), expected.size()) << result.out;
  for (const auto& [borough, count] : expected) {
    const long published = std::stol(Published(count));
    EXPECT_EQ(cells[borough], absl::StrFormat("%.2f", published * 1000.0 / population.at(borough)))
        << borough << " exact " << count;
  }
}

// The analyst's HTML report from the real hub: every built-in analysis answered, one
// self-contained file, rendered by headless Chromium without errors.
TEST_F(PushQueryE2eTest, ReportRunsEveryBuiltInAnalysisAndRendersInChromium) {
  CommandResult report =
      RunCommand({BinDir() + "/confide", "report", "--config", "analyst.textpb", "--agreement",
                  kAgreement, "--purpose", "strategic needs assessment", "--out", "report.html"},
                 dir_->path());
  ASSERT_EQ(report.exit_code, 0) << report.err;
  EXPECT_THAT(report.err, Not(HasSubstr("failed")));
  const std::string html = ReadFileOrDie(Path("report.html"));
  EXPECT_THAT(html, HasSubstr("<svg"));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("src=\"http")));
  CommandResult dom =
      RunCommand({"/usr/bin/chromium", "--headless", "--disable-gpu", "--no-sandbox",
                  "--user-data-dir=" + Path("chromium-profile"), "--enable-logging=stderr", "--v=0",
                  "--dump-dom", "file://" + Path("report.html")});
  ASSERT_EQ(dom.exit_code, 0) << "is chromium installed (scripts/lib.sh)? " << dom.err;
  EXPECT_THAT(dom.out, HasSubstr("<svg"));
  EXPECT_THAT(dom.err, Not(HasSubstr("Uncaught")));
  EXPECT_THAT(dom.err, Not(HasSubstr(":CONSOLE(")));
}

TEST_F(PushQueryE2eTest, SmallCellsAreSuppressedAndSecondarySuppressionProtectsTotals) {
  auto rows = ReadCsv(Path("extracts/police_crime.csv"));
  auto boroughs = BoroughByDistrict(Path("policy.textpb"));
  size_t group = Column(rows[0], "Offence Group"), postcode = Column(rows[0], "Location Postcode");
  std::map<std::string, long> expected;
  for (size_t i = 1; i < rows.size(); ++i) {
    if (rows[i][group] == "robbery" || rows[i][group] == "homicide" ||
        rows[i][group] == "threats_to_kill") {
      ++expected[absl::StrCat(boroughs.at(DistrictOf(rows[i][postcode])), ",", rows[i][group])];
    }
  }
  CommandResult result = Query(
      "SELECT borough, offence_group, COUNT(*) FROM police_crime "
      "WHERE offence_group IN ('robbery', 'homicide', 'threats_to_kill') "
      "GROUP BY borough, offence_group");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::map<std::string, std::string> cells = ParseCsvResult(result.out);
  ASSERT_EQ(cells.size(), expected.size()) << result.out;
  int primary = 0, extra = 0;
  for (const auto& [key, count] : expected) {
    if (count < 8) {
      ++primary;
      EXPECT_EQ(cells[key], "*") << key;
    } else if (cells[key] == "*") {
      ++extra;  // secondary suppression
    } else {
      EXPECT_EQ(cells[key], Published(count)) << key;
    }
  }
  ASSERT_GT(primary, 0) << "the generated data should contain small cells";
  // No borough row and no offence column may hold exactly one suppressed cell.
  std::map<std::string, int> per_row, per_column;
  for (const auto& [key, display] : cells) {
    std::vector<std::string> parts = absl::StrSplit(key, ',');
    per_row[parts[0]] += display == "*";
    per_column[parts[1]] += display == "*";
  }
  for (const auto& [row, suppressed] : per_row) {
    EXPECT_NE(suppressed, 1) << "row " << row;
  }
  for (const auto& [column, suppressed] : per_column) {
    EXPECT_NE(suppressed, 1) << "column " << column;
  }
  (void)extra;
  CommandResult table = Query(
      "SELECT borough, offence_group, COUNT(*) FROM police_crime "
      "WHERE offence_group IN ('robbery', 'homicide', 'threats_to_kill') "
      "GROUP BY borough, offence_group",
      "table");
  EXPECT_THAT(table.out, HasSubstr("note: "));
  EXPECT_THAT(table.out, HasSubstr("suppressed"));
}

TEST_F(PushQueryE2eTest, FireIncidentsByMonthAndEdByHourOfWeek) {
  auto rows = ReadCsv(Path("extracts/fire_incident.csv"));
  size_t date = Column(rows[0], "Incident Date");
  std::map<std::string, long> expected;
  for (size_t i = 1; i < rows.size(); ++i) {
    const std::string& d = rows[i][date];  // dd/mm/yyyy
    ++expected[absl::StrCat(d.substr(6, 4), "-", d.substr(3, 2))];
  }
  CommandResult result = Query("SELECT month, COUNT(*) FROM fire_incident GROUP BY month");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::map<std::string, std::string> cells = ParseCsvResult(result.out);
  ASSERT_EQ(cells.size(), 12u) << result.out;
  for (const auto& [month, count] : expected) {
    EXPECT_EQ(cells[month], Published(count)) << month;
  }
  CommandResult json =
      Query("SELECT hour_of_week, COUNT(*) FROM ed_attendance GROUP BY hour_of_week", "json");
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_THAT(json.out, HasSubstr("\"columns\":[\"hour_of_week\",\"COUNT(*)\"]"));
  EXPECT_THAT(json.out, HasSubstr("\"6 Sat 23\""));
  EXPECT_THAT(json.out, HasSubstr("\"notes\":["));
}

TEST_F(PushQueryE2eTest, ResentExtractIsAnsweredAsDuplicateAndNotStoredTwice) {
  CommandResult again =
      RunCommand({BinDir() + "/confide-agent", "push", "--config", "fire-agent.textpb", "--dataset",
                  "fire_incident", "extracts/fire_incident.csv"},
                 dir_->path());
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.out, HasSubstr("(0 stored, 1000 already at the hub)"));
  CommandResult total = Query("SELECT COUNT(*) FROM fire_incident");
  ASSERT_EQ(total.exit_code, 0) << total.err;
  EXPECT_THAT(total.out, HasSubstr("1000"));
}

TEST_F(PushQueryE2eTest, BadQueriesAreInvalidArgumentNamingTheProblem) {
  CommandResult row_level = Query("SELECT borough FROM police_crime");
  EXPECT_EQ(row_level.exit_code, 1);
  EXPECT_THAT(row_level.err, HasSubstr("aggregate"));
  CommandResult unknown_column = Query("SELECT colour, COUNT(*) FROM police_crime GROUP BY colour");
  EXPECT_EQ(unknown_column.exit_code, 1);
  EXPECT_THAT(unknown_column.err, HasSubstr("1:8: unknown column 'colour'"));
  CommandResult unknown_dataset = Query("SELECT COUNT(*) FROM prison_records");
  EXPECT_EQ(unknown_dataset.exit_code, 1);
  EXPECT_THAT(unknown_dataset.err, HasSubstr("unknown dataset 'prison_records'"));
}

TEST_F(PushQueryE2eTest, HubFilesHoldNoNamesNhsNumbersPostcodesOrReferences) {
  std::set<std::string> needles;
  for (const char* extract : {"police_crime.csv", "ed_attendance.csv", "fire_incident.csv"}) {
    auto rows = ReadCsv(Path(std::string("extracts/") + extract));
    for (const char* name :
         {"Victim Forename", "Victim Surname", "Forename", "Surname", "NHS Number",
          "Location Postcode", "Patient Postcode", "Incident Postcode", "Postcode",
          "Crime Reference", "Attendance ID", "Incident Number", "Victim DOB", "Date of Birth"}) {
      auto it = std::find(rows[0].begin(), rows[0].end(), name);
      if (it == rows[0].end()) {
        continue;
      }
      size_t column = it - rows[0].begin();
      for (size_t i = 1; i < rows.size(); ++i) {
        std::string value = rows[i][column];
        // Shorter strings occur by chance in binary files; a placeholder name ("Unknown", which
        // RocksDB's OPTIONS file also contains) identifies no one.
        if (value.size() >= 5 && absl::AsciiStrToLower(value) != "unknown") {
          needles.insert(value);
          if (std::string(name) == "NHS Number") {
            needles.insert(absl::StrReplaceAll(value, {{" ", ""}}));
          }
        }
      }
    }
  }
  ASSERT_GT(needles.size(), 5000u);
  std::string haystack;
  size_t files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(Path("hub-data"))) {
    if (entry.is_regular_file()) {
      haystack += ReadFileOrDie(entry.path().string());
      ++files;
    }
  }
  ASSERT_GT(files, 3u);
  ASSERT_GT(haystack.size(), 100000u) << "the hub should hold the pushed records";
  EXPECT_EQ(FindAnyNeedle(haystack, needles), "") << "hub files contain an identifier";
  // The hub's own log must not contain them either.
  EXPECT_EQ(FindAnyNeedle(hub_->log(), needles), "") << "hub log contains an identifier";
}

}  // namespace
}  // namespace confide::e2e
