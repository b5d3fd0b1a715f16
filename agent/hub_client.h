#pragma once

// The agent's connection to the hub: fetch a dataset's schema, push batches (one
// acknowledgement per batch) and withdraw records pushed earlier.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "confide/v1/audit.grpc.pb.h"
#include "confide/v1/config.pb.h"
#include "confide/v1/ingest.grpc.pb.h"

namespace confide::agent {

class PushSession;

class HubClient {
 public:
  static absl::StatusOr<std::unique_ptr<HubClient>> Connect(const v1::AgentConfig& config);

  absl::StatusOr<v1::GetDatasetResponse> GetDataset(const std::string& dataset);
  std::unique_ptr<PushSession> StartPush();
  absl::StatusOr<v1::WithdrawResponse> Withdraw(const v1::WithdrawRequest& request);
  // The hub's Audit service, which every agent witnesses (hub/audit/witness_client.h).
  v1::Audit::StubInterface& audit() { return *audit_; }

 private:
  HubClient(std::unique_ptr<v1::Ingest::Stub> stub, std::unique_ptr<v1::Audit::Stub> audit)
      : stub_(std::move(stub)), audit_(std::move(audit)) {}
  std::unique_ptr<v1::Ingest::Stub> stub_;
  std::unique_ptr<v1::Audit::Stub> audit_;
};

// One Push stream. Send() blocks until the hub acknowledges the batch (stored durably and
// audited) or fails it. Not thread-safe.
class PushSession {
 public:
  PushSession(v1::Ingest::Stub& stub);
  ~PushSession();
  absl::StatusOr<v1::PushAck> Send(const v1::Batch& batch);
  absl::Status Finish();

 private:
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReaderWriter<v1::PushRequest, v1::PushAck>> stream_;
  bool finished_ = false;
};

}  // namespace confide::agent
