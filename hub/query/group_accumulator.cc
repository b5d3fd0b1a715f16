#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "common/status_macros.h"
#include "hub/query/evaluator.h"

namespace confide::hub::query {

absl::StatusOr<GroupAccumulator> GroupAccumulator::Create(const ParsedQuery& query) {
  CONFIDE_RETURN_IF_ERROR(CheckSupported(query));
  GroupAccumulator accumulator;
  // Position of each select item within GroupRow::dims or GroupRow::measures.
  std::vector<size_t> slot(query.select.size());
  for (size_t i = 0; i < query.select.size(); ++i) {
    const SelectItem& item = query.select[i];
    if (item.kind == SelectItem::Kind::kDimension) {
      slot[i] = accumulator.dim_columns_.size();
      accumulator.dim_columns_.push_back(item.column.name);
    } else {
      slot[i] = accumulator.aggregates_.size();
      accumulator.aggregates_.push_back(item.aggregate.kind);
      accumulator.count_persons_ =
          accumulator.count_persons_ || item.aggregate.kind == AggregateKind::kCountDistinctPerson;
    }
  }
  for (const OrderItem& order : query.order_by) {
    bool is_measure = query.select[order.select_index].kind == SelectItem::Kind::kAggregate;
    accumulator.sort_keys_.push_back(
        SortKey{is_measure, slot[order.select_index], order.descending});
  }
  accumulator.limit_ = query.limit;
  return accumulator;
}

void GroupAccumulator::Add(const RowView& row, absl::string_view person_id) {
  std::vector<std::string> key;
  key.reserve(dim_columns_.size());
  for (const std::string& column : dim_columns_) {
    absl::optional<absl::string_view> value = row.Get(column);
    key.emplace_back(value.has_value() ? *value : kMissingDimension);
  }
  Group& group = groups_[std::move(key)];
  ++group.rows;
  if (count_persons_ && !person_id.empty()) {
    group.persons.emplace(person_id);
  }
}

std::vector<GroupRow> GroupAccumulator::Finish() const {
  std::vector<GroupRow> rows;
  rows.reserve(groups_.size() + 1);
  auto make_row = [this](std::vector<std::string> dims, const Group& group) {
    GroupRow row{std::move(dims), {}};
    for (AggregateKind kind : aggregates_) {
      row.measures.push_back(kind == AggregateKind::kCountDistinctPerson
                                 ? static_cast<double>(group.persons.size())
                                 : static_cast<double>(group.rows));
    }
    return row;
  };
  for (const auto& [dims, group] : groups_) {
    rows.push_back(make_row(dims, group));
  }
  if (dim_columns_.empty() && rows.empty()) {
    rows.push_back(make_row({}, Group{}));  // SQL: an ungrouped aggregate always has one row.
  }
  auto less = [this](const GroupRow& a, const GroupRow& b) {
    for (const SortKey& key : sort_keys_) {
      int c = 0;
      if (key.is_measure) {
        double x = a.measures[key.index];
        double y = b.measures[key.index];
        c = (x > y) - (x < y);
      } else {
        c = CompareForSort(a.dims[key.index], b.dims[key.index]);
      }
      if (c != 0) {
        return key.descending ? c > 0 : c < 0;
      }
    }
    for (size_t i = 0; i < a.dims.size(); ++i) {
      if (int c = CompareForSort(a.dims[i], b.dims[i]); c != 0) {
        return c < 0;
      }
    }
    return false;
  };
  std::sort(rows.begin(), rows.end(), less);
  if (limit_.has_value() && static_cast<uint64_t>(*limit_) < rows.size()) {
    rows.resize(static_cast<size_t>(*limit_));
  }
  return rows;
}

}  // namespace confide::hub::query
