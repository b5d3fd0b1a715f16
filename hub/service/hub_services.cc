#include "hub/service/hub_services.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "grpc/grpc_security_constants.h"
#include "hub/service/grpc_status.h"

namespace confide::hub {
namespace {

// Describes an unidentified peer for the audit log without trusting anything it claims.
std::string PeerDescription(const grpc::ServerContext& context) {
  std::string subject;
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (auth != nullptr) {
    for (const grpc::string_ref& value :
         auth->FindPropertyValues(GRPC_X509_SUBJECT_PROPERTY_NAME)) {
      subject.assign(value.data(), value.size());
    }
  }
  return absl::StrCat("certificate subject '", subject.size() > 200 ? "(long)" : subject, "'");
}

// Runs `call` for an identified caller; unidentified callers are refused and audited.
template <typename Call>
grpc::Status WithIdentity(Exchange& exchange, const grpc::ServerContext& context,
                          absl::string_view action, Call call) {
  absl::StatusOr<Identity> identity = IdentityFromPeer(context);
  if (!identity.ok()) {
    return ToGrpcStatus(
        exchange.RecordRefusal(action, PeerDescription(context), identity.status()));
  }
  return ToGrpcStatus(call(*identity));
}

}  // namespace

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) {
    return grpc::Status::OK;
  }
  if (absl::IsInternal(status) || absl::IsDataLoss(status) || absl::IsUnknown(status)) {
    return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                        "internal error in the hub; the hub administrator has the details");
  }
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

absl::StatusOr<Identity> IdentityFromPeer(const grpc::ServerContext& context) {
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (auth == nullptr || !auth->IsPeerAuthenticated()) {
    return absl::UnauthenticatedError("a client certificate from the partnership CA is required");
  }
  std::vector<std::string> uris;
  for (const grpc::string_ref& value : auth->FindPropertyValues(GRPC_PEER_URI_PROPERTY_NAME)) {
    std::string uri(value.data(), value.size());
    if (absl::StartsWith(uri, "confide://")) {
      uris.push_back(std::move(uri));
    }
  }
  if (uris.size() != 1) {
    return absl::UnauthenticatedError(absl::StrCat(
        "expected exactly one confide:// URI in the client certificate, found ", uris.size()));
  }
  absl::StatusOr<Identity> identity = ParseIdentity(uris[0]);
  if (!identity.ok()) {
    return absl::UnauthenticatedError(identity.status().message());
  }
  return identity;
}

grpc::Status IngestService::Push(grpc::ServerContext* context,
                                 grpc::ServerReaderWriter<v1::PushAck, v1::PushRequest>* stream) {
  return WithIdentity(exchange_, *context, "Ingest.Push", [&](const Identity& caller) {
    v1::PushRequest request;
    while (stream->Read(&request)) {
      absl::StatusOr<v1::PushAck> ack = exchange_.Push(caller, request.batch());
      if (!ack.ok()) {
        return ack.status();
      }
      if (!stream->Write(*ack)) {
        return absl::CancelledError("the agent went away before the acknowledgement");
      }
    }
    return absl::OkStatus();
  });
}

grpc::Status IngestService::GetDataset(grpc::ServerContext* context,
                                       const v1::GetDatasetRequest* request,
                                       v1::GetDatasetResponse* response) {
  return WithIdentity(exchange_, *context, "Ingest.GetDataset", [&](const Identity& caller) {
    absl::StatusOr<v1::GetDatasetResponse> result = exchange_.GetDataset(caller, *request);
    if (result.ok()) {
      *response = *std::move(result);
    }
    return result.status();
  });
}

grpc::Status IngestService::Withdraw(grpc::ServerContext* context,
                                     const v1::WithdrawRequest* request,
                                     v1::WithdrawResponse* response) {
  return WithIdentity(exchange_, *context, "Ingest.Withdraw", [&](const Identity& caller) {
    absl::StatusOr<v1::WithdrawResponse> result = exchange_.Withdraw(caller, *request);
    if (result.ok()) {
      *response = *std::move(result);
    }
    return result.status();
  });
}

grpc::Status QueryService::Run(grpc::ServerContext* context, const v1::QueryRequest* request,
                               v1::QueryResult* response) {
  return WithIdentity(exchange_, *context, "Query.Run", [&](const Identity& caller) {
    absl::StatusOr<v1::QueryResult> result = exchange_.Query(caller, *request);
    if (result.ok()) {
      *response = *std::move(result);
    }
    return result.status();
  });
}

grpc::Status AuditService::List(grpc::ServerContext* context, const v1::ListAuditRequest* request,
                                v1::ListAuditResponse* response) {
  return WithIdentity(exchange_, *context, "Audit.List", [&](const Identity& caller) {
    absl::StatusOr<v1::ListAuditResponse> result = exchange_.ListAudit(caller, *request);
    if (result.ok()) {
      *response = *std::move(result);
    }
    return result.status();
  });
}

grpc::Status AuditService::GetTreeHead(grpc::ServerContext* context, const v1::GetTreeHeadRequest*,
                                       v1::GetTreeHeadResponse* response) {
  return WithIdentity(exchange_, *context, "Audit.GetTreeHead", [&](const Identity& caller) {
    absl::StatusOr<v1::GetTreeHeadResponse> result = exchange_.GetTreeHead(caller);
    if (result.ok()) {
      *response = *std::move(result);
    }
    return result.status();
  });
}

grpc::Status AuditService::GetConsistencyProof(grpc::ServerContext* context,
                                               const v1::GetConsistencyProofRequest* request,
                                               v1::GetConsistencyProofResponse* response) {
  return WithIdentity(exchange_, *context, "Audit.GetConsistencyProof",
                      [&](const Identity& caller) {
                        absl::StatusOr<v1::GetConsistencyProofResponse> result =
                            exchange_.GetConsistencyProof(caller, *request);
                        if (result.ok()) {
                          *response = *std::move(result);
                        }
                        return result.status();
                      });
}

grpc::Status AuditService::GetInclusionProof(grpc::ServerContext* context,
                                             const v1::GetInclusionProofRequest* request,
                                             v1::GetInclusionProofResponse* response) {
  return WithIdentity(exchange_, *context, "Audit.GetInclusionProof", [&](const Identity& caller) {
    absl::StatusOr<v1::GetInclusionProofResponse> result =
        exchange_.GetInclusionProof(caller, *request);
    if (result.ok()) {
      *response = *std::move(result);
    }
    return result.status();
  });
}

grpc::Status AdminService::Health(grpc::ServerContext* context, const v1::HealthRequest*,
                                  v1::HealthResponse* response) {
  return WithIdentity(exchange_, *context, "Admin.Health", [&](const Identity& caller) {
    absl::StatusOr<v1::HealthResponse> result = exchange_.Health(caller);
    if (result.ok()) {
      *response = *std::move(result);
    }
    return result.status();
  });
}

}  // namespace confide::hub
