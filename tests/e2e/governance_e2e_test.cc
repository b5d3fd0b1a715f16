// End to end: the policy governs every RPC of every service, and hot reload on SIGHUP.

#include <signal.h>

#include <chrono>
#include <functional>
#include <map>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "confide/v1/admin.grpc.pb.h"
#include "confide/v1/audit.grpc.pb.h"
#include "confide/v1/ingest.grpc.pb.h"
#include "confide/v1/query.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "tests/e2e/harness.h"

namespace confide::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class GovernanceE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    MakeRunDir(dir_.path());
    CommandResult rogue = RunShell(
        absl::StrCat(SourceDir(), "/deploy/pki/confide-pki agent pki rogue-agency"), dir_.path());
    ASSERT_EQ(rogue.exit_code, 0) << rogue.err;
    absl::Status started = hub_.Start(dir_.path());
    ASSERT_TRUE(started.ok()) << started;
    SetHubPort(dir_.path(), hub_.port());
  }

  std::shared_ptr<grpc::Channel> Channel(const std::string& key, const std::string& cert) {
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = ReadFileOrDie(Path("pki/ca.crt"));
    options.pem_private_key = ReadFileOrDie(Path(key));
    options.pem_cert_chain = ReadFileOrDie(Path(cert));
    return grpc::CreateChannel(absl::StrCat("localhost:", hub_.port()),
                               grpc::SslCredentials(options));
  }

  CommandResult Query(const std::string& purpose) {
    return RunCommand({BinDir() + "/confide", "query", "--config", "analyst.textpb", "--agreement",
                       "svd-merseyside-2026", "--purpose", purpose,
                       "SELECT borough, COUNT(*) FROM fire_incident GROUP BY borough"},
                      dir_.path());
  }

  CommandResult Audit(const std::string& action) {
    return RunCommand({BinDir() + "/confide", "audit", "list", "--config", "ig.textpb", "--action",
                       action, "--format", "json"},
                      dir_.path());
  }

  void Reload() {
    hub_.Signal(SIGHUP);
    // The reload is audited before it takes effect; wait for the audit event.
    for (int i = 0; i < 100; ++i) {
      if (Audit("policy.reload").out.size() > reloads_seen_) {
        reloads_seen_ = Audit("policy.reload").out.size();
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "no policy.reload audit event after SIGHUP";
  }

  std::string Path(const std::string& name) { return dir_.path() + "/" + name; }

  TempDir dir_;
  HubProcess hub_;
  size_t reloads_seen_ = 0;
};

// Every RPC method of every service, called with a partnership certificate whose identity the
// policy does not know, is refused and audited under its own name. The list of methods comes
// from the descriptors, so a new RPC without a case here fails the test.
TEST_F(GovernanceE2eTest, EveryRpcOfEveryServiceIsAuthorisedAndAudited) {
  auto channel = Channel("pki/agents/rogue-agency.key", "pki/agents/rogue-agency.crt");
  auto deadline = [](grpc::ClientContext& context) {
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  };
  std::map<std::string, std::function<grpc::Status()>> calls = {
      {"confide.v1.Ingest.Push",
       [&] {
         grpc::ClientContext context;
         deadline(context);
         auto stream = v1::Ingest::NewStub(channel)->Push(&context);
         v1::PushRequest request;
         request.mutable_batch()->set_batch_id("b1");
         request.mutable_batch()->set_dataset("police_crime");
         stream->Write(request);
         stream->WritesDone();
         v1::PushAck ack;
         while (stream->Read(&ack)) {
         }
         return stream->Finish();
       }},
      {"confide.v1.Ingest.GetDataset",
       [&] {
         grpc::ClientContext context;
         deadline(context);
         v1::GetDatasetRequest request;
         request.set_dataset("police_crime");
         v1::GetDatasetResponse response;
         return v1::Ingest::NewStub(channel)->GetDataset(&context, request, &response);
       }},
      {"confide.v1.Ingest.Withdraw",
       [&] {
         grpc::ClientContext context;
         deadline(context);
         v1::WithdrawRequest request;
         request.set_dataset("police_crime");
         request.add_batch_ids("b1");
         v1::WithdrawResponse response;
         return v1::Ingest::NewStub(channel)->Withdraw(&context, request, &response);
       }},
      {"confide.v1.Query.Run",
       [&] {
         grpc::ClientContext context;
         deadline(context);
         v1::QueryRequest request;
         request.set_agreement("svd-merseyside-2026");
         request.set_purpose("hotspot analysis");
         request.set_sql("SELECT COUNT(*) FROM police_crime");
         v1::QueryResult response;
         return v1::Query::NewStub(channel)->Run(&context, request, &response);
       }},
      {"confide.v1.Audit.List",
       [&] {
         grpc::ClientContext context;
         deadline(context);
         v1::ListAuditResponse response;
         return v1::Audit::NewStub(channel)->List(&context, v1::ListAuditRequest(), &response);
       }},
      {"confide.v1.Audit.GetTreeHead",
       [&] {
         grpc::ClientContext context;
         deadline(context);
         v1::GetTreeHeadResponse response;
         return v1::Audit::NewStub(channel)->GetTreeHead(&context, v1::GetTreeHeadRequest(),
                                                         &response);
       }},
      {"confide.v1.Audit.GetConsistencyProof",
       [&] {
         grpc::ClientContext context;
         deadline(context);
         v1::GetConsistencyProofRequest request;
         request.set_first(1);
         request.set_second(2);
         v1::GetConsistencyProofResponse response;
         return v1::Audit::NewStub(channel)->GetConsistencyProof(&context, request, &response);
       }},
      {"confide.v1.Audit.GetInclusionProof",
       [&] {
         grpc::ClientContext context;
         deadline(context);
         v1::GetInclusionProofRequest request;
         request.set_sequence(1);
         v1::GetInclusionProofResponse response;
         return v1::Audit::NewStub(channel)->GetInclusionProof(&context, request, &response);
       }},
      {"confide.v1.Admin.Health",
       [&] {
         grpc::ClientContext context;
         deadline(context);
         v1::HealthResponse response;
         return v1::Admin::NewStub(channel)->Health(&context, v1::HealthRequest(), &response);
       }},
  };
  int methods = 0;
  for (const char* file : {"confide/v1/ingest.proto", "confide/v1/query.proto",
                           "confide/v1/audit.proto", "confide/v1/admin.proto"}) {
    const google::protobuf::FileDescriptor* descriptor =
        google::protobuf::DescriptorPool::generated_pool()->FindFileByName(file);
    ASSERT_NE(descriptor, nullptr) << file;
    for (int s = 0; s < descriptor->service_count(); ++s) {
      const google::protobuf::ServiceDescriptor* service = descriptor->service(s);
      for (int m = 0; m < service->method_count(); ++m) {
        const std::string name = service->method(m)->full_name();
        ++methods;
        auto call = calls.find(name);
        ASSERT_NE(call, calls.end()) << "no authorisation case for RPC " << name;
        grpc::Status status = call->second();
        EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << name;
        EXPECT_THAT(status.error_message(), HasSubstr("identity.unknown-agent")) << name;
        std::string action = name.substr(std::string("confide.v1.").size());
        CommandResult audit = Audit(action);
        ASSERT_EQ(audit.exit_code, 0) << audit.err;
        EXPECT_THAT(audit.out,
                    HasSubstr(absl::StrCat(
                        "\"actor\":\"confide://agency/rogue-agency/agent\",\"action\":\"", action,
                        "\",\"decision\":\"deny\"")))
            << name;
      }
    }
  }
  EXPECT_EQ(methods, static_cast<int>(calls.size())) << "a case names an RPC that does not exist";
}

TEST_F(GovernanceE2eTest, SighupAppliesAGoodPolicyAndKeepsTheOldOneOnABadFile) {
  ASSERT_EQ(Query("evaluating interventions").exit_code, 0);

  // A good edit: the purpose is withdrawn from the agreement; the next request is refused.
  std::string policy = ReadFileOrDie(Path("policy.textpb"));
  std::string narrowed = absl::StrReplaceAll(
      policy, {{"purposes: [\"strategic needs assessment\", \"hotspot analysis\", "
                "\"evaluating interventions\"]",
                "purposes: [\"strategic needs assessment\", \"hotspot analysis\"]"}});
  ASSERT_NE(narrowed, policy);
  WriteFileOrDie(Path("policy.textpb"), narrowed);
  Reload();
  CommandResult refused = Query("evaluating interventions");
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_THAT(refused.err, HasSubstr("query.purpose-not-listed"));
  EXPECT_EQ(Query("hotspot analysis").exit_code, 0);

  // A broken file: the hub keeps serving under the last good policy and says why.
  WriteFileOrDie(Path("policy.textpb"),
                 absl::StrReplaceAll(policy, {{"threshold: 8", "threshold: 0"}}));
  Reload();
  EXPECT_EQ(Query("hotspot analysis").exit_code, 0);
  EXPECT_EQ(Query("evaluating interventions").exit_code, 2);
  CommandResult audit = Audit("policy.reload");
  EXPECT_THAT(audit.out, HasSubstr("\"decision\":\"error\""));
  EXPECT_THAT(audit.out, HasSubstr("expected disclosure threshold >= 1, got 0"));
  EXPECT_THAT(hub_.log(), HasSubstr("policy reload refused"));
}

TEST(RetentionE2eTest, ExpiredRecordsArePurgedWhileServingAndThePurgeIsAudited) {
  TempDir dir;
  MakeRunDir(dir.path());
  std::string config = ReadFileOrDie(dir.path() + "/hub.textpb");
  WriteFileOrDie(dir.path() + "/hub.textpb", config + "retention_interval_seconds: 1\n");
  CommandResult synth =
      RunCommand({BinDir() + "/confide-synth", "--out", dir.path() + "/extracts", "--year", "2018",
                  "--people", "500", "--police", "300", "--ed", "0", "--fire", "0"});
  ASSERT_EQ(synth.exit_code, 0) << synth.err;
  HubProcess hub;
  absl::Status started = hub.Start(dir.path());
  ASSERT_TRUE(started.ok()) << started;
  SetHubPort(dir.path(), hub.port());
  CommandResult push =
      RunCommand({BinDir() + "/confide-agent", "push", "--config", "police-agent.textpb",
                  "--dataset", "police_crime", "extracts/police_crime.csv"},
                 dir.path());
  ASSERT_EQ(push.exit_code, 0) << push.err;
  // 2018 is past the longest police_crime retention (2190 days), so the next pass purges all.
  std::string audit;
  for (int i = 0; i < 100 && audit.find("retention.purge") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    audit = RunCommand({BinDir() + "/confide", "audit", "list", "--config", "ig.textpb", "--action",
                        "retention.purge", "--format", "json"},
                       dir.path())
                .out;
  }
  EXPECT_THAT(audit, HasSubstr("\"dataset\":\"police_crime\""));
  EXPECT_THAT(audit, HasSubstr("purged 300 records with events before"));
  EXPECT_THAT(audit, HasSubstr("(retention 2190 days)"));
  CommandResult count =
      RunCommand({BinDir() + "/confide", "query", "--config", "analyst.textpb", "--agreement",
                  "svd-merseyside-2026", "--purpose", "hotspot analysis",
                  "SELECT COUNT(*) FROM police_crime", "--format", "csv"},
                 dir.path());
  ASSERT_EQ(count.exit_code, 0) << count.err;
  EXPECT_EQ(count.out, "COUNT(*)\n0\n");
  EXPECT_EQ(hub.Stop(), 0);
}

}  // namespace
}  // namespace confide::e2e
