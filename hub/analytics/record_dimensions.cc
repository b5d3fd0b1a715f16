#include "hub/analytics/record_dimensions.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "hub/analytics/linked_cohorts.h"

namespace confide::hub {
namespace {

constexpr const char* kWeekdays[] = {"1 Mon", "2 Tue", "3 Wed", "4 Thu", "5 Fri", "6 Sat", "7 Sun"};

int IsoWeekdayIndex(absl::CivilDay day) {  // Monday = 0
  switch (absl::GetWeekday(day)) {
    case absl::Weekday::monday:
      return 0;
    case absl::Weekday::tuesday:
      return 1;
    case absl::Weekday::wednesday:
      return 2;
    case absl::Weekday::thursday:
      return 3;
    case absl::Weekday::friday:
      return 4;
    case absl::Weekday::saturday:
      return 5;
    case absl::Weekday::sunday:
      return 6;
  }
  return 0;
}

std::string IsoWeek(absl::CivilDay day) {
  // The ISO week belongs to the year of its Thursday.
  absl::CivilDay thursday = day - IsoWeekdayIndex(day) + 3;
  absl::CivilDay first_of_year(thursday.year(), 1, 1);
  int week = static_cast<int>((thursday - first_of_year) / 7) + 1;
  return absl::StrFormat("%04d-W%02d", thursday.year(), week);
}

}  // namespace

absl::optional<std::string> TimeDimension(absl::string_view dimension, int64_t event_time) {
  absl::CivilSecond time = absl::CivilSecond(1970, 1, 1) + event_time;
  absl::CivilDay day(time);
  if (dimension == "year") {
    return absl::StrFormat("%04d", time.year());
  }
  if (dimension == "financial_year") {
    int start =
        time.month() >= 4 ? static_cast<int>(time.year()) : static_cast<int>(time.year()) - 1;
    return absl::StrFormat("%04d/%02d", start, (start + 1) % 100);
  }
  if (dimension == "quarter") {
    return absl::StrFormat("%04d-Q%d", time.year(), (time.month() - 1) / 3 + 1);
  }
  if (dimension == "month") {
    return absl::StrFormat("%04d-%02d", time.year(), time.month());
  }
  if (dimension == "week") {
    return IsoWeek(day);
  }
  if (dimension == "day") {
    return absl::StrFormat("%04d-%02d-%02d", time.year(), time.month(), time.day());
  }
  if (dimension == "weekday") {
    return std::string(kWeekdays[IsoWeekdayIndex(day)]);
  }
  if (dimension == "hour") {
    return absl::StrFormat("%02d", time.hour());
  }
  if (dimension == "hour_of_week") {
    return absl::StrFormat("%s %02d", kWeekdays[IsoWeekdayIndex(day)], time.hour());
  }
  return absl::nullopt;
}

RecordRowView::RecordRowView(const policy::Policy& policy, const v1::Dataset& dataset)
    : policy_(policy) {
  const v1::Field* location = policy.FindField(dataset, dataset.location_field());
  if (location != nullptr) {
    location_output_ = location->output_name();
  }
  age_output_ = policy.AgeOutput(dataset);
}

std::string AgeBandOf(int age) {
  static const std::pair<int, const char*> kBands[] = {{10, "0-9"},   {18, "10-17"}, {25, "18-24"},
                                                       {35, "25-34"}, {45, "35-44"}, {55, "45-54"},
                                                       {65, "55-64"}};
  for (const auto& [below, band] : kBands) {
    if (age < below) {
      return band;
    }
  }
  return "65+";
}

void RecordRowView::Reset(const v1::StoredRecord& record) { record_ = &record; }

query::TruthValue RecordRowView::PersonIn(const query::Expr& person_in) const {
  if (cohorts_ == nullptr) {
    return query::TruthValue::kUnknown;
  }
  return cohorts_->Contains(person_in, person_, record_->event_time());
}

absl::optional<absl::string_view> RecordRowView::Get(absl::string_view column) const {
  auto it = record_->values().find(std::string(column));
  if (it != record_->values().end()) {
    return absl::string_view(it->second);
  }
  if (column == "borough" || column == "ward") {
    auto district = record_->values().find(location_output_);
    if (location_output_.empty() || district == record_->values().end()) {
      return absl::nullopt;
    }
    const v1::Area* area = policy_.FindArea(district->second);
    if (area == nullptr) {
      return absl::nullopt;
    }
    const std::string& value = column == "borough" ? area->borough() : area->ward();
    if (value.empty()) {
      return absl::nullopt;
    }
    return absl::string_view(value);
  }
  if (column == "age_band") {
    auto age = record_->values().find(age_output_);
    int years = 0;
    if (age_output_.empty() || age == record_->values().end() ||
        !absl::SimpleAtoi(age->second, &years) || years < 0) {
      return absl::nullopt;
    }
    scratch_ = AgeBandOf(years);
    return absl::string_view(scratch_);
  }
  absl::optional<std::string> time = TimeDimension(column, record_->event_time());
  if (!time.has_value()) {
    return absl::nullopt;
  }
  scratch_ = *std::move(time);
  return absl::string_view(scratch_);
}

}  // namespace confide::hub
