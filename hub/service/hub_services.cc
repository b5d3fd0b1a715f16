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

// Runs `call` for an identified caller; unidentified callers are refused and audited. Both run
// on `runner`, within its deadline.
template <typename Call>
grpc::Status WithIdentity(Exchange& exchange, DeadlineRunner& runner,
                          const grpc::ServerContext& context, absl::string_view action, Call call) {
  absl::StatusOr<Identity> identity = IdentityFromPeer(context);
  if (!identity.ok()) {
    std::string peer = PeerDescription(context);
    std::string what(action);
    absl::Status why = identity.status();
    absl::StatusOr<bool> refused =
        runner.Run<bool>([&exchange, peer, what, why]() -> absl::StatusOr<bool> {
          return exchange.RecordRefusal(what, peer, why);
        });
    return ToGrpcStatus(refused.status());
  }
  return ToGrpcStatus(call(*identity));
}

// The unary pattern: `invoke(caller)` runs on the runner and owns copies of everything it uses.
template <typename Response, typename Invoke>
absl::Status RunUnary(DeadlineRunner& runner, const Identity& caller, Invoke invoke,
                      Response* response) {
  absl::StatusOr<Response> result =
      runner.Run<Response>([caller, invoke = std::move(invoke)]() { return invoke(caller); });
  if (result.ok()) {
    *response = *std::move(result);
  }
  return result.status();
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
  return WithIdentity(exchange_, runner_, *context, "Ingest.Push", [&](const Identity& caller) {
    v1::PushRequest request;
    while (stream->Read(&request)) {
      Exchange* exchange = &exchange_;
      absl::StatusOr<v1::PushAck> ack = runner_.Run<v1::PushAck>(
          [exchange, caller, batch = std::move(*request.mutable_batch())]() {
            return exchange->Push(caller, batch);
          });
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
  return WithIdentity(exchange_, runner_, *context, "Ingest.GetDataset",
                      [&](const Identity& caller) {
                        return RunUnary<v1::GetDatasetResponse>(
                            runner_, caller,
                            [exchange = &exchange_, request = *request](const Identity& who) {
                              return exchange->GetDataset(who, request);
                            },
                            response);
                      });
}

grpc::Status IngestService::Withdraw(grpc::ServerContext* context,
                                     const v1::WithdrawRequest* request,
                                     v1::WithdrawResponse* response) {
  return WithIdentity(exchange_, runner_, *context, "Ingest.Withdraw", [&](const Identity& caller) {
    return RunUnary<v1::WithdrawResponse>(
        runner_, caller,
        [exchange = &exchange_, request = *request](const Identity& who) {
          return exchange->Withdraw(who, request);
        },
        response);
  });
}

grpc::Status QueryService::Run(grpc::ServerContext* context, const v1::QueryRequest* request,
                               v1::QueryResult* response) {
  return WithIdentity(exchange_, runner_, *context, "Query.Run", [&](const Identity& caller) {
    return RunUnary<v1::QueryResult>(
        runner_, caller,
        [exchange = &exchange_, request = *request](const Identity& who) {
          return exchange->Query(who, request);
        },
        response);
  });
}

grpc::Status AuditService::List(grpc::ServerContext* context, const v1::ListAuditRequest* request,
                                v1::ListAuditResponse* response) {
  return WithIdentity(exchange_, runner_, *context, "Audit.List", [&](const Identity& caller) {
    return RunUnary<v1::ListAuditResponse>(
        runner_, caller,
        [exchange = &exchange_, request = *request](const Identity& who) {
          return exchange->ListAudit(who, request);
        },
        response);
  });
}

grpc::Status AuditService::GetTreeHead(grpc::ServerContext* context, const v1::GetTreeHeadRequest*,
                                       v1::GetTreeHeadResponse* response) {
  return WithIdentity(
      exchange_, runner_, *context, "Audit.GetTreeHead", [&](const Identity& caller) {
        return RunUnary<v1::GetTreeHeadResponse>(
            runner_, caller,
            [exchange = &exchange_](const Identity& who) { return exchange->GetTreeHead(who); },
            response);
      });
}

grpc::Status AuditService::GetConsistencyProof(grpc::ServerContext* context,
                                               const v1::GetConsistencyProofRequest* request,
                                               v1::GetConsistencyProofResponse* response) {
  return WithIdentity(exchange_, runner_, *context, "Audit.GetConsistencyProof",
                      [&](const Identity& caller) {
                        return RunUnary<v1::GetConsistencyProofResponse>(
                            runner_, caller,
                            [exchange = &exchange_, request = *request](const Identity& who) {
                              return exchange->GetConsistencyProof(who, request);
                            },
                            response);
                      });
}

grpc::Status AuditService::GetInclusionProof(grpc::ServerContext* context,
                                             const v1::GetInclusionProofRequest* request,
                                             v1::GetInclusionProofResponse* response) {
  return WithIdentity(exchange_, runner_, *context, "Audit.GetInclusionProof",
                      [&](const Identity& caller) {
                        return RunUnary<v1::GetInclusionProofResponse>(
                            runner_, caller,
                            [exchange = &exchange_, request = *request](const Identity& who) {
                              return exchange->GetInclusionProof(who, request);
                            },
                            response);
                      });
}

grpc::Status AdminService::Health(grpc::ServerContext* context, const v1::HealthRequest*,
                                  v1::HealthResponse* response) {
  return WithIdentity(exchange_, runner_, *context, "Admin.Health", [&](const Identity& caller) {
    return RunUnary<v1::HealthResponse>(
        runner_, caller,
        [exchange = &exchange_](const Identity& who) { return exchange->Health(who); }, response);
  });
}

}  // namespace confide::hub
