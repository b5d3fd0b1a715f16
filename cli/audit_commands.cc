// `confide audit export` and `confide audit verify`: the IG officer's tamper-evidence tools.
// Export fetches the hub's signed tree head and every event it covers; verify checks an export
// offline against a pinned public key and the last head this CLI verified (its state file, kept
// like a witness's checkpoint), and refuses loudly on any inconsistency.
// `confide audit list` and `confide audit report`: the IG officer's filtered listing, and the
// HTML report on who accessed what, every denial, and unusual patterns.

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "cli/audit_filter.h"
#include "cli/audit_report.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "common/files.h"
#include "common/grpc_client.h"
#include "confide/v1/audit.grpc.pb.h"
#include "hub/audit/audit_leaf.h"
#include "hub/audit/export_verify.h"

namespace confide::cli {
namespace {

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
  if (int code = WitnessHubOrExplain(*config, *stub); code != kExitOk) {
    return code;
  }
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
    return kExitAuditVerifyFailed;
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

namespace {

constexpr absl::string_view kDatesHelp =
    "Dates: D is YYYY-MM-DD, a calendar day in Europe/London time (GMT or BST, whichever\n"
    "applied that day), or an RFC 3339 time with an offset, such as 2026-06-01T14:30:00Z or\n"
    "2026-06-01T15:30:00+01:00. --since includes D; --until D excludes D itself, but a date as\n"
    "--until includes that whole day (--since 2026-06-01 --until 2026-06-30 is all of June).\n";

constexpr absl::string_view kListUsage =
    "confide audit list --config client.textpb [--since D] [--until D] [--user NAME|URI] "
    "[--agency ID] [--agreement ID] [--purpose TEXT] [--action NAME] "
    "[--decision allow|deny|error] [--after SEQ] [--up-to SEQ] [--limit N] "
    "[--format table|csv|json]   (dates are Europe/London; --help explains)";

constexpr absl::string_view kListHelp =
    "Lists the audit events that match every filter given, oldest first. The hub applies the\n"
    "filters and the listing pages through all matching events (or the first N with --limit).\n"
    "Your own reads of the log are recorded too, with the filters you used.\n"
    "\n"
    "  --since D             events at or after D\n"
    "  --until D             events before D (a date: up to the end of that day)\n"
    "  --user NAME|URI       one person under any role (a.khan), or one certificate identity\n"
    "                        (confide://user/analyst/a.khan, confide://agency/<id>/agent)\n"
    "  --agency ID           events attributed to an agency, e.g. merseyside-police\n"
    "  --agreement ID        e.g. svd-merseyside-2026\n"
    "  --purpose TEXT        the purpose given with a query, exactly as recorded\n"
    "  --action NAME         e.g. Query.Run, Ingest.Push, Ingest.Withdraw, Audit.List,\n"
    "                        retention.purge, policy.reload\n"
    "  --decision allow|deny|error\n"
    "  --after SEQ           events after sequence number SEQ\n"
    "  --up-to SEQ           events up to and including SEQ (e.g. a verified tree head's size)\n"
    "  --limit N             stop after N events (default: all)\n"
    "  --format table|csv|json   output; times in the output are UTC\n"
    "\n";

constexpr absl::string_view kReportUsage =
    "confide audit report --config client.textpb [--since D] [--until D] --out report.html   "
    "(dates are Europe/London; --help explains)";

constexpr absl::string_view kReportHelp =
    "Writes one self-contained HTML file (no scripts, fonts, images or links) for the IG\n"
    "officer: the period and the signed tree head it is based on, access per agreement and per\n"
    "identity, every denial with its reason and rule, and unusual patterns (bursts of narrowing\n"
    "queries, access at night 22:00-06:00 Europe/London, spikes of denials, first access to an\n"
    "agreement) with the events that triggered them. Without --since the report covers the\n"
    "whole log; without --until it runs to the tree head.\n"
    "\n";

bool WantsHelp(const std::vector<std::string>& args) {
  return std::find(args.begin(), args.end(), "--help") != args.end() ||
         std::find(args.begin(), args.end(), "-h") != args.end();
}

std::vector<std::string> WithFilterFlags(std::vector<std::string> flags) {
  flags.insert(flags.end(), std::begin(kAuditFilterFlags), std::end(kAuditFilterFlags));
  return flags;
}

// Connects, then witnesses the hub's audit log (WitnessHubOrExplain) before anything is read
// from it. When the witness check fails, `*stop_with` is the exit code (the reason is printed).
absl::StatusOr<std::unique_ptr<v1::Audit::Stub>> AuditStub(const ParsedArgs& parsed,
                                                           int* stop_with) {
  *stop_with = kExitOk;
  absl::StatusOr<v1::ClientConfig> config = LoadClientConfig(parsed.Get("config"));
  if (!config.ok()) {
    return config.status();
  }
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      MakeHubChannel(config->hub_address(), config->tls());
  if (!channel.ok()) {
    return channel.status();
  }
  std::unique_ptr<v1::Audit::Stub> stub = v1::Audit::NewStub(*channel);
  *stop_with = WitnessHubOrExplain(*config, *stub);
  return stub;
}

absl::StatusOr<std::vector<v1::AuditEvent>> ListAll(v1::Audit::Stub& stub,
                                                    const v1::ListAuditRequest& request,
                                                    size_t max_events = 0) {
  return ListAllAuditEvents(
      [&stub](const v1::ListAuditRequest& page) -> absl::StatusOr<v1::ListAuditResponse> {
        v1::ListAuditResponse response;
        grpc::ClientContext context;
        Deadline(context);
        absl::Status status = FromGrpcStatus(stub.List(&context, page, &response));
        if (!status.ok()) {
          return status;
        }
        return response;
      },
      request, max_events);
}

}  // namespace

int AuditListCommand(const std::vector<std::string>& args) {
  if (WantsHelp(args)) {
    std::cout << "usage: " << kListUsage << "\n\n" << kListHelp << kDatesHelp;
    return kExitOk;
  }
  ParsedArgs parsed = ParseArgs(args, WithFilterFlags({"config", "limit", "format"}));
  if (!parsed.error.empty() || !parsed.positional.empty()) {
    return Usage(parsed.error.empty() ? "unexpected argument" : parsed.error, kListUsage);
  }
  absl::StatusOr<Format> format = ParseFormat(parsed.Get("format", "table"));
  if (!format.ok()) {
    return Usage(std::string(format.status().message()), kListUsage);
  }
  size_t limit = 0;
  if (const std::string text = parsed.Get("limit");
      !text.empty() && (!absl::SimpleAtoi(text, &limit) || limit == 0)) {
    return Usage(absl::StrCat("--limit expects a positive number, got '", text, "'"), kListUsage);
  }
  absl::StatusOr<absl::TimeZone> zone = LondonTimeZone();
  if (!zone.ok()) {
    return Usage(std::string(zone.status().message()), kListUsage);
  }
  absl::StatusOr<v1::ListAuditRequest> request = BuildListRequest(parsed, *zone);
  if (!request.ok()) {
    return Usage(std::string(request.status().message()), kListUsage);
  }
  int stop_with = kExitOk;
  absl::StatusOr<std::unique_ptr<v1::Audit::Stub>> stub = AuditStub(parsed, &stop_with);
  if (!stub.ok()) {
    return Usage(std::string(stub.status().message()), kListUsage);
  }
  if (stop_with != kExitOk) {
    return stop_with;
  }
  absl::StatusOr<std::vector<v1::AuditEvent>> events = ListAll(**stub, *request, limit);
  if (!events.ok()) {
    return Report("audit list refused", events.status());
  }
  std::cout << RenderAuditEvents(*events, *format);
  return kExitOk;
}

int AuditReportCommand(const std::vector<std::string>& args) {
  if (WantsHelp(args)) {
    std::cout << "usage: " << kReportUsage << "\n\n" << kReportHelp << kDatesHelp;
    return kExitOk;
  }
  ParsedArgs parsed = ParseArgs(args, {"config", "since", "until", "out"});
  if (!parsed.error.empty() || !parsed.positional.empty()) {
    return Usage(parsed.error.empty() ? "unexpected argument" : parsed.error, kReportUsage);
  }
  const std::string out = parsed.Get("out");
  if (out.empty()) {
    return Usage("--out report.html is required", kReportUsage);
  }
  absl::StatusOr<absl::TimeZone> zone = LondonTimeZone();
  if (!zone.ok()) {
    return Usage(std::string(zone.status().message()), kReportUsage);
  }
  absl::StatusOr<v1::ListAuditRequest> period = BuildListRequest(parsed, *zone);
  if (!period.ok()) {
    return Usage(std::string(period.status().message()), kReportUsage);
  }
  int stop_with = kExitOk;
  absl::StatusOr<std::unique_ptr<v1::Audit::Stub>> stub = AuditStub(parsed, &stop_with);
  if (!stub.ok()) {
    return Usage(std::string(stub.status().message()), kReportUsage);
  }
  if (stop_with != kExitOk) {
    return stop_with;
  }
  AuditReportInput input;
  input.zone = *zone;
  {
    // Read under a signed head, so the report is about a fixed, verifiable prefix of the log.
    v1::GetTreeHeadResponse head;
    grpc::ClientContext context;
    Deadline(context);
    absl::Status status =
        FromGrpcStatus((*stub)->GetTreeHead(&context, v1::GetTreeHeadRequest(), &head));
    if (!status.ok()) {
      return Report("audit report refused", status);
    }
    input.head = head.head();
  }
  period->set_up_to_sequence(input.head.tree_size());
  absl::StatusOr<std::vector<v1::AuditEvent>> events = ListAll(**stub, *period);
  if (!events.ok()) {
    return Report("audit report refused", events.status());
  }
  input.events = *std::move(events);
  if (period->since_micros() != 0) {
    input.since = absl::FromUnixMicros(period->since_micros());
    // Who had queried under which agreement before the period, so "first access" means first.
    v1::ListAuditRequest before;
    before.set_until_micros(period->since_micros());
    before.set_action("Query.Run");
    before.set_decision(v1::AuditEvent::ALLOW);
    before.set_up_to_sequence(input.head.tree_size());
    absl::StatusOr<std::vector<v1::AuditEvent>> earlier = ListAll(**stub, before);
    if (!earlier.ok()) {
      return Report("audit report refused", earlier.status());
    }
    for (const v1::AuditEvent& event : *earlier) {
      input.prior_access.insert({event.actor(), event.agreement()});
    }
  }
  if (period->until_micros() != 0) {
    input.until = absl::FromUnixMicros(period->until_micros());
  }
  input.generated = absl::Now();
  // The report names people and what they did: readable by its owner only.
  if (absl::Status written = WriteFileAtomic(out, RenderAuditReport(input), 0600); !written.ok()) {
    return Usage(std::string(written.message()), kReportUsage);
  }
  std::cerr << "confide: wrote " << out << ": " << input.events.size()
            << " events under a tree head of size " << input.head.tree_size() << "\n";
  return kExitOk;
}

}  // namespace confide::cli
