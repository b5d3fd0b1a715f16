#pragma once

// Thin gRPC adapters: identify the caller from the mTLS certificate, call Exchange on the
// DeadlineRunner (so a stalled disk fails a request instead of hanging it), translate.
// No policy, storage or crypto logic lives here.

#include "confide/v1/admin.grpc.pb.h"
#include "confide/v1/audit.grpc.pb.h"
#include "confide/v1/ingest.grpc.pb.h"
#include "confide/v1/query.grpc.pb.h"
#include "hub/exchange.h"
#include "hub/service/deadline_runner.h"

namespace confide::hub {

// The caller's identity from the verified peer certificate's URI SAN. Identity never comes from
// request fields. Unauthenticated when the certificate carries no (or more than one) Confide
// identity.
absl::StatusOr<Identity> IdentityFromPeer(const grpc::ServerContext& context);

class IngestService final : public v1::Ingest::Service {
 public:
  IngestService(Exchange& exchange, DeadlineRunner& runner)
      : exchange_(exchange), runner_(runner) {}
  grpc::Status Push(grpc::ServerContext* context,
                    grpc::ServerReaderWriter<v1::PushAck, v1::PushRequest>* stream) override;
  grpc::Status GetDataset(grpc::ServerContext* context, const v1::GetDatasetRequest* request,
                          v1::GetDatasetResponse* response) override;
  grpc::Status Withdraw(grpc::ServerContext* context, const v1::WithdrawRequest* request,
                        v1::WithdrawResponse* response) override;

 private:
  Exchange& exchange_;
  DeadlineRunner& runner_;
};

class QueryService final : public v1::Query::Service {
 public:
  QueryService(Exchange& exchange, DeadlineRunner& runner) : exchange_(exchange), runner_(runner) {}
  grpc::Status Run(grpc::ServerContext* context, const v1::QueryRequest* request,
                   v1::QueryResult* response) override;

 private:
  Exchange& exchange_;
  DeadlineRunner& runner_;
};

class AuditService final : public v1::Audit::Service {
 public:
  AuditService(Exchange& exchange, DeadlineRunner& runner) : exchange_(exchange), runner_(runner) {}
  grpc::Status List(grpc::ServerContext* context, const v1::ListAuditRequest* request,
                    v1::ListAuditResponse* response) override;
  grpc::Status GetTreeHead(grpc::ServerContext* context, const v1::GetTreeHeadRequest* request,
                           v1::GetTreeHeadResponse* response) override;
  grpc::Status GetConsistencyProof(grpc::ServerContext* context,
                                   const v1::GetConsistencyProofRequest* request,
                                   v1::GetConsistencyProofResponse* response) override;
  grpc::Status GetInclusionProof(grpc::ServerContext* context,
                                 const v1::GetInclusionProofRequest* request,
                                 v1::GetInclusionProofResponse* response) override;

 private:
  Exchange& exchange_;
  DeadlineRunner& runner_;
};

class AdminService final : public v1::Admin::Service {
 public:
  AdminService(Exchange& exchange, DeadlineRunner& runner) : exchange_(exchange), runner_(runner) {}
  grpc::Status Health(grpc::ServerContext* context, const v1::HealthRequest* request,
                      v1::HealthResponse* response) override;

 private:
  Exchange& exchange_;
  DeadlineRunner& runner_;
};

}  // namespace confide::hub
