// What leaves an agency and what the hub keeps, intercepted end to end. The police, ED and
// ambulance agents push through a recording proxy (a real mTLS gRPC server with the hub's
// certificate, forwarding to the real hub with the agency's certificate), so the test sees every
// byte each agent sends. Neither those bytes, nor any file the hub writes, nor the hub's log,
// hold a name, NHS number, date of birth, full postcode or record reference from the source; and
// no token sent on the wire is what the hub stores (it re-keys them).

#include <algorithm>
#include <filesystem>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "common/grpc_client.h"
#include "common/tls.h"
#include "confide/v1/audit.grpc.pb.h"
#include "confide/v1/ingest.grpc.pb.h"
#include "confide/v1/storage.pb.h"
#include "gmock/gmock.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "tests/e2e/csv_oracle.h"
#include "tests/e2e/harness.h"

namespace confide::e2e {
namespace {

// Everything an agent sends, as serialized messages.
struct Recording {
  std::mutex mu;
  std::vector<std::string> messages;
  std::vector<v1::PushRequest> pushes;
  void Add(const google::protobuf::Message& message) {
    std::lock_guard<std::mutex> lock(mu);
    messages.push_back(message.SerializeAsString());
  }
};

std::unique_ptr<grpc::ClientContext> Upstream(const grpc::ServerContext& downstream) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(downstream.deadline());
  return context;
}

class RecordingIngest final : public v1::Ingest::Service {
 public:
  RecordingIngest(std::shared_ptr<grpc::Channel> hub, Recording& recording)
      : hub_(v1::Ingest::NewStub(hub)), recording_(recording) {}
  grpc::Status Push(grpc::ServerContext* context,
                    grpc::ServerReaderWriter<v1::PushAck, v1::PushRequest>* agent) override {
    std::unique_ptr<grpc::ClientContext> upstream = Upstream(*context);
    auto hub = hub_->Push(upstream.get());
    v1::PushRequest request;
    while (agent->Read(&request)) {
      recording_.Add(request);
      {
        std::lock_guard<std::mutex> lock(recording_.mu);
        recording_.pushes.push_back(request);
      }
      v1::PushAck ack;
      if (!hub->Write(request) || !hub->Read(&ack)) {
        break;
      }
      agent->Write(ack);
    }
    hub->WritesDone();
    return hub->Finish();
  }
  grpc::Status GetDataset(grpc::ServerContext* context, const v1::GetDatasetRequest* request,
                          v1::GetDatasetResponse* response) override {
    recording_.Add(*request);
    return hub_->GetDataset(Upstream(*context).get(), *request, response);
  }
  grpc::Status Withdraw(grpc::ServerContext* context, const v1::WithdrawRequest* request,
                        v1::WithdrawResponse* response) override {
    recording_.Add(*request);
    return hub_->Withdraw(Upstream(*context).get(), *request, response);
  }

 private:
  std::unique_ptr<v1::Ingest::Stub> hub_;
  Recording& recording_;
};

class RecordingAudit final : public v1::Audit::Service {
 public:
  RecordingAudit(std::shared_ptr<grpc::Channel> hub, Recording& recording)
      : hub_(v1::Audit::NewStub(hub)), recording_(recording) {}
  grpc::Status GetTreeHead(grpc::ServerContext* context, const v1::GetTreeHeadRequest* request,
                           v1::GetTreeHeadResponse* response) override {
    recording_.Add(*request);
    return hub_->GetTreeHead(Upstream(*context).get(), *request, response);
  }
  grpc::Status GetConsistencyProof(grpc::ServerContext* context,
                                   const v1::GetConsistencyProofRequest* request,
                                   v1::GetConsistencyProofResponse* response) override {
    recording_.Add(*request);
    return hub_->GetConsistencyProof(Upstream(*context).get(), *request, response);
  }

 private:
  std::unique_ptr<v1::Audit::Stub> hub_;
  Recording& recording_;
};

// The identifiers of every person-bearing extract, in the spellings they could leak in.
std::set<std::string> Identifiers(const std::string& extracts) {
  std::set<std::string> needles;
  // Placeholders the generator writes for a missing name identify no one (and "unknown" also
  // occurs in RocksDB's own OPTIONS files).
  const std::set<std::string> placeholders = {"unknown", "not known", "not stated", "none", "null"};
  auto add = [&](std::string value) {
    value = std::string(absl::StripAsciiWhitespace(value));
    if (value.size() >= 5 && !placeholders.count(absl::AsciiStrToLower(
                                 value))) {  // shorter strings occur by chance in binary files
      needles.insert(value);
      needles.insert(absl::AsciiStrToLower(value));
      needles.insert(absl::AsciiStrToUpper(value));
    }
  };
  for (const char* extract : {"police_crime.csv", "ed_attendance.csv", "ambulance_incident.csv"}) {
    std::vector<std::vector<std::string>> rows = ReadCsv(extracts + "/" + extract);
    for (size_t column = 0; column < rows[0].size(); ++column) {
      const std::string name = rows[0][column];
      const bool is_name =
          absl::StrContains(name, "Forename") || absl::StrContains(name, "Surname");
      const bool is_nhs = absl::StrContains(name, "NHS");
      const bool is_dob = absl::StrContains(name, "DOB") || absl::StrContains(name, "Birth");
      const bool is_home = name == "Victim Postcode" || name == "Patient Postcode";
      const bool is_reference =
          name == "Crime Reference" || name == "Attendance ID" || name == "Incident ID";
      if (!(is_name || is_nhs || is_dob || is_home || is_reference)) {
        continue;
      }
      for (size_t i = 1; i < rows.size(); ++i) {
        if (column >= rows[i].size()) {
          continue;
        }
        const std::string& value = rows[i][column];
        add(value);
        if (is_nhs || is_home) {
          add(absl::StrReplaceAll(value, {{" ", ""}, {"-", ""}}));
        }
        std::vector<std::string> parts = absl::StrSplit(value, '/');
        if (is_dob && parts.size() == 3 && parts[2].size() == 4) {
          add(absl::StrCat(parts[2], parts[1], parts[0]));            // yyyymmdd, as normalised
          add(absl::StrCat(parts[2], "-", parts[1], "-", parts[0]));  // ISO
        }
      }
    }
  }
  return needles;
}

std::vector<std::string> StoredTokens(const std::string& data_dir) {
  std::vector<std::string> names;
  EXPECT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), data_dir, &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const std::string& name : names) {
    families.emplace_back(name, rocksdb::ColumnFamilyOptions());
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  EXPECT_TRUE(
      rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(), data_dir, families, &handles, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  std::vector<std::string> tokens;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == "records") {
      std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), handles[i]));
      for (it->SeekToFirst(); it->Valid(); it->Next()) {
        v1::StoredRecord record;
        EXPECT_TRUE(record.ParseFromString(it->value().ToString()));
        for (const v1::MatchToken& token : record.tokens()) {
          tokens.push_back(token.token());
        }
      }
    }
  }
  for (rocksdb::ColumnFamilyHandle* handle : handles) {
    db->DestroyColumnFamilyHandle(handle);
  }
  return tokens;
}

TEST(InterceptionE2eTest, NeitherTheWireNorTheHubHoldsIdentifiersAndTokensAreRekeyed) {
  TempDir dir;
  const std::string run = dir.path();
  MakeRunDir(run);
  CommandResult synth = RunCommand({BinDir() + "/confide-synth", "--out", run + "/extracts",
                                    "--seed", "5", "--people", "4000", "--police", "2500", "--ed",
                                    "1500", "--ambulance", "1200", "--fire", "0"});
  ASSERT_EQ(synth.exit_code, 0) << synth.err;
  HubProcess hub;
  ASSERT_TRUE(hub.Start(run).ok()) << hub.log();

  // The proxy: the hub's certificate towards the agents, each agency's towards the hub.
  Recording recording;
  std::vector<std::unique_ptr<grpc::Service>> services;
  v1::TlsFiles server_tls;
  server_tls.set_ca_cert(run + "/pki/ca.crt");
  server_tls.set_cert(run + "/pki/hub.crt");
  server_tls.set_key(run + "/pki/hub.key");
  server_tls.set_crl_dir(run + "/pki/crl");
  const std::vector<std::pair<std::string, std::string>> agents = {
      {"police-agent.textpb", "police_crime"},
      {"ed-agent.textpb", "ed_attendance"},
      {"ambulance-agent.textpb", "ambulance_incident"}};
  const std::vector<std::string> agencies = {"merseyside-police", "liverpool-university-hospitals",
                                             "north-west-ambulance"};
  for (size_t i = 0; i < agents.size(); ++i) {
    v1::TlsFiles agency_tls;
    agency_tls.set_ca_cert(run + "/pki/ca.crt");
    agency_tls.set_cert(run + "/pki/agents/" + agencies[i] + ".crt");
    agency_tls.set_key(run + "/pki/agents/" + agencies[i] + ".key");
    std::shared_ptr<grpc::Channel> upstream =
        *MakeHubChannel(absl::StrCat("localhost:", hub.port()), agency_tls);
    grpc::ServerBuilder builder;
    int proxy_port = 0;
    builder.AddListeningPort("127.0.0.1:0", *MakeServerCredentials(server_tls), &proxy_port);
    services.push_back(std::make_unique<RecordingIngest>(upstream, recording));
    builder.RegisterService(services.back().get());
    services.push_back(std::make_unique<RecordingAudit>(upstream, recording));
    builder.RegisterService(services.back().get());
    std::unique_ptr<grpc::Server> proxy = builder.BuildAndStart();
    ASSERT_NE(proxy, nullptr);
    // This agent talks only to the proxy.
    const std::string config = run + "/" + agents[i].first;
    WriteFileOrDie(config, absl::StrReplaceAll(ReadFileOrDie(config),
                                               {{"HUB_PORT", absl::StrCat(proxy_port)}}));
    CommandResult pushed =
        RunCommand({BinDir() + "/confide-agent", "push", "--config", agents[i].first, "--dataset",
                    agents[i].second, run + "/extracts/" + agents[i].second + ".csv"},
                   run);
    EXPECT_TRUE(pushed.exit_code == 0 || pushed.exit_code == 3) << pushed.err;
    proxy->Shutdown();
  }
  ASSERT_EQ(hub.Stop(), 0);

  std::string wire;
  std::set<std::string> wire_tokens;
  size_t records_sent = 0;
  for (const std::string& message : recording.messages) {
    wire += message;
  }
  for (const v1::PushRequest& push : recording.pushes) {
    for (const v1::WireRecord& record : push.batch().records()) {
      ++records_sent;
      for (const v1::MatchToken& token : record.tokens()) {
        wire_tokens.insert(token.token());
      }
    }
  }
  ASSERT_GT(records_sent, 5000u) << "the proxy saw too little";
  ASSERT_GT(wire_tokens.size(), 5000u);

  std::string hub_files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(run + "/hub-data")) {
    if (entry.is_regular_file()) {
      hub_files += ReadFileOrDie(entry.path().string());
    }
  }
  hub_files += hub.log();
  // A surname such as "North" also occurs in "north-west-ambulance": words of the policy itself
  // (agency ids, user identities, field names) are not evidence of a leak.
  const std::string policy_words = absl::AsciiStrToLower(ReadFileOrDie(run + "/policy.textpb"));
  std::set<std::string> needles;
  for (const std::string& needle : Identifiers(run + "/extracts")) {
    if (!absl::StrContains(policy_words, absl::AsciiStrToLower(needle))) {
      needles.insert(needle);
    }
  }
  ASSERT_GT(needles.size(), 20000u);
  EXPECT_EQ(FindAnyNeedle(wire, needles), "") << "an agent sent a direct identifier";
  EXPECT_EQ(FindAnyNeedle(hub_files, needles), "") << "the hub stored an identifier";
  // The scan itself works: every needle is found in the extracts it came from.
  EXPECT_NE(FindAnyNeedle(ReadFileOrDie(run + "/extracts/ed_attendance.csv"), needles), "");

  const std::vector<std::string> stored = StoredTokens(run + "/hub-data");
  ASSERT_GT(stored.size(), 5000u);
  for (const std::string& token : stored) {
    ASSERT_EQ(wire_tokens.count(token), 0u) << "a stored token equals a wire token";
  }
  EXPECT_EQ(FindAnyNeedle(hub_files, wire_tokens), "") << "the hub kept a wire token";
}

}  // namespace
}  // namespace confide::e2e
