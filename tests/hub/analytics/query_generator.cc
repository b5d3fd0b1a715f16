#include "tests/hub/analytics/query_generator.h"

#include <algorithm>
#include <limits>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "hub/analytics/record_dimensions.h"
#include "tests/hub/linkage/linkage_testing.h"

namespace confide::hub::difftest {
namespace {

constexpr int64_t kDay = 86400;
constexpr const char* kPolice = "police_crime";
constexpr const char* kEd = "ed_attendance";

// Home Office style codes, several of them numbers in disguise ("005" = "5", "4.1" = "4.10").
const std::vector<std::string> kOffenceCodes = {"1", "4.1",  "4.10", "8N", "105A", "005",
                                                "5", "37.2", "5D",   "28", "104"};
const std::vector<std::string> kUnknownDistricts = {"ZZ9", "M1", "WA1", "L99"};
const std::vector<std::string> kOddStrings = {
    "",      "a",     "z",   "O'Brien", "L",         "(missing)", "2024-",   "2024-W1",
    "1 Mon", "18-24", "65+", "true",    "Liverpool", "knife",     "robbery", "-"};
const std::vector<std::string> kNumbers = {"0",  "1",  "4.1", "4.10", "5",    "005",  "-0",
                                           "7",  "16", "18",  "24",   "25",   "37.2", "65",
                                           "99", "-3", "104", "2023", "2024", "2025", "0.5"};

std::string Quoted(const std::string& text) {
  return absl::StrCat("'", absl::StrReplaceAll(text, {{"'", "''"}}), "'");
}

bool IsNumber(const std::string& text) {
  const size_t start = !text.empty() && text[0] == '-' ? 1 : 0;
  const size_t dot = text.find('.');
  auto digits = [&](size_t from, size_t to) {
    return from < to && std::all_of(text.begin() + from, text.begin() + to,
                                    [](char c) { return c >= '0' && c <= '9'; });
  };
  return dot == std::string::npos ? digits(start, text.size())
                                  : digits(start, dot) && digits(dot + 1, text.size());
}

}  // namespace

GeneratedData GenerateRecords(const policy::Policy& policy, uint64_t seed,
                              const DataOptions& options) {
  std::mt19937_64 rng(seed);
  auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
  auto chance = [&](double p) { return std::bernoulli_distribution(p)(rng); };
  std::vector<std::string> districts;
  for (const v1::Area& area : policy.proto().reference().areas()) {
    districts.push_back(area.code());
  }
  auto codes_of = [&](const char* dataset, const char* field) {
    const v1::Dataset* d = policy.FindDataset(dataset);
    const v1::Field* f = d == nullptr ? nullptr : policy.FindField(*d, field);
    return f == nullptr ? std::vector<std::string>{"x"}
                        : std::vector<std::string>(f->codes().begin(), f->codes().end());
  };
  const std::vector<std::string> offences = codes_of(kPolice, "offence_group");
  const std::vector<std::string> means = codes_of(kEd, "means_of_assault");
  auto boolean = [&](double missing) -> absl::optional<std::string> {
    if (chance(missing)) {
      return absl::nullopt;
    }
    return std::string(chance(0.3) ? "true" : "false");
  };

  GeneratedData data;
  std::vector<int> records_of(options.persons, 0);
  std::vector<int64_t> last_time(options.persons, -1);
  const int64_t end_time = options.start_time + int64_t{options.days} * kDay;
  for (int i = 0; i < options.records; ++i) {
    const bool police = chance(0.55);
    const char* dataset = police ? kPolice : kEd;
    // Skewed towards low ids: a few persons recur often, across both datasets.
    const double u = std::uniform_real_distribution<double>(0, 1)(rng);
    int person = static_cast<int>(options.persons * u * u);
    if (records_of[person] >= options.max_records_per_person) {
      person = pick(options.persons);
    }
    const bool anonymous = chance(0.04) || records_of[person] >= options.max_records_per_person;
    std::vector<linkage::testing::T> tokens;
    if (!anonymous) {
      tokens.push_back({"name_dob_sex", absl::StrCat("person-", person)});
      if (!police && chance(0.5)) {
        tokens.push_back({"nhs", absl::StrCat("nhs-", person)});
      }
    }
    v1::StoredRecord r =
        linkage::testing::Rec(dataset, absl::StrFormat("r-%05d", i), tokens,
                              police ? "merseyside-police" : "liverpool-university-hospitals");
    int64_t t = options.start_time + pick(options.days) * kDay + pick(24) * 3600;
    if (!anonymous && last_time[person] >= 0 && chance(0.4)) {
      // Whole days from the person's last event: windows are hit exactly at their edges.
      t = last_time[person] + (pick(121) - 60) * kDay + (chance(0.2) ? pick(5) * 3600 : 0);
      t = std::clamp(t, options.start_time, end_time - 1);
    }
    r.set_event_time(t);
    auto& values = *r.mutable_values();
    const int r_district = pick(100);
    if (r_district < 85) {
      values["district"] = districts[pick(static_cast<int>(districts.size()))];
    } else if (r_district < 93) {
      values["district"] = kUnknownDistricts[pick(static_cast<int>(kUnknownDistricts.size()))];
    }
    if (!chance(0.15)) {
      // Mostly young adults, but every band occurs, 0 and 65+ included.
      const int age = chance(0.7) ? 14 + pick(30) : pick(96);
      values["age"] = absl::StrCat(age);
    }
    if (!chance(0.1)) {
      values["sex"] = std::string(person % 2 == 0 ? "f" : "m");
    }
    if (police) {
      // A code outside the harm table now and then: it must weigh nothing.
      values["offence_group"] =
          chance(0.03) ? "possession_of_weapon" : offences[pick(static_cast<int>(offences.size()))];
      if (options.empty_values && chance(0.03)) {
        values["offence_code"] = "";
      } else if (!chance(0.2)) {
        values["offence_code"] = kOffenceCodes[pick(static_cast<int>(kOffenceCodes.size()))];
      }
      for (const char* flag : {"knife", "firearm", "domestic"}) {
        if (absl::optional<std::string> value = boolean(0.15)) {
          values[flag] = *value;
        }
      }
    } else {
      values["means_of_assault"] = means[pick(static_cast<int>(means.size()))];
      if (absl::optional<std::string> value = boolean(0.2)) {
        values["admitted"] = *value;
      }
    }
    data.records.push_back(std::move(r));
    if (anonymous) {
      data.persons.push_back(options.persons + i);  // a person of its own
    } else {
      data.persons.push_back(person);
      ++records_of[person];
      last_time[person] = t;
    }
  }
  return data;
}

QueryGenerator::QueryGenerator(const policy::Policy& policy, const GeneratedData& data,
                               uint64_t seed)
    : policy_(policy), data_(data), rng_(seed), datasets_({kPolice, kEd}) {
  for (const std::string& name : datasets_) {
    const v1::Dataset* dataset = policy_.FindDataset(name);
    if (dataset == nullptr) {
      continue;
    }
    for (const std::string& column : policy_.QueryableDimensions(*dataset)) {
      values_[{name, column}];  // every queryable column gets a pool, maybe empty
    }
  }
  // Literal pools from the data itself: hub code only picks plausible literals here; whether
  // they match is decided by the engines and the oracle.
  std::map<std::pair<std::string, std::string>, std::set<std::string>> seen;
  for (const v1::StoredRecord& record : data_.records) {
    for (const auto& [name, value] : record.values()) {
      seen[{record.dataset(), name}].insert(value);
    }
    for (const char* dimension : policy::kTimeDimensions) {
      if (absl::optional<std::string> value = TimeDimension(dimension, record.event_time())) {
        seen[{record.dataset(), dimension}].insert(*value);
      }
    }
  }
  for (const v1::Area& area : policy_.proto().reference().areas()) {
    for (const std::string& name : datasets_) {
      seen[{name, "ward"}].insert(area.ward());
      seen[{name, "borough"}].insert(area.borough());
    }
  }
  for (const std::string& name : datasets_) {
    for (int age : {0, 9, 10, 17, 18, 24, 25, 34, 35, 44, 45, 54, 55, 64, 65, 90}) {
      seen[{name, "age_band"}].insert(AgeBandOf(age));
    }
  }
  for (auto& [key, pool] : values_) {
    auto found = seen.find(key);
    if (found != seen.end()) {
      pool.assign(found->second.begin(), found->second.end());
    }
  }
}

std::string QueryGenerator::Literal(const std::string& dataset, const std::string& column) {
  const std::vector<std::string>& pool = values_[{dataset, column}];
  const int r = Pick(100);
  if (r < 60 && !pool.empty()) {
    const std::string& value = OneOf(pool);
    return IsNumber(value) && Chance(0.5) ? value : Quoted(value);
  }
  if (r < 78) {
    return OneOf(kNumbers);  // unquoted number
  }
  if (r < 88) {
    return Quoted(OneOf(kNumbers));  // quoted: still compares as a number
  }
  return Quoted(OneOf(kOddStrings));
}

std::string QueryGenerator::PersonIn(const std::string& dataset) {
  const std::string other = dataset == kPolice ? kEd : kPolice;
  const std::string sub = Chance(0.7) ? other : dataset;
  std::string text = absl::StrCat(Chance(0.4) ? "NOT " : "", "person IN (SELECT person FROM ", sub);
  if (Chance(0.7)) {
    absl::StrAppend(&text, " WHERE ", Condition(sub, Pick(3), false, QueryOptions{}));
  }
  absl::StrAppend(&text, ")");
  if (Chance(0.6)) {
    static const std::vector<int> kDays = {0, 1, 2, 7, 30, 60, 90, 365, 1000};
    static const std::vector<std::string> kDirections = {"", " BEFORE", " AFTER"};
    absl::StrAppend(&text, " WITHIN ", OneOf(kDays), " DAYS", OneOf(kDirections));
  }
  return text;
}

std::string QueryGenerator::Leaf(const std::string& dataset, bool allow_person_in,
                                 const QueryOptions& options) {
  if (allow_person_in && options.linked && Chance(0.2)) {
    return PersonIn(dataset);
  }
  std::vector<std::string> columns;
  for (const auto& [key, pool] : values_) {
    if (key.first == dataset) {
      columns.push_back(key.second);
    }
  }
  const std::string column = OneOf(columns);
  static const std::vector<std::string> kOps = {"=", "!=", "<>", "<", "<=", ">", ">="};
  const int r = Pick(10);
  if (r < 5) {
    return absl::StrCat(column, " ", OneOf(kOps), " ", Literal(dataset, column));
  }
  if (r < 8) {
    std::vector<std::string> literals;
    for (int i = 1 + Pick(4); i > 0; --i) {
      literals.push_back(Literal(dataset, column));
    }
    return absl::StrCat(column, Chance(0.35) ? " NOT IN (" : " IN (", absl::StrJoin(literals, ", "),
                        ")");
  }
  return absl::StrCat(column, " BETWEEN ", Literal(dataset, column), " AND ",
                      Literal(dataset, column));
}

std::string QueryGenerator::Condition(const std::string& dataset, int depth, bool allow_person_in,
                                      const QueryOptions& options) {
  if (depth <= 0 || Chance(0.35)) {
    return Leaf(dataset, allow_person_in, options);
  }
  const int kind = Pick(5);
  if (kind == 0) {
    return absl::StrCat("NOT (", Condition(dataset, depth - 1, allow_person_in, options), ")");
  }
  std::vector<std::string> parts;
  for (int i = 2 + Pick(2); i > 0; --i) {
    parts.push_back(
        absl::StrCat("(", Condition(dataset, depth - 1, allow_person_in, options), ")"));
  }
  return absl::StrJoin(parts, kind <= 2 ? " AND " : " OR ");
}

std::string QueryGenerator::Next(const QueryOptions& options) {
  const std::string dataset = Chance(0.55) ? kPolice : kEd;
  const v1::Dataset* proto = policy_.FindDataset(dataset);
  std::vector<std::string> columns = policy_.QueryableDimensions(*proto);
  std::shuffle(columns.begin(), columns.end(), rng_);
  static const std::vector<int> kDimCounts = {0, 0, 1, 1, 1, 1, 2, 2, 2, 3};
  std::vector<std::string> dims(columns.begin(), columns.begin() + OneOf(kDimCounts));
  int areas = 0;
  for (const std::string& dim : dims) {
    areas += dim == "borough" || dim == "ward" || dim == "district" ? 1 : 0;
  }
  std::vector<std::string> aggregates = {"COUNT(*)", "COUNT(DISTINCT person)"};
  if (!options.scan_aggregates_only) {
    if (areas <= 1) {  // a rate needs one population per group
      aggregates.push_back("RATE_PER_1000(COUNT(*))");
      aggregates.push_back("RATE_PER_1000(COUNT(DISTINCT person))");
    }
    if (!proto->harm_field().empty()) {
      aggregates.push_back("SUM(harm)");
    }
    static const std::vector<int> kWindows = {1, 7, 30, 60, 365};
    aggregates.push_back(absl::StrCat("REPEAT_RATE(", 1 + Pick(4), ", ", OneOf(kWindows), ")"));
  }
  std::shuffle(aggregates.begin(), aggregates.end(), rng_);
  aggregates.resize(1 + Pick(std::min<int>(3, static_cast<int>(aggregates.size()))));
  std::vector<std::string> select = dims;
  std::vector<std::string> order_names = dims;
  for (size_t i = 0; i < aggregates.size(); ++i) {
    if (Chance(0.2)) {
      select.push_back(absl::StrCat(aggregates[i], " AS m", i));
      order_names.push_back(absl::StrCat("m", i));
    } else {
      select.push_back(Chance(0.1) ? absl::AsciiStrToLower(aggregates[i]) : aggregates[i]);
      order_names.push_back(aggregates[i]);
    }
  }
  if (Chance(0.3)) {
    std::shuffle(select.begin(), select.end(), rng_);  // dims and measures interleaved
  }
  std::string text = absl::StrCat("SELECT ", absl::StrJoin(select, ", "), " FROM ", dataset);
  if (Chance(0.75)) {
    absl::StrAppend(&text, " WHERE ", Condition(dataset, Pick(4), true, options));
  }
  if (!dims.empty()) {
    std::shuffle(dims.begin(), dims.end(), rng_);
    absl::StrAppend(&text, " GROUP BY ", absl::StrJoin(dims, ", "));
  }
  if (Chance(0.1)) {
    absl::StrAppend(&text, " ORDER BY ", OneOf(order_names), Chance(0.5) ? " DESC" : "");
  }
  if (Chance(0.1)) {
    absl::StrAppend(&text, " LIMIT ", 1 + Pick(5));
  }
  return text;
}

OracleCutoffs QueryGenerator::NextCutoffs() {
  OracleCutoffs cutoffs;
  if (Chance(0.7)) {
    return cutoffs;
  }
  int64_t earliest = std::numeric_limits<int64_t>::max();
  int64_t latest = std::numeric_limits<int64_t>::min();
  for (const v1::StoredRecord& record : data_.records) {
    earliest = std::min(earliest, record.event_time());
    latest = std::max(latest, record.event_time());
  }
  for (const std::string& dataset : datasets_) {
    if (Chance(0.6)) {
      // On a record's own time now and then: the cut-off itself is usable.
      cutoffs[dataset] = Chance(0.3) ? OneOf(data_.records).event_time()
                                     : earliest + static_cast<int64_t>(Pick(1000)) *
                                                      ((latest - earliest) / 1000 + 1);
    }
  }
  return cutoffs;
}

}  // namespace confide::hub::difftest
