// `confide audit witness`: the IG officer's CLI as a witness of the hub's audit log. Checks the
// hub's signed tree head against the last one this CLI verified (and, with --compare, against
// heads other witnesses hold, such as an agency agent's journal/audit-witness.json), so a hub
// that rolls back, rewrites or shows witnesses different views is caught. The other `confide
// audit` commands run the same check first (WitnessHubOrExplain).

#include <iostream>

#include "absl/strings/str_cat.h"
#include "cli/commands.h"
#include "common/files.h"
#include "common/grpc_client.h"
#include "confide/v1/audit.grpc.pb.h"
#include "hub/audit/export_verify.h"
#include "hub/audit/witness.h"
#include "hub/audit/witness_client.h"

namespace confide::cli {
namespace {

void PrintFailure(const absl::Status& status, const std::string& state_path) {
  std::cout << "AUDIT LOG WITNESS CHECK FAILED\n"
            << status.message() << "\n"
            << "Keep " << state_path
            << " unchanged (it is the evidence of what the hub showed you before), stop relying "
               "on the hub's answers, and raise it with the hub operator and your DPO.\n";
}

// A witness state file, or a bare tree head as `confide audit verify` remembers it.
absl::StatusOr<v1::SignedTreeHead> ReadOtherHead(const std::string& path) {
  absl::StatusOr<v1::SignedTreeHead> head = hub::AuditWitness::ReadHead(path);
  if (head.ok()) {
    return head;
  }
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) {
    return text.status();
  }
  absl::StatusOr<v1::SignedTreeHead> bare = hub::TreeHeadFromJson(*text);
  if (!bare.ok() || bare->tree_size() == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, " holds neither a witness state nor a tree head"));
  }
  return bare;
}

absl::StatusOr<std::unique_ptr<hub::AuditWitness>> OpenCliWitness(const v1::ClientConfig& config) {
  return hub::AuditWitness::OpenWithKeyFile(config.audit_witness_state_file(),
                                            config.audit_public_key_file());
}

}  // namespace

int WitnessHubOrExplain(const v1::ClientConfig& config, v1::Audit::StubInterface& hub) {
  absl::StatusOr<std::unique_ptr<hub::AuditWitness>> witness = OpenCliWitness(config);
  if (!witness.ok()) {
    return Usage(std::string(witness.status().message()), "confide audit ... --config FILE");
  }
  absl::StatusOr<hub::AuditWitness::Observation> observed = (*witness)->Observe(hub);
  if (absl::IsDataLoss(observed.status())) {
    PrintFailure(observed.status(), (*witness)->state_path());
    return kExitAuditVerifyFailed;
  }
  if (!observed.ok()) {
    return Report("checking the hub's signed tree head", observed.status());
  }
  return kExitOk;
}

int AuditWitnessCommand(const std::vector<std::string>& args) {
  constexpr absl::string_view kUsage =
      "confide audit witness --config client.textpb [--compare WITNESS_STATE_OR_HEAD]...";
  std::vector<std::string> compare;
  std::vector<std::string> rest;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--compare" && i + 1 < args.size()) {
      compare.push_back(args[++i]);
    } else {
      rest.push_back(args[i]);
    }
  }
  ParsedArgs parsed = ParseArgs(rest, {"config"});
  if (!parsed.error.empty() || !parsed.positional.empty()) {
    return Usage(parsed.error.empty() ? "unexpected argument" : parsed.error, kUsage);
  }
  absl::StatusOr<v1::ClientConfig> config = LoadClientConfig(parsed.Get("config"));
  if (!config.ok()) {
    return Usage(std::string(config.status().message()), kUsage);
  }
  std::vector<v1::SignedTreeHead> others;
  for (const std::string& path : compare) {
    absl::StatusOr<v1::SignedTreeHead> head = ReadOtherHead(path);
    if (!head.ok()) {
      return Usage(std::string(head.status().message()), kUsage);
    }
    others.push_back(*head);
  }
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      MakeHubChannel(config->hub_address(), config->tls());
  if (!channel.ok()) {
    return Usage(std::string(channel.status().message()), kUsage);
  }
  std::unique_ptr<v1::Audit::Stub> stub = v1::Audit::NewStub(*channel);
  absl::StatusOr<std::unique_ptr<hub::AuditWitness>> witness = OpenCliWitness(*config);
  if (!witness.ok()) {
    return Usage(std::string(witness.status().message()), kUsage);
  }
  absl::StatusOr<hub::AuditWitness::Observation> observed = (*witness)->Observe(*stub);
  if (absl::IsDataLoss(observed.status())) {
    PrintFailure(observed.status(), (*witness)->state_path());
    return kExitAuditVerifyFailed;
  }
  if (!observed.ok()) {
    return Report("checking the hub's signed tree head", observed.status());
  }
  std::cout << "hub audit log: " << hub::DescribeTreeHead(observed->head) << "\n";
  if (observed->previous.has_value()) {
    std::cout << "extends the head this CLI verified before: "
              << hub::DescribeTreeHead(*observed->previous) << "\n";
  } else {
    std::cout << "first check from " << (*witness)->state_path()
              << (observed->key_pinned_now
                      ? "; the hub's audit key was pinned on first use (set "
                        "audit_public_key_file to the key you were given to check it)"
                      : "")
              << "\n";
  }
  for (size_t i = 0; i < others.size(); ++i) {
    absl::Status consistent = (*witness)->CrossCheck(*stub, others[i]);
    if (absl::IsDataLoss(consistent)) {
      PrintFailure(absl::DataLossError(absl::StrCat(compare[i], ": ", consistent.message())),
                   (*witness)->state_path());
      return kExitAuditVerifyFailed;
    }
    if (!consistent.ok()) {
      return Report(absl::StrCat("comparing with ", compare[i]), consistent);
    }
    std::cout << "consistent with " << compare[i] << " (" << hub::DescribeTreeHead(others[i])
              << ")\n";
  }
  return kExitOk;
}

}  // namespace confide::cli
