// IndexState::Recluster: the partition rule stated in person_index.h, applied to whole connected
// components. Components are closed under every unambiguous token group, so no decision made
// inside one can depend on a record outside it: re-clustering only the components an update
// touched gives the same partition as clustering everything.

#include <algorithm>
#include <numeric>
#include <utility>

#include "hub/linkage/internal/index_state.h"

namespace confide::hub::linkage::internal {
namespace {

constexpr uint32_t kNone = UINT32_MAX;

struct ExclusiveValue {
  uint16_t key;
  uint32_t version;
  uint32_t token;
};

// Union-find over positions 0..n-1 of the records being clustered, tracking each cluster's
// values of exclusive keys so a join that would give one person two of them is refused.
class Clusters {
 public:
  explicit Clusters(size_t n) : parent_(n), size_(n, 1), exclusive_(n) {
    std::iota(parent_.begin(), parent_.end(), 0);
  }

  uint32_t Find(uint32_t x) {
    while (parent_[x] != x) {
      parent_[x] = parent_[parent_[x]];  // path halving
      x = parent_[x];
    }
    return x;
  }

  void AddExclusive(uint32_t x, ExclusiveValue value) { Insert(exclusive_[x], value); }

  // Joins the clusters of a and b unless that would break an exclusive key. True when they are
  // one cluster afterwards.
  bool TryJoin(uint32_t a, uint32_t b) {
    a = Find(a);
    b = Find(b);
    if (a == b) {
      return true;
    }
    for (const ExclusiveValue& x : exclusive_[a]) {
      for (const ExclusiveValue& y : exclusive_[b]) {
        if (x.key == y.key && x.version == y.version && x.token != y.token) {
          return false;
        }
      }
    }
    if (size_[a] < size_[b]) {
      std::swap(a, b);
    }
    parent_[b] = a;
    size_[a] += size_[b];
    for (const ExclusiveValue& value : exclusive_[b]) {
      Insert(exclusive_[a], value);
    }
    exclusive_[b].clear();
    exclusive_[b].shrink_to_fit();
    return true;
  }

 private:
  using Values = absl::InlinedVector<ExclusiveValue, 1>;
  static void Insert(Values& values, ExclusiveValue value) {
    for (const ExclusiveValue& held : values) {
      if (held.key == value.key && held.version == value.version && held.token == value.token) {
        return;
      }
    }
    values.push_back(value);
  }

  std::vector<uint32_t> parent_;
  std::vector<uint32_t> size_;
  std::vector<Values> exclusive_;
};

// rank[i] = position of names[i] in sorted order, so records order by name, not interning order.
std::vector<uint32_t> Ranks(const std::vector<std::string>& names) {
  std::vector<uint32_t> order(names.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](uint32_t a, uint32_t b) { return names[a] < names[b]; });
  std::vector<uint32_t> rank(names.size());
  for (uint32_t i = 0; i < order.size(); ++i) {
    rank[order[i]] = i;
  }
  return rank;
}

}  // namespace

uint32_t IndexState::NextEpoch() {
  if (++epoch_ == 0) {  // wrapped: old marks could collide with new epochs
    for (RecordEntry& record : records_) {
      record.mark = 0;
    }
    for (TokenEntry& token : tokens_) {
      token.mark = 0;
    }
    epoch_ = 1;
  }
  return epoch_;
}

void IndexState::CollectComponents(const std::vector<uint32_t>* seeds,
                                   std::vector<uint32_t>& records,
                                   std::vector<std::vector<uint32_t>>& groups_by_key) {
  const uint32_t epoch = NextEpoch();
  groups_by_key.assign(keys_.size(), {});
  records.clear();
  auto visit = [&](uint32_t slot) {
    RecordEntry& record = records_[slot];
    if (record.alive && record.mark != epoch) {
      record.mark = epoch;
      records.push_back(slot);
    }
  };
  if (seeds == nullptr) {
    for (uint32_t slot = 0; slot < records_.size(); ++slot) {
      visit(slot);
    }
  } else {
    for (uint32_t slot : *seeds) {
      visit(slot);
    }
  }
  // Breadth-first through unambiguous groups; `records` is both the queue and the result.
  for (size_t i = 0; i < records.size(); ++i) {
    for (uint32_t slot : records_[records[i]].tokens) {
      TokenEntry& token = tokens_[slot];
      if (token.mark == epoch || Ambiguous(slot)) {
        continue;
      }
      token.mark = epoch;
      groups_by_key[token.key].push_back(slot);
      for (uint32_t member : token.members) {
        visit(member);
      }
    }
  }
}

void IndexState::SortCanonically(std::vector<uint32_t>& records) const {
  const std::vector<uint32_t> dataset_rank = Ranks(dataset_names_);
  const std::vector<uint32_t> agency_rank = Ranks(agency_names_);
  std::sort(records.begin(), records.end(), [&](uint32_t a, uint32_t b) {
    const RecordEntry& x = records_[a];
    const RecordEntry& y = records_[b];
    if (x.dataset != y.dataset) {
      return dataset_rank[x.dataset] < dataset_rank[y.dataset];
    }
    if (x.agency != y.agency) {
      return agency_rank[x.agency] < agency_rank[y.agency];
    }
    return x.record_id < y.record_id;
  });
}

bool IndexState::SharesOtherToken(uint32_t a, uint32_t b, uint16_t key) const {
  const TokenList& x = records_[a].tokens;
  const TokenList& y = records_[b].tokens;
  size_t i = 0, j = 0;
  while (i < x.size() && j < y.size()) {
    if (x[i] < y[j]) {
      ++i;
    } else if (y[j] < x[i]) {
      ++j;
    } else {
      if (tokens_[x[i]].key != key && !Ambiguous(x[i])) {
        return true;
      }
      ++i;
      ++j;
    }
  }
  return false;
}

void IndexState::Recluster(const std::vector<uint32_t>* seeds) {
  std::vector<uint32_t> members;
  std::vector<std::vector<uint32_t>> groups_by_key;
  CollectComponents(seeds, members, groups_by_key);
  if (members.empty()) {
    return;
  }
  SortCanonically(members);
  Clusters clusters(members.size());
  for (uint32_t i = 0; i < members.size(); ++i) {
    RecordEntry& record = records_[members[i]];
    record.position = i;
    for (uint32_t slot : record.tokens) {
      const TokenEntry& token = tokens_[slot];
      if (keys_[token.key].exclusive && !Ambiguous(slot)) {
        clusters.AddExclusive(i, ExclusiveValue{token.key, token.version, slot});
      }
    }
  }
  // Each key's groups as sorted member positions, stored end to end in one buffer.
  std::vector<uint32_t> positions;
  std::vector<std::pair<size_t, size_t>> spans;  // [begin, end) in `positions`, one per group
  std::vector<uint32_t> order;
  std::vector<uint32_t> anchors;
  for (uint16_t key = 0; key < keys_.size(); ++key) {
    positions.clear();
    spans.clear();
    for (uint32_t slot : groups_by_key[key]) {
      const size_t begin = positions.size();
      for (uint32_t member : tokens_[slot].members) {
        positions.push_back(records_[member].position);
      }
      std::sort(positions.begin() + begin, positions.end());
      spans.emplace_back(begin, positions.size());
    }
    // Groups in lexicographic order of their members: what a group does depends only on its
    // key and members, so groups with equal member lists may go in either order.
    order.resize(spans.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
      return std::lexicographical_compare(
          positions.begin() + spans[a].first, positions.begin() + spans[a].second,
          positions.begin() + spans[b].first, positions.begin() + spans[b].second);
    });
    for (uint32_t g : order) {
      const uint32_t* group = positions.data() + spans[g].first;
      const size_t size = spans[g].second - spans[g].first;
      if (keys_[key].weak) {
        // A weak key is evidence only alongside another shared token.
        for (size_t i = 0; i < size; ++i) {
          for (size_t j = i + 1; j < size; ++j) {
            if (SharesOtherToken(members[group[i]], members[group[j]], key)) {
              clusters.TryJoin(group[i], group[j]);
            }
          }
        }
        continue;
      }
      // Each record joins the first cluster met earlier in this group that it can join. A
      // record refused by all of them (e.g. a twin with another NHS number) stays apart and
      // later records may join it instead.
      anchors.clear();
      for (size_t i = 0; i < size; ++i) {
        bool joined = false;
        for (uint32_t anchor : anchors) {
          if (clusters.TryJoin(anchor, group[i])) {
            joined = true;
            break;
          }
        }
        if (!joined) {
          anchors.push_back(group[i]);
        }
      }
    }
  }
  // Name each cluster after its canonically first record (members are in canonical order).
  std::vector<uint32_t> person(members.size(), kNone);
  for (uint32_t i = 0; i < members.size(); ++i) {
    uint32_t root = clusters.Find(i);
    if (person[root] == kNone) {
      person[root] = members[i];
    }
    records_[members[i]].person = person[root];
  }
}

}  // namespace confide::hub::linkage::internal
