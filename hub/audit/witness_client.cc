#include "hub/audit/witness_client.h"

#include <chrono>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/files.h"
#include "common/grpc_client.h"
#include "common/status_macros.h"
#include "google/protobuf/util/json_util.h"
#include "hub/audit/witness.h"

namespace confide::hub {
namespace {

void SetDeadline(grpc::ClientContext& context) {
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
}

absl::StatusOr<v1::AuditWitnessState> ReadState(const std::string& path) {
  CONFIDE_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  v1::AuditWitnessState state;
  if (!google::protobuf::util::JsonStringToMessage(text, &state).ok() || !state.has_tree_head()) {
    return absl::FailedPreconditionError(
        absl::StrCat(path,
                     " is not an audit witness state file; restore it from backup (it is the "
                     "evidence of what the hub's audit log looked like)"));
  }
  return state;
}

}  // namespace

absl::StatusOr<std::unique_ptr<AuditWitness>> AuditWitness::Open(
    std::string state_path, std::string pinned_public_key_pem) {
  std::unique_ptr<AuditWitness> witness(new AuditWitness);
  witness->state_path_ = std::move(state_path);
  witness->public_key_pem_ = std::move(pinned_public_key_pem);
  if (std::filesystem::exists(witness->state_path_)) {
    CONFIDE_ASSIGN_OR_RETURN(v1::AuditWitnessState state, ReadState(witness->state_path_));
    if (witness->public_key_pem_.empty()) {
      witness->public_key_pem_ = state.public_key_pem();
    }
    CONFIDE_ASSIGN_OR_RETURN(witness->verifier_,
                             TreeHeadVerifier::FromPublicKeyPem(witness->public_key_pem_));
    if (absl::Status ok = witness->verifier_->Verify(state.tree_head()); !ok.ok()) {
      return absl::FailedPreconditionError(
          absl::StrCat("the head remembered in ", witness->state_path_,
                       " is not signed by the configured audit key (", ok.message(),
                       "): was the hub's audit key changed? Ask the hub operator and your IG "
                       "officer before going on"));
    }
    witness->last_ = state.tree_head();
  } else if (!witness->public_key_pem_.empty()) {
    CONFIDE_ASSIGN_OR_RETURN(witness->verifier_,
                             TreeHeadVerifier::FromPublicKeyPem(witness->public_key_pem_));
  }
  return witness;
}

absl::StatusOr<std::unique_ptr<AuditWitness>> AuditWitness::OpenWithKeyFile(
    std::string state_path, const std::string& public_key_file) {
  std::string pinned_key;
  if (!public_key_file.empty()) {
    absl::StatusOr<std::string> key = ReadFile(public_key_file);
    if (!key.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("audit_public_key_file: ", key.status().message()));
    }
    pinned_key = *std::move(key);
  }
  return Open(std::move(state_path), std::move(pinned_key));
}

absl::StatusOr<v1::SignedTreeHead> AuditWitness::ReadHead(const std::string& state_path) {
  CONFIDE_ASSIGN_OR_RETURN(v1::AuditWitnessState state, ReadState(state_path));
  return state.tree_head();
}

absl::StatusOr<std::vector<std::string>> AuditWitness::FetchProof(v1::Audit::StubInterface& hub,
                                                                  uint64_t first, uint64_t second) {
  if (first == 0 || first == second) {
    return std::vector<std::string>();
  }
  grpc::ClientContext context;
  SetDeadline(context);
  v1::GetConsistencyProofRequest request;
  request.set_first(first);
  request.set_second(second);
  v1::GetConsistencyProofResponse response;
  CONFIDE_RETURN_IF_ERROR(FromGrpcStatus(hub.GetConsistencyProof(&context, request, &response)));
  return std::vector<std::string>(response.proof().begin(), response.proof().end());
}

absl::StatusOr<AuditWitness::Observation> AuditWitness::Observe(v1::Audit::StubInterface& hub) {
  grpc::ClientContext context;
  SetDeadline(context);
  v1::GetTreeHeadResponse response;
  CONFIDE_RETURN_IF_ERROR(
      FromGrpcStatus(hub.GetTreeHead(&context, v1::GetTreeHeadRequest(), &response)));
  Observation observation;
  observation.head = response.head();
  observation.previous = last_;
  if (verifier_ == nullptr) {
    // Trust on first use: nothing to compare with yet, but from now on this key and this
    // history are what the hub must keep extending.
    public_key_pem_ = response.public_key_pem();
    CONFIDE_ASSIGN_OR_RETURN(verifier_, TreeHeadVerifier::FromPublicKeyPem(public_key_pem_));
    observation.key_pinned_now = true;
  }
  if (last_.has_value()) {
    CONFIDE_ASSIGN_OR_RETURN(std::vector<std::string> proof,
                             FetchProof(hub, last_->tree_size(),
                                        std::max(last_->tree_size(), response.head().tree_size())));
    CONFIDE_RETURN_IF_ERROR(CheckTreeHeadExtends(*verifier_, *last_, response.head(), proof));
  } else if (absl::Status signed_ok = verifier_->Verify(response.head()); !signed_ok.ok()) {
    return absl::DataLossError(
        absl::StrCat("the hub's tree head is not validly signed by the "
                     "pinned audit key: ",
                     signed_ok.message()));
  }
  CONFIDE_RETURN_IF_ERROR(Remember(response.head()));
  return observation;
}

absl::Status AuditWitness::CrossCheck(v1::Audit::StubInterface& hub,
                                      const v1::SignedTreeHead& other) {
  if (!last_.has_value() || verifier_ == nullptr) {
    return absl::FailedPreconditionError("observe the hub's head before comparing with another");
  }
  if (absl::Status signed_ok = verifier_->Verify(other); !signed_ok.ok()) {
    return absl::DataLossError(
        absl::StrCat("the other witness's head (", DescribeTreeHead(other),
                     ") is not signed by the pinned audit key: ", signed_ok.message()));
  }
  if (other.tree_size() > last_->tree_size()) {
    return absl::DataLossError(
        absl::StrCat("another witness verified ", other.tree_size(),
                     " audit events but the hub now shows this witness only ", last_->tree_size(),
                     ": the hub rolled back, or is showing witnesses different views (theirs: ",
                     DescribeTreeHead(other), "; ours: ", DescribeTreeHead(*last_), ")"));
  }
  CONFIDE_ASSIGN_OR_RETURN(std::vector<std::string> proof,
                           FetchProof(hub, other.tree_size(), last_->tree_size()));
  absl::Status consistent = CheckTreeHeadExtends(*verifier_, other, *last_, proof);
  if (!consistent.ok()) {
    return absl::DataLossError(
        absl::StrCat("split view: the other witness's head and this one cannot both be true. ",
                     consistent.message()));
  }
  return absl::OkStatus();
}

absl::Status AuditWitness::Remember(const v1::SignedTreeHead& head) {
  v1::AuditWitnessState state;
  *state.mutable_tree_head() = head;
  state.set_public_key_pem(public_key_pem_);
  state.set_verified_at_micros(absl::ToUnixMicros(absl::Now()));
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  if (!google::protobuf::util::MessageToJsonString(state, &json, options).ok()) {
    return absl::InternalError("could not encode the witness state");
  }
  const std::filesystem::path dir = std::filesystem::path(state_path_).parent_path();
  if (!dir.empty()) {
    std::error_code ignored;
    std::filesystem::create_directories(dir, ignored);
  }
  CONFIDE_RETURN_IF_ERROR(WriteFileAtomic(state_path_, json + "\n", 0600));
  last_ = head;
  return absl::OkStatus();
}

}  // namespace confide::hub
