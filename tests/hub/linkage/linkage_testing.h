#pragma once

// Helpers shared by the person index tests: records with readable tokens, and partitions in a
// canonical form that does not depend on person ids.

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/crypto/hash.h"
#include "confide/v1/policy.pb.h"
#include "confide/v1/storage.pb.h"
#include "gtest/gtest.h"
#include "hub/linkage/person_index.h"

namespace confide::hub::linkage::testing {

// One token: key id, key version and the value it was computed from.
struct T {
  std::string key;
  std::string value;
  std::string version = "2026-1";
};

inline v1::StoredRecord Rec(const std::string& dataset, const std::string& id,
                            const std::vector<T>& tokens, const std::string& agency = "") {
  v1::StoredRecord record;
  record.set_dataset(dataset);
  record.set_agency(agency.empty() ? absl::StrCat(dataset, "-agency") : agency);
  record.set_record_id(id);
  for (const T& t : tokens) {
    v1::MatchToken* token = record.add_tokens();
    token->set_key_id(t.key);
    token->set_key_version(t.version);
    token->set_token(crypto::Sha256(absl::StrCat(t.key, "/", t.version, "/", t.value)));
  }
  return record;
}

inline RecordRef Ref(const v1::StoredRecord& record) {
  return RecordRef{record.dataset(), record.agency(), record.record_id()};
}

// The Merseyside recipe's shape: an exclusive NHS key, two strong keys, two weak ones.
inline v1::LinkageRecipe Recipe(int max_records_per_token = 0) {
  v1::LinkageRecipe recipe;
  auto add = [&](const char* id, bool weak, bool exclusive) {
    v1::MatchKey* key = recipe.add_match_keys();
    key->set_id(id);
    key->set_weak(weak);
    key->set_exclusive(exclusive);
  };
  add("nhs", false, true);
  add("name_dob_sex", false, false);
  add("phonetic_initial_dob", false, false);
  add("name_yob_district", true, false);
  add("name_dob_transposed", true, false);
  recipe.set_max_records_per_token(max_records_per_token);
  recipe.add_key_versions("2026-1");
  return recipe;
}

// Groups of record ids, each sorted, groups sorted: "{a,b} {c}".
using Partition = std::set<std::set<std::string>>;

inline Partition PartitionOf(const PersonIndex& index,
                             const std::vector<v1::StoredRecord>& records) {
  std::map<PersonId, std::set<std::string>> persons;
  for (const v1::StoredRecord& record : records) {
    absl::optional<PersonId> person =
        index.PersonOf(record.dataset(), record.agency(), record.record_id());
    EXPECT_TRUE(person.has_value()) << record.record_id();
    persons[person.value_or(~PersonId{0})].insert(record.record_id());
  }
  Partition partition;
  for (auto& [person, ids] : persons) {
    partition.insert(std::move(ids));
  }
  return partition;
}

inline std::string Show(const Partition& partition) {
  std::vector<std::string> groups;
  for (const std::set<std::string>& group : partition) {
    groups.push_back(absl::StrCat("{", absl::StrJoin(group, ","), "}"));
  }
  return absl::StrJoin(groups, " ");
}

}  // namespace confide::hub::linkage::testing
