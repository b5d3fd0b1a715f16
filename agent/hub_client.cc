#include "agent/hub_client.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "common/grpc_client.h"
#include "common/status_macros.h"

namespace confide::agent {

absl::StatusOr<std::unique_ptr<HubClient>> HubClient::Connect(const v1::AgentConfig& config) {
  CONFIDE_ASSIGN_OR_RETURN(std::shared_ptr<grpc::Channel> channel,
                           MakeHubChannel(config.hub_address(), config.tls()));
  return std::unique_ptr<HubClient>(
      new HubClient(v1::Ingest::NewStub(channel), v1::Audit::NewStub(channel)));
}

absl::StatusOr<v1::GetDatasetResponse> HubClient::GetDataset(const std::string& dataset) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  v1::GetDatasetRequest request;
  request.set_dataset(dataset);
  v1::GetDatasetResponse response;
  CONFIDE_RETURN_IF_ERROR(FromGrpcStatus(stub_->GetDataset(&context, request, &response)));
  return response;
}

absl::StatusOr<v1::WithdrawResponse> HubClient::Withdraw(const v1::WithdrawRequest& request) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
  v1::WithdrawResponse response;
  CONFIDE_RETURN_IF_ERROR(FromGrpcStatus(stub_->Withdraw(&context, request, &response)));
  return response;
}

std::unique_ptr<PushSession> HubClient::StartPush() {
  return std::make_unique<PushSession>(*stub_);
}

PushSession::PushSession(v1::Ingest::Stub& stub) : stream_(stub.Push(&context_)) {}

PushSession::~PushSession() {
  if (!finished_) {
    context_.TryCancel();
    stream_->Finish().IgnoreError();
  }
}

absl::StatusOr<v1::PushAck> PushSession::Send(const v1::Batch& batch) {
  v1::PushRequest request;
  *request.mutable_batch() = batch;
  v1::PushAck ack;
  if (!stream_->Write(request) || !stream_->Read(&ack)) {
    finished_ = true;
    absl::Status status = FromGrpcStatus(stream_->Finish());
    if (status.ok()) {
      status = absl::UnavailableError("the hub closed the stream without acknowledging");
    }
    return status;
  }
  if (ack.batch_id() != batch.batch_id()) {
    return absl::DataLossError(absl::StrCat("expected an acknowledgement for batch ",
                                            batch.batch_id(), ", got ", ack.batch_id()));
  }
  return ack;
}

absl::Status PushSession::Finish() {
  if (finished_) {
    return absl::OkStatus();
  }
  finished_ = true;
  stream_->WritesDone();
  return FromGrpcStatus(stream_->Finish());
}

}  // namespace confide::agent
