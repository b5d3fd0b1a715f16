#include "bench/analytics/synthetic_records.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"

namespace confide::bench {
namespace {

uint64_t Mix(uint64_t x) {  // splitmix64
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

double Unit(uint64_t x) { return static_cast<double>(x >> 11) * 0x1.0p-53; }  // [0, 1)

template <size_t N>
const char* Pick(const char* const (&codes)[N], const double (&weights)[N], double u) {
  double total = 0;
  for (double w : weights) {
    total += w;
  }
  double at = u * total;
  for (size_t i = 0; i < N; ++i) {
    if (at < weights[i]) {
      return codes[i];
    }
    at -= weights[i];
  }
  return codes[N - 1];
}

constexpr const char* kOffenceGroups[] = {"homicide",
                                          "attempted_murder",
                                          "wounding_gbh",
                                          "assault_with_injury",
                                          "robbery",
                                          "threats_to_kill",
                                          "rape",
                                          "sexual_assault",
                                          "arson_endangering_life"};
constexpr double kOffenceWeights[] = {0.1, 0.4, 8, 55, 15, 6, 5, 9, 1.5};
constexpr const char* kMeans[] = {"knife", "blunt_object", "body_part", "firearm", "other"};
constexpr double kMeansWeights[] = {20, 15, 50, 1, 14};
// Town-centre hot spots: four times the records of other districts.
constexpr const char* kHotSpots[] = {"L1", "L2", "L3", "L8", "CH41", "WA10"};

const char* Flag(uint64_t x, double p_true) {
  const double u = Unit(x);
  if (u < 0.01) {
    return nullptr;  // missing
  }
  return u < 0.01 + p_true * 0.99 ? "true" : "false";
}

// Civil seconds since 1970 of 2020-01-01, and whole hours up to 2026-01-01.
const int64_t kStart = absl::CivilSecond(2020, 1, 1) - absl::CivilSecond(1970, 1, 1);
const int64_t kHours = (absl::CivilSecond(2026, 1, 1) - absl::CivilSecond(2020, 1, 1)) / 3600;

class CsvFile {
 public:
  explicit CsvFile(const std::string& path) : file_(std::fopen(path.c_str(), "w")) {}
  CsvFile(const CsvFile&) = delete;
  CsvFile& operator=(const CsvFile&) = delete;
  ~CsvFile() {
    if (file_ != nullptr) {
      std::fclose(file_);
    }
  }
  std::string& buffer() { return buffer_; }
  bool Flush(bool force) {
    if (force || buffer_.size() > (1 << 20)) {
      ok_ = ok_ && file_ != nullptr &&
            std::fwrite(buffer_.data(), 1, buffer_.size(), file_) == buffer_.size();
      buffer_.clear();
    }
    return ok_;
  }
  bool Close() {
    Flush(true);
    if (file_ != nullptr) {
      ok_ = std::fclose(file_) == 0 && ok_;
      file_ = nullptr;
    }
    return ok_;
  }

 private:
  std::FILE* file_;
  std::string buffer_;
  bool ok_ = true;
};

}  // namespace

SyntheticRecords::SyntheticRecords(const policy::Policy& policy, int64_t records,
                                   double police_share, uint64_t seed)
    : policy_(policy),
      records_(std::max<int64_t>(records, 2)),
      police_(std::clamp<int64_t>(static_cast<int64_t>(records_ * police_share), 1, records_ - 1)),
      persons_(std::max<uint64_t>(20, static_cast<uint64_t>(records_ * 0.4))),
      knife_pool_(persons_ / 20),
      seed_(seed) {
  double total = 0;
  for (const v1::Area& area : policy.proto().reference().areas()) {
    const bool hot =
        std::find(std::begin(kHotSpots), std::end(kHotSpots), area.code()) != std::end(kHotSpots);
    districts_.push_back(area.code());
    total += hot ? 4 : 1;
    district_cdf_.push_back(total);
  }
  for (double& c : district_cdf_) {
    c /= total;
  }
}

SyntheticRow SyntheticRecords::Row(int64_t index) const {
  const uint64_t base = Mix(seed_ ^ Mix(static_cast<uint64_t>(index)));
  auto draw = [base](uint64_t k) { return Mix(base + k * 0x632be59bd9b4e019ULL); };
  SyntheticRow row;
  row.police = index < police_;
  row.index = index;
  row.event_time = kStart + static_cast<int64_t>(draw(1) % static_cast<uint64_t>(kHours)) * 3600;
  bool knife = false;
  if (row.police) {
    row.category = Pick(kOffenceGroups, kOffenceWeights, Unit(draw(2)));
    row.flag = Flag(draw(3), 0.12);
    row.firearm = Flag(draw(4), 0.01);
    row.domestic = Flag(draw(5), 0.3);
    knife = row.flag != nullptr && row.flag[0] == 't';
  } else {
    row.category = Pick(kMeans, kMeansWeights, Unit(draw(2)));
    row.flag = Flag(draw(3), 0.25);
    knife = row.category[0] == 'k';
  }
  const double u = Unit(draw(6));
  const auto d = std::lower_bound(district_cdf_.begin(), district_cdf_.end(), u);
  row.district = &districts_[std::min<size_t>(d - district_cdf_.begin(), districts_.size() - 1)];
  row.age = 10 + static_cast<int>(std::min(Unit(draw(7)), Unit(draw(8))) * 80);
  row.sex = Unit(draw(9)) < 0.7 ? "m" : "f";
  // Knife-involved persons turn up in the knife records of both datasets; everyone else is
  // drawn with a skew towards low ids, which gives repeat victims.
  const double p = Unit(draw(10));
  if (knife && Unit(draw(11)) < (row.police ? 0.7 : 0.6)) {
    row.person = static_cast<uint64_t>(p * knife_pool_);
  } else {
    row.person = static_cast<uint64_t>(p * p * persons_);
  }
  return row;
}

uint64_t SyntheticRecords::PersonOf(int64_t index) const { return Row(index).person; }

std::string SyntheticRecords::RecordId(int64_t index) {
  std::string id(kRecordIdBytes, '\0');
  uint64_t word = static_cast<uint64_t>(index);
  std::memcpy(&id[0], &word, 8);
  for (size_t w = 1; w < kRecordIdBytes / 8; ++w) {
    word = Mix(static_cast<uint64_t>(index) * 4 + w);
    std::memcpy(&id[w * 8], &word, 8);
  }
  return id;
}

int64_t SyntheticRecords::IndexOfRecordId(absl::string_view record_id) {
  uint64_t index = 0;
  if (record_id.size() != kRecordIdBytes) {
    return -1;
  }
  std::memcpy(&index, record_id.data(), 8);
  for (size_t w = 1; w < kRecordIdBytes / 8; ++w) {
    uint64_t word = 0;
    std::memcpy(&word, record_id.data() + w * 8, 8);
    if (word != Mix(index * 4 + w)) {
      return -1;  // not one of ours
    }
  }
  return index > static_cast<uint64_t>(INT64_MAX) ? -1 : static_cast<int64_t>(index);
}

void SyntheticRecords::Fill(int64_t index, v1::StoredRecord& record) const {
  const SyntheticRow row = Row(index);
  record.Clear();
  record.set_dataset(row.police ? "police_crime" : "ed_attendance");
  record.set_agency(row.police ? "merseyside-police" : "liverpool-university-hospitals");
  record.set_record_id(RecordId(index));
  record.set_event_time(row.event_time);
  auto& values = *record.mutable_values();
  values[row.police ? "offence_group" : "means_of_assault"] = row.category;
  if (row.flag != nullptr) {
    values[row.police ? "knife" : "admitted"] = row.flag;
  }
  if (row.police) {
    if (row.firearm != nullptr) {
      values["firearm"] = row.firearm;
    }
    if (row.domestic != nullptr) {
      values["domestic"] = row.domestic;
    }
  }
  values["district"] = *row.district;
  values["age"] = absl::StrCat(row.age);
  values["sex"] = row.sex;
}

absl::Status SyntheticRecords::WriteCsv(const std::string& dir) const {
  for (const v1::Area& area : policy_.proto().reference().areas()) {
    for (const std::string* text : {&area.code(), &area.ward(), &area.borough()}) {
      if (text->find_first_of(",\"\n") != std::string::npos) {
        return absl::InvalidArgumentError(
            absl::StrCat("area '", *text, "' would need CSV quoting, which the bench does not do"));
      }
    }
  }
  auto flag = [](const char* value) { return value == nullptr ? "" : value; };
  CsvFile police(dir + "/police_crime.csv");
  CsvFile ed(dir + "/ed_attendance.csv");
  police.buffer() = "person,event_time,offence_group,knife,firearm,domestic,district,age,sex\n";
  ed.buffer() = "person,event_time,means_of_assault,admitted,district,age,sex\n";
  bool ok = true;
  for (int64_t i = 0; i < records_ && ok; ++i) {
    const SyntheticRow row = Row(i);
    CsvFile& file = row.police ? police : ed;
    absl::StrAppend(&file.buffer(), row.person, ",", row.event_time, ",", row.category, ",",
                    flag(row.flag), ",");
    if (row.police) {
      absl::StrAppend(&file.buffer(), flag(row.firearm), ",", flag(row.domestic), ",");
    }
    absl::StrAppend(&file.buffer(), *row.district, ",", row.age, ",", row.sex, "\n");
    ok = file.Flush(false);
  }
  ok = police.Close() && ok;
  ok = ed.Close() && ok;
  CsvFile areas(dir + "/areas.csv");
  areas.buffer() = "district,ward,borough\n";
  for (const v1::Area& area : policy_.proto().reference().areas()) {
    absl::StrAppend(&areas.buffer(), area.code(), ",", area.ward(), ",", area.borough(), "\n");
  }
  CsvFile populations(dir + "/populations.csv");
  populations.buffer() = "area,population\n";
  for (const v1::Population& population : policy_.proto().reference().populations()) {
    absl::StrAppend(&populations.buffer(), population.area(), ",", population.population(), "\n");
  }
  ok = areas.Close() && ok;
  ok = populations.Close() && ok;
  if (!ok) {
    return absl::InternalError(absl::StrCat("could not write the CSV files in ", dir));
  }
  return absl::OkStatus();
}

}  // namespace confide::bench
