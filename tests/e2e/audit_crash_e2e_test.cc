// Audit before response, across crashes (test matrix row 8): clients keep pushing, querying and
// fetching tree heads while the real hub is killed with SIGKILL at random moments and restarted.
// Afterwards, every response any client received has its durable audit event, with the same
// sequence number the response carried and the right action, and the audit log verifies.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/grpc_client.h"
#include "confide/v1/audit.grpc.pb.h"
#include "confide/v1/ingest.grpc.pb.h"
#include "confide/v1/query.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/harness.h"

namespace confide::e2e {
namespace {

constexpr int kKills = 6;
constexpr int64_t kEventTime = 1748736000;  // 2025-06-01 00:00, civil seconds

struct Received {
  std::string action;
  uint64_t sequence;
  std::string detail;  // what the event must mention (a batch id), if anything
};

class AuditCrashE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    MakeRunDir(dir_.path());
    Restart();
  }
  void Restart() {
    absl::Status started = hub_.Start(dir_.path());
    ASSERT_TRUE(started.ok()) << started;
    port_.store(hub_.port());
  }

  v1::TlsFiles Tls(const std::string& cert) const {
    v1::TlsFiles tls;
    tls.set_ca_cert(dir_.path() + "/pki/ca.crt");
    tls.set_cert(dir_.path() + "/pki/" + cert + ".crt");
    tls.set_key(dir_.path() + "/pki/" + cert + ".key");
    return tls;
  }
  std::shared_ptr<grpc::Channel> Channel(const std::string& cert) const {
    return *MakeHubChannel(absl::StrCat("localhost:", port_.load()), Tls(cert));
  }
  static void Deadline(grpc::ClientContext& context) {
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(3));
  }
  void Record(Received received) {
    std::lock_guard<std::mutex> lock(mu_);
    received_.push_back(std::move(received));
  }

  void QueryLoop() {
    while (!stop_.load()) {
      std::unique_ptr<v1::Query::Stub> stub = v1::Query::NewStub(Channel("users/analyst-a.khan"));
      v1::QueryRequest request;
      request.set_agreement("svd-merseyside-2026");
      request.set_purpose("hotspot analysis");
      request.set_sql("SELECT COUNT(*) FROM ed_attendance");
      v1::QueryResult result;
      grpc::ClientContext context;
      Deadline(context);
      if (stub->Run(&context, request, &result).ok()) {
        Record({"Query.Run", result.audit_sequence(), ""});
      }
    }
  }

  void PushLoop() {
    int next_batch = 0;
    while (!stop_.load()) {
      std::unique_ptr<v1::Ingest::Stub> stub =
          v1::Ingest::NewStub(Channel("agents/liverpool-university-hospitals"));
      grpc::ClientContext context;
      Deadline(context);
      auto stream = stub->Push(&context);
      for (int i = 0; i < 5 && !stop_.load(); ++i) {
        v1::PushRequest request;
        v1::Batch* batch = request.mutable_batch();
        const int id = next_batch++;
        batch->set_batch_id(absl::StrFormat("ed_attendance.%032d", id));
        batch->set_dataset("ed_attendance");
        for (int r = 0; r < 20; ++r) {
          v1::WireRecord* record = batch->add_records();
          record->set_record_id(absl::StrFormat("crash-%08d-%04d-%020d", id, r, 0));
          record->set_event_time(kEventTime + 3600 * (r % 24));
          (*record->mutable_values())["district"] = "L8";
          (*record->mutable_values())["means_of_assault"] = "knife";
        }
        v1::PushAck ack;
        if (!stream->Write(request) || !stream->Read(&ack)) {
          break;
        }
        Record({"Ingest.Push", ack.audit_sequence(), ack.batch_id()});
      }
      stream->WritesDone();
      stream->Finish().ok();  // the hub may be gone: what matters is what was received
    }
  }

  void TreeHeadLoop() {
    while (!stop_.load()) {
      std::unique_ptr<v1::Audit::Stub> stub = v1::Audit::NewStub(Channel("users/ig-r.patel"));
      v1::GetTreeHeadResponse response;
      grpc::ClientContext context;
      Deadline(context);
      if (stub->GetTreeHead(&context, v1::GetTreeHeadRequest(), &response).ok()) {
        // The head covers the request's own event (not necessarily as its last: other events
        // may land in between), so it is checked by count below.
        Record({"Audit.GetTreeHead", response.head().tree_size(), ""});
      }
    }
  }

  std::map<uint64_t, v1::AuditEvent> AllEvents() {
    std::map<uint64_t, v1::AuditEvent> events;
    std::unique_ptr<v1::Audit::Stub> stub = v1::Audit::NewStub(Channel("users/ig-r.patel"));
    // Every List call is itself audited, so page up to a fixed size rather than to the end.
    v1::GetTreeHeadResponse head;
    {
      grpc::ClientContext context;
      Deadline(context);
      grpc::Status status = stub->GetTreeHead(&context, v1::GetTreeHeadRequest(), &head);
      EXPECT_TRUE(status.ok()) << status.error_message();
    }
    v1::ListAuditRequest request;
    request.set_limit(1000);
    while (request.after_sequence() < head.head().tree_size()) {
      v1::ListAuditResponse page;
      grpc::ClientContext context;
      Deadline(context);
      grpc::Status status = stub->List(&context, request, &page);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok() || page.events().empty()) {
        break;
      }
      for (const v1::AuditEvent& event : page.events()) {
        events[event.sequence()] = event;
        request.set_after_sequence(event.sequence());
      }
    }
    return events;
  }

  TempDir dir_;
  HubProcess hub_;
  std::atomic<int> port_{0};
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::vector<Received> received_;
};

TEST_F(AuditCrashE2eTest, EveryReceivedResponseHasItsAuditEventAfterRandomKills) {
  std::vector<std::thread> clients;
  clients.emplace_back([this] { QueryLoop(); });
  clients.emplace_back([this] { PushLoop(); });
  clients.emplace_back([this] { TreeHeadLoop(); });
  std::mt19937 random(20261121);
  std::uniform_int_distribution<int> pause_ms(150, 700);
  size_t received_before_last_kill = 0;
  for (int kill = 0; kill < kKills; ++kill) {
    std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms(random)));
    hub_.Kill();
    {
      std::lock_guard<std::mutex> lock(mu_);
      received_before_last_kill = received_.size();
    }
    Restart();
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  stop_.store(true);
  for (std::thread& client : clients) {
    client.join();
  }

  std::lock_guard<std::mutex> lock(mu_);
  ASSERT_GE(received_before_last_kill, 20u) << "too little traffic for the test to mean much";
  std::map<std::string, int> by_action;
  const std::map<uint64_t, v1::AuditEvent> events = AllEvents();
  for (const Received& received : received_) {
    ++by_action[received.action];
    if (received.action == "Audit.GetTreeHead") {
      // Every event the signed head covered survived the crashes.
      EXPECT_TRUE(events.count(received.sequence))
          << "a tree head of size " << received.sequence << " was served but the log lacks it";
      continue;
    }
    auto found = events.find(received.sequence);
    ASSERT_NE(found, events.end()) << received.action << " response carried audit sequence "
                                   << received.sequence << ", which the audit log lacks";
    const v1::AuditEvent& event = found->second;
    EXPECT_EQ(event.action(), received.action) << "sequence " << received.sequence;
    EXPECT_EQ(event.decision(), v1::AuditEvent::ALLOW) << "sequence " << received.sequence;
    if (!received.detail.empty()) {
      EXPECT_THAT(event.detail(), ::testing::HasSubstr(received.detail));
    }
  }
  for (const char* action : {"Query.Run", "Ingest.Push", "Audit.GetTreeHead"}) {
    EXPECT_GT(by_action[action], 0) << "no " << action << " response was received";
  }
  // Each tree head served has its own event (plus the one AllEvents asked for).
  EXPECT_GT(
      std::count_if(events.begin(), events.end(),
                    [](const auto& entry) { return entry.second.action() == "Audit.GetTreeHead"; }),
      by_action["Audit.GetTreeHead"]);
  EXPECT_GE(std::count_if(events.begin(), events.end(),
                          [](const auto& entry) { return entry.second.action() == "hub.start"; }),
            kKills + 1);

  // The log the hub rebuilt after each crash still verifies end to end.
  WriteFileOrDie(dir_.path() + "/ig.textpb",
                 absl::StrCat("hub_address: \"localhost:", port_.load(),
                              "\"\ntls { ca_cert: \"pki/ca.crt\" cert: \"pki/users/ig-r.patel.crt\""
                              " key: \"pki/users/ig-r.patel.key\" }\n"));
  CommandResult exported = RunCommand({BinDir() + "/confide", "audit", "export", "--config",
                                       "ig.textpb", "--output", "audit.jsonl"},
                                      dir_.path());
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  CommandResult verified = RunCommand({BinDir() + "/confide", "audit", "verify", "audit.jsonl",
                                       "--public-key", "audit-signing.pub", "--no-state"},
                                      dir_.path());
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
  hub_.Stop();
}

}  // namespace
}  // namespace confide::e2e
