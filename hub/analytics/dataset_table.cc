#include "hub/analytics/dataset_table.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/numbers.h"
#include "hub/analytics/record_dimensions.h"

namespace confide::hub::analytics {
namespace {

constexpr int64_t kSecondsPerHour = 3600;

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

uint64_t Mix(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

std::string RowKey(absl::string_view agency, absl::string_view record_id) {
  std::string key(agency);
  key.push_back('\0');
  key.append(record_id.data(), record_id.size());
  return key;
}

constexpr const char* kTimeDimensions[] = {
    "year", "financial_year", "quarter", "month", "week", "day", "weekday", "hour", "hour_of_week"};

bool IsTimeDimension(absl::string_view name) {
  for (const char* time : kTimeDimensions) {
    if (name == time) {
      return true;
    }
  }
  return false;
}

}  // namespace

uint64_t StableHash(absl::string_view bytes, uint64_t seed) {
  uint64_t h = 0xcbf29ce484222325ULL ^ Mix(seed);
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return Mix(h);
}

uint32_t DictColumn::Intern(absl::string_view value) {
  auto it = index.find(value);
  if (it != index.end()) {
    return it->second;
  }
  uint32_t code = static_cast<uint32_t>(values.size());
  values.emplace_back(value);
  index.emplace(std::string(value), code);
  return code;
}

DatasetTable::DatasetTable(const policy::Policy& policy, const v1::Dataset& dataset)
    : policy_(policy), dataset_(dataset) {
  value_names_ = policy.SendableValues(dataset);
  columns_.resize(value_names_.size());
  const v1::Field* location = policy.FindField(dataset, dataset.location_field());
  if (location != nullptr) {
    location_output_ = location->output_name();
  }
  age_output_ = policy.AgeOutput(dataset);
}

uint64_t DatasetTable::HashOf(size_t row) const {
  uint64_t h = StableHash(record_ids_[row], StableHash(agency_of(row)));
  h = StableHash(
      absl::string_view(reinterpret_cast<const char*>(&event_time_[row]), sizeof(int64_t)), h);
  for (size_t c = 0; c < columns_.size(); ++c) {
    h = StableHash(columns_[c].values[columns_[c].codes[row]], h + c);
  }
  return h;
}

void DatasetTable::Upsert(const v1::StoredRecord& record) {
  std::string key = RowKey(record.agency(), record.record_id());
  auto existing = row_of_key_.find(key);
  if (existing != row_of_key_.end()) {
    size_t old = existing->second;
    live_[old] = 0;
    fingerprint_ ^= row_hash_[old];
    --live_count_;
    row_of_key_.erase(existing);
  }
  const size_t row = event_time_.size();
  agencies_.codes.push_back(agencies_.Intern(record.agency()));
  record_ids_.push_back(record.record_id());
  event_time_.push_back(record.event_time());
  const int32_t hour = static_cast<int32_t>(FloorDiv(record.event_time(), kSecondsPerHour));
  hour_.push_back(hour);
  if (max_hour_ < min_hour_) {
    min_hour_ = max_hour_ = hour;
  } else {
    min_hour_ = std::min(min_hour_, hour);
    max_hour_ = std::max(max_hour_, hour);
  }
  for (size_t c = 0; c < columns_.size(); ++c) {
    auto value = record.values().find(value_names_[c]);
    // An empty string is a value (as in the row engine), distinct from no value at all.
    columns_[c].codes.push_back(value == record.values().end() ? kNoValue
                                                               : columns_[c].Intern(value->second));
  }
  live_.push_back(1);
  person_.push_back(0);
  row_hash_.push_back(HashOf(row));
  fingerprint_ ^= row_hash_.back();
  ++live_count_;
  row_of_key_.emplace(std::move(key), static_cast<uint32_t>(row));
  if (size() - live_count_ > 1024 && static_cast<int64_t>(size()) - live_count_ > live_count_ / 4) {
    Compact();
  }
}

void DatasetTable::Remove(absl::string_view agency, absl::string_view record_id) {
  auto it = row_of_key_.find(RowKey(agency, record_id));
  if (it == row_of_key_.end()) {
    return;
  }
  live_[it->second] = 0;
  fingerprint_ ^= row_hash_[it->second];
  --live_count_;
  row_of_key_.erase(it);
  if (size() - live_count_ > 1024 && static_cast<int64_t>(size()) - live_count_ > live_count_ / 4) {
    Compact();
  }
}

void DatasetTable::Compact() {
  size_t out = 0;
  for (size_t row = 0; row < size(); ++row) {
    if (!live_[row]) {
      continue;
    }
    agencies_.codes[out] = agencies_.codes[row];
    record_ids_[out] = std::move(record_ids_[row]);
    event_time_[out] = event_time_[row];
    hour_[out] = hour_[row];
    for (DictColumn& column : columns_) {
      column.codes[out] = column.codes[row];
    }
    person_[out] = person_[row];
    row_hash_[out] = row_hash_[row];
    live_[out] = 1;
    row_of_key_[RowKey(agency_of(out), record_ids_[out])] = static_cast<uint32_t>(out);
    ++out;
  }
  agencies_.codes.resize(out);
  record_ids_.resize(out);
  event_time_.resize(out);
  hour_.resize(out);
  for (DictColumn& column : columns_) {
    column.codes.resize(out);
  }
  person_.resize(out);
  row_hash_.resize(out);
  live_.resize(out);
}

absl::optional<std::shared_ptr<const ResolvedDimension>> DatasetTable::Resolve(
    absl::string_view name) const {
  // Which column the dimension is read from, and how many source values it spans.
  const DictColumn* source = nullptr;
  size_t source_size = 0;
  int64_t source_offset = 0;
  enum class Derive { kNone, kArea, kAgeBand, kTime } derive = Derive::kNone;
  auto column_named = [&](absl::string_view value_name) -> const DictColumn* {
    for (size_t c = 0; c < value_names_.size(); ++c) {
      if (value_names_[c] == value_name) {
        return &columns_[c];
      }
    }
    return nullptr;
  };
  source = column_named(name);
  if (source == nullptr) {
    if ((name == "ward" || name == "borough") && !location_output_.empty()) {
      source = column_named(location_output_);
      derive = Derive::kArea;
    } else if (name == "age_band" && !age_output_.empty()) {
      source = column_named(age_output_);
      derive = Derive::kAgeBand;
    } else if (IsTimeDimension(name)) {
      derive = Derive::kTime;
    }
    if (source == nullptr && derive != Derive::kTime) {
      return absl::nullopt;
    }
  }
  if (derive == Derive::kTime) {
    source_size = max_hour_ < min_hour_ ? 0 : static_cast<size_t>(max_hour_ - min_hour_) + 1;
    source_offset = min_hour_;
  } else {
    source_size = source->values.size();
  }

  // Column pointers are taken afresh on every call: the vectors move as rows are added.
  auto with_columns = [&](const ResolvedDimension& shape) {
    auto resolved = std::make_shared<ResolvedDimension>(shape);
    if (derive == Derive::kTime) {
      resolved->hours = hour_.data();
    } else {
      resolved->codes = source->codes.data();
    }
    return std::shared_ptr<const ResolvedDimension>(std::move(resolved));
  };
  std::lock_guard<std::mutex> lock(cache_mu_);
  auto cached = cache_.find(name);
  if (cached != cache_.end() && cached->second.source_size == source_size &&
      cached->second.source_offset == source_offset) {
    return with_columns(*cached->second.dimension);
  }
  auto dimension = std::make_shared<ResolvedDimension>();
  DictColumn output;  // interns derived values
  auto add = [&](absl::optional<absl::string_view> value) {
    dimension->map.push_back(value.has_value() && !value->empty() ? output.Intern(*value)
                                                                  : kNoValue);
  };
  switch (derive) {
    case Derive::kNone:
      dimension->codes = source->codes.data();
      dimension->names = source->values;
      break;
    case Derive::kArea:
      dimension->codes = source->codes.data();
      add(absl::nullopt);
      for (size_t code = 1; code < source_size; ++code) {
        const v1::Area* area = policy_.FindArea(source->values[code]);
        add(area == nullptr ? absl::nullopt
                            : absl::optional<absl::string_view>(name == "borough" ? area->borough()
                                                                                  : area->ward()));
      }
      break;
    case Derive::kAgeBand: {
      dimension->codes = source->codes.data();
      add(absl::nullopt);
      std::string band;
      for (size_t code = 1; code < source_size; ++code) {
        int years = 0;
        if (absl::SimpleAtoi(source->values[code], &years) && years >= 0) {
          band = AgeBandOf(years);
          add(band);
        } else {
          add(absl::nullopt);
        }
      }
      break;
    }
    case Derive::kTime: {
      dimension->hours = hour_.data();
      dimension->offset = source_offset;
      dimension->map.reserve(source_size);
      for (size_t h = 0; h < source_size; ++h) {
        absl::optional<std::string> value =
            TimeDimension(name, (source_offset + static_cast<int64_t>(h)) * kSecondsPerHour);
        add(value);
      }
      break;
    }
  }
  if (derive != Derive::kNone) {
    dimension->names = std::move(output.values);
  }
  cache_[name] = CacheEntry{dimension, source_size, source_offset};
  return with_columns(*dimension);
}

absl::optional<DatasetTable::Harm> DatasetTable::HarmWeights() const {
  if (dataset_.harm_field().empty()) {
    return absl::nullopt;
  }
  const DictColumn* source = nullptr;
  for (size_t c = 0; c < value_names_.size(); ++c) {
    if (value_names_[c] == dataset_.harm_field()) {
      source = &columns_[c];
    }
  }
  if (source == nullptr) {
    return absl::nullopt;
  }
  Harm harm;
  harm.codes = source->codes.data();
  harm.weight_by_code.assign(source->values.size(), 0.0);
  for (const v1::HarmWeight& weight : policy_.proto().reference().harm_weights()) {
    if (weight.dataset() != dataset_.id()) {
      continue;
    }
    auto code = source->index.find(weight.code());
    if (code != source->index.end()) {
      harm.weight_by_code[code->second] = weight.weight();
    }
  }
  return harm;
}

}  // namespace confide::hub::analytics
