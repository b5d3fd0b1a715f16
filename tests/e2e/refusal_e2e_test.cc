// End to end: what the hub and agent refuse, and that refusals are audited. A real confide-hub
// on loopback with test-made certificates; real TLS handshakes.

#include <sys/stat.h>

#include <chrono>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "confide/v1/admin.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "tests/e2e/harness.h"

namespace confide::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class RefusalE2eTest : public ::testing::Test {
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

  // Calls Admin.Health with the given PEM material (empty key/cert = no client certificate).
  static grpc::Status Health(const std::string& ca, const std::string& key,
                             const std::string& cert) {
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = ReadFileOrDie(ca);
    if (!key.empty()) {
      options.pem_private_key = ReadFileOrDie(key);
      options.pem_cert_chain = ReadFileOrDie(cert);
    }
    auto channel = grpc::CreateChannel(absl::StrCat("localhost:", hub_->port()),
                                       grpc::SslCredentials(options));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::HealthResponse response;
    return v1::Admin::NewStub(channel)->Health(&context, v1::HealthRequest(), &response);
  }

  static CommandResult AuditList(const std::string& extra = "") {
    std::vector<std::string> argv = {BinDir() + "/confide", "audit",    "list", "--config",
                                     "ig.textpb",           "--format", "json"};
    if (!extra.empty()) {
      argv.push_back("--decision");
      argv.push_back(extra);
    }
    return RunCommand(argv, dir_->path());
  }

  static TempDir* dir_;
  static HubProcess* hub_;
};

TempDir* RefusalE2eTest::dir_ = nullptr;
HubProcess* RefusalE2eTest::hub_ = nullptr;

TEST_F(RefusalE2eTest, PartnershipCertificateIsServed) {
  grpc::Status status = Health(Path("pki/ca.crt"), Path("pki/users/analyst-a.khan.key"),
                               Path("pki/users/analyst-a.khan.crt"));
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_F(RefusalE2eTest, NoClientCertificateFailsTheHandshake) {
  grpc::Status status = Health(Path("pki/ca.crt"), "", "");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
}

TEST_F(RefusalE2eTest, CertificateFromAnotherCaFailsTheHandshake) {
  TempDir other;
  CommandResult made = RunShell(
      absl::StrCat(SourceDir(), "/deploy/pki/confide-pki init ", other.path(), " && ", SourceDir(),
                   "/deploy/pki/confide-pki agent ", other.path(), " merseyside-police"));
  ASSERT_EQ(made.exit_code, 0) << made.err;
  grpc::Status status = Health(Path("pki/ca.crt"), other.path() + "/agents/merseyside-police.key",
                               other.path() + "/agents/merseyside-police.crt");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
}

TEST_F(RefusalE2eTest, UnknownIdentityIsRefusedAndAudited) {
  CommandResult made = RunShell(
      absl::StrCat(SourceDir(), "/deploy/pki/confide-pki agent pki rogue-agency"), dir_->path());
  ASSERT_EQ(made.exit_code, 0) << made.err;
  grpc::Status status = Health(Path("pki/ca.crt"), Path("pki/agents/rogue-agency.key"),
                               Path("pki/agents/rogue-agency.crt"));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(status.error_message(), HasSubstr("identity.unknown-agent"));
  CommandResult audit = AuditList("deny");
  ASSERT_EQ(audit.exit_code, 0) << audit.err;
  EXPECT_THAT(audit.out, HasSubstr("\"actor\":\"confide://agency/rogue-agency/agent\""));
}

TEST_F(RefusalE2eTest, AgentCertificateCallingQueryIsDeniedAndAudited) {
  std::string config = ReadFileOrDie(Path("analyst.textpb"));
  WriteFileOrDie(
      Path("police-as-analyst.textpb"),
      absl::StrReplaceAll(config, {{"users/analyst-a.khan", "agents/merseyside-police"}}));
  CommandResult query =
      RunCommand({BinDir() + "/confide", "query", "--config", "police-as-analyst.textpb",
                  "--agreement", "svd-merseyside-2026", "--purpose", "hotspot analysis",
                  "SELECT borough, COUNT(*) FROM police_crime GROUP BY borough"},
                 dir_->path());
  EXPECT_EQ(query.exit_code, 2) << query.err;
  EXPECT_THAT(query.err, HasSubstr("agents contribute data; they never query"));
  CommandResult audit = AuditList("deny");
  ASSERT_EQ(audit.exit_code, 0) << audit.err;
  EXPECT_THAT(audit.out, HasSubstr("\"actor\":\"confide://agency/merseyside-police/agent\","
                                   "\"action\":\"Query.Run\",\"decision\":\"deny\""));
  EXPECT_THAT(audit.out, HasSubstr("agent.no-query-or-audit"));
}

TEST_F(RefusalE2eTest, AnalystCannotReadTheAuditLogButIgCanAndTheReadIsAudited) {
  CommandResult analyst = RunCommand(
      {BinDir() + "/confide", "audit", "list", "--config", "analyst.textpb"}, dir_->path());
  EXPECT_EQ(analyst.exit_code, 2);
  EXPECT_THAT(analyst.err, HasSubstr("only the ig role reads the audit log"));
  CommandResult ig = AuditList();
  ASSERT_EQ(ig.exit_code, 0) << ig.err;
  EXPECT_THAT(ig.out, HasSubstr("\"action\":\"hub.start\""));
  CommandResult again = AuditList();
  EXPECT_THAT(again.out,
              HasSubstr("\"actor\":\"confide://user/ig/r.patel\",\"action\":\"Audit.List\""));
}

TEST_F(RefusalE2eTest, AgentRefusesALinkageKeyReadableByOthers) {
  TempDir extract;
  WriteFileOrDie(extract.path() + "/empty.csv", "Crime Reference\n");
  ASSERT_EQ(chmod(Path("linkage.key").c_str(), 0644), 0);
  CommandResult push =
      RunCommand({BinDir() + "/confide-agent", "push", "--config", "police-agent.textpb",
                  "--dataset", "police_crime", extract.path() + "/empty.csv"},
                 dir_->path());
  ASSERT_EQ(chmod(Path("linkage.key").c_str(), 0600), 0);
  EXPECT_EQ(push.exit_code, 1);
  EXPECT_THAT(push.err, HasSubstr("expected 0600"));
}

TEST_F(RefusalE2eTest, BadRowsAreSkippedWithRowNumbersAndNoIdentifiers) {
  std::string csv =
      "Crime Reference,Offence Code,Offence Description,Offence Group,Knife Flag,Firearm Flag,"
      "Domestic Flag,Committed Date,Committed Time,Location Postcode,Victim Forename,"
      "Victim Surname,Victim DOB,Victim Sex\r\n"
      "MP/25/1,8/1,ABH,assault_with_injury,Y,N,N,03/05/2025,23:10,L8 1AB,Zebedee,Quartermaine,"
      "08/01/2005,F\r\n"
      "MP/25/2,8/1,ABH,assault_with_injury,Y,N,N,03/05/2025,23:10,L8 "
      "1AB,Ottoline,Featherstonehaugh,"
      "31/02/2001,F\r\n"
      "MP/25/3,8/1,ABH,pickpocketing,Y,N,N,03/05/2025,23:10,L8 1AB,Ottoline,Featherstonehaugh,"
      "01/02/2001,F\r\n"
      "MP/25/4,8/1,ABH,robbery,maybe,N,N,2025-05-03,23:10,L8 1AB,Ottoline,Featherstonehaugh,"
      "01/02/2001,F\r\n";
  WriteFileOrDie(Path("dirty.csv"), csv);
  CommandResult push =
      RunCommand({BinDir() + "/confide-agent", "push", "--config", "police-agent.textpb",
                  "--dataset", "police_crime", "dirty.csv", "--quarantine", "quarantine.csv"},
                 dir_->path());
  EXPECT_EQ(push.exit_code, 3) << push.err;
  EXPECT_THAT(push.out, HasSubstr("4 rows read, 1 sent"));
  EXPECT_THAT(push.out, HasSubstr("3 quarantined"));
  EXPECT_THAT(push.err, HasSubstr("row 2 (line 3), column 'Victim DOB'"));
  EXPECT_THAT(push.err, HasSubstr("row 3 (line 4), column 'Offence Group'"));
  EXPECT_THAT(push.err, HasSubstr("row 4 (line 5), column 'Knife Flag'"));
  EXPECT_THAT(push.err, HasSubstr("row 4 (line 5), column 'Committed Date'"));
  // The quarantine file stays at the agency and carries the original fields so the data lead
  // can fix the rows; the terminal never shows a value.
  std::string quarantine = ReadFileOrDie(Path("quarantine.csv"));
  EXPECT_THAT(quarantine, HasSubstr("2,3,Victim DOB,"));
  EXPECT_THAT(quarantine, HasSubstr("MP/25/2,8/1,ABH,assault_with_injury"));
  EXPECT_THAT(quarantine, Not(HasSubstr("Zebedee")));  // the good row is not quarantined
  for (const char* identifier : {"Ottoline", "Featherstonehaugh", "Zebedee", "Quartermaine",
                                 "31/02/2001", "L8 1AB", "MP/25/2", "pickpocketing", "maybe"}) {
    EXPECT_THAT(push.err, Not(HasSubstr(identifier)));
    EXPECT_THAT(push.out, Not(HasSubstr(identifier)));
  }
}

class HubStartupE2eTest : public ::testing::Test {
 protected:
  void SetUp() override { MakeRunDir(dir_.path()); }
  CommandResult StartHub(const std::string& config = "hub.textpb") {
    return RunCommand({BinDir() + "/confide-hub", "--config", config}, dir_.path());
  }
  std::string Path(const std::string& name) { return dir_.path() + "/" + name; }
  TempDir dir_;
};

TEST_F(HubStartupE2eTest, MissingConfigNamesTheFile) {
  CommandResult result = StartHub("nope.textpb");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err, HasSubstr("nope.textpb"));
}

TEST_F(HubStartupE2eTest, MalformedConfigNamesFileAndLine) {
  WriteFileOrDie(Path("bad.textpb"), "# comment\nlisten_adress: \"127.0.0.1:0\"\n");
  CommandResult result = StartHub("bad.textpb");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err, HasSubstr("bad.textpb:2:"));
  EXPECT_THAT(result.err, HasSubstr("listen_adress"));
}

TEST_F(HubStartupE2eTest, MalformedPolicyNamesFileAndLine) {
  std::string policy = ReadFileOrDie(Path("policy.textpb"));
  WriteFileOrDie(Path("policy.textpb"),
                 absl::StrReplaceAll(policy, {{"threshold: 8", "threshold: 0"}}));
  CommandResult result = StartHub();
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err, HasSubstr("policy.textpb:"));
  EXPECT_THAT(result.err, HasSubstr("expected disclosure threshold >= 1, got 0"));
}

TEST_F(HubStartupE2eTest, HubSecretReadableByOthersIsRefused) {
  ASSERT_EQ(chmod(Path("hub-secret.key").c_str(), 0640), 0);
  CommandResult result = StartHub();
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err, HasSubstr("expected 0600"));
}

TEST_F(HubStartupE2eTest, RevokedCertificateFailsTheHandshake) {
  CommandResult revoked = RunShell(
      absl::StrCat(SourceDir(), "/deploy/pki/confide-pki revoke pki pki/users/analyst-j.smith.crt"),
      dir_.path());
  ASSERT_EQ(revoked.exit_code, 0) << revoked.err;
  HubProcess hub;
  absl::Status started = hub.Start(dir_.path());
  ASSERT_TRUE(started.ok()) << started;
  auto health = [&](const std::string& user) {
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = ReadFileOrDie(Path("pki/ca.crt"));
    options.pem_private_key = ReadFileOrDie(Path("pki/users/" + user + ".key"));
    options.pem_cert_chain = ReadFileOrDie(Path("pki/users/" + user + ".crt"));
    auto channel =
        grpc::CreateChannel(absl::StrCat("localhost:", hub.port()), grpc::SslCredentials(options));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::HealthResponse response;
    return v1::Admin::NewStub(channel)->Health(&context, v1::HealthRequest(), &response);
  };
  EXPECT_TRUE(health("analyst-a.khan").ok());
  EXPECT_EQ(health("analyst-j.smith").error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(hub.Stop(), 0);
}

}  // namespace
}  // namespace confide::e2e
