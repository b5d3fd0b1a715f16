// confide-linkage-eval: measures the hub's person linkage against the synthetic generator's
// ground truth. It opens a STOPPED hub's data directory, rebuilds the person index exactly as
// the hub does, recomputes each ground-truth row's record id with the partnership linkage key,
// and reports pairwise precision, recall and F1 overall and per match key.
//
// For evaluation on synthetic data only: it needs both the hub's store and the agencies'
// linkage key, which no one should ever hold together for real data.

#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "agent/extract/csv_reader.h"
#include "agent/pseudonymiser.h"
#include "common/files.h"
#include "hub/hub_config.h"
#include "hub/linkage/person_index.h"
#include "hub/storage/rocksdb_store.h"
#include "policy/policy.h"
#include "tools/linkage_eval/pairwise.h"

ABSL_FLAG(std::string, hub_config, "", "the (stopped) hub's config, e.g. run/hub.textpb");
ABSL_FLAG(std::string, linkage_key, "", "the partnership linkage key the agents used (hex, 0600)");
ABSL_FLAG(std::string, ground_truth, "", "ground_truth.csv written by confide-synth");

namespace confide::linkage_eval {
namespace {

constexpr int kExitUsage = 1;

int Fail(absl::string_view what, const absl::Status& status) {
  std::cerr << "confide-linkage-eval: " << what << ": " << status.message() << "\n";
  return kExitUsage;
}

struct StoredPerson {
  std::string agency;
  std::map<std::string, std::string> tokens;  // "key_id/version" -> re-keyed token
};

std::string Line(absl::string_view label, const PairCounts& counts) {
  return absl::StrFormat(
      "  %-22s precision %.4f  recall %.4f  F1 %.4f  (%d linked pairs, %d "
      "correct)\n",
      label, counts.precision(), counts.recall(), counts.f1(), counts.predicted_pairs,
      counts.correct_pairs);
}

int Run() {
  absl::StatusOr<v1::HubConfig> config = hub::LoadHubConfig(absl::GetFlag(FLAGS_hub_config));
  if (!config.ok()) {
    return Fail("hub config", config.status());
  }
  absl::StatusOr<std::shared_ptr<const policy::Policy>> policy = policy::Policy::FromFile(
      config->policy_file(), absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()));
  if (!policy.ok()) {
    return Fail("policy", policy.status());
  }
  absl::StatusOr<std::string> key = ReadHexKeyFile(absl::GetFlag(FLAGS_linkage_key), 32);
  if (!key.ok()) {
    return Fail("linkage key", key.status());
  }
  agent::Pseudonymiser pseudonymiser(*key, "eval", (*policy)->proto().linkage());
  key->assign(key->size(), '\0');
  absl::StatusOr<std::unique_ptr<hub::RocksDbStore>> store =
      hub::RocksDbStore::Open(config->data_dir());
  if (!store.ok()) {
    return Fail("opening the hub's data (is the hub stopped?)", store.status());
  }
  absl::StatusOr<std::unique_ptr<hub::linkage::PersonIndex>> index =
      hub::linkage::PersonIndex::Build(**store, **policy);
  if (!index.ok()) {
    return Fail("building the person index", index.status());
  }
  // (dataset, record id) -> what the hub holds.
  absl::flat_hash_map<std::string, StoredPerson> held;
  for (const v1::Dataset& dataset : (*policy)->proto().datasets()) {
    absl::Status scanned = (*store)->ScanDataset(dataset.id(), [&](const v1::StoredRecord& record) {
      StoredPerson& person = held[absl::StrCat(record.dataset(), "/", record.record_id())];
      person.agency = record.agency();
      for (const v1::MatchToken& token : record.tokens()) {
        person.tokens[absl::StrCat(token.key_id(), "/", token.key_version())] = token.token();
      }
    });
    if (!scanned.ok()) {
      return Fail("reading the store", scanned);
    }
  }

  absl::StatusOr<std::unique_ptr<agent::CsvReader>> truth =
      agent::CsvReader::Open(absl::GetFlag(FLAGS_ground_truth), agent::CsvOptions());
  if (!truth.ok()) {
    return Fail("ground truth", truth.status());
  }
  std::vector<Assignment> assignments;
  // key -> token -> true persons of the records holding it
  std::map<std::string, absl::flat_hash_map<std::string, std::vector<std::string>>> by_key;
  int64_t rows = 0, missing = 0;
  agent::CsvRow row;
  while (true) {
    absl::StatusOr<bool> more = (*truth)->Next(&row);
    if (!more.ok()) {
      return Fail("ground truth", more.status());
    }
    if (!*more) {
      break;
    }
    if (row.record_number == 1 || row.fields.size() < 3) {
      continue;  // header
    }
    ++rows;
    const std::string& dataset = row.fields[0];
    const std::string record_id = pseudonymiser.RecordId(dataset, row.fields[1]);
    auto found = held.find(absl::StrCat(dataset, "/", record_id));
    if (found == held.end()) {
      ++missing;  // quarantined at the agency, or never pushed
      continue;
    }
    absl::optional<hub::linkage::PersonId> person =
        (*index)->PersonOf(dataset, found->second.agency, record_id);
    if (!person.has_value()) {
      ++missing;
      continue;
    }
    assignments.push_back({row.fields[2], *person});
    for (const auto& [key_id, token] : found->second.tokens) {
      by_key[key_id][token].push_back(row.fields[2]);
    }
  }
  const PairCounts overall = ScorePartition(assignments);
  hub::linkage::IndexStats stats = (*index)->Stats();
  std::cout << absl::StrFormat(
      "linkage quality: %d ground-truth rows, %d held by the hub (%d not held: quarantined or "
      "not pushed); %d persons found by the hub, %d ambiguous tokens ignored\n",
      rows, assignments.size(), missing, stats.persons, stats.ambiguous_tokens);
  std::cout << "pairwise, hub person clusters:\n" << Line("all keys", overall);
  std::cout << "pairwise, records sharing one key's token (no transitive closure):\n";
  for (const auto& [key_id, groups] : by_key) {
    std::vector<std::vector<std::string>> lists;
    lists.reserve(groups.size());
    for (const auto& [token, people] : groups) {
      lists.push_back(people);
    }
    std::cout << Line(key_id, ScoreGroups(lists, overall.true_pairs));
  }
  std::cout << absl::StrFormat("result: precision=%.6f recall=%.6f f1=%.6f true_pairs=%d\n",
                               overall.precision(), overall.recall(), overall.f1(),
                               overall.true_pairs);
  return 0;
}

}  // namespace
}  // namespace confide::linkage_eval

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "confide-linkage-eval --hub_config run/hub.textpb --linkage_key run/linkage.key "
      "--ground_truth extracts/ground_truth.csv");
  absl::ParseCommandLine(argc, argv);
  return confide::linkage_eval::Run();
}
