// PersonIndex under random sequences of pushes, re-pushes with changed tokens, withdrawals and
// purges: after every step the incremental partition equals a full rebuild from the current
// records (in shuffled order) and an independent, naive implementation of the partition rule.

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "hub/linkage/person_index.h"
#include "tests/hub/linkage/linkage_testing.h"

namespace confide::hub::linkage {
namespace {

using testing::Partition;
using testing::PartitionOf;
using testing::Rec;
using testing::Recipe;
using testing::Ref;
using testing::Show;
using testing::T;

// The partition rule of person_index.h written the plain way: whole record set, maps and sets,
// no components, no incremental state.
Partition Reference(std::vector<v1::StoredRecord> records, const v1::LinkageRecipe& recipe) {
  using TokenKey = std::tuple<std::string, std::string, std::string>;  // key, version, bytes
  std::sort(records.begin(), records.end(), [](const auto& a, const auto& b) {
    return std::tie(a.dataset(), a.agency(), a.record_id()) <
           std::tie(b.dataset(), b.agency(), b.record_id());
  });
  const size_t limit = recipe.max_records_per_token() > 0 ? recipe.max_records_per_token() : 50;
  std::map<std::string, const v1::MatchKey*> keys;
  for (const v1::MatchKey& key : recipe.match_keys()) {
    keys[key.id()] = &key;
  }
  std::map<TokenKey, std::vector<size_t>> groups;
  std::vector<std::set<TokenKey>> tokens(records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    for (const v1::MatchToken& t : records[i].tokens()) {
      if (keys.count(t.key_id()) > 0 &&
          tokens[i].insert({t.key_id(), t.key_version(), t.token()}).second) {
        groups[{t.key_id(), t.key_version(), t.token()}].push_back(i);
      }
    }
  }
  auto usable = [&](const TokenKey& token) { return groups[token].size() <= limit; };
  std::vector<size_t> parent(records.size());
  std::vector<std::map<std::pair<std::string, std::string>, std::set<std::string>>> exclusive(
      records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    parent[i] = i;
    for (const TokenKey& token : tokens[i]) {
      if (keys[std::get<0>(token)]->exclusive() && usable(token)) {
        exclusive[i][{std::get<0>(token), std::get<1>(token)}].insert(std::get<2>(token));
      }
    }
  }
  auto find = [&](size_t x) {
    while (parent[x] != x) {
      x = parent[x];
    }
    return x;
  };
  auto join = [&](size_t a, size_t b) {
    a = find(a);
    b = find(b);
    if (a == b) {
      return true;
    }
    for (const auto& [key, values] : exclusive[b]) {
      std::set<std::string> merged = exclusive[a][key];
      merged.insert(values.begin(), values.end());
      if (merged.size() > 1) {
        return false;
      }
    }
    for (const auto& [key, values] : exclusive[b]) {
      exclusive[a][key].insert(values.begin(), values.end());
    }
    parent[b] = a;
    return true;
  };
  for (const v1::MatchKey& key : recipe.match_keys()) {
    std::vector<std::vector<size_t>> ordered;
    for (const auto& [token, members] : groups) {
      if (std::get<0>(token) == key.id() && usable(token)) {
        ordered.push_back(members);  // members are ascending: records were added in order
      }
    }
    std::sort(ordered.begin(), ordered.end());
    for (const std::vector<size_t>& members : ordered) {
      if (key.weak()) {
        for (size_t i = 0; i < members.size(); ++i) {
          for (size_t j = i + 1; j < members.size(); ++j) {
            bool second = false;
            for (const TokenKey& token : tokens[members[i]]) {
              second = second || (std::get<0>(token) != key.id() && usable(token) &&
                                  tokens[members[j]].count(token) > 0);
            }
            if (second) {
              join(members[i], members[j]);
            }
          }
        }
        continue;
      }
      std::vector<size_t> anchors;
      for (size_t member : members) {
        bool joined = false;
        for (size_t anchor : anchors) {
          if (join(anchor, member)) {
            joined = true;
            break;
          }
        }
        if (!joined) {
          anchors.push_back(member);
        }
      }
    }
  }
  std::map<size_t, std::set<std::string>> persons;
  for (size_t i = 0; i < records.size(); ++i) {
    persons[find(i)].insert(records[i].record_id());
  }
  Partition partition;
  for (auto& [root, ids] : persons) {
    partition.insert(ids);
  }
  return partition;
}

// A small population whose records carry noisy tokens: typos, missing values, shared
// placeholders, twins with a common phonetic key, and NHS numbers under two key versions.
class World {
 public:
  explicit World(uint32_t seed) : rng_(seed) {}

  v1::StoredRecord NewRecord() {
    static const char* kDatasets[] = {"ed", "police", "ambulance"};
    std::string dataset = kDatasets[Pick(3)];
    std::string agency = dataset == "ed" && Pick(3) == 0 ? "ed-second-site" : "";
    return Tokens(dataset, absl::StrFormat("rec-%05d", next_id_++), agency);
  }

  // Same record id, freshly drawn tokens (an agency's correction).
  v1::StoredRecord Repush(const v1::StoredRecord& old) {
    return Tokens(old.dataset(), old.record_id(), old.agency());
  }

  int Pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  std::mt19937& rng() { return rng_; }

 private:
  v1::StoredRecord Tokens(const std::string& dataset, const std::string& id,
                          const std::string& agency) {
    const int person = Pick(30);
    auto noisy = [&](const std::string& value) {
      return Pick(8) == 0 ? absl::StrCat("typo-", Pick(6)) : value;
    };
    std::vector<T> tokens;
    if (dataset != "police" && Pick(4) != 0) {
      tokens.push_back(
          {"nhs", noisy(absl::StrCat("nhs-", person)), Pick(6) == 0 ? "2027-1" : "2026-1"});
    }
    if (Pick(5) != 0) {
      tokens.push_back(
          {"name_dob_sex", Pick(12) == 0 ? "placeholder" : noisy(absl::StrCat("n-", person))});
    }
    if (Pick(3) != 0) {
      tokens.push_back({"phonetic_initial_dob", noisy(absl::StrCat("p-", person / 2))});  // twins
    }
    if (Pick(2) == 0) {
      tokens.push_back({"name_yob_district", noisy(absl::StrCat("y-", person % 10))});
    }
    if (Pick(2) == 0) {
      tokens.push_back({"name_dob_transposed", noisy(absl::StrCat("t-", person % 7))});
    }
    return Rec(dataset, id, tokens, agency);
  }

  std::mt19937 rng_;
  int next_id_ = 0;
};

void RunSequence(uint32_t seed, int max_per_token) {
  SCOPED_TRACE(absl::StrCat("seed ", seed, ", max_records_per_token ", max_per_token));
  const v1::LinkageRecipe recipe = Recipe(max_per_token);
  World world(seed);
  PersonIndex index(recipe);
  std::map<std::string, v1::StoredRecord> current;  // by record id (ids are unique here)
  for (int step = 0; step < 120; ++step) {
    SCOPED_TRACE(absl::StrCat("step ", step));
    std::vector<v1::StoredRecord> batch;
    std::vector<RecordRef> removed;
    const int op = world.Pick(10);
    if (op < 5 || current.empty()) {  // push a batch, sometimes re-sending a held record as is
      for (int i = 1 + world.Pick(8); i > 0; --i) {
        batch.push_back(world.NewRecord());
      }
      if (!current.empty() && world.Pick(3) == 0) {
        batch.push_back(std::next(current.begin(), world.Pick(current.size()))->second);
      }
    } else if (op < 7) {  // re-push with changed tokens
      for (int i = 1 + world.Pick(3); i > 0; --i) {
        batch.push_back(
            world.Repush(std::next(current.begin(), world.Pick(current.size()))->second));
      }
    } else if (op < 9) {  // withdraw some records (and an unknown one)
      for (int i = 1 + world.Pick(5); i > 0; --i) {
        removed.push_back(Ref(std::next(current.begin(), world.Pick(current.size()))->second));
      }
      removed.push_back(RecordRef{"ed", "ed-agency", "never-pushed"});
    } else {  // purge: a dataset's oldest records (here: the lowest ids)
      const std::string dataset = current.begin()->second.dataset();
      for (const auto& [id, record] : current) {
        if (record.dataset() == dataset && world.Pick(2) == 0) {
          removed.push_back(Ref(record));
        }
      }
    }
    if (!batch.empty()) {
      index.Upsert(batch);
      for (const v1::StoredRecord& record : batch) {
        current[record.record_id()] = record;
      }
    } else {
      index.Remove(removed);
      for (const RecordRef& ref : removed) {
        current.erase(ref.record_id);
      }
    }
    std::vector<v1::StoredRecord> records;
    for (const auto& [id, record] : current) {
      records.push_back(record);
    }
    std::shuffle(records.begin(), records.end(), world.rng());
    PersonIndex rebuilt(recipe);
    rebuilt.Upsert(records);
    const std::string incremental = Show(PartitionOf(index, records));
    ASSERT_EQ(incremental, Show(PartitionOf(rebuilt, records)));
    ASSERT_EQ(incremental, Show(Reference(records, recipe)));
    ASSERT_EQ(index.Stats().records, static_cast<int64_t>(records.size()));
    ASSERT_EQ(index.Stats().persons, rebuilt.Stats().persons);
    ASSERT_EQ(index.Stats().tokens, rebuilt.Stats().tokens);
  }
}

TEST(PersonIndexPropertyTest, IncrementalEqualsRebuildAndReferenceWithSmallTokenLimit) {
  for (uint32_t seed = 1; seed <= 12; ++seed) {
    RunSequence(seed, /*max_per_token=*/4);
  }
}

TEST(PersonIndexPropertyTest, IncrementalEqualsRebuildAndReferenceWithDefaultTokenLimit) {
  for (uint32_t seed = 100; seed <= 106; ++seed) {
    RunSequence(seed, /*max_per_token=*/0);
  }
}

}  // namespace
}  // namespace confide::hub::linkage
