#include "hub/analytics/column_query.h"

#include <algorithm>
#include <limits>
#include <thread>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "hub/analytics/column_predicate.h"
#include "hub/query/evaluator.h"

namespace confide::hub::analytics {
namespace {

using query::AggregateKind;

constexpr size_t kChunk = 2048;
constexpr uint64_t kDenseGroupLimit = uint64_t{1} << 20;
constexpr int64_t kSecondsPerDay = 86400;
constexpr uint64_t kMaxAllGroups = 100000;

bool IsDistinct(AggregateKind kind) {
  return kind == AggregateKind::kCountDistinctPerson ||
         kind == AggregateKind::kRatePer1000CountDistinctPerson;
}

struct Plan {
  const DatasetTable* table = nullptr;
  std::vector<std::shared_ptr<const ResolvedDimension>> dims;
  std::vector<uint64_t> stride;  // mixed-radix weight of each dimension's code in the key
  uint64_t group_space = 1;
  absl::optional<CompiledPredicate> where;
  int64_t min_event_time = std::numeric_limits<int64_t>::min();
  std::vector<query::Aggregate> aggregates;
  absl::optional<DatasetTable::Harm> harm;
  bool distinct = false;  // some aggregate counts distinct persons
  bool repeat = false;    // some aggregate is REPEAT_RATE
  // Distinct persons per group as bitmaps (words per group) when they fit, else sorted pairs.
  size_t person_words = 0;
  int bound = 0;  // contribution bound (0 = none)
};

// What one thread (or the bounded pass) accumulates.
struct Partial {
  bool dense = true;
  std::vector<uint64_t> count;  // by slot
  std::vector<double> harm;     // by slot
  std::vector<uint64_t> key_of_slot;
  absl::flat_hash_map<uint64_t, uint32_t> slot_of_key;  // sparse groups only
  std::vector<std::pair<uint64_t, uint32_t>> key_person;
  std::vector<uint64_t> person_bits;  // by slot * person_words (dense groups only)
  std::vector<std::tuple<uint64_t, uint32_t, int64_t>> events;  // key, person, time

  uint32_t Slot(uint64_t key) {
    if (dense) {
      return static_cast<uint32_t>(key);
    }
    auto [it, inserted] = slot_of_key.try_emplace(key, static_cast<uint32_t>(key_of_slot.size()));
    if (inserted) {
      key_of_slot.push_back(key);
      count.push_back(0);
      harm.push_back(0);
    }
    return it->second;
  }
};

struct BoundedRow {
  uint32_t person;
  uint64_t order;  // row hash: the keyed order the kept rows are chosen by
  uint64_t key;
  uint32_t row;
};

Partial NewPartial(const Plan& plan) {
  Partial partial;
  partial.dense = plan.group_space <= kDenseGroupLimit;
  if (partial.dense) {
    partial.count.assign(plan.group_space, 0);
    partial.harm.assign(plan.harm.has_value() ? plan.group_space : 0, 0);
    partial.person_bits.assign(plan.person_words * plan.group_space, 0);
  }
  return partial;
}

void AddRow(const Plan& plan, uint64_t key, uint32_t row, Partial& partial) {
  uint32_t slot = partial.Slot(key);
  ++partial.count[slot];
  if (plan.harm.has_value()) {
    partial.harm[slot] += plan.harm->weight_by_code[plan.harm->codes[row]];
  }
  const uint32_t person = plan.table->persons().empty() ? 0 : plan.table->persons()[row];
  if (plan.person_words > 0) {
    partial.person_bits[slot * plan.person_words + person / 64] |= uint64_t{1} << (person % 64);
  } else if (plan.distinct) {
    partial.key_person.emplace_back(key, person);
  }
  if (plan.repeat) {
    partial.events.emplace_back(key, person, plan.table->event_times()[row]);
  }
}

// Scans rows [begin, end): the matching rows go to `partial`, or to `bounded` when the plan
// bounds contributions.
void ScanRange(const Plan& plan, size_t begin, size_t end, Partial& partial,
               std::vector<BoundedRow>& bounded) {
  std::vector<uint8_t> truth(kChunk, kTrue);
  std::vector<std::vector<uint8_t>> scratch;
  std::vector<uint32_t> codes(kChunk);
  std::vector<uint64_t> keys(kChunk);
  std::vector<uint32_t> selected(kChunk);
  const uint8_t* live = plan.table->live_flags().data();
  const int64_t* times = plan.table->event_times().data();
  for (size_t chunk = begin; chunk < end; chunk += kChunk) {
    const size_t n = std::min(kChunk, end - chunk);
    if (plan.where.has_value()) {
      plan.where->Evaluate(chunk, n, truth.data(), scratch);
    }
    size_t picked = 0;
    for (size_t i = 0; i < n; ++i) {
      selected[picked] = static_cast<uint32_t>(i);
      picked +=
          (truth[i] == kTrue) & (live[chunk + i] != 0) & (times[chunk + i] >= plan.min_event_time);
    }
    if (picked == 0) {
      continue;
    }
    std::fill(keys.begin(), keys.begin() + n, 0);
    for (size_t d = 0; d < plan.dims.size(); ++d) {
      OutputCodes(*plan.dims[d], chunk, n, codes.data());
      const uint64_t stride = plan.stride[d];
      for (size_t i = 0; i < n; ++i) {
        keys[i] += codes[i] * stride;
      }
    }
    for (size_t s = 0; s < picked; ++s) {
      const uint32_t row = static_cast<uint32_t>(chunk + selected[s]);
      if (plan.bound > 0) {
        bounded.push_back(
            {plan.table->persons()[row], plan.table->row_hashes()[row], keys[selected[s]], row});
      } else {
        AddRow(plan, keys[selected[s]], row, partial);
      }
    }
  }
}

void Merge(Partial& into, Partial&& from) {
  if (into.dense) {
    for (size_t slot = 0; slot < from.count.size(); ++slot) {
      into.count[slot] += from.count[slot];
    }
    for (size_t slot = 0; slot < from.harm.size(); ++slot) {
      into.harm[slot] += from.harm[slot];
    }
  } else {
    for (size_t slot = 0; slot < from.key_of_slot.size(); ++slot) {
      uint32_t target = into.Slot(from.key_of_slot[slot]);
      into.count[target] += from.count[slot];
      into.harm[target] += from.harm[slot];
    }
  }
  for (size_t w = 0; w < from.person_bits.size(); ++w) {
    into.person_bits[w] |= from.person_bits[w];
  }
  into.key_person.insert(into.key_person.end(), from.key_person.begin(), from.key_person.end());
  into.events.insert(into.events.end(), from.events.begin(), from.events.end());
}

absl::StatusOr<std::unique_ptr<ColumnCohort>> BuildCohort(const QueryInputs& inputs,
                                                          const query::SubQuery& subquery,
                                                          const RunOptions& options) {
  const DatasetTable* table = inputs.table_of(subquery.dataset);
  if (table == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(subquery.dataset_pos.line, ":",
                                                   subquery.dataset_pos.column,
                                                   ": unknown dataset '", subquery.dataset, "'"));
  }
  absl::optional<CompiledPredicate> where;
  if (subquery.where != nullptr) {
    absl::StatusOr<CompiledPredicate> compiled =
        CompiledPredicate::Compile(*subquery.where, *table, CohortMap());
    if (!compiled.ok()) {
      return compiled.status();
    }
    where = *std::move(compiled);
  }
  auto cutoff = options.min_event_time.find(subquery.dataset);
  const int64_t min_time =
      cutoff == options.min_event_time.end() ? std::numeric_limits<int64_t>::min() : cutoff->second;
  auto cohort = std::make_unique<ColumnCohort>();
  cohort->window_days = subquery.window_days;
  cohort->direction = subquery.direction;
  std::vector<std::pair<uint32_t, int64_t>> members;
  std::vector<uint8_t> truth(kChunk, kTrue);
  std::vector<std::vector<uint8_t>> scratch;
  for (size_t chunk = 0; chunk < table->size(); chunk += kChunk) {
    const size_t n = std::min(kChunk, table->size() - chunk);
    if (where.has_value()) {
      where->Evaluate(chunk, n, truth.data(), scratch);
    }
    for (size_t i = 0; i < n; ++i) {
      const size_t row = chunk + i;
      if (truth[i] == kTrue && table->live(row) && table->event_times()[row] >= min_time) {
        members.emplace_back(table->persons()[row], table->event_times()[row]);
      }
    }
  }
  if (!cohort->window_days.has_value()) {
    cohort->member.assign(inputs.person_count, 0);
    for (const auto& [person, time] : members) {
      cohort->member[person] = 1;
    }
    return cohort;
  }
  // Person ordinals are dense: a counting sort places each person's times, then each person's
  // few times are sorted in place.
  cohort->offsets.assign(static_cast<size_t>(inputs.person_count) + 1, 0);
  for (const auto& [person, time] : members) {
    ++cohort->offsets[person + 1];
  }
  for (size_t p = 1; p < cohort->offsets.size(); ++p) {
    cohort->offsets[p] += cohort->offsets[p - 1];
  }
  cohort->times.resize(members.size());
  std::vector<uint32_t> next(cohort->offsets.begin(), cohort->offsets.end() - 1);
  for (const auto& [person, time] : members) {
    cohort->times[next[person]++] = time;
  }
  for (size_t p = 0; p + 1 < cohort->offsets.size(); ++p) {
    if (cohort->offsets[p + 1] - cohort->offsets[p] > 1) {
      std::sort(cohort->times.begin() + cohort->offsets[p],
                cohort->times.begin() + cohort->offsets[p + 1]);
    }
  }
  return cohort;
}

// Population of each group's area: -1 when the reference data has none for it.
absl::StatusOr<std::function<int64_t(const std::vector<std::string>&)>> PopulationFor(
    const QueryInputs& inputs, const query::ParsedQuery& parsed,
    const std::vector<std::string>& dim_names) {
  const v1::Dataset* dataset = inputs.policy.FindDataset(parsed.dataset);
  int area_dim = -1;
  for (size_t d = 0; d < dim_names.size(); ++d) {
    if (inputs.policy.GeoLevelOfDimension(*dataset, dim_names[d]) != policy::GeoLevel::kNone) {
      if (area_dim >= 0) {
        return absl::InvalidArgumentError(
            "RATE_PER_1000 needs at most one area dimension (borough, ward or district)");
      }
      area_dim = static_cast<int>(d);
    }
  }
  absl::flat_hash_map<std::string, int64_t> population;
  int64_t total = 0;
  absl::flat_hash_map<std::string, bool> is_borough;
  for (const v1::Area& area : inputs.policy.proto().reference().areas()) {
    is_borough[area.borough()] = true;
  }
  for (const v1::Population& entry : inputs.policy.proto().reference().populations()) {
    population[entry.area()] = entry.population();
    if (is_borough.contains(entry.area())) {
      total += entry.population();
    }
  }
  if (area_dim < 0) {
    return [total](const std::vector<std::string>&) { return total > 0 ? total : -1; };
  }
  return [population = std::move(population), area_dim](const std::vector<std::string>& dims) {
    auto it = population.find(dims[static_cast<size_t>(area_dim)]);
    return it == population.end() ? int64_t{-1} : it->second;
  };
}

}  // namespace

bool NeedsPersons(const query::ParsedQuery& parsed, const RunOptions& options) {
  if (options.max_records_per_person > 0) {
    return true;
  }
  for (const query::SelectItem& item : parsed.select) {
    if (item.kind == query::SelectItem::Kind::kAggregate &&
        (IsDistinct(item.aggregate.kind) || item.aggregate.kind == AggregateKind::kRepeatRate)) {
      return true;
    }
  }
  return parsed.where != nullptr && !query::PersonInNodes(*parsed.where).empty();
}

absl::StatusOr<std::vector<ExactGroup>> RunColumnQuery(const QueryInputs& inputs,
                                                       const query::ParsedQuery& parsed,
                                                       const RunOptions& options) {
  Plan plan;
  plan.table = inputs.table_of(parsed.dataset);
  if (plan.table == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("unknown dataset '", parsed.dataset, "'"));
  }
  if (NeedsPersons(parsed, options) && !inputs.persons_current) {
    return absl::FailedPreconditionError("this query needs persons and they are not current");
  }
  plan.bound = options.max_records_per_person;
  std::vector<std::string> dim_names;
  for (const query::SelectItem& item : parsed.select) {
    if (item.kind == query::SelectItem::Kind::kAggregate) {
      plan.aggregates.push_back(item.aggregate);
      plan.distinct = plan.distinct || IsDistinct(item.aggregate.kind);
      plan.repeat = plan.repeat || item.aggregate.kind == AggregateKind::kRepeatRate;
      if (item.aggregate.kind == AggregateKind::kSumHarm && !plan.harm.has_value()) {
        plan.harm = plan.table->HarmWeights();
        if (!plan.harm.has_value()) {
          return absl::InvalidArgumentError(absl::StrCat(
              item.aggregate.pos.line, ":", item.aggregate.pos.column,
              ": SUM(harm) needs harm weights, and the policy gives none for dataset '",
              parsed.dataset, "'"));
        }
      }
      continue;
    }
    absl::optional<std::shared_ptr<const ResolvedDimension>> dimension =
        plan.table->Resolve(item.column.name);
    if (!dimension.has_value()) {
      return absl::InvalidArgumentError(
          absl::StrCat(item.column.pos.line, ":", item.column.pos.column, ": unknown column '",
                       item.column.name, "' in dataset '", parsed.dataset, "'"));
    }
    plan.dims.push_back(*std::move(dimension));
    dim_names.push_back(item.column.name);
  }
  // Keys are mixed-radix numbers, the last dimension varying fastest.
  plan.stride.assign(plan.dims.size(), 1);
  for (size_t d = plan.dims.size(); d-- > 0;) {
    plan.stride[d] = plan.group_space;
    const uint64_t radix = std::max<size_t>(plan.dims[d]->names.size(), 1);
    if (plan.group_space > std::numeric_limits<uint64_t>::max() / radix) {
      return absl::ResourceExhaustedError("too many combinations of dimension values");
    }
    plan.group_space *= radix;
  }
  // Bitmaps of persons cost group_space * persons / 8 bytes per thread: used up to 32 MB.
  const size_t words = (static_cast<size_t>(inputs.person_count) + 63) / 64;
  if (plan.distinct && plan.group_space <= kDenseGroupLimit &&
      plan.group_space * words <= (size_t{32} << 20) / sizeof(uint64_t)) {
    plan.person_words = words;
  }
  std::function<int64_t(const std::vector<std::string>&)> population_of;
  for (const query::Aggregate& aggregate : plan.aggregates) {
    if ((aggregate.kind == AggregateKind::kRatePer1000CountStar ||
         aggregate.kind == AggregateKind::kRatePer1000CountDistinctPerson) &&
        !population_of) {
      auto found = PopulationFor(inputs, parsed, dim_names);
      if (!found.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(
            aggregate.pos.line, ":", aggregate.pos.column, ": ", found.status().message()));
      }
      population_of = *std::move(found);
    }
  }
  CohortMap cohorts;
  if (parsed.where != nullptr) {
    for (const query::Expr* node : query::PersonInNodes(*parsed.where)) {
      absl::StatusOr<std::unique_ptr<ColumnCohort>> cohort =
          BuildCohort(inputs, *node->subquery, options);
      if (!cohort.ok()) {
        return cohort.status();
      }
      cohorts[node] = *std::move(cohort);
    }
    absl::StatusOr<CompiledPredicate> where =
        CompiledPredicate::Compile(*parsed.where, *plan.table, cohorts);
    if (!where.ok()) {
      return where.status();
    }
    plan.where = *std::move(where);
  }
  auto cutoff = options.min_event_time.find(parsed.dataset);
  if (cutoff != options.min_event_time.end()) {
    plan.min_event_time = cutoff->second;
  }

  if (options.all_groups && plan.group_space > kMaxAllGroups) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "these dimensions make ", plan.group_space, " groups, more than the ", kMaxAllGroups,
        " a differentially private answer can cover; group by fewer or coarser dimensions"));
  }
  // The scan, split between threads.
  const size_t rows = plan.table->size();
  size_t threads = options.threads > 0 ? static_cast<size_t>(options.threads)
                                       : std::max(1u, std::thread::hardware_concurrency());
  threads = std::max<size_t>(1, std::min(threads, rows / (kChunk * 8) + 1));
  std::vector<Partial> partials;
  std::vector<std::vector<BoundedRow>> bounded(threads);
  for (size_t t = 0; t < threads; ++t) {
    partials.push_back(NewPartial(plan));
  }
  const size_t per_thread = (rows / threads + kChunk - 1) / kChunk * kChunk;
  std::vector<std::thread> workers;
  for (size_t t = 1; t < threads; ++t) {
    workers.emplace_back([&, t] {
      ScanRange(plan, std::min(rows, t * per_thread), std::min(rows, (t + 1) * per_thread),
                partials[t], bounded[t]);
    });
  }
  ScanRange(plan, 0, std::min(rows, per_thread), partials[0], bounded[0]);
  for (std::thread& worker : workers) {
    worker.join();
  }
  Partial total = std::move(partials[0]);
  for (size_t t = 1; t < threads; ++t) {
    Merge(total, std::move(partials[t]));
  }
  if (plan.bound > 0) {
    // Each person keeps their first `bound` matching rows in the keyed order.
    std::vector<BoundedRow> all;
    for (std::vector<BoundedRow>& part : bounded) {
      all.insert(all.end(), part.begin(), part.end());
    }
    std::sort(all.begin(), all.end(), [](const BoundedRow& a, const BoundedRow& b) {
      return std::tie(a.person, a.order, a.row) < std::tie(b.person, b.order, b.row);
    });
    int kept = 0;
    for (size_t i = 0; i < all.size(); ++i) {
      kept = (i > 0 && all[i].person == all[i - 1].person) ? kept + 1 : 0;
      if (kept < plan.bound) {
        AddRow(plan, all[i].key, all[i].row, total);
      }
    }
  }

  // Distinct persons and repeat persons per group key.
  absl::flat_hash_map<uint64_t, int64_t> distinct;
  if (plan.person_words > 0) {
    for (uint64_t key = 0; key < plan.group_space; ++key) {
      int64_t persons = 0;
      for (size_t w = 0; w < plan.person_words; ++w) {
        persons += __builtin_popcountll(total.person_bits[key * plan.person_words + w]);
      }
      if (persons > 0) {
        distinct[key] = persons;
      }
    }
  } else if (plan.distinct) {
    std::sort(total.key_person.begin(), total.key_person.end());
    for (size_t i = 0; i < total.key_person.size(); ++i) {
      if (i == 0 || total.key_person[i] != total.key_person[i - 1]) {
        ++distinct[total.key_person[i].first];
      }
    }
  }
  // key -> (repeat persons, persons) for each REPEAT_RATE aggregate.
  std::vector<absl::flat_hash_map<uint64_t, std::pair<int64_t, int64_t>>> repeats(
      plan.aggregates.size());
  if (plan.repeat) {
    std::sort(total.events.begin(), total.events.end());
    for (size_t a = 0; a < plan.aggregates.size(); ++a) {
      if (plan.aggregates[a].kind != AggregateKind::kRepeatRate) {
        continue;
      }
      const size_t n = static_cast<size_t>(plan.aggregates[a].args[0]);
      const int64_t window = plan.aggregates[a].args[1] * kSecondsPerDay;
      for (size_t i = 0; i < total.events.size();) {
        size_t j = i;
        while (j < total.events.size() &&
               std::get<0>(total.events[j]) == std::get<0>(total.events[i]) &&
               std::get<1>(total.events[j]) == std::get<1>(total.events[i])) {
          ++j;
        }
        bool repeat = false;
        for (size_t k = i; k + n - 1 < j && !repeat; ++k) {
          repeat = std::get<2>(total.events[k + n - 1]) - std::get<2>(total.events[k]) <= window;
        }
        auto& [repeaters, persons] = repeats[a][std::get<0>(total.events[i])];
        repeaters += repeat ? 1 : 0;
        ++persons;
        i = j;
      }
    }
  }

  std::vector<ExactGroup> groups;
  const size_t slots = total.dense ? total.count.size() : total.key_of_slot.size();
  for (size_t slot = 0; slot < slots; ++slot) {
    // Without GROUP BY there is always one row, as in SQL.
    if (total.count[slot] == 0 && !options.all_groups && !plan.dims.empty()) {
      continue;
    }
    const uint64_t key = total.dense ? slot : total.key_of_slot[slot];
    ExactGroup group;
    for (size_t d = 0; d < plan.dims.size(); ++d) {
      const uint64_t code = key / plan.stride[d] % std::max<size_t>(plan.dims[d]->names.size(), 1);
      group.dims.push_back(code == kNoValue ? std::string(query::kMissingDimension)
                                            : plan.dims[d]->names[code]);
    }
    const int64_t count = static_cast<int64_t>(total.count[slot]);
    for (size_t a = 0; a < plan.aggregates.size(); ++a) {
      const AggregateKind kind = plan.aggregates[a].kind;
      int64_t numerator = count;
      int64_t denominator = 0;
      double measure = static_cast<double>(count);
      if (IsDistinct(kind)) {
        numerator = distinct[key];
        measure = static_cast<double>(numerator);
      }
      if (kind == AggregateKind::kSumHarm) {
        measure = total.harm[slot];
      } else if (kind == AggregateKind::kRatePer1000CountStar ||
                 kind == AggregateKind::kRatePer1000CountDistinctPerson) {
        const int64_t population = population_of(group.dims);
        denominator = population > 0 ? population : 0;
        measure = population > 0
                      ? 1000.0 * static_cast<double>(numerator) / static_cast<double>(population)
                      : std::numeric_limits<double>::quiet_NaN();
      } else if (kind == AggregateKind::kRepeatRate) {
        auto [repeaters, persons] = repeats[a][key];
        numerator = repeaters;
        denominator = persons;
        measure =
            persons > 0 ? 100.0 * static_cast<double>(repeaters) / static_cast<double>(persons) : 0;
      }
      group.measures.push_back(measure);
      group.numerators.push_back(numerator);
      group.denominators.push_back(denominator);
    }
    groups.push_back(std::move(group));
  }
  std::sort(groups.begin(), groups.end(), [](const ExactGroup& a, const ExactGroup& b) {
    for (size_t d = 0; d < a.dims.size(); ++d) {
      if (int c = query::CompareForSort(a.dims[d], b.dims[d]); c != 0) {
        return c < 0;
      }
    }
    return false;
  });
  return groups;
}

}  // namespace confide::hub::analytics
