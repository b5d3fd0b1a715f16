#include "hub/audit/export_verify.h"

#include <memory>
#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "google/protobuf/util/json_util.h"
#include "hub/audit/audit_leaf.h"
#include "hub/audit/merkle.h"
#include "hub/audit/tree_head.h"

namespace confide::hub {
namespace {

std::string Hex(absl::string_view bytes) { return absl::BytesToHexString(bytes); }

struct EventLine {
  size_t line = 0;
  v1::AuditExportLine parsed;
};

class Verifier {
 public:
  explicit Verifier(ExportVerifyReport& report) : report_(report) {}
  void Problem(uint64_t sequence, std::string what) {
    if (report_.first_bad_sequence == 0 && sequence != 0) {
      report_.first_bad_sequence = sequence;
    }
    report_.problems.push_back(std::move(what));
  }

 private:
  ExportVerifyReport& report_;
};

}  // namespace

std::string ExportLineToJson(const v1::AuditExportLine& line) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(line, &json, options);
  return json;
}

std::string TreeHeadToJson(const v1::SignedTreeHead& head) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(head, &json, options);
  return json;
}

absl::StatusOr<v1::SignedTreeHead> TreeHeadFromJson(absl::string_view json) {
  v1::SignedTreeHead head;
  google::protobuf::util::JsonParseOptions options;
  if (!google::protobuf::util::JsonStringToMessage(std::string(absl::StripAsciiWhitespace(json)),
                                                   &head, options)
           .ok()) {
    return absl::InvalidArgumentError("expected a tree head in JSON, got something else");
  }
  return head;
}

absl::StatusOr<ExportVerifyReport> VerifyAuditExport(absl::string_view export_text,
                                                     const ExportVerifyOptions& options) {
  ExportVerifyReport report;
  Verifier verifier(report);
  v1::AuditExportLine header;
  std::optional<v1::SignedTreeHead> head;
  std::vector<EventLine> events;
  size_t line_number = 0;
  uint64_t last_sequence_read = 0;
  google::protobuf::util::JsonParseOptions parse_options;
  for (absl::string_view line : absl::StrSplit(export_text, '\n')) {
    ++line_number;
    if (absl::StripAsciiWhitespace(line).empty()) {
      continue;
    }
    v1::AuditExportLine parsed;
    if (!google::protobuf::util::JsonStringToMessage(std::string(line), &parsed, parse_options)
             .ok()) {
      verifier.Problem(last_sequence_read + 1,
                       absl::StrCat("line ", line_number, " (after event ", last_sequence_read,
                                    ") is not a valid export line: it was edited"));
      continue;
    }
    if (head.has_value()) {
      verifier.Problem(0, absl::StrCat("line ", line_number,
                                       " follows the signed tree head: lines were appended"));
    }
    if (!parsed.format().empty()) {
      header = parsed;
    } else if (parsed.has_tree_head()) {
      head = parsed.tree_head();
    } else if (parsed.has_event()) {
      last_sequence_read = parsed.event().sequence();
      events.push_back(EventLine{.line = line_number, .parsed = std::move(parsed)});
    }
  }
  if (line_number == 0 || (events.empty() && !head.has_value() && header.format().empty())) {
    return absl::InvalidArgumentError("the export is empty");
  }
  if (!header.format().empty() && header.format() != kAuditExportFormat) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected format ", kAuditExportFormat, ", got ", header.format()));
  }
  report.events = events.size();

  // The key: pinned if given, else the export's own (which proves only internal consistency).
  std::string pem = options.public_key_pem;
  if (pem.empty()) {
    pem = header.public_key_pem();
    report.notes.push_back(
        "public key not pinned (--public-key): checked against the key inside the export");
  }
  absl::StatusOr<std::unique_ptr<TreeHeadVerifier>> key = TreeHeadVerifier::FromPublicKeyPem(pem);
  if (!key.ok()) {
    verifier.Problem(0, absl::StrCat("no usable public key: ", key.status().message()));
  } else if (!header.key_fingerprint().empty() &&
             header.key_fingerprint() != (*key)->key_fingerprint()) {
    report.notes.push_back(absl::StrCat("the export names key ", header.key_fingerprint(),
                                        "; verifying with ", (*key)->key_fingerprint()));
  }
  if (!head.has_value()) {
    verifier.Problem(0, "no signed tree head at the end: the export was truncated");
  } else {
    report.head = *head;
    if (key.ok()) {
      if (absl::Status signed_ok = (*key)->Verify(*head); !signed_ok.ok()) {
        verifier.Problem(0, std::string(signed_ok.message()));
      }
    }
  }

  // Walk the events in file order: sequence numbers must run 1, 2, 3, ... and each event must
  // still hash to the leaf the hub recorded (and, with proofs, be in the signed tree).
  std::set<uint64_t> present;
  for (const EventLine& event : events) {
    present.insert(event.parsed.event().sequence());
  }
  std::set<uint64_t> seen;
  std::vector<std::string> leaves;
  uint64_t expected = 1;
  for (const EventLine& event_line : events) {
    const v1::AuditEvent& event = event_line.parsed.event();
    const uint64_t sequence = event.sequence();
    const std::string where = absl::StrCat(" (line ", event_line.line, ")");
    if (seen.contains(sequence)) {
      verifier.Problem(sequence, absl::StrCat("event ", sequence, " appears twice", where,
                                              ": an event was inserted"));
    } else if (sequence > expected) {
      if (present.contains(expected)) {
        verifier.Problem(expected, absl::StrCat("events out of order: event ", sequence, where,
                                                " comes before event ", expected));
      } else {
        verifier.Problem(
            expected, absl::StrCat("event ", expected,
                                   sequence - expected > 1 ? absl::StrCat(" to ", sequence - 1)
                                                           : std::string(),
                                   " removed: event ", sequence, where, " follows ", expected - 1));
      }
    } else if (sequence < expected) {
      verifier.Problem(sequence, absl::StrCat("events out of order: event ", sequence, where,
                                              " comes after event ", expected - 1));
    }
    seen.insert(sequence);
    expected = std::max(expected, sequence + 1);
    std::string leaf_hash = AuditLeafHash(event);
    if (event_line.parsed.leaf_hash() != Hex(leaf_hash)) {
      verifier.Problem(sequence, absl::StrCat("event ", sequence, where,
                                              " was changed: it no longer matches its leaf hash"));
    } else if (head.has_value() && event_line.parsed.inclusion_proof_size() > 0) {
      std::vector<std::string> path;
      for (const std::string& node : event_line.parsed.inclusion_proof()) {
        path.push_back(absl::HexStringToBytes(node));
      }
      if (!VerifyMerkleInclusion(sequence - 1, head->tree_size(), leaf_hash, path,
                                 head->root_hash())
               .ok()) {
        verifier.Problem(sequence, absl::StrCat("event ", sequence, where,
                                                " is not the event the hub signed (its inclusion "
                                                "proof fails): it was changed or forged"));
      }
    }
    leaves.push_back(std::move(leaf_hash));
  }

  if (head.has_value()) {
    const uint64_t size = head->tree_size();
    if (leaves.size() < size) {
      verifier.Problem(
          leaves.size() + 1,
          absl::StrCat("truncated: the signed head covers ", size, " events but the export has ",
                       leaves.size(), "; events from ", leaves.size() + 1, " are missing"));
    } else if (leaves.size() > size) {
      verifier.Problem(size + 1, absl::StrCat("the export has ", leaves.size(),
                                              " events but the signed head covers only ", size,
                                              ": events were inserted"));
    } else if (MerkleRoot(leaves) != head->root_hash()) {
      verifier.Problem(0,
                       "the events do not add up to the signed head's root: the log was "
                       "rewritten (re-export with --with-proofs to find the event)");
    }
  }

  if (options.trusted_head.has_value()) {
    const v1::SignedTreeHead& trusted = *options.trusted_head;
    if (key.ok() && !(*key)->Verify(trusted).ok()) {
      verifier.Problem(0, "the trusted head's signature does not verify with this key");
    } else if (head.has_value() && trusted.tree_size() > head->tree_size()) {
      verifier.Problem(
          head->tree_size() + 1,
          absl::StrCat("ROLLBACK: the hub's head covers ", head->tree_size(),
                       " events but you already verified a head covering ", trusted.tree_size()));
    } else if (trusted.tree_size() <= leaves.size()) {
      const std::string prefix_root =
          MerkleRoot(absl::MakeConstSpan(leaves).subspan(0, trusted.tree_size()));
      if (prefix_root != trusted.root_hash()) {
        verifier.Problem(
            0, absl::StrCat("NOT CONSISTENT with the trusted head: the first ", trusted.tree_size(),
                            " events differ from those you verified before (history "
                            "rewritten, rolled back or forked)"));
      }
    } else {
      verifier.Problem(
          0, absl::StrCat("the export has ", leaves.size(),
                          " events, fewer than the trusted head's ", trusted.tree_size()));
    }
  }
  report.ok = report.problems.empty();
  return report;
}

}  // namespace confide::hub
