#pragma once

// Seeded random data and queries for differential tests of the analytics engines: records of
// police_crime and ed_attendance shaped by a policy's fields and codes (the Merseyside one), and
// query texts of the restricted dialect over them that ParseQuery() accepts.
//
// The data is made to hit the corners the engines must agree on: missing values, ages across
// every band, districts outside the reference areas, numeric-looking codes ("005", "4.10"),
// event times over three years with exact-day repeats (window boundaries), persons with many
// records across both datasets, codes without a harm weight.

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "confide/v1/storage.pb.h"
#include "policy/policy.h"
#include "tests/hub/analytics/sqlite_oracle.h"

namespace confide::hub::difftest {

struct GeneratedData {
  std::vector<v1::StoredRecord> records;
  std::vector<int64_t> persons;  // persons[i] is the true person of records[i]
};

struct DataOptions {
  int records = 2500;
  int persons = 400;                // pool the records draw from (skewed: some recur a lot)
  int64_t start_time = 1672531200;  // 2023-01-01T00:00
  int days = 3 * 365;
  int max_records_per_person = 40;  // under the linkage's ambiguous-token limit (50)
  bool empty_values = true;         // now and then a value stored as "" (present, not missing)
};

// Records carry match tokens ("name_dob_sex" and, for some ED records, "nhs") that identify
// their true person exactly, so a person index built over them yields the same partition; a few
// carry no token at all and are a person of their own.
GeneratedData GenerateRecords(const policy::Policy& policy, uint64_t seed,
                              const DataOptions& options = {});

struct QueryOptions {
  bool scan_aggregates_only = false;  // only COUNT(*) and COUNT(DISTINCT person)
  bool linked = true;                 // may use person IN (SELECT ...) sub-queries
};

class QueryGenerator {
 public:
  // `policy` and `data` must outlive the generator.
  QueryGenerator(const policy::Policy& policy, const GeneratedData& data, uint64_t seed);

  // A random valid query text.
  std::string Next(const QueryOptions& options);

  // Random retention cut-offs: none for most queries, else one or both datasets.
  OracleCutoffs NextCutoffs();

 private:
  int Pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  bool Chance(double p) { return std::bernoulli_distribution(p)(rng_); }
  template <typename T>
  const T& OneOf(const std::vector<T>& items) {
    return items[Pick(static_cast<int>(items.size()))];
  }

  std::string Literal(const std::string& dataset, const std::string& column);
  std::string Condition(const std::string& dataset, int depth, bool allow_person_in,
                        const QueryOptions& options);
  std::string Leaf(const std::string& dataset, bool allow_person_in, const QueryOptions& options);
  std::string PersonIn(const std::string& dataset);

  const policy::Policy& policy_;
  const GeneratedData& data_;
  std::mt19937_64 rng_;
  std::vector<std::string> datasets_;
  // Values seen per (dataset, column), and plausible ones for derived dimensions.
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> values_;
};

}  // namespace confide::hub::difftest
