// `confide audit export` and `confide audit verify`: the IG officer's tamper-evidence tools.
// Export fetches the hub's signed tree head and every event it covers; verify checks an export
// offline against a pinned public key and the last head this CLI verified (its state file, kept
// like a witness's checkpoint), and refuses loudly on any inconsistency.

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "cli/commands.h"
#include "common/files.h"
#include "common/grpc_client.h"
#include "confide/v1/audit.grpc.pb.h"
#include "hub/audit/audit_leaf.h"
#include "hub/audit/export_verify.h"

namespace confide::cli {
namespace {

// Exit code when an export fails verification (tampering, truncation, rollback).
constexpr int kExitVerifyFailed = 5;

// Removes a value-less boolean flag; true when it was present.
bool TakeSwitch(std::vector<std::string>& args, absl::string_view name) {
  auto it = std::find(args.begin(), args.end(), absl::StrCat("--", name));
  if (it == args.end()) {
    return false;
  }
  args.erase(it);
  return true;
}

std::string DefaultStatePath() {
  const char* home = std::getenv("HOME");  // NOLINT(concurrency-mt-unsafe): single-threaded CLI
  return absl::StrCat(home == nullptr ? "." : home, "/.confide/audit-last-head.json");
}

void Deadline(grpc::ClientContext& context) {
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::minutes(1));
}

}  // namespace

int AuditExportCommand(const std::vector<std::string>& raw_args) {
  constexpr absl::string_view kUsage =
      "confide audit export --config client.textpb [--with-proofs] [--output FILE]";
  std::vector<std::string> args = raw_args;
  const bool with_proofs = TakeSwitch(args, "with-proofs");
  ParsedArgs parsed = ParseArgs(args, {"config", "output"});
  if (!parsed.error.empty() || !parsed.positional.empty()) {
    return Usage(parsed.error.empty() ? "unexpected argument" : parsed.error, kUsage);
  }
  absl::StatusOr<v1::ClientConfig> config = LoadClientConfig(parsed.Get("config"));
  if (!config.ok()) {
    return Usage(std::string(config.status().message()), kUsage);
  }
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      MakeHubChannel(config->hub_address(), config->tls());
  if (!channel.ok()) {
    return Usage(std::string(channel.status().message()), kUsage);
  }
  std::unique_ptr<v1::Audit::Stub> stub = v1::Audit::NewStub(*channel);
  v1::GetTreeHeadResponse head;
  {
    grpc::ClientContext context;
    Deadline(context);
    absl::Status status =
        FromGrpcStatus(stub->GetTreeHead(&context, v1::GetTreeHeadRequest(), &head));
    if (!status.ok()) {
      return Report("audit export refused", status);
    }
  }
  const uint64_t tree_size = head.head().tree_size();
  std::string out;
  v1::AuditExportLine header;
  header.set_format(hub::kAuditExportFormat);
  header.set_public_key_pem(head.public_key_pem());
  header.set_key_fingerprint(head.head().key_fingerprint());
  absl::StrAppend(&out, hub::ExportLineToJson(header), "\n");
  uint64_t after = 0;
  while (after < tree_size) {
    v1::ListAuditRequest request;
    request.set_after_sequence(after);
    request.set_limit(1000);
    v1::ListAuditResponse page;
    grpc::ClientContext context;
    Deadline(context);
    absl::Status status = FromGrpcStatus(stub->List(&context, request, &page));
    if (!status.ok()) {
      return Report("audit export refused", status);
    }
    if (page.events().empty()) {
      break;  // fewer events than the head covers: verify will report the truncation
    }
    for (const v1::AuditEvent& event : page.events()) {
      if (event.sequence() > tree_size) {
        break;
      }
      after = event.sequence();
      v1::AuditExportLine line;
      *line.mutable_event() = event;
      line.set_leaf_hash(absl::BytesToHexString(hub::AuditLeafHash(event)));
      if (with_proofs) {
        v1::GetInclusionProofRequest proof_request;
        proof_request.set_sequence(event.sequence());
        proof_request.set_tree_size(tree_size);
        v1::GetInclusionProofResponse proof;
        grpc::ClientContext proof_context;
        Deadline(proof_context);
        status = FromGrpcStatus(stub->GetInclusionProof(&proof_context, proof_request, &proof));
        if (!status.ok()) {
          return Report("audit export refused", status);
        }
        // The hub's own leaf hash, so verify compares the event with what the hub recorded.
        line.set_leaf_hash(absl::BytesToHexString(proof.leaf_hash()));
        for (const std::string& node : proof.proof()) {
          line.add_inclusion_proof(absl::BytesToHexString(node));
        }
      }
      absl::StrAppend(&out, hub::ExportLineToJson(line), "\n");
    }
    if (page.events().rbegin()->sequence() >= tree_size) {
      break;
    }
  }
  v1::AuditExportLine last;
  *last.mutable_tree_head() = head.head();
  absl::StrAppend(&out, hub::ExportLineToJson(last), "\n");
  const std::string output = parsed.Get("output");
  if (output.empty()) {
    std::cout << out;
  } else if (absl::Status written = WriteFileAtomic(output, out); !written.ok()) {
    return Usage(std::string(written.message()), kUsage);
  }
  std::cerr << "confide: exported " << after << " audit events under a head of size " << tree_size
            << " signed by key " << head.head().key_fingerprint() << "\n";
  return kExitOk;
}

int AuditVerifyCommand(const std::vector<std::string>& raw_args) {
  constexpr absl::string_view kUsage =
      "confide audit verify EXPORT [--public-key PEM] [--trusted-head FILE] "
      "[--state FILE | --no-state]";
  std::vector<std::string> args = raw_args;
  const bool no_state = TakeSwitch(args, "no-state");
  ParsedArgs parsed = ParseArgs(args, {"public-key", "trusted-head", "state"});
  if (!parsed.error.empty() || parsed.positional.size() != 1) {
    return Usage(parsed.error.empty() ? "expected one export file" : parsed.error, kUsage);
  }
  absl::StatusOr<std::string> export_text = ReadFile(parsed.positional[0]);
  if (!export_text.ok()) {
    return Usage(std::string(export_text.status().message()), kUsage);
  }
  hub::ExportVerifyOptions options;
  if (const std::string key = parsed.Get("public-key"); !key.empty()) {
    absl::StatusOr<std::string> pem = ReadFile(key);
    if (!pem.ok()) {
      return Usage(std::string(pem.status().message()), kUsage);
    }
    options.public_key_pem = *pem;
  }
  // Heads to extend: one given explicitly, and the one this CLI last verified.
  std::vector<std::pair<std::string, v1::SignedTreeHead>> trusted;
  const std::string state_path = no_state ? "" : parsed.Get("state", DefaultStatePath());
  for (const auto& [label, path] :
       {std::pair<std::string, std::string>{"--trusted-head", parsed.Get("trusted-head")},
        {"remembered head", state_path}}) {
    if (path.empty() || (label != "--trusted-head" && !std::filesystem::exists(path))) {
      continue;
    }
    absl::StatusOr<std::string> text = ReadFile(path);
    absl::StatusOr<v1::SignedTreeHead> head =
        text.ok() ? hub::TreeHeadFromJson(*text)
                  : absl::StatusOr<v1::SignedTreeHead>(text.status());
    if (!head.ok()) {
      return Usage(absl::StrCat(path, ": ", head.status().message()), kUsage);
    }
    trusted.emplace_back(absl::StrCat(label, " (", path, ")"), *head);
  }
  std::vector<std::string> problems;
  absl::StatusOr<hub::ExportVerifyReport> report = hub::VerifyAuditExport(*export_text, options);
  if (!report.ok()) {
    return Usage(std::string(report.status().message()), kUsage);
  }
  for (const std::string& note : report->notes) {
    std::cerr << "confide: note: " << note << "\n";
  }
  uint64_t first_bad = report->first_bad_sequence;
  problems = report->problems;
  for (const auto& [label, head] : trusted) {
    options.trusted_head = head;
    absl::StatusOr<hub::ExportVerifyReport> against = hub::VerifyAuditExport(*export_text, options);
    if (against.ok() && !against->ok && against->problems.size() > report->problems.size()) {
      for (size_t i = report->problems.size(); i < against->problems.size(); ++i) {
        problems.push_back(absl::StrCat(against->problems[i], " [against ", label, "]"));
      }
    }
  }
  if (!problems.empty()) {
    std::cout << "AUDIT LOG VERIFICATION FAILED\n";
    if (first_bad != 0) {
      std::cout << "first bad sequence: " << first_bad << "\n";
    }
    for (const std::string& problem : problems) {
      std::cout << "  - " << problem << "\n";
    }
    return kExitVerifyFailed;
  }
  std::cout << "audit log verified: " << report->events << " events, tree size "
            << report->head.tree_size() << ", root "
            << absl::BytesToHexString(report->head.root_hash()) << ", key "
            << report->head.key_fingerprint() << "\n";
  if (!state_path.empty()) {
    std::error_code ignored;  // WriteFileAtomic reports a missing directory itself
    std::filesystem::create_directories(std::filesystem::path(state_path).parent_path(), ignored);
    if (absl::Status saved = WriteFileAtomic(state_path, hub::TreeHeadToJson(report->head) + "\n");
        !saved.ok()) {
      std::cerr << "confide: could not remember the verified head: " << saved.message() << "\n";
      return kExitUsage;
    }
  }
  return kExitOk;
}

}  // namespace confide::cli
