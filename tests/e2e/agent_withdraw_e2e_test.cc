// End to end: `confide-agent withdraw` by source reference and by push receipt, and that an
// agency can never withdraw another agency's records. A real confide-hub on loopback.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "confide/v1/ingest.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/e2e/harness.h"

namespace confide::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kPoliceHeader[] =
    "Crime Reference,Offence Code,Offence Description,Offence Group,Knife Flag,Firearm Flag,"
    "Domestic Flag,Committed Date,Committed Time,Location Postcode,Victim Forename,"
    "Victim Surname,Victim DOB,Victim Sex\n";

std::string PoliceRows(const std::string& prefix, int from, int to) {
  std::string rows = kPoliceHeader;
  for (int i = from; i <= to; ++i) {
    absl::StrAppend(&rows, prefix, "/", i, ",8/1,ABH,robbery,Y,N,N,03/05/2025,23:10,L8 1AB,",
                    "Ottoline,Featherstonehaugh,01/02/1990,F\n");
  }
  return rows;
}

class AgentWithdrawE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    MakeRunDir(dir_.path());
    absl::Status started = hub_.Start(dir_.path());
    ASSERT_TRUE(started.ok()) << started;
    SetHubPort(dir_.path(), hub_.port());
  }
  void TearDown() override { EXPECT_EQ(hub_.Stop(), 0); }

  std::string Path(const std::string& name) { return dir_.path() + "/" + name; }

  CommandResult Agent(const std::string& config, std::vector<std::string> args) {
    std::vector<std::string> argv = {BinDir() + "/confide-agent", args[0], "--config", config};
    argv.insert(argv.end(), args.begin() + 1, args.end());
    return RunCommand(argv, dir_.path());
  }

  // The published COUNT(*) of `dataset` (exact for the multiples of 5 these tests use).
  std::string Count(const std::string& dataset) {
    CommandResult result =
        RunCommand({BinDir() + "/confide", "query", "--config", "analyst.textpb", "--agreement",
                    "svd-merseyside-2026", "--purpose", "hotspot analysis",
                    absl::StrCat("SELECT COUNT(*) FROM ", dataset), "--format", "csv"},
                   dir_.path());
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return result.out;
  }

  std::string WithdrawAudit() {
    CommandResult result =
        RunCommand({BinDir() + "/confide", "audit", "list", "--config", "ig.textpb", "--action",
                    "Ingest.Withdraw", "--format", "csv"},
                   dir_.path());
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return result.out;
  }

  // An agent config and certificate for a council contributing youth_justice.
  void MakeCouncilAgent(const std::string& agency) {
    CommandResult made = RunShell(
        absl::StrCat(SourceDir(), "/deploy/pki/confide-pki agent pki ", agency), dir_.path());
    ASSERT_EQ(made.exit_code, 0) << made.err;
    WriteFileOrDie(
        Path(agency + ".textpb"),
        absl::StrCat(
            "hub_address: \"localhost:", hub_.port(), "\"\n",
            "linkage_key_file: \"linkage.key\"\nlinkage_key_version: \"2026-1\"\n",
            "journal_dir: \"journal-", agency, "\"\n",
            "tls { ca_cert: \"pki/ca.crt\" cert: \"pki/agents/", agency,
            ".crt\" key: \"pki/agents/", agency, ".key\" }\n",
            "datasets {\n  dataset: \"youth_justice\"\n",
            "  columns { field: \"case_id\" column: \"Case ID\" }\n",
            "  columns { field: \"offence_date\" column: \"Offence Date\" format: \"dd/mm/yyyy\" "
            "}\n",
            "  columns { field: \"offence_group\" column: \"Offence Group\" }\n",
            "  columns { field: \"outcome\" column: \"Outcome\" }\n",
            "  columns { field: \"home_postcode\" column: \"Home Postcode\" }\n",
            "  columns { field: \"forename\" column: \"Forename\" }\n",
            "  columns { field: \"surname\" column: \"Surname\" }\n",
            "  columns { field: \"date_of_birth\" column: \"DOB\" format: \"dd/mm/yyyy\" }\n",
            "  columns { field: \"sex\" column: \"Sex\" synonyms { key: \"M\" value: \"m\" } "
            "}\n}\n"));
  }

  TempDir dir_;
  HubProcess hub_;
};

TEST_F(AgentWithdrawE2eTest, ByReferencesRemovesExactlyThoseRecordsAndARepushRestoresThem) {
  WriteFileOrDie(Path("extract.csv"), PoliceRows("W", 1, 100));
  CommandResult push =
      Agent("police-agent.textpb", {"push", "--dataset", "police_crime", "extract.csv"});
  ASSERT_EQ(push.exit_code, 0) << push.err;
  EXPECT_EQ(Count("police_crime"), "COUNT(*)\n100\n");

  std::string references = "Crime Reference\n";
  for (int i = 1; i <= 20; ++i) {
    absl::StrAppend(&references, "W/", i, "\n");
  }
  references += "W/999\n";  // never pushed
  WriteFileOrDie(Path("references.csv"), references);
  CommandResult withdrawn = Agent("police-agent.textpb", {"withdraw", "--dataset", "police_crime",
                                                          "--references", "references.csv"});
  ASSERT_EQ(withdrawn.exit_code, 0) << withdrawn.err;
  EXPECT_THAT(withdrawn.out, HasSubstr("withdrew from police_crime: 21 references, 20 records "
                                       "removed, 1 not held for your agency at the hub"));
  EXPECT_THAT(withdrawn.out + withdrawn.err, Not(HasSubstr("W/")));
  EXPECT_EQ(Count("police_crime"), "COUNT(*)\n80\n");
  // One audit event with the counts, and no reference in it.
  std::string audit = WithdrawAudit();
  EXPECT_THAT(audit, HasSubstr("confide://agency/merseyside-police/agent,Ingest.Withdraw,allow"));
  EXPECT_THAT(audit, HasSubstr("withdrew 20 records: 21 record ids requested (1 not held for "
                               "this agency)"));
  EXPECT_THAT(audit, Not(HasSubstr("W/")));

  // Withdrawn records come back only when pushed again.
  CommandResult again =
      Agent("police-agent.textpb", {"push", "--dataset", "police_crime", "extract.csv"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.out, HasSubstr("(100 stored, 0 already at the hub)"));
  EXPECT_EQ(Count("police_crime"), "COUNT(*)\n100\n");

  // The extract itself works as a reference list (its mapped reference column is used).
  CommandResult all = Agent("police-agent.textpb", {"withdraw", "--dataset", "police_crime",
                                                    "--references", "extract.csv"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_THAT(all.out, HasSubstr("100 references, 100 records removed, 0 not held"));
  EXPECT_EQ(Count("police_crime"), "COUNT(*)\n0\n");
}

TEST_F(AgentWithdrawE2eTest, ByReceiptRemovesWhatThatPushContributed) {
  WriteFileOrDie(Path("april.csv"), PoliceRows("R", 1, 50));
  WriteFileOrDie(Path("may.csv"), PoliceRows("R", 41, 90));  // R/41..R/50 sent again in May
  for (const char* month : {"april", "may"}) {
    CommandResult push =
        Agent("police-agent.textpb", {"push", "--dataset", "police_crime", "--receipt",
                                      absl::StrCat(month, ".json"), absl::StrCat(month, ".csv")});
    ASSERT_EQ(push.exit_code, 0) << push.err;
  }
  EXPECT_EQ(Count("police_crime"), "COUNT(*)\n90\n");
  CommandResult wrong_dataset = Agent(
      "police-agent.textpb", {"withdraw", "--dataset", "fire_incident", "--receipt", "april.json"});
  EXPECT_EQ(wrong_dataset.exit_code, 1);
  EXPECT_THAT(wrong_dataset.err, HasSubstr("is a receipt for dataset 'police_crime'"));

  // April's push: the records May did not send again.
  CommandResult april = Agent("police-agent.textpb",
                              {"withdraw", "--dataset", "police_crime", "--receipt", "april.json"});
  ASSERT_EQ(april.exit_code, 0) << april.err;
  EXPECT_THAT(april.out, HasSubstr("the push of april.csv"));
  EXPECT_THAT(april.out, HasSubstr("40 records removed"));
  EXPECT_EQ(Count("police_crime"), "COUNT(*)\n50\n");
  CommandResult may = Agent("police-agent.textpb",
                            {"withdraw", "--dataset", "police_crime", "--receipt", "may.json"});
  ASSERT_EQ(may.exit_code, 0) << may.err;
  EXPECT_THAT(may.out, HasSubstr("50 records removed"));
  EXPECT_EQ(Count("police_crime"), "COUNT(*)\n0\n");
  std::string audit = WithdrawAudit();
  EXPECT_THAT(audit, HasSubstr("withdrew 40 records: 0 record ids requested"));
  EXPECT_THAT(audit, HasSubstr("withdrew 50 records: 0 record ids requested"));
}

TEST_F(AgentWithdrawE2eTest, AnAgencyCanNeverWithdrawAnotherAgencysRecords) {
  WriteFileOrDie(Path("police.csv"), PoliceRows("P", 1, 20));
  ASSERT_EQ(
      Agent("police-agent.textpb", {"push", "--dataset", "police_crime", "police.csv"}).exit_code,
      0);
  WriteFileOrDie(Path("references.txt"), "P/1\nP/2\nP/3\n");
  // The fire service contributes no police data: refused and audited.
  CommandResult fire = Agent("fire-agent.textpb", {"withdraw", "--dataset", "police_crime",
                                                   "--references", "references.txt"});
  EXPECT_EQ(fire.exit_code, 2) << fire.err;
  EXPECT_THAT(fire.err, HasSubstr("push.not-a-party"));
  EXPECT_THAT(WithdrawAudit(),
              HasSubstr("confide://agency/merseyside-fire-rescue/agent,Ingest.Withdraw,deny"));
  EXPECT_EQ(Count("police_crime"), "COUNT(*)\n20\n");

  // Two councils contribute youth_justice and hold records with the same references (so the
  // same keyed record ids and, for identical extracts, the same batch ids). One withdrawing
  // never touches the other's.
  MakeCouncilAgent("liverpool-city-council");
  MakeCouncilAgent("knowsley-council");
  std::string youth =
      "Case ID,Offence Date,Offence Group,Outcome,Home Postcode,Forename,Surname,"
      "DOB,Sex\n";
  std::string youth_references;
  for (int i = 1; i <= 10; ++i) {
    absl::StrAppend(&youth, "YJ/", i, ",04/06/2025,robbery,referral_order,L4 0TH,Sam,Jones", i,
                    ",02/03/2008,M\n");
    absl::StrAppend(&youth_references, "YJ/", i, "\n");
  }
  WriteFileOrDie(Path("youth.csv"), youth);
  WriteFileOrDie(Path("youth-references.txt"), youth_references);
  for (const char* council : {"liverpool-city-council", "knowsley-council"}) {
    CommandResult push =
        Agent(absl::StrCat(council, ".textpb"), {"push", "--dataset", "youth_justice", "--receipt",
                                                 absl::StrCat(council, ".json"), "youth.csv"});
    ASSERT_EQ(push.exit_code, 0) << push.err;
    EXPECT_THAT(push.out, HasSubstr("(10 stored, 0 already at the hub)"));
  }
  EXPECT_EQ(Count("youth_justice"), "COUNT(*)\n20\n");
  v1::PushReceipt liverpool, knowsley;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(
                  ReadFileOrDie(Path("liverpool-city-council.json")), &liverpool)
                  .ok());
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(
                  ReadFileOrDie(Path("knowsley-council.json")), &knowsley)
                  .ok());
  ASSERT_EQ(liverpool.batches_size(), 1);
  EXPECT_EQ(liverpool.batches(0).batch_id(), knowsley.batches(0).batch_id());

  // Knowsley presents Liverpool's receipt: only Knowsley's own records go.
  CommandResult by_receipt =
      Agent("knowsley-council.textpb",
            {"withdraw", "--dataset", "youth_justice", "--receipt", "liverpool-city-council.json"});
  ASSERT_EQ(by_receipt.exit_code, 0) << by_receipt.err;
  EXPECT_THAT(by_receipt.out, HasSubstr("10 records removed"));
  EXPECT_EQ(Count("youth_justice"), "COUNT(*)\n10\n");
  // Liverpool's records, named by reference from Knowsley: not Knowsley's, so not touched.
  CommandResult by_reference =
      Agent("knowsley-council.textpb",
            {"withdraw", "--dataset", "youth_justice", "--references", "youth-references.txt"});
  ASSERT_EQ(by_reference.exit_code, 0) << by_reference.err;
  EXPECT_THAT(by_reference.out,
              HasSubstr("10 references, 0 records removed, 10 not held for your agency"));
  EXPECT_EQ(Count("youth_justice"), "COUNT(*)\n10\n");
  // Liverpool can still withdraw its own.
  CommandResult own =
      Agent("liverpool-city-council.textpb",
            {"withdraw", "--dataset", "youth_justice", "--references", "youth-references.txt"});
  ASSERT_EQ(own.exit_code, 0) << own.err;
  EXPECT_THAT(own.out, HasSubstr("10 records removed"));
  EXPECT_EQ(Count("youth_justice"), "COUNT(*)\n0\n");
}

}  // namespace
}  // namespace confide::e2e
