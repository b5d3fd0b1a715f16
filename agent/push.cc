#include "agent/push.h"

#include <unistd.h>

#include <filesystem>
#include <functional>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "agent/audit_witnessing.h"
#include "agent/extract_processor.h"
#include "agent/file_digest.h"
#include "agent/hub_client.h"
#include "agent/journal.h"
#include "agent/preview.h"
#include "agent/progress.h"
#include "agent/quarantine.h"
#include "agent/receipt.h"
#include "common/files.h"
#include "common/grpc_client.h"

namespace confide::agent {
namespace {

constexpr int64_t kMaxProblemRows = 50;

int Fail(absl::string_view what, const absl::Status& status, absl::string_view hint = "") {
  std::string message;
  int code = ExitCodeFor(status, &message);
  std::cerr << "confide-agent: " << what << ": " << message << hint << "\n";
  return code;
}

int UsageError(absl::string_view message) {
  std::cerr << "confide-agent: " << message << "\n";
  return kExitUsage;
}

// Prints the first bad rows' problems (never values) and writes every bad row, with its values,
// to the quarantine file, which is opened on the first bad row unless a path was given.
class BadRowHandler {
 public:
  BadRowHandler(std::string path, bool create_eagerly, const std::vector<std::string>& header)
      : path_(std::move(path)), header_(header) {
    if (create_eagerly) {
      Open();
    }
  }

  void operator()(const BadRow& row) {
    if (++rows_ <= kMaxProblemRows) {
      for (const RowProblem& problem : *row.problems) {
        std::cerr << ProblemLine(row, problem) << "\n";
      }
    }
    if (file_ == nullptr && status_.ok()) {
      Open();
    }
    if (file_ != nullptr) {
      file_->Add(row);
    }
  }

  absl::Status Close() {
    if (file_ != nullptr) {
      absl::Status closed = file_->Close();
      if (status_.ok()) {
        status_ = closed;
      }
    }
    return status_;
  }
  int64_t rows() const { return rows_; }
  const std::string& path() const { return path_; }

 private:
  void Open() {
    const std::string dir = std::filesystem::path(path_).parent_path().string();
    if (!dir.empty()) {
      status_ = MakePrivateDirs(dir);
      if (!status_.ok()) {
        return;
      }
    }
    absl::StatusOr<std::unique_ptr<QuarantineFile>> file = QuarantineFile::Create(path_, header_);
    if (file.ok()) {
      file_ = *std::move(file);
    } else {
      status_ = file.status();
    }
  }

  std::string path_;
  const std::vector<std::string>& header_;
  std::unique_ptr<QuarantineFile> file_;
  absl::Status status_;
  int64_t rows_ = 0;
};

struct Totals {
  int64_t sent = 0, stored = 0, duplicates = 0, batches = 0, resumed = 0, resumed_batches = 0;
};

}  // namespace

int RunPush(const PushOptions& options) {
  const absl::Time started = absl::Now();
  const bool dry_run = !options.dry_run_path.empty();
  absl::StatusOr<v1::AgentConfig> config = LoadAgentConfig(options.config_path);
  if (!config.ok()) {
    return UsageError(config.status().message());
  }
  const v1::DatasetMapping* mapping = FindMapping(*config, options.dataset);
  if (mapping == nullptr) {
    return UsageError(
        absl::StrCat(options.config_path, " has no mapping for dataset '", options.dataset, "'"));
  }
  absl::StatusOr<CsvOptions> csv_options = CsvOptionsFor(*mapping);
  if (!csv_options.ok()) {
    return UsageError(csv_options.status().message());
  }
  // The linkage key is read before anything touches the network: a key file with loose
  // permissions is refused outright.
  absl::StatusOr<LinkageKeys> linkage_keys = LoadLinkageKeys(*config);
  if (!linkage_keys.ok()) {
    return UsageError(absl::StrCat("linkage key: ", linkage_keys.status().message()));
  }
  // Output files are truncated when opened: never let one of them be the extract itself.
  for (const std::string* output :
       {&options.dry_run_path, &options.quarantine_path, &options.receipt_path}) {
    std::error_code error;
    if (!output->empty() && std::filesystem::equivalent(*output, options.csv_path, error)) {
      return UsageError(absl::StrCat(*output, " is the extract itself; name another output file"));
    }
  }
  absl::StatusOr<FileDigest> digest = DigestFile(options.csv_path);
  if (!digest.ok()) {
    return UsageError(digest.status().message());
  }
  absl::StatusOr<std::unique_ptr<HubClient>> client = HubClient::Connect(*config);
  if (!client.ok()) {
    return UsageError(client.status().message());
  }
  absl::StatusOr<v1::GetDatasetResponse> schema = (*client)->GetDataset(options.dataset);
  if (!schema.ok()) {
    return Fail(absl::StrCat("fetching the schema of '", options.dataset, "'"), schema.status());
  }
  if (absl::Status accepted = CheckKeyVersionsAccepted(*config, schema->linkage());
      !accepted.ok()) {
    return UsageError(accepted.message());
  }
  absl::StatusOr<std::unique_ptr<Pseudonymiser>> made_pseudonymiser =
      Pseudonymiser::Create(*std::move(linkage_keys), schema->linkage());
  if (!made_pseudonymiser.ok()) {
    return UsageError(absl::StrCat("linkage key: ", made_pseudonymiser.status().message()));
  }
  Pseudonymiser& pseudonymiser = **made_pseudonymiser;

  auto open_extract = [&]() -> absl::StatusOr<std::unique_ptr<ExtractProcessor>> {
    absl::StatusOr<std::unique_ptr<CsvReader>> reader =
        CsvReader::Open(options.csv_path, *csv_options);
    if (!reader.ok()) {
      return reader.status();
    }
    return ExtractProcessor::Create(*std::move(reader), schema->dataset(), *mapping, pseudonymiser,
                                    config->batch_size());
  };
  absl::StatusOr<std::unique_ptr<ExtractProcessor>> extract = open_extract();
  if (!extract.ok()) {
    return UsageError(absl::StrCat(options.csv_path, ": ", extract.status().message()));
  }
  // Named in full in messages, so the data lead can find it whatever the working directory.
  const std::string quarantine_path =
      !options.quarantine_path.empty()
          ? options.quarantine_path
          : std::filesystem::absolute(
                absl::StrCat(config->quarantine_dir(), "/", options.dataset, "-",
                             absl::FormatTime("%Y%m%dT%H%M%SZ", started, absl::UTCTimeZone()),
                             ".csv"))
                .lexically_normal()
                .string();
  const std::vector<std::string> header = (*extract)->header();
  BadRowHandler bad_rows(quarantine_path, !options.quarantine_path.empty(), header);
  RealClock clock;
  ProgressReporter progress(std::cerr, isatty(STDERR_FILENO) == 1, clock);
  v1::Batch batch;

  // With --max-reject-rate the whole file is validated before anything is sent.
  const bool validate_first = options.max_reject_rate.has_value();
  if (validate_first) {
    progress.Begin(absl::StrCat("validating ", options.dataset), (*extract)->total_bytes());
    while (true) {
      absl::StatusOr<bool> more = (*extract)->NextBatch(&batch, std::ref(bad_rows));
      if (!more.ok()) {
        return UsageError(
            absl::StrCat("reading ", options.csv_path, ": ", more.status().message()));
      }
      if (!*more) {
        break;
      }
      progress.Update((*extract)->rows_read(), (*extract)->bytes_consumed());
    }
    progress.End();
    const int64_t read = (*extract)->rows_read(), bad = (*extract)->rows_quarantined();
    absl::Status closed = bad_rows.Close();
    // A small tolerance so that a rate exactly at the limit (3 of 10 with R = 0.3) passes
    // despite binary rounding.
    if (read > 0 && static_cast<double>(bad) > *options.max_reject_rate * read + 1e-9) {
      std::cerr << absl::StrFormat(
          "confide-agent: %d of %d rows (%.1f%%) failed validation, more than --max-reject-rate "
          "%g allows; nothing was sent. %s\n",
          bad, read, 100.0 * bad / read, *options.max_reject_rate,
          closed.ok()
              ? absl::StrCat("The rows and reasons are in ", bad_rows.path(),
                             " (it holds personal data: keep it inside your "
                             "organisation); fix the extract and push again.")
              : absl::StrCat("The quarantine file could not be written: ", closed.message()));
      return kExitUsage;
    }
    if (!closed.ok()) {
      return UsageError(absl::StrCat("quarantine file: ", closed.message()));
    }
    extract = open_extract();
    if (!extract.ok()) {
      return UsageError(absl::StrCat(options.csv_path, ": ", extract.status().message()));
    }
  }

  std::unique_ptr<PushJournal> journal;
  std::unique_ptr<hub::AuditWitness> witness;
  std::unique_ptr<PreviewFile> preview;
  if (dry_run) {
    absl::StatusOr<std::unique_ptr<PreviewFile>> made =
        PreviewFile::Create(options.dry_run_path, schema->dataset(), schema->linkage());
    if (!made.ok()) {
      return UsageError(made.status().message());
    }
    preview = *std::move(made);
  } else {
    absl::StatusOr<std::unique_ptr<PushJournal>> opened =
        PushJournal::Open(config->journal_dir(), options.dataset, digest->sha256_hex,
                          std::filesystem::path(options.csv_path).filename().string());
    if (!opened.ok()) {
      return UsageError(opened.status().message());
    }
    journal = *std::move(opened);
    absl::StatusOr<std::unique_ptr<hub::AuditWitness>> opened_witness = OpenAgentWitness(*config);
    if (!opened_witness.ok()) {
      return UsageError(absl::StrCat("audit witness: ", opened_witness.status().message()));
    }
    witness = *std::move(opened_witness);
    // Nothing is sent to a hub whose audit history does not extend what this agency saw.
    if (int code = WitnessHub(*witness, (*client)->audit(), "before sending"); code != kExitOk) {
      return code;
    }
    if (journal->size() > 0) {
      std::cerr << "confide-agent: resuming an interrupted push of " << options.csv_path << ": "
                << journal->size() << " batches the hub already acknowledged are not sent again\n";
    }
  }
  const std::string resume_hint =
      journal == nullptr
          ? ""
          : absl::StrCat("\nBatches the hub acknowledged are recorded in ", journal->path(),
                         "; run the same command again to resume without duplicates.");

  v1::PushReceipt receipt;
  receipt.set_dataset(options.dataset);
  receipt.mutable_file()->set_name(std::filesystem::path(options.csv_path).filename().string());
  receipt.mutable_file()->set_bytes(digest->bytes);
  receipt.mutable_file()->set_sha256(digest->sha256_hex);
  receipt.set_started(ReceiptTime(started));
  receipt.set_hub_policy_version(schema->policy_version());
  receipt.set_agent_config(options.config_path);

  Totals totals;
  std::unique_ptr<PushSession> session;
  auto ignore_bad_rows = [](const BadRow&) {};  // already reported by the validation pass
  progress.Begin(absl::StrCat(dry_run ? "previewing " : "pushing ", options.dataset),
                 (*extract)->total_bytes());
  while (true) {
    absl::StatusOr<bool> more = validate_first ? (*extract)->NextBatch(&batch, ignore_bad_rows)
                                               : (*extract)->NextBatch(&batch, std::ref(bad_rows));
    if (!more.ok()) {
      progress.End();
      return UsageError(absl::StrCat("reading ", options.csv_path, ": ", more.status().message()));
    }
    if (!*more) {
      break;
    }
    ++totals.batches;
    if (dry_run) {
      preview->Add(batch);
      totals.sent += batch.records_size();
    } else {
      v1::PushAck ack;
      if (const v1::PushAck* known = journal->Find(batch.batch_id())) {
        ack = *known;
        totals.resumed += ack.records();
        ++totals.resumed_batches;
      } else {
        if (session == nullptr) {
          session = (*client)->StartPush();
        }
        absl::StatusOr<v1::PushAck> sent = session->Send(batch);
        if (!sent.ok()) {
          progress.End();
          return Fail("pushing", sent.status(), resume_hint);
        }
        ack = *std::move(sent);
        absl::Status recorded = journal->Record(ack);
        if (!recorded.ok()) {
          progress.End();
          return UsageError(recorded.message());
        }
      }
      totals.sent += ack.records();
      (ack.outcome() == v1::PushAck::DUPLICATE ? totals.duplicates : totals.stored) +=
          ack.records();
      v1::PushReceipt::BatchOutcome* outcome = receipt.add_batches();
      outcome->set_batch_id(ack.batch_id());
      outcome->set_records(ack.records());
      outcome->set_outcome(ack.outcome());
      outcome->set_audit_sequence(ack.audit_sequence());
    }
    progress.Update((*extract)->rows_read(), (*extract)->bytes_consumed());
  }
  progress.End();
  if (session != nullptr) {
    absl::Status finished = session->Finish();
    if (!finished.ok()) {
      return Fail("pushing", finished, resume_hint);
    }
  }
  if (witness != nullptr) {
    // The acknowledged batches' audit events are now in the log this agency witnesses.
    if (int code = WitnessHub(*witness, (*client)->audit(), "after the last acknowledgement");
        code != kExitOk) {
      return code;
    }
  }
  if (journal != nullptr) {
    if (absl::Status completed = journal->Complete(); !completed.ok()) {
      std::cerr << "confide-agent: warning: " << completed.message() << "\n";
    }
  }
  if (preview != nullptr) {
    if (absl::Status closed = preview->Close(); !closed.ok()) {
      return UsageError(absl::StrCat("dry-run preview: ", closed.message()));
    }
  }
  const int64_t read = (*extract)->rows_read(), quarantined = (*extract)->rows_quarantined();
  if (absl::Status closed = bad_rows.Close(); !closed.ok()) {
    return UsageError(absl::StrCat("quarantine file: ", closed.message()));
  }
  if (quarantined > kMaxProblemRows) {
    std::cerr << "... and " << quarantined - kMaxProblemRows << " more rows\n";
  }
  if (quarantined > 0) {
    std::cerr << "confide-agent: " << quarantined << " rows quarantined: see " << bad_rows.path()
              << " (it holds the rows' values: keep it inside your organisation)\n";
  }
  const double seconds = absl::ToDoubleSeconds(absl::Now() - started);
  if (dry_run) {
    std::cout << absl::StrFormat(
        "dry run of %s: %d rows read, %d would be sent in %d batches, %d quarantined, %.1f s; "
        "nothing was sent; the records are in %s\n",
        options.dataset, read, totals.sent, totals.batches, quarantined, seconds,
        options.dry_run_path);
    return quarantined > 0 ? kExitPartial : kExitOk;
  }
  std::string summary = absl::StrFormat(
      "pushed %s: %d rows read, %d sent in %d batches (%d stored, %d already at the hub), %d "
      "quarantined, %.1f s",
      options.dataset, read, totals.sent, totals.batches, totals.stored, totals.duplicates,
      quarantined, seconds);
  if (totals.resumed_batches > 0) {
    absl::StrAppendFormat(&summary,
                          "; %d batches (%d rows) acknowledged before an interruption were not "
                          "sent again",
                          totals.resumed_batches, totals.resumed);
  }
  std::cout << summary << "\n" << std::flush;
  if (!options.receipt_path.empty()) {
    v1::PushReceipt::Counts* counts = receipt.mutable_counts();
    counts->set_read(read);
    counts->set_sent(totals.sent);
    counts->set_stored(totals.stored);
    counts->set_duplicates(totals.duplicates);
    counts->set_quarantined(quarantined);
    counts->set_resumed(totals.resumed);
    receipt.set_finished(ReceiptTime(absl::Now()));
    if (absl::Status written = WriteFileAtomic(options.receipt_path, ReceiptToJson(receipt));
        !written.ok()) {
      return UsageError(absl::StrCat("receipt: ", written.message()));
    }
  }
  return quarantined > 0 ? kExitPartial : kExitOk;
}

}  // namespace confide::agent
