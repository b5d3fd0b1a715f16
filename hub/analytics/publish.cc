#include "hub/analytics/publish.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "hub/query/evaluator.h"
#include "policy/disclosure/margins.h"

namespace confide::hub::analytics {
namespace {

using query::AggregateKind;

std::string MeasureName(const query::Aggregate& aggregate) {
  return aggregate.alias.empty() ? query::ToString(aggregate) : aggregate.alias;
}

bool IsRate(AggregateKind kind) {
  return kind == AggregateKind::kRatePer1000CountStar ||
         kind == AggregateKind::kRatePer1000CountDistinctPerson;
}

void SetSuppressed(v1::ResultCell* out, absl::string_view display) {
  out->set_suppressed(true);
  out->set_display(std::string(display));
  out->set_value(0);
}

// Sorts published rows by the query's ORDER BY on published values only; suppressed cells sort
// as the lowest values and ties fall back to dimension order, so order reveals nothing hidden.
void OrderPublished(const query::ParsedQuery& parsed, const std::vector<size_t>& dim_select,
                    const std::vector<size_t>& measure_select, v1::QueryResult& result) {
  auto key = [&](const v1::ResultRow& row, size_t select_index, bool& is_measure) -> double {
    for (size_t m = 0; m < measure_select.size(); ++m) {
      if (measure_select[m] == select_index) {
        is_measure = true;
        const v1::ResultCell& cell = row.measures(static_cast<int>(m));
        return cell.suppressed() ? -1 : cell.value();
      }
    }
    is_measure = false;
    return 0;
  };
  auto dim_position = [&](size_t select_index) -> int {
    for (size_t d = 0; d < dim_select.size(); ++d) {
      if (dim_select[d] == select_index) {
        return static_cast<int>(d);
      }
    }
    return -1;
  };
  auto rows = result.mutable_rows();
  std::stable_sort(rows->begin(), rows->end(), [&](const v1::ResultRow& a, const v1::ResultRow& b) {
    for (const query::OrderItem& item : parsed.order_by) {
      bool is_measure = false;
      double ka = key(a, item.select_index, is_measure);
      double kb = key(b, item.select_index, is_measure);
      int cmp = 0;
      if (is_measure) {
        cmp = ka < kb ? -1 : (ka > kb ? 1 : 0);
      } else {
        int d = dim_position(item.select_index);
        cmp = d < 0 ? 0 : query::CompareForSort(a.dimensions(d), b.dimensions(d));
      }
      if (cmp != 0) {
        return item.descending ? cmp > 0 : cmp < 0;
      }
    }
    return false;  // stable: keeps the engine's dimension order
  });
  if (parsed.limit.has_value() && result.rows_size() > *parsed.limit) {
    rows->DeleteSubrange(static_cast<int>(*parsed.limit),
                         result.rows_size() - static_cast<int>(*parsed.limit));
  }
}

// Disclosure control of one column of counts; margins are checked only on exact counts (noisy
// ones are already protected, and their margins are noisy too).
absl::StatusOr<policy::PublishedTable> Control(const std::vector<policy::TableCell>& cells,
                                               const PublishOptions& options,
                                               std::string* failed_rule) {
  absl::StatusOr<policy::PublishedTable> published =
      policy::ApplyDisclosureControl(cells, options.rules);
  if (!published.ok() || options.noisy_count) {
    return published;
  }
  absl::Status margins = policy::CheckFlaggedMargins(cells, *published, options.rules);
  if (!margins.ok()) {
    *failed_rule = "disclosure.recoverable-from-margin";
    return margins;
  }
  return published;
}

}  // namespace

absl::StatusOr<v1::QueryResult> Publish(const query::ParsedQuery& parsed,
                                        const std::vector<ExactGroup>& groups,
                                        const PublishOptions& options, std::string* failed_rule) {
  v1::QueryResult result;
  std::vector<size_t> dim_select, measure_select;
  std::vector<query::Aggregate> aggregates;
  for (size_t i = 0; i < parsed.select.size(); ++i) {
    const query::SelectItem& item = parsed.select[i];
    if (item.kind == query::SelectItem::Kind::kDimension) {
      dim_select.push_back(i);
      result.add_dimension_names(item.column.name);
    } else {
      measure_select.push_back(i);
      aggregates.push_back(item.aggregate);
      result.add_measure_names(MeasureName(item.aggregate));
    }
  }
  for (const ExactGroup& group : groups) {
    v1::ResultRow* row = result.add_rows();
    for (const std::string& dim : group.dims) {
      row->add_dimensions(dim);
    }
    for (size_t m = 0; m < aggregates.size(); ++m) {
      row->add_measures();
    }
  }
  for (size_t m = 0; m < aggregates.size(); ++m) {
    const AggregateKind kind = aggregates[m].kind;
    std::vector<policy::TableCell> cells, persons;
    for (const ExactGroup& group : groups) {
      int64_t count = group.numerators[m];
      if (options.noisy_count) {
        count = std::max<int64_t>(0, options.noisy_count(m, group, count));
      }
      cells.push_back({group.dims, count});
      if (kind == AggregateKind::kRepeatRate) {
        persons.push_back({group.dims, group.denominators[m]});
      }
    }
    absl::StatusOr<policy::PublishedTable> published = Control(cells, options, failed_rule);
    if (!published.ok()) {
      return published.status();
    }
    absl::StatusOr<policy::PublishedTable> published_persons;
    if (kind == AggregateKind::kRepeatRate) {
      published_persons = Control(persons, options, failed_rule);
      if (!published_persons.ok()) {
        return published_persons.status();
      }
    }
    const std::string& name = result.measure_names(static_cast<int>(m));
    bool missing_population = false;
    for (size_t r = 0; r < groups.size(); ++r) {
      const policy::PublishedCell& cell = published->cells[r];
      const ExactGroup& group = groups[r];
      v1::ResultCell* out =
          result.mutable_rows(static_cast<int>(r))->mutable_measures(static_cast<int>(m));
      if (!cell.value.has_value()) {
        SetSuppressed(out, "*");
        continue;
      }
      const double published_count = static_cast<double>(*cell.value);
      if (IsRate(kind)) {
        if (group.denominators[m] <= 0) {
          SetSuppressed(out, "n/a");
          missing_population = true;
          continue;
        }
        const double rate = std::round(published_count * 1000.0 /
                                       static_cast<double>(group.denominators[m]) * 100.0) /
                            100.0;
        out->set_value(rate);
        out->set_display(absl::StrFormat("%.2f", rate));
      } else if (kind == AggregateKind::kSumHarm) {
        double harm = group.measures[m];
        if (options.noisy_sum) {
          harm = std::max(0.0, options.noisy_sum(m, group, harm));
        }
        const double base = static_cast<double>(options.rules.rounding_base);
        const double rounded = std::floor(harm / base + 0.5) * base;
        out->set_value(rounded);
        out->set_display(absl::StrFormat("%.0f", rounded));
      } else if (kind == AggregateKind::kRepeatRate) {
        const policy::PublishedCell& of = published_persons->cells[r];
        if (!of.value.has_value()) {
          SetSuppressed(out, "*");
          continue;
        }
        if (*of.value <= 0) {
          SetSuppressed(out, "n/a");
          continue;
        }
        const double rate = std::min(
            100.0,
            std::round(published_count * 100.0 / static_cast<double>(*of.value) * 10.0) / 10.0);
        out->set_value(rate);
        out->set_display(absl::StrFormat("%.1f", rate));
      } else {
        out->set_value(published_count);
        out->set_display(cell.display);
      }
    }
    const bool prefix = aggregates.size() > 1 || (kind != AggregateKind::kCountStar &&
                                                  kind != AggregateKind::kCountDistinctPerson);
    auto add_notes = [&](const policy::PublishedTable& table, absl::string_view what) {
      for (const std::string& note : table.notes) {
        result.add_notes(prefix ? absl::StrCat(name, what, ": ", note) : note);
      }
    };
    if (kind == AggregateKind::kRepeatRate) {
      add_notes(*published, " (repeat persons)");
      add_notes(*published_persons, " (persons)");
      result.add_notes(absl::StrCat(
          name, ": computed from the published (rounded) counts of repeat persons and persons"));
    } else if (kind == AggregateKind::kSumHarm) {
      add_notes(*published, " (records summed)");
      result.add_notes(absl::StrCat(name,
                                    ": hidden where the number of records summed is; "
                                    "published totals rounded to the nearest ",
                                    options.rules.rounding_base));
    } else if (IsRate(kind)) {
      add_notes(*published, " (count)");
      result.add_notes(absl::StrCat(
          name, ": computed from the published (rounded) count per 1,000 reference population"));
    } else {
      add_notes(*published, "");
    }
    if (missing_population) {
      result.add_notes(
          absl::StrCat(name, ": n/a where the reference data has no population for the area"));
    }
  }
  OrderPublished(parsed, dim_select, measure_select, result);
  return result;
}

}  // namespace confide::hub::analytics
