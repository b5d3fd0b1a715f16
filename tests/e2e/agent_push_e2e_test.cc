// End to end: what a data lead sees when pushing real-world extracts: the dry-run preview, the
// quarantine file, --max-reject-rate, the receipt, overlapping monthly extracts and the
// scheduled drop-folder wrapper. A real confide-hub on loopback, real confide-agent processes.

#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "confide/v1/ingest.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/e2e/csv_oracle.h"
#include "tests/e2e/harness.h"

namespace confide::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::SizeIs;

constexpr char kHeader[] =
    "Crime Reference,Offence Code,Offence Description,Offence Group,Knife Flag,Firearm Flag,"
    "Domestic Flag,Committed Date,Committed Time,Location Postcode,Victim Forename,"
    "Victim Surname,Victim DOB,Victim Sex\n";

// One police row; `prefix` keeps each test's references apart on the shared hub.
std::string Row(const std::string& prefix, int n, const std::string& group = "robbery",
                const std::string& dob = "01/02/1990") {
  return absl::StrCat(prefix, "/", n, ",8/1,ABH,", group, ",Y,N,N,03/05/2025,23:10,L8 1AB,",
                      "Ottoline,Featherstonehaugh", n, ",", dob, ",F\n");
}

int Mode(const std::string& path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0 ? static_cast<int>(info.st_mode & 0777) : -1;
}

v1::PushReceipt ParseReceipt(const std::string& path) {
  v1::PushReceipt receipt;
  google::protobuf::util::JsonParseOptions options;
  EXPECT_TRUE(
      google::protobuf::util::JsonStringToMessage(ReadFileOrDie(path), &receipt, options).ok())
      << ReadFileOrDie(path);
  return receipt;
}

class AgentPushE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    hub_ = new HubProcess;
    MakeRunDir(dir_->path());
    absl::Status started = hub_->Start(dir_->path());
    ASSERT_TRUE(started.ok()) << started;
    SetHubPort(dir_->path(), hub_->port());
  }
  static void TearDownTestSuite() {
    hub_->Stop();
    delete hub_;
    delete dir_;
  }

  static std::string Path(const std::string& name) { return dir_->path() + "/" + name; }

  static CommandResult Push(const std::string& csv, std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {BinDir() + "/confide-agent", "push",      "--config",
                                     "police-agent.textpb",       "--dataset", "police_crime"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back(csv);
    return RunCommand(argv, dir_->path());
  }

  static CommandResult Audit(const std::string& action) {
    return RunCommand({BinDir() + "/confide", "audit", "list", "--config", "ig.textpb", "--action",
                       action, "--format", "csv"},
                      dir_->path());
  }

  static TempDir* dir_;
  static HubProcess* hub_;
};

TempDir* AgentPushE2eTest::dir_ = nullptr;
HubProcess* AgentPushE2eTest::hub_ = nullptr;

TEST_F(AgentPushE2eTest, DryRunWritesExactlyWhatAPushSendsAndSendsNothing) {
  std::string csv = kHeader;
  for (int i = 1; i <= 1500; ++i) {
    csv += Row("DRY", i);
  }
  WriteFileOrDie(Path("dry.csv"), csv);
  CommandResult dry = Push("dry.csv", {"--dry-run", "preview.csv"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_THAT(dry.out, HasSubstr("dry run of police_crime: 1500 rows read, 1500 would be sent in "
                                 "2 batches, 0 quarantined"));
  EXPECT_THAT(dry.out, HasSubstr("nothing was sent"));
  // The preview never overwrites the extract it previews.
  CommandResult same = Push("dry.csv", {"--dry-run", "./dry.csv"});
  EXPECT_EQ(same.exit_code, 1);
  EXPECT_THAT(same.err, HasSubstr("is the extract itself"));
  EXPECT_EQ(ReadFileOrDie(Path("dry.csv")), csv);
  EXPECT_EQ(Mode(Path("preview.csv")), 0600);
  std::vector<std::string> lines =
      absl::StrSplit(ReadFileOrDie(Path("preview.csv")), '\n', absl::SkipEmpty());
  ASSERT_THAT(lines, SizeIs(1501));
  EXPECT_EQ(lines[0],
            "batch_id,record_id,event_hour,offence_code,offence_group,knife,firearm,domestic,"
            "district,age,sex,key_version,token:nhs,token:name_dob_sex,"
            "token:phonetic_initial_dob,token:name_yob_district,token:name_dob_transposed");
  // No NHS number in a police extract, and no home postcode here: those keys are empty, never
  // a token of an empty value.
  EXPECT_THAT(lines[1], MatchesRegex("police_crime\\.[0-9a-f]{32},[0-9a-f]{64},2025-05-03 23:00,"
                                     "8/1,robbery,true,false,false,L8,35,f,2026-1,,[0-9a-f]{64},"
                                     "[0-9a-f]{64},,[0-9a-f]{64}"));
  const std::string preview = ReadFileOrDie(Path("preview.csv"));
  for (const char* identifier :
       {"DRY/1", "Ottoline", "Featherstonehaugh", "01/02/1990", "L8 1AB"}) {
    EXPECT_THAT(preview, Not(HasSubstr(identifier)));
  }
  std::set<std::string> previewed;
  for (size_t i = 1; i < lines.size(); ++i) {
    previewed.insert(lines[i].substr(0, lines[i].find(',')));
  }
  ASSERT_THAT(previewed, SizeIs(2));
  // Only the schema was fetched: no previewed batch reached the hub.
  CommandResult pushes = Audit("Ingest.Push");
  ASSERT_EQ(pushes.exit_code, 0) << pushes.err;
  for (const std::string& batch_id : previewed) {
    EXPECT_THAT(pushes.out, Not(HasSubstr(batch_id)));
  }
  CommandResult schema = Audit("Ingest.GetDataset");
  EXPECT_THAT(schema.out, HasSubstr("merseyside-police"));

  // The real push sends the same batches, all new to the hub.
  CommandResult real = Push("dry.csv", {"--receipt", "dry-receipt.json"});
  ASSERT_EQ(real.exit_code, 0) << real.err;
  EXPECT_THAT(real.out, HasSubstr("(1500 stored, 0 already at the hub)"));
  std::set<std::string> sent;
  const v1::PushReceipt receipt = ParseReceipt(Path("dry-receipt.json"));
  for (const auto& batch : receipt.batches()) {
    sent.insert(batch.batch_id());
  }
  EXPECT_EQ(previewed, sent);
}

TEST_F(AgentPushE2eTest, BadRowsGoToAPrivateQuarantineFileWithTheirFields) {
  std::string csv = absl::StrCat(kHeader, Row("QUA", 1), Row("QUA", 2, "pickpocketing"),
                                 Row("QUA", 3, "robbery", "31/02/2001"),
                                 Row("QUA", 4, "pickpocketing", "31/02/2001"), Row("QUA", 1),
                                 absl::StripSuffix(Row("QUA", 6), "\n"), ",EXTRA\n");
  WriteFileOrDie(Path("quarantine-input.csv"), csv);
  // No --quarantine: the file goes to quarantine_dir (next to the config by default).
  std::filesystem::remove_all(Path("quarantine"));
  CommandResult push = Push("quarantine-input.csv");
  EXPECT_EQ(push.exit_code, 3) << push.err;
  EXPECT_THAT(push.out, HasSubstr("6 rows read, 1 sent in 1 batches (1 stored, 0 already at the "
                                  "hub), 5 quarantined"));
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(Path("quarantine"))) {
    files.push_back(entry.path());
  }
  ASSERT_THAT(files, SizeIs(1));
  EXPECT_THAT(files[0].filename().string(), MatchesRegex("police_crime-[0-9]{8}T[0-9]{6}Z\\.csv"));
  EXPECT_EQ(Mode(files[0].string()), 0600);
  EXPECT_EQ(Mode(Path("quarantine")), 0700);
  EXPECT_THAT(push.err, HasSubstr("5 rows quarantined: see " + files[0].string()));
  std::vector<std::string> lines =
      absl::StrSplit(ReadFileOrDie(files[0].string()), '\n', absl::SkipEmpty());
  ASSERT_THAT(lines, SizeIs(6));
  EXPECT_EQ(lines[0],
            absl::StrCat("row,line,column,reason,", absl::StripSuffix(std::string(kHeader), "\n")));
  EXPECT_THAT(lines[1], HasSubstr("2,3,Offence Group,"));
  EXPECT_THAT(lines[1], HasSubstr(absl::StripSuffix(Row("QUA", 2, "pickpocketing"), "\n")));
  EXPECT_THAT(lines[3], HasSubstr("4,5,Offence Group; Victim DOB,"));
  EXPECT_THAT(lines[4], HasSubstr("5,6,Crime Reference,repeats the record reference of row 1"));
  EXPECT_THAT(lines[5], HasSubstr("6,7,,row has 15 fields but the header has 14,QUA/6,"));
  EXPECT_THAT(lines[5], HasSubstr(",F,EXTRA"));
  for (const char* identifier :
       {"QUA/", "Ottoline", "Featherstonehaugh", "31/02/2001", "pickpocketing", "L8 1AB"}) {
    EXPECT_THAT(push.err, Not(HasSubstr(identifier)));
    EXPECT_THAT(push.out, Not(HasSubstr(identifier)));
  }
}

TEST_F(AgentPushE2eTest, MaxRejectRateAbortsBeforeAnythingIsSent) {
  std::string csv = kHeader;
  for (int i = 1; i <= 10; ++i) {
    csv += Row("REJ", i, i <= 3 ? "pickpocketing" : "robbery");
  }
  WriteFileOrDie(Path("reject.csv"), csv);
  CommandResult refused =
      Push("reject.csv", {"--max-reject-rate", "0.2", "--quarantine", "reject-q.csv"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(refused.out, "");
  EXPECT_THAT(refused.err, HasSubstr("3 of 10 rows (30.0%) failed validation, more than "
                                     "--max-reject-rate 0.2 allows; nothing was sent"));
  EXPECT_THAT(refused.err, HasSubstr("reject-q.csv"));
  EXPECT_THAT(ReadFileOrDie(Path("reject-q.csv")), HasSubstr("REJ/3,8/1"));
  // Nothing reached the hub: a push within the limit stores all seven good rows.
  CommandResult accepted = Push("reject.csv", {"--max-reject-rate", "0.3"});
  EXPECT_EQ(accepted.exit_code, 3) << accepted.err;
  EXPECT_THAT(accepted.out, HasSubstr("10 rows read, 7 sent in 1 batches (7 stored, 0 already at "
                                      "the hub), 3 quarantined"));
  EXPECT_THAT(Push("reject.csv", {"--max-reject-rate", "1.5"}).exit_code, 1);
}

TEST_F(AgentPushE2eTest, ReceiptRecordsTheFileCountsBatchesAndAuditSequences) {
  std::string csv = kHeader;
  for (int i = 1; i <= 2500; ++i) {
    csv += Row("REC", i, i == 7 ? "pickpocketing" : "robbery");
  }
  WriteFileOrDie(Path("receipt.csv"), csv);
  CommandResult push = Push("receipt.csv", {"--receipt", "receipt.json"});
  ASSERT_EQ(push.exit_code, 3) << push.err;
  v1::PushReceipt receipt = ParseReceipt(Path("receipt.json"));
  EXPECT_EQ(receipt.dataset(), "police_crime");
  EXPECT_EQ(receipt.file().name(), "receipt.csv");
  EXPECT_EQ(receipt.file().bytes(), static_cast<int64_t>(csv.size()));
  CommandResult sha = RunShell("sha256sum receipt.csv", dir_->path());
  EXPECT_EQ(receipt.file().sha256(), sha.out.substr(0, 64));
  EXPECT_EQ(receipt.counts().read(), 2500);
  EXPECT_EQ(receipt.counts().sent(), 2499);
  EXPECT_EQ(receipt.counts().stored(), 2499);
  EXPECT_EQ(receipt.counts().duplicates(), 0);
  EXPECT_EQ(receipt.counts().quarantined(), 1);
  EXPECT_EQ(receipt.counts().resumed(), 0);
  EXPECT_THAT(receipt.started(), MatchesRegex("20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z"));
  EXPECT_THAT(receipt.finished(), MatchesRegex("20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z"));
  EXPECT_THAT(receipt.hub_policy_version(), MatchesRegex("[0-9a-f]{16}"));
  ASSERT_EQ(receipt.batches_size(), 3);
  int64_t records = 0;
  CommandResult audit = Audit("Ingest.Push");
  ASSERT_EQ(audit.exit_code, 0) << audit.err;
  for (const auto& batch : receipt.batches()) {
    EXPECT_EQ(batch.outcome(), v1::PushAck::STORED);
    records += batch.records();
    // The audit event the hub wrote for this batch carries the receipt's sequence number.
    EXPECT_THAT(audit.out, HasSubstr(absl::StrCat("\n", batch.audit_sequence(), ",")));
    EXPECT_THAT(audit.out, HasSubstr(absl::StrCat("batch ", batch.batch_id())));
  }
  EXPECT_EQ(records, 2499);
  EXPECT_LT(receipt.batches(0).audit_sequence(), receipt.batches(2).audit_sequence());
  // The receipt names the file but holds none of its contents.
  const std::string json = ReadFileOrDie(Path("receipt.json"));
  for (const char* identifier : {"REC/", "Ottoline", "Featherstonehaugh", "L8 1AB"}) {
    EXPECT_THAT(json, Not(HasSubstr(identifier)));
  }
  // A re-push: every batch is a duplicate, and the receipt says so.
  CommandResult again = Push("receipt.csv", {"--receipt", "receipt-again.json"});
  EXPECT_THAT(again.out, HasSubstr("(0 stored, 2499 already at the hub)"));
  v1::PushReceipt second = ParseReceipt(Path("receipt-again.json"));
  EXPECT_EQ(second.counts().duplicates(), 2499);
  for (const auto& batch : second.batches()) {
    EXPECT_EQ(batch.outcome(), v1::PushAck::DUPLICATE);
  }
}

TEST_F(AgentPushE2eTest, ScheduledWrapperPushesTheNewestDropFileArchivesItAndKeepsTheReceipt) {
  std::filesystem::create_directories(Path("drop"));
  WriteFileOrDie(Path("drop/april.csv"), absl::StrCat(kHeader, Row("APR", 1), Row("APR", 2)));
  WriteFileOrDie(Path("drop/may.csv"),
                 absl::StrCat(kHeader, Row("MAY", 1), Row("MAY", 2), Row("MAY", 3)));
  ASSERT_EQ(RunShell("touch -d '2 days ago' drop/april.csv", dir_->path()).exit_code, 0);
  const std::string script = SourceDir() + "/deploy/systemd/confide-push-newest";
  CommandResult run = RunShell(
      absl::StrCat("CONFIDE_AGENT=", BinDir(), "/confide-agent ", script,
                   " --config police-agent.textpb --dataset police_crime --drop drop --archive "
                   "archive --receipts receipts"),
      dir_->path());
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr("3 rows read, 3 sent"));
  EXPECT_TRUE(std::filesystem::exists(Path("drop/april.csv")));
  EXPECT_FALSE(std::filesystem::exists(Path("drop/may.csv")));
  std::vector<std::string> archived, receipts;
  for (const auto& entry : std::filesystem::directory_iterator(Path("archive"))) {
    archived.push_back(entry.path().filename().string());
  }
  for (const auto& entry : std::filesystem::directory_iterator(Path("receipts"))) {
    receipts.push_back(entry.path().string());
  }
  ASSERT_THAT(archived, SizeIs(1));
  EXPECT_THAT(archived[0], MatchesRegex("[0-9]{8}T[0-9]{6}Z-may\\.csv"));
  ASSERT_THAT(receipts, SizeIs(1));
  EXPECT_EQ(ParseReceipt(receipts[0]).file().name(), "may.csv");
  EXPECT_EQ(Mode(receipts[0]), 0600);

  // The hub unreachable: the extract stays in the drop folder for the next run.
  std::string config = ReadFileOrDie(Path("police-agent.textpb"));
  WriteFileOrDie(Path("unreachable-agent.textpb"),
                 absl::StrReplaceAll(config, {{absl::StrCat(":", hub_->port()), ":1"}}));
  CommandResult down =
      RunShell(absl::StrCat("CONFIDE_AGENT=", BinDir(), "/confide-agent ", script,
                            " --config unreachable-agent.textpb --dataset police_crime --drop drop "
                            "--archive archive --receipts receipts"),
               dir_->path());
  EXPECT_EQ(down.exit_code, 4) << down.out << down.err;
  EXPECT_TRUE(std::filesystem::exists(Path("drop/april.csv")));
  EXPECT_THAT(down.err, HasSubstr("april.csv stays in drop"));
}

// Two monthly extracts sharing half their rows, one shared row changed: the hub ends with the
// union, the shared rows once, and the changed row's new value. Group sizes are chosen so that
// a wrong answer is visible through rounding to 5: threats_to_kill is 13 (published 15) before
// the change and 12 (published 10) after it; homicide the other way round.
class MonthlyExtractsE2eTest : public ::testing::Test {};

TEST_F(MonthlyExtractsE2eTest, OverlappingExtractAddsNewRecordsAndUpdatesChangedOnes) {
  TempDir dir;
  MakeRunDir(dir.path());
  HubProcess hub;
  absl::Status started = hub.Start(dir.path());
  ASSERT_TRUE(started.ok()) << started;
  SetHubPort(dir.path(), hub.port());
  auto group = [](int i, bool second_month) -> std::string {
    if (i == 300) {
      return second_month ? "homicide" : "threats_to_kill";
    }
    if (i % 10 == 0 && i <= 120) {
      return "threats_to_kill";  // 12 rows, all in month 1 only
    }
    if (i % 10 == 0 && i >= 490) {
      return "homicide";  // 12 rows, all in month 2 only
    }
    return "assault_with_injury";
  };
  std::string april = kHeader, may = kHeader;
  for (int i = 1; i <= 400; ++i) {
    april += Row("MON", i, group(i, false));
  }
  for (int i = 201; i <= 600; ++i) {
    may += Row("MON", i, group(i, true));
  }
  WriteFileOrDie(dir.path() + "/april.csv", april);
  WriteFileOrDie(dir.path() + "/may.csv", may);
  auto push = [&](const std::string& file) {
    return RunCommand({BinDir() + "/confide-agent", "push", "--config", "police-agent.textpb",
                       "--dataset", "police_crime", file},
                      dir.path());
  };
  auto counts = [&]() {
    CommandResult result =
        RunCommand({BinDir() + "/confide", "query", "--config", "analyst.textpb", "--agreement",
                    "svd-merseyside-2026", "--purpose", "hotspot analysis",
                    "SELECT offence_group, COUNT(*) FROM police_crime GROUP BY offence_group",
                    "--format", "csv"},
                   dir.path());
    EXPECT_EQ(result.exit_code, 0) << result.err;
    std::map<std::string, std::string> cells;
    std::vector<std::string> lines = absl::StrSplit(result.out, '\n', absl::SkipEmpty());
    for (size_t i = 1; i < lines.size(); ++i) {
      std::vector<std::string> parts = absl::StrSplit(lines[i], ',');
      cells[parts[0]] = parts[1];
    }
    return cells;
  };
  CommandResult first = push("april.csv");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  std::map<std::string, std::string> after_april = counts();
  EXPECT_EQ(after_april["threats_to_kill"], Published(13));
  EXPECT_EQ(after_april["assault_with_injury"], Published(387));
  EXPECT_EQ(after_april.count("homicide"), 0u);

  CommandResult second = push("may.csv");
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_THAT(second.out, HasSubstr("400 rows read, 400 sent"));
  std::map<std::string, std::string> after_may = counts();
  EXPECT_EQ(after_may["threats_to_kill"], Published(12));  // "10", not "15"
  EXPECT_EQ(after_may["homicide"], Published(13));         // "15", not "10"
  EXPECT_EQ(after_may["assault_with_injury"], Published(575));
  CommandResult total =
      RunCommand({BinDir() + "/confide", "query", "--config", "analyst.textpb", "--agreement",
                  "svd-merseyside-2026", "--purpose", "hotspot analysis",
                  "SELECT COUNT(*) FROM police_crime", "--format", "csv"},
                 dir.path());
  EXPECT_EQ(total.out, "COUNT(*)\n600\n");  // not 800: the 200 shared rows are held once
  EXPECT_EQ(hub.Stop(), 0);
}

}  // namespace
}  // namespace confide::e2e
