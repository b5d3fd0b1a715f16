// IndexState: interning, staging and applying updates (clustering itself is in clustering.cc).

#include "hub/linkage/internal/index_state.h"

#include <algorithm>
#include <iterator>
#include <utility>

#include "absl/hash/hash.h"

namespace confide::hub::linkage::internal {
namespace {

uint32_t Intern(std::vector<std::string>& names, absl::flat_hash_map<std::string, uint32_t>& ids,
                absl::string_view name) {
  auto [it, inserted] = ids.try_emplace(name, static_cast<uint32_t>(names.size()));
  if (inserted) {
    names.emplace_back(name);
  }
  return it->second;
}

absl::optional<uint32_t> Lookup(const absl::flat_hash_map<std::string, uint32_t>& ids,
                                absl::string_view name) {
  auto it = ids.find(name);
  if (it == ids.end()) {
    return absl::nullopt;
  }
  return it->second;
}

}  // namespace

size_t IndexState::RecordHash::operator()(uint32_t slot) const {
  const RecordEntry& record = state->records_[slot];
  return (*this)(RecordProbe{record.dataset, record.agency, record.record_id});
}

size_t IndexState::RecordHash::operator()(const RecordProbe& probe) const {
  return absl::HashOf(probe.dataset, probe.agency, probe.record_id);
}

bool IndexState::RecordEq::operator()(uint32_t slot, const RecordProbe& probe) const {
  const RecordEntry& record = state->records_[slot];
  return record.dataset == probe.dataset && record.agency == probe.agency &&
         record.record_id == probe.record_id;
}

size_t IndexState::TokenHash::operator()(uint32_t slot) const {
  const TokenEntry& token = state->tokens_[slot];
  return (*this)(
      TokenProbe{token.key, token.version, absl::string_view(token.bytes.data(), kTokenBytes)});
}

size_t IndexState::TokenHash::operator()(const TokenProbe& probe) const {
  return absl::HashOf(probe.key, probe.version, probe.bytes);
}

bool IndexState::TokenEq::operator()(uint32_t slot, const TokenProbe& probe) const {
  const TokenEntry& token = state->tokens_[slot];
  return token.key == probe.key && token.version == probe.version &&
         absl::string_view(token.bytes.data(), kTokenBytes) == probe.bytes;
}

IndexState::IndexState(const v1::LinkageRecipe& recipe) {
  for (const v1::MatchKey& key : recipe.match_keys()) {
    if (key_ids_.contains(key.id()) || keys_.size() >= UINT16_MAX) {
      continue;  // the policy validator refuses repeats; the first definition wins regardless
    }
    key_ids_[key.id()] = static_cast<uint16_t>(keys_.size());
    keys_.push_back(KeyRule{key.weak(), key.exclusive()});
  }
  if (recipe.max_records_per_token() > 0) {
    max_per_token_ = static_cast<size_t>(recipe.max_records_per_token());
  }
}

absl::optional<uint32_t> IndexState::FindRecord(absl::string_view dataset, absl::string_view agency,
                                                absl::string_view record_id) const {
  absl::optional<uint32_t> dataset_id = Lookup(dataset_ids_, dataset);
  absl::optional<uint32_t> agency_id = Lookup(agency_ids_, agency);
  if (!dataset_id.has_value() || !agency_id.has_value()) {
    return absl::nullopt;
  }
  auto it = record_slots_.find(RecordProbe{*dataset_id, *agency_id, record_id});
  if (it == record_slots_.end()) {
    return absl::nullopt;
  }
  return *it;
}

TokenList IndexState::TokenSlots(const v1::StoredRecord& record) {
  TokenList slots;
  for (const v1::MatchToken& token : record.tokens()) {
    auto key = key_ids_.find(token.key_id());
    if (key == key_ids_.end() || token.token().size() != kTokenBytes) {
      continue;  // a key no longer in the recipe links nothing
    }
    const uint32_t version = Intern(version_names_, version_ids_, token.key_version());
    const TokenProbe probe{key->second, version, token.token()};
    auto found = token_slots_.find(probe);
    if (found != token_slots_.end()) {
      slots.push_back(*found);
      continue;
    }
    uint32_t slot;
    if (free_tokens_.empty()) {
      slot = static_cast<uint32_t>(tokens_.size());
      tokens_.emplace_back();
    } else {
      slot = free_tokens_.back();
      free_tokens_.pop_back();
    }
    TokenEntry& entry = tokens_[slot];
    std::copy(token.token().begin(), token.token().end(), entry.bytes.begin());
    entry.live = true;
    entry.key = key->second;
    entry.version = version;
    entry.mark = 0;
    entry.members.clear();
    token_slots_.insert(slot);
    new_tokens_.push_back(slot);
    slots.push_back(slot);
  }
  std::sort(slots.begin(), slots.end());
  slots.erase(std::unique(slots.begin(), slots.end()), slots.end());
  return slots;
}

uint32_t IndexState::StageUpsert(const v1::StoredRecord& record, std::vector<Change>& out) {
  const uint32_t dataset = Intern(dataset_names_, dataset_ids_, record.dataset());
  const uint32_t agency = Intern(agency_names_, agency_ids_, record.agency());
  TokenList tokens = TokenSlots(record);
  auto found = record_slots_.find(RecordProbe{dataset, agency, record.record_id()});
  if (found != record_slots_.end()) {
    if (records_[*found].tokens == tokens) {
      return *found;  // a re-push of the same tokens changes nothing
    }
    out.push_back(Change{*found, std::move(tokens), false});
    return *found;
  }
  uint32_t slot;
  if (free_records_.empty()) {
    slot = static_cast<uint32_t>(records_.size());
    records_.emplace_back();
  } else {
    slot = free_records_.back();
    free_records_.pop_back();
  }
  RecordEntry& entry = records_[slot];
  entry.record_id = record.record_id();
  entry.dataset = dataset;
  entry.agency = agency;
  entry.alive = true;
  entry.tokens.clear();
  entry.person = slot;  // its own person until clustered
  entry.mark = 0;
  record_slots_.insert(slot);
  ++live_records_;
  out.push_back(Change{slot, std::move(tokens), false});
  return slot;
}

void IndexState::StageRemoval(uint32_t slot, std::vector<Change>& out) {
  out.push_back(Change{slot, {}, true});
}

void IndexState::Apply(std::vector<Change>& changes, std::vector<uint32_t>* seeds) {
  // Token -> membership size before this update, for every token whose membership changes.
  absl::flat_hash_map<uint32_t, size_t> before;
  absl::flat_hash_map<uint32_t, std::vector<uint32_t>> leaving;
  std::vector<std::pair<uint32_t, uint32_t>> joining;  // (token, record)
  std::vector<uint32_t> removed;
  for (Change& change : changes) {
    RecordEntry& record = records_[change.slot];
    const TokenList& old_tokens = record.tokens;
    TokenList gone, added;
    std::set_difference(old_tokens.begin(), old_tokens.end(), change.tokens.begin(),
                        change.tokens.end(), std::back_inserter(gone));
    std::set_difference(change.tokens.begin(), change.tokens.end(), old_tokens.begin(),
                        old_tokens.end(), std::back_inserter(added));
    for (uint32_t token : gone) {
      before.try_emplace(token, tokens_[token].members.size());
      leaving[token].push_back(change.slot);
    }
    for (uint32_t token : added) {
      before.try_emplace(token, tokens_[token].members.size());
      joining.emplace_back(token, change.slot);
    }
    record.tokens = std::move(change.tokens);
    if (change.remove) {
      removed.push_back(change.slot);
    } else if (seeds != nullptr) {
      seeds->push_back(change.slot);
    }
  }
  for (auto& [token, records] : leaving) {
    auto& members = tokens_[token].members;
    if (records.size() <= 4) {
      for (uint32_t record : records) {
        auto it = std::find(members.begin(), members.end(), record);
        if (it != members.end()) {
          *it = members.back();
          members.pop_back();
        }
      }
    } else {
      // One pass, so removing many members of a large (placeholder) group stays linear.
      const absl::flat_hash_set<uint32_t> doomed(records.begin(), records.end());
      members.erase(std::remove_if(members.begin(), members.end(),
                                   [&](uint32_t m) { return doomed.contains(m); }),
                    members.end());
    }
  }
  for (const auto& [token, record] : joining) {
    tokens_[token].members.push_back(record);
  }
  for (const auto& [token, size_before] : before) {
    const auto& members = tokens_[token].members;
    // A group that was unambiguous before or after the update links (or linked) its members:
    // their components may have changed. One ambiguous throughout linked nothing either way.
    if (seeds != nullptr && (size_before <= max_per_token_ || members.size() <= max_per_token_)) {
      seeds->insert(seeds->end(), members.begin(), members.end());
    }
    FreeTokenIfEmpty(token);
  }
  for (uint32_t token : new_tokens_) {
    FreeTokenIfEmpty(token);
  }
  new_tokens_.clear();
  for (uint32_t slot : removed) {
    FreeRecord(slot);
  }
  changes.clear();
}

void IndexState::FreeTokenIfEmpty(uint32_t slot) {
  TokenEntry& token = tokens_[slot];
  if (!token.members.empty() || !token.live) {
    return;  // in use, or already freed
  }
  token_slots_.erase(slot);  // hashes the content: erase before clearing it
  token.live = false;
  token.members.clear();
  token.members.shrink_to_fit();
  free_tokens_.push_back(slot);
}

void IndexState::FreeRecord(uint32_t slot) {
  RecordEntry& record = records_[slot];
  if (!record.alive) {
    return;
  }
  record_slots_.erase(slot);  // hashes the content: erase before clearing it
  record.record_id.clear();
  record.record_id.shrink_to_fit();
  record.tokens.clear();
  record.alive = false;
  --live_records_;
  free_records_.push_back(slot);
}

IndexStats IndexState::Stats() const {
  IndexStats stats;
  stats.records = live_records_;
  for (uint32_t slot = 0; slot < records_.size(); ++slot) {
    if (records_[slot].alive && records_[slot].person == slot) {
      ++stats.persons;
    }
  }
  for (const TokenEntry& token : tokens_) {
    if (token.live) {
      ++stats.tokens;
      stats.ambiguous_tokens += token.members.size() > max_per_token_ ? 1 : 0;
    }
  }
  return stats;
}

}  // namespace confide::hub::linkage::internal
