// confide-linkage-bench: clusters a synthetic population's records into persons with the hub's
// PersonIndex. Reports the start-up build (PersonIndex::Build from a store), incremental adds in
// push-sized batches, withdrawals, peak resident memory, and the peer of a plain union-find over
// the same token groups (connected components without placeholders, weak or exclusive keys).
//
// Records are generated on the fly (never held), so resident memory is the index's own. Token
// structure follows the example recipe: an exclusive NHS key (ED and ambulance records only), two
// strong name keys, two weak ones; persons with 1-10 records, misspellings, twins sharing the
// phonetic key, and placeholder identities shared by hundreds of records.

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "hub/linkage/person_index.h"
#include "hub/storage/record_store.h"
#include "policy/policy.h"

ABSL_FLAG(int64_t, records, 1000000, "Records in the synthetic population.");
ABSL_FLAG(int64_t, batch, 1000, "Records per incremental batch (the agent's batch size).");
ABSL_FLAG(int64_t, withdraw, 10000, "Records withdrawn, in batches of 100, after the adds.");
ABSL_FLAG(std::string, policy, CONFIDE_SOURCE_DIR "/deploy/policy/merseyside.textpb",
          "Policy whose linkage recipe is used.");

namespace {

namespace v1 = ::confide::v1;
using confide::hub::linkage::PersonIndex;

uint64_t Mix(uint64_t x) {  // splitmix64
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

constexpr const char* kDatasets[] = {"ed_attendance", "police_crime", "ambulance_incident"};
constexpr const char* kAgencies[] = {"liverpool-university-hospitals", "merseyside-police",
                                     "north-west-ambulance"};
constexpr const char* kKeys[] = {"nhs", "name_dob_sex", "phonetic_initial_dob", "name_yob_district",
                                 "name_dob_transposed"};

// A deterministic population: person_[i] is the person behind record i (records in arrival
// order, a person's records scattered through it).
class Population {
 public:
  explicit Population(int64_t records) : person_(records) {
    std::mt19937_64 rng(20260601);
    // Records per person: half have one, a few have ten.
    const std::vector<double> weights = {45, 20, 10, 7, 5, 4, 3, 2.5, 2, 1.5};
    std::discrete_distribution<int> size(weights.begin(), weights.end());
    uint32_t person = 0;
    for (int64_t i = 0; i < records;) {
      for (int n = size(rng) + 1; n > 0 && i < records; --n) {
        person_[i++] = person;
      }
      ++person;
    }
    persons_ = person;
    std::shuffle(person_.begin(), person_.end(), rng);
  }

  int64_t size() const { return static_cast<int64_t>(person_.size()); }
  uint32_t persons() const { return persons_; }
  int Dataset(int64_t i) const { return static_cast<int>(Mix(i * 3 + 1) % 5) % 3; }

  // Record i as the hub stores it (values omitted: linkage reads only tokens).
  void Fill(int64_t i, v1::StoredRecord& record) const {
    const int dataset = Dataset(i);
    const uint64_t p = person_[i];
    const uint64_t r = Mix(i);
    record.Clear();
    record.set_dataset(kDatasets[dataset]);
    record.set_agency(kAgencies[dataset]);
    std::string id(32, '\0');
    for (int w = 0; w < 4; ++w) {
      const uint64_t word = Mix(i * 4 + w + (1ULL << 40));
      std::memcpy(&id[w * 8], &word, 8);
    }
    record.set_record_id(id);
    // Dirt, from independent bits of r: a misspelt name, a placeholder identity.
    const bool typo = r % 100 < 4;
    const bool placeholder = (r >> 8) % 1000 < 3;
    const uint64_t name = placeholder ? (1ULL << 50) + (r >> 20) % 20
                          : typo      ? p * 8 + 1 + (r >> 30) % 7
                                      : p * 8;
    const uint64_t twin = p % 100 == 0 ? p + 1 : p;  // shares the phonetic key with the next
    auto add = [&](int key, uint64_t value) {
      v1::MatchToken* token = record.add_tokens();
      token->set_key_id(kKeys[key]);
      token->set_key_version("2026-1");
      std::string bytes(32, '\0');
      for (int w = 0; w < 4; ++w) {
        const uint64_t word = Mix((value * 8 + key) * 4 + w);
        std::memcpy(&bytes[w * 8], &word, 8);
      }
      token->set_token(std::move(bytes));
    };
    if (dataset != 1 && (r >> 12) % 10 < 8) {
      add(0, p);  // NHS number: never sent by police
    }
    if ((r >> 16) % 100 < 95) {
      add(1, name);
    }
    if ((r >> 24) % 100 < 95) {
      add(2, placeholder ? name : twin);
    }
    if ((r >> 32) % 100 < 85) {
      add(3, (r >> 40) % 10 == 0 ? p * 8 + 7 : name);  // a tenth moved district
    }
    if ((r >> 44) % 100 < 95) {
      add(4, name);
    }
  }

 private:
  std::vector<uint32_t> person_;
  uint32_t persons_ = 0;
};

// A RecordStore that generates its records on every scan.
class SyntheticStore final : public confide::hub::RecordStore {
 public:
  explicit SyntheticStore(const Population& population) : population_(population) {}
  absl::StatusOr<confide::hub::PutBatchResult> PutBatch(
      const confide::hub::BatchWrite&,
      const std::function<v1::AuditEvent(confide::hub::BatchOutcome)>&) override {
    return absl::UnimplementedError("read-only");
  }
  absl::StatusOr<confide::hub::WithdrawalResult> Withdraw(
      const confide::hub::WithdrawalWrite&,
      const std::function<v1::AuditEvent(const confide::hub::WithdrawalResult&)>&) override {
    return absl::UnimplementedError("read-only");
  }
  absl::StatusOr<confide::hub::PurgeResult> PurgeBefore(
      absl::string_view, int64_t, const std::function<v1::AuditEvent(int64_t)>&) override {
    return absl::UnimplementedError("read-only");
  }
  absl::Status ScanDataset(
      absl::string_view dataset,
      const std::function<void(const v1::StoredRecord&)>& visit) const override {
    v1::StoredRecord record;
    for (int64_t i = 0; i < population_.size(); ++i) {
      if (kDatasets[population_.Dataset(i)] == dataset) {
        population_.Fill(i, record);
        visit(record);
      }
    }
    return absl::OkStatus();
  }

 private:
  const Population& population_;
};

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double RssMb(const char* field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field, 0) == 0) {
      return std::stod(line.substr(std::string(field).size())) / 1024.0;
    }
  }
  return -1;
}

// Resets VmHWM to the current RSS (Linux >= 4.0), so the next reading covers only what follows.
void ResetPeakRss() { std::ofstream("/proc/self/clear_refs") << "5"; }

struct TokenKey {
  std::array<char, 32> bytes;
  uint8_t key;
  bool operator==(const TokenKey& other) const { return key == other.key && bytes == other.bytes; }
  template <typename H>
  friend H AbslHashValue(H h, const TokenKey& k) {
    return H::combine(std::move(h), absl::string_view(k.bytes.data(), k.bytes.size()), k.key);
  }
};

// The peer: connected components of records sharing any token, by plain union-find over a hash
// map from token to the first record holding it.
int64_t PlainUnionFind(const Population& population) {
  std::vector<uint32_t> parent(population.size());
  std::iota(parent.begin(), parent.end(), 0);
  auto find = [&](uint32_t x) {
    while (parent[x] != x) {
      x = parent[x] = parent[parent[x]];
    }
    return x;
  };
  absl::flat_hash_map<TokenKey, uint32_t> first;
  v1::StoredRecord record;
  for (int64_t i = 0; i < population.size(); ++i) {
    population.Fill(i, record);
    for (const v1::MatchToken& token : record.tokens()) {
      TokenKey key{};
      std::memcpy(key.bytes.data(), token.token().data(), key.bytes.size());
      key.key = static_cast<uint8_t>(std::find(std::begin(kKeys), std::end(kKeys), token.key_id()) -
                                     std::begin(kKeys));
      auto [it, inserted] = first.try_emplace(key, static_cast<uint32_t>(i));
      if (!inserted) {
        parent[find(static_cast<uint32_t>(i))] = find(it->second);
      }
    }
  }
  int64_t components = 0;
  for (int64_t i = 0; i < population.size(); ++i) {
    components += find(static_cast<uint32_t>(i)) == i ? 1 : 0;
  }
  return components;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  absl::StatusOr<std::shared_ptr<const confide::policy::Policy>> policy =
      confide::policy::Policy::FromFile(absl::GetFlag(FLAGS_policy), absl::CivilDay(2026, 6, 1));
  if (!policy.ok()) {
    std::fprintf(stderr, "policy: %s\n", std::string(policy.status().message()).c_str());
    return 1;
  }
  const Population population(absl::GetFlag(FLAGS_records));
  const int64_t n = population.size();
  std::printf("population: %lld records of %u persons (1-10 records each), 5 match keys\n",
              static_cast<long long>(n), population.persons());

  // Start-up build from a store.
  SyntheticStore store(population);
  double base_rss = RssMb("VmRSS:");
  ResetPeakRss();
  auto start = std::chrono::steady_clock::now();
  absl::StatusOr<std::unique_ptr<PersonIndex>> built = PersonIndex::Build(store, **policy);
  const double build_s = Seconds(start);
  if (!built.ok()) {
    std::fprintf(stderr, "build: %s\n", std::string(built.status().message()).c_str());
    return 1;
  }
  const double build_peak = RssMb("VmHWM:") - base_rss;
  const confide::hub::linkage::IndexStats stats = (*built)->Stats();
  std::printf(
      "build (PersonIndex::Build): %.2f s, %.0f records/s; %lld persons, %lld tokens, "
      "%lld ambiguous; peak RSS +%.0f MB (%.0f bytes/record)\n",
      build_s, n / build_s, static_cast<long long>(stats.persons),
      static_cast<long long>(stats.tokens), static_cast<long long>(stats.ambiguous_tokens),
      build_peak, build_peak * 1024 * 1024 / n);

  // Incremental adds, batch by batch, as pushes arrive.
  PersonIndex incremental((*policy)->proto().linkage());
  const int64_t batch_size = std::max<int64_t>(1, absl::GetFlag(FLAGS_batch));
  std::vector<v1::StoredRecord> batch(batch_size);
  start = std::chrono::steady_clock::now();
  double generating = 0;
  for (int64_t i = 0; i < n; i += batch_size) {
    const int64_t count = std::min(batch_size, n - i);
    auto made = std::chrono::steady_clock::now();
    for (int64_t j = 0; j < count; ++j) {
      population.Fill(i + j, batch[j]);
    }
    generating += Seconds(made);
    incremental.Upsert(absl::MakeConstSpan(batch.data(), count));
  }
  const double add_s = Seconds(start) - generating;
  std::printf("incremental adds: %.2f s, %.0f records/s in batches of %lld\n", add_s, n / add_s,
              static_cast<long long>(batch_size));

  // Same partition either way.
  absl::flat_hash_map<uint64_t, uint64_t> to_incremental;
  bool same = incremental.Stats().persons == stats.persons;
  v1::StoredRecord record;
  for (int64_t i = 0; i < n && same; ++i) {
    population.Fill(i, record);
    auto a = (*built)->PersonOf(record.dataset(), record.agency(), record.record_id());
    auto b = incremental.PersonOf(record.dataset(), record.agency(), record.record_id());
    same = a.has_value() && b.has_value() && to_incremental.try_emplace(*a, *b).first->second == *b;
  }
  std::printf("incremental partition equals the build: %s\n", same ? "yes" : "NO");

  // Withdrawals, 100 at a time, of records spread through the population.
  const int64_t withdraw = std::min(absl::GetFlag(FLAGS_withdraw), n);
  std::vector<confide::hub::linkage::RecordRef> refs;
  start = std::chrono::steady_clock::now();
  double preparing = 0;
  for (int64_t k = 0; k < withdraw; ++k) {
    auto made = std::chrono::steady_clock::now();
    population.Fill(static_cast<int64_t>(Mix(k) % n), record);
    refs.push_back({record.dataset(), record.agency(), record.record_id()});
    preparing += Seconds(made);
    if (refs.size() == 100 || k + 1 == withdraw) {
      incremental.Remove(refs);
      refs.clear();
    }
  }
  const double withdraw_s = Seconds(start) - preparing;
  std::printf("withdrawals: %.2f s, %.0f records/s in batches of 100\n", withdraw_s,
              withdraw / withdraw_s);

  built->reset();
  start = std::chrono::steady_clock::now();
  const int64_t components = PlainUnionFind(population);
  const double peer_s = Seconds(start);
  std::printf(
      "peer: plain union-find over the same tokens (no rules): %.2f s, %lld components; "
      "build at %.2fx its time\n",
      peer_s, static_cast<long long>(components), build_s / peer_s);
  return same ? 0 : 1;
}
