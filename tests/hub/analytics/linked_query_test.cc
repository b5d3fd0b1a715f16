// The scan engine's linked measures (COUNT(DISTINCT person) and person IN sub-queries with and
// without WITHIN windows, NOT, retention cut-offs) against a brute-force count over the same
// records, before disclosure control; and the "ED assault victims unknown to police" overlap on
// hand-made data.

#include <functional>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hub/analytics/scan_engine.h"
#include "hub/linkage/person_index.h"
#include "hub/query/sql_parser.h"
#include "policy/policy.h"
#include "tests/fakes/in_memory_record_store.h"
#include "tests/hub/linkage/linkage_testing.h"
#include "tests/testing/status_matchers.h"

namespace confide::hub {
namespace {

using ::confide::testing::InMemoryRecordStore;
using ::confide::testing::IsOk;
using ::confide::testing::StatusIs;
using linkage::testing::Rec;
using linkage::testing::T;

constexpr int64_t kDay = 86400;
const int64_t kBase = 1735689600;  // 2025-01-01T00:00

std::shared_ptr<const policy::Policy> Merseyside() {
  absl::StatusOr<std::shared_ptr<const policy::Policy>> policy = policy::Policy::FromFile(
      CONFIDE_SOURCE_DIR "/deploy/policy/merseyside.textpb", absl::CivilDay(2026, 6, 1));
  EXPECT_THAT(policy, IsOk());
  return policy.value_or(nullptr);
}

void Put(InMemoryRecordStore& store, const std::vector<v1::StoredRecord>& records) {
  std::map<std::pair<std::string, std::string>, std::vector<v1::StoredRecord>> by_batch;
  for (const v1::StoredRecord& record : records) {
    by_batch[{record.agency(), record.dataset()}].push_back(record);
  }
  for (auto& [key, batch] : by_batch) {
    BatchWrite write;
    write.agency = key.first;
    write.dataset = key.second;
    write.batch_id = absl::StrCat(key.second, "-", records.size());
    write.content_hash = write.batch_id;
    write.records = std::move(batch);
    ASSERT_THAT(store.PutBatch(write, [](BatchOutcome) { return v1::AuditEvent(); }), IsOk());
  }
}

// Exact measures by group, "dims -> m1,m2", from the engine or from brute force.
using Table = std::map<std::string, std::string>;

Table FromEngine(const std::vector<query::GroupRow>& rows) {
  Table table;
  for (const query::GroupRow& row : rows) {
    std::vector<std::string> measures;
    for (double m : row.measures) {
      measures.push_back(absl::StrCat(static_cast<int64_t>(m)));
    }
    table[absl::StrJoin(row.dims, "|")] = absl::StrJoin(measures, ",");
  }
  return table;
}

// A condition written twice: as SQL, and as plain C++ over a stored record. Missing values
// never satisfy it (as in SQL, where the comparison is UNKNOWN).
struct Condition {
  std::string sql;
  std::function<bool(const v1::StoredRecord&)> holds;
};

bool ValueIs(const v1::StoredRecord& r, const std::string& name, const std::string& value) {
  auto it = r.values().find(name);
  return it != r.values().end() && it->second == value;
}

// A linked cohort: sub-query dataset and condition, and an optional window.
struct Link {
  bool negated = false;
  std::string dataset;
  Condition where;
  int window = -1;        // -1: no WITHIN
  std::string direction;  // "", "BEFORE" or "AFTER"

  std::string Sql() const {
    std::string sql = absl::StrCat(negated ? "NOT " : "", "person IN (SELECT person FROM ", dataset,
                                   where.sql.empty() ? "" : " WHERE ", where.sql, ")");
    if (window >= 0) {
      absl::StrAppend(&sql, " WITHIN ", window, " DAYS", direction.empty() ? "" : " ", direction);
    }
    return sql;
  }
};

class LinkedQueryTest : public ::testing::Test {
 protected:
  void Index() {
    absl::StatusOr<std::unique_ptr<linkage::PersonIndex>> built =
        linkage::PersonIndex::Build(store_, *policy_);
    ASSERT_THAT(built, IsOk());
    persons_ = *std::move(built);
  }

  absl::StatusOr<std::vector<query::GroupRow>> Run(const std::string& sql,
                                                   const MinEventTimes& cutoffs = {}) {
    absl::StatusOr<query::ParsedQuery> parsed = query::ParseQuery(sql);
    EXPECT_THAT(parsed, IsOk()) << sql;
    if (!parsed.ok()) {
      return parsed.status();
    }
    ScanOptions options;
    options.min_event_time = cutoffs;
    options.persons = persons_.get();
    return RunScan(*policy_, *parsed, store_, options);
  }

  linkage::PersonId PersonOf(const v1::StoredRecord& r) const {
    return persons_->PersonOf(r.dataset(), r.agency(), r.record_id()).value_or(~0ull);
  }

  std::shared_ptr<const policy::Policy> policy_ = Merseyside();
  InMemoryRecordStore store_;
  std::unique_ptr<linkage::PersonIndex> persons_;
};

// Random people with records in three datasets; tokens are exact so persons span datasets.
std::vector<v1::StoredRecord> RandomRecords(std::mt19937& rng) {
  auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
  static const char* kDistricts[] = {"L8", "L36", "CH41", "ZZ9"};
  static const char* kMeans[] = {"knife", "blunt_object", "body_part"};
  static const char* kOffences[] = {"robbery", "wounding_gbh", "assault_with_injury"};
  std::vector<v1::StoredRecord> records;
  for (int i = 0; i < 400; ++i) {
    const int person = pick(90);
    const int dataset = pick(3);
    std::vector<T> tokens = {{"name_dob_sex", absl::StrCat("person-", person)}};
    if (dataset != 1 && pick(2) == 0) {
      tokens.push_back({"nhs", absl::StrCat("nhs-", person)});
    }
    if (pick(10) == 0) {
      tokens.clear();  // no identifiers at all: a person of its own
    }
    const std::string id = absl::StrFormat("r-%04d", i);
    v1::StoredRecord r =
        dataset == 0   ? Rec("ed_attendance", id, tokens, "liverpool-university-hospitals")
        : dataset == 1 ? Rec("police_crime", id, tokens, "merseyside-police")
                       : Rec("ambulance_incident", id, tokens, "north-west-ambulance");
    r.set_event_time(kBase + pick(700) * kDay + pick(24) * 3600);
    auto& values = *r.mutable_values();
    values["district"] = kDistricts[pick(4)];
    if (pick(8) != 0) {
      values["sex"] = person % 2 == 0 ? "f" : "m";
    }
    if (pick(6) != 0) {
      values["age"] = absl::StrCat(12 + person % 50);
    }
    if (dataset == 0) {
      values["means_of_assault"] = kMeans[pick(3)];
      values["admitted"] = pick(3) == 0 ? "true" : "false";
    } else if (dataset == 1) {
      values["offence_group"] = kOffences[pick(3)];
      values["knife"] = pick(3) == 0 ? "true" : "false";
    } else {
      values["call_category"] = pick(2) == 0 ? "stab_wound" : "assault";
    }
    records.push_back(std::move(r));
  }
  return records;
}

TEST_F(LinkedQueryTest, RandomLinkedQueriesMatchBruteForce) {
  std::mt19937 rng(20260601);
  auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
  const std::vector<v1::StoredRecord> records = RandomRecords(rng);
  Put(store_, records);
  Index();
  const std::map<std::string, std::string> borough = {
      {"L8", "Liverpool"}, {"L36", "Knowsley"}, {"CH41", "Wirral"}, {"ZZ9", "(missing)"}};
  const std::vector<Condition> main_conditions = {
      {"", [](const auto&) { return true; }},
      {"means_of_assault = 'knife'",
       [](const auto& r) { return ValueIs(r, "means_of_assault", "knife"); }},
      {"admitted = 'true'", [](const auto& r) { return ValueIs(r, "admitted", "true"); }},
      {"age >= 18",
       [](const auto& r) {
         int age = 0;
         return r.values().count("age") > 0 && absl::SimpleAtoi(r.values().at("age"), &age) &&
                age >= 18;
       }},
  };
  const std::vector<Condition> police_conditions = {
      {"", [](const auto&) { return true; }},
      {"knife = 'true'", [](const auto& r) { return ValueIs(r, "knife", "true"); }},
      {"offence_group IN ('robbery', 'wounding_gbh')",
       [](const auto& r) {
         return ValueIs(r, "offence_group", "robbery") ||
                ValueIs(r, "offence_group", "wounding_gbh");
       }},
  };
  const std::vector<Condition> ambulance_conditions = {
      {"", [](const auto&) { return true; }},
      {"call_category = 'stab_wound'",
       [](const auto& r) { return ValueIs(r, "call_category", "stab_wound"); }},
  };
  static const int kWindows[] = {-1, 0, 7, 30, 365};
  static const char* kDirections[] = {"", "BEFORE", "AFTER"};
  auto random_link = [&](const std::string& dataset) {
    Link link;
    link.negated = pick(2) == 0;
    link.dataset = dataset;
    link.where =
        dataset == "police_crime" ? police_conditions[pick(3)] : ambulance_conditions[pick(2)];
    link.window = kWindows[pick(5)];
    link.direction = kDirections[pick(3)];
    return link;
  };

  int non_empty = 0;
  for (int round = 0; round < 120; ++round) {
    const Condition& where = main_conditions[pick(main_conditions.size())];
    std::vector<Link> links;
    links.push_back(random_link(pick(4) == 0 ? "ed_attendance" : "police_crime"));
    if (pick(2) == 0) {
      links.push_back(random_link("ambulance_incident"));
    }
    const bool any = links.size() > 1 && pick(3) == 0;  // OR instead of AND between the links
    MinEventTimes cutoffs;
    if (pick(2) == 0) {
      cutoffs["police_crime"] = kBase + pick(700) * kDay;
    }
    if (pick(3) == 0) {
      cutoffs["ed_attendance"] = kBase + pick(700) * kDay;
    }
    const bool by_borough = pick(2) == 0;
    std::vector<std::string> link_sql;
    for (const Link& link : links) {
      link_sql.push_back(link.Sql());
    }
    std::string condition = absl::StrJoin(link_sql, any ? " OR " : " AND ");
    if (!where.sql.empty()) {
      condition = absl::StrCat(where.sql, " AND (", condition, ")");
    }
    const std::string sql =
        absl::StrCat("SELECT ", by_borough ? "borough" : "sex",
                     ", COUNT(*), COUNT(DISTINCT person) FROM ed_attendance WHERE ", condition,
                     " GROUP BY ", by_borough ? "borough" : "sex");
    SCOPED_TRACE(sql);

    // Brute force: every record against every other, no index other than the person ids.
    auto usable = [&](const v1::StoredRecord& r) {
      auto cutoff = cutoffs.find(r.dataset());
      return cutoff == cutoffs.end() || r.event_time() >= cutoff->second;
    };
    auto in_cohort = [&](const Link& link, const v1::StoredRecord& r) {
      bool found = false;
      for (const v1::StoredRecord& s : records) {
        if (s.dataset() != link.dataset || !usable(s) || !link.where.holds(s) ||
            PersonOf(s) != PersonOf(r)) {
          continue;
        }
        const int64_t d = s.event_time() - r.event_time();
        const int64_t w = int64_t{link.window} * kDay;
        found = found || link.window < 0 ||
                (link.direction == "BEFORE"  ? (d <= 0 && d >= -w)
                 : link.direction == "AFTER" ? (d >= 0 && d <= w)
                                             : (d >= -w && d <= w));
      }
      return found != link.negated;
    };
    std::map<std::string, std::pair<int64_t, std::set<linkage::PersonId>>> expected;
    for (const v1::StoredRecord& r : records) {
      if (r.dataset() != "ed_attendance" || !usable(r) || !where.holds(r)) {
        continue;
      }
      bool linked = !any;
      for (const Link& link : links) {
        linked = any ? (linked || in_cohort(link, r)) : (linked && in_cohort(link, r));
      }
      if (!linked) {
        continue;
      }
      std::string group = by_borough
                              ? borough.at(r.values().at("district"))
                              : (r.values().count("sex") ? r.values().at("sex") : "(missing)");
      expected[group].first += 1;
      expected[group].second.insert(PersonOf(r));
    }
    Table brute;
    for (const auto& [group, counts] : expected) {
      brute[group] = absl::StrCat(counts.first, ",", counts.second.size());
    }
    absl::StatusOr<std::vector<query::GroupRow>> rows = Run(sql, cutoffs);
    ASSERT_THAT(rows, IsOk());
    EXPECT_EQ(FromEngine(*rows), brute);
    non_empty += brute.empty() ? 0 : 1;
  }
  EXPECT_GT(non_empty, 60) << "most random queries should select something";
}

TEST_F(LinkedQueryTest, EdAssaultVictimsUnknownToPolice) {
  // Five ED patients (one attending twice); two of them are police victims too, one of those
  // only after the attendance. A police-only victim does not count in an ED measure.
  auto ed = [](const std::string& id, const std::string& who, int day) {
    v1::StoredRecord r = Rec("ed_attendance", id, {{"nhs", who}, {"name_dob_sex", who}});
    r.set_agency("liverpool-university-hospitals");
    r.set_event_time(kBase + day * kDay);
    (*r.mutable_values())["means_of_assault"] = "knife";
    return r;
  };
  auto police = [](const std::string& id, const std::string& who, int day) {
    v1::StoredRecord r = Rec("police_crime", id, {{"name_dob_sex", who}});
    r.set_agency("merseyside-police");
    r.set_event_time(kBase + day * kDay);
    (*r.mutable_values())["offence_group"] = "wounding_gbh";
    return r;
  };
  Put(store_, {ed("ed-1", "ann", 100), ed("ed-2", "ben", 100), ed("ed-3", "cat", 100),
               ed("ed-4", "dan", 100), ed("ed-5", "eve", 100), ed("ed-6", "eve", 300),
               police("p-1", "ann", 40), police("p-2", "ben", 150), police("p-3", "fay", 90)});
  Index();
  auto measures = [&](const std::string& condition) {
    absl::StatusOr<std::vector<query::GroupRow>> rows = Run(absl::StrCat(
        "SELECT COUNT(*), COUNT(DISTINCT person) FROM ed_attendance WHERE ", condition));
    EXPECT_THAT(rows, IsOk()) << condition;
    return rows.ok() && rows->size() == 1 ? FromEngine(*rows).begin()->second : "?";
  };
  EXPECT_EQ(measures("NOT person IN (SELECT person FROM police_crime)"), "4,3");  // cat dan eve
  EXPECT_EQ(measures("person IN (SELECT person FROM police_crime)"), "2,2");      // ann ben
  // Known to police in the 365 days before the attendance: only ann.
  EXPECT_EQ(measures("person IN (SELECT person FROM police_crime) WITHIN 365 DAYS BEFORE"), "1,1");
  EXPECT_EQ(measures("NOT person IN (SELECT person FROM police_crime) WITHIN 365 DAYS BEFORE"),
            "5,4");
  EXPECT_EQ(measures("person IN (SELECT person FROM police_crime) WITHIN 50 DAYS AFTER"), "1,1");
  EXPECT_EQ(measures("person IN (SELECT person FROM police_crime) WITHIN 60 DAYS"), "2,2");
  EXPECT_EQ(measures("person IN (SELECT person FROM police_crime) WITHIN 59 DAYS"), "1,1");
  // Retention: police records before day 50 are past the agreement's cut-off, so ann's no longer
  // links her.
  absl::StatusOr<std::vector<query::GroupRow>> rows =
      Run("SELECT COUNT(DISTINCT person) FROM ed_attendance WHERE NOT person IN "
          "(SELECT person FROM police_crime)",
          {{"police_crime", kBase + 50 * kDay}});
  ASSERT_THAT(rows, IsOk());
  EXPECT_EQ(FromEngine(*rows).begin()->second, "4");
}

TEST_F(LinkedQueryTest, PersonMeasuresNeedTheIndex) {
  Put(store_, {Rec("ed_attendance", "ed-1", {{"nhs", "x"}}, "liverpool-university-hospitals")});
  absl::StatusOr<query::ParsedQuery> parsed =
      query::ParseQuery("SELECT COUNT(DISTINCT person) FROM ed_attendance");
  ASSERT_THAT(parsed, IsOk());
  EXPECT_THAT(RunScan(*policy_, *parsed, store_, ScanOptions{}),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  // An index that lacks a stored record is out of step with the store: refused, not miscounted.
  persons_ = std::make_unique<linkage::PersonIndex>(policy_->proto().linkage());
  EXPECT_THAT(Run("SELECT COUNT(DISTINCT person) FROM ed_attendance"),
              StatusIs(absl::StatusCode::kInternal));
}

}  // namespace
}  // namespace confide::hub
