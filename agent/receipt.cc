#include "agent/receipt.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/files.h"
#include "common/text_escaping.h"
#include "google/protobuf/util/json_util.h"

namespace confide::agent {
namespace {}  // namespace

std::string ReceiptTime(absl::Time time) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", time, absl::UTCTimeZone());
}

std::string ReceiptToJson(const v1::PushReceipt& receipt) {
  const v1::PushReceipt::Counts& counts = receipt.counts();
  std::string out = "{\n";
  absl::StrAppend(&out, "  \"dataset\": ", JsonQuoted(receipt.dataset()), ",\n");
  absl::StrAppend(&out, "  \"file\": {\"name\": ", JsonQuoted(receipt.file().name()),
                  ", \"bytes\": ", receipt.file().bytes(),
                  ", \"sha256\": ", JsonQuoted(receipt.file().sha256()), "},\n");
  absl::StrAppend(&out, "  \"counts\": {\"read\": ", counts.read(), ", \"sent\": ", counts.sent(),
                  ", \"stored\": ", counts.stored(), ", \"duplicates\": ", counts.duplicates(),
                  ", \"quarantined\": ", counts.quarantined(), ", \"resumed\": ", counts.resumed(),
                  "},\n");
  absl::StrAppend(&out, "  \"started\": ", JsonQuoted(receipt.started()), ",\n");
  absl::StrAppend(&out, "  \"finished\": ", JsonQuoted(receipt.finished()), ",\n");
  absl::StrAppend(&out, "  \"hub_policy_version\": ", JsonQuoted(receipt.hub_policy_version()),
                  ",\n");
  absl::StrAppend(&out, "  \"agent_config\": ", JsonQuoted(receipt.agent_config()), ",\n");
  absl::StrAppend(&out, "  \"batches\": [");
  for (int i = 0; i < receipt.batches_size(); ++i) {
    const v1::PushReceipt::BatchOutcome& batch = receipt.batches(i);
    absl::StrAppend(&out, i == 0 ? "\n" : ",\n",
                    "    {\"batch_id\": ", JsonQuoted(batch.batch_id()),
                    ", \"records\": ", batch.records(),
                    ", \"outcome\": ", JsonQuoted(v1::PushAck::Outcome_Name(batch.outcome())),
                    ", \"audit_sequence\": ", batch.audit_sequence(), "}");
  }
  absl::StrAppend(&out, receipt.batches().empty() ? "]\n" : "\n  ]\n", "}\n");
  return out;
}

absl::StatusOr<v1::PushReceipt> ReadReceipt(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) {
    return text.status();
  }
  v1::PushReceipt receipt;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  auto parsed = google::protobuf::util::JsonStringToMessage(*text, &receipt, options);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, " is not a push receipt (expected the JSON that push --receipt writes): ",
        std::string(parsed.message())));
  }
  if (receipt.dataset().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(path, " is not a push receipt: no dataset"));
  }
  return receipt;
}

}  // namespace confide::agent
