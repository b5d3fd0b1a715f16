#include <algorithm>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hub/query/evaluator.h"
#include "hub/query/sql_parser.h"
#include "tests/testing/status_matchers.h"

namespace confide::hub::query {
namespace {

using ::testing::ElementsAre;

class MapRow : public RowView {
 public:
  explicit MapRow(std::map<std::string, std::string> values) : values_(std::move(values)) {}
  absl::optional<absl::string_view> Get(absl::string_view column) const override {
    auto it = values_.find(std::string(column));
    if (it == values_.end()) {
      return absl::nullopt;
    }
    return absl::string_view(it->second);
  }

 private:
  std::map<std::string, std::string> values_;
};

struct Record {
  std::map<std::string, std::string> values;
  std::string person;
};

// Runs `sql` over `records` the way the scan engine will: filter with Matches, then Add.
std::vector<GroupRow> RunQuery(absl::string_view sql, const std::vector<Record>& records) {
  absl::StatusOr<ParsedQuery> query = ParseQuery(sql);
  EXPECT_TRUE(query.ok()) << query.status();
  if (!query.ok()) {
    return {};
  }
  absl::StatusOr<GroupAccumulator> accumulator = GroupAccumulator::Create(*query);
  EXPECT_TRUE(accumulator.ok()) << accumulator.status();
  if (!accumulator.ok()) {
    return {};
  }
  for (const Record& record : records) {
    MapRow row(record.values);
    if (query->where == nullptr || Matches(*query->where, row)) {
      accumulator->Add(row, record.person);
    }
  }
  return accumulator->Finish();
}

std::string Show(const GroupRow& row) {
  return absl::StrCat("[", absl::StrJoin(row.dims, ","), "|", absl::StrJoin(row.measures, ","),
                      "]");
}

std::vector<std::string> ShowAll(const std::vector<GroupRow>& rows) {
  std::vector<std::string> out;
  out.reserve(rows.size());
  for (const GroupRow& row : rows) {
    out.push_back(Show(row));
  }
  return out;
}

const std::vector<Record> kRecords = {
    {{{"area", "L1"}, {"sex", "F"}}, "p1"},
    {{{"area", "L1"}, {"sex", "F"}}, "p1"},
    {{{"area", "L1"}, {"sex", "M"}}, "p2"},
    {{{"area", "L2"}, {"sex", "F"}}, "p3"},
    {{{"area", "L2"}}, ""},
    {{{"sex", "M"}}, "p4"},
    {{{"area", "L10"}, {"sex", "M"}}, ""},
};

TEST(GroupAccumulatorTest, GroupsCountsAndMissingValues) {
  EXPECT_THAT(ShowAll(RunQuery("SELECT area, COUNT(*), COUNT(DISTINCT person) FROM t GROUP BY area",
                               kRecords)),
              ElementsAre("[(missing)|1,1]", "[L1|3,2]", "[L10|1,0]", "[L2|2,1]"));
  EXPECT_THAT(ShowAll(RunQuery("SELECT COUNT(DISTINCT person), sex, area FROM t GROUP BY area, sex",
                               kRecords)),
              ElementsAre("[(missing),L2|0]", "[F,L1|1]", "[F,L2|1]", "[M,(missing)|1]", "[M,L1|1]",
                          "[M,L10|0]"));
}

TEST(GroupAccumulatorTest, AppliesWhereThroughMatches) {
  EXPECT_THAT(ShowAll(RunQuery("SELECT sex, COUNT(*) FROM t WHERE area IN ('L1', 'L2') AND "
                               "NOT sex = 'M' GROUP BY sex",
                               kRecords)),
              ElementsAre("[F|3]"));
}

TEST(GroupAccumulatorTest, UngroupedQueryAlwaysHasOneRow) {
  EXPECT_THAT(ShowAll(RunQuery("SELECT COUNT(*), COUNT(DISTINCT person) FROM t", kRecords)),
              ElementsAre("[|7,4]"));
  EXPECT_THAT(ShowAll(RunQuery("SELECT COUNT(*), COUNT(DISTINCT person) FROM t LIMIT 1", {})),
              ElementsAre("[|0,0]"));
  EXPECT_THAT(ShowAll(RunQuery("SELECT area, COUNT(*) FROM t GROUP BY area", {})), ElementsAre());
}

TEST(GroupAccumulatorTest, DefaultOrderIsDimensionsAscendingNumbersFirst) {
  std::vector<Record> records;
  for (const char* year : {"2023", "10", "9", "x", "2023.0", "-1"}) {
    records.push_back({{{"year", year}}, ""});
  }
  records.push_back({{}, ""});
  EXPECT_THAT(
      ShowAll(RunQuery("SELECT year, COUNT(*) FROM t GROUP BY year", records)),
      ElementsAre("[-1|1]", "[9|1]", "[10|1]", "[2023|1]", "[2023.0|1]", "[(missing)|1]", "[x|1]"));
}

TEST(GroupAccumulatorTest, OrdersByMeasuresAndDimensionsThenLimits) {
  EXPECT_THAT(ShowAll(RunQuery("SELECT area, COUNT(*) AS n FROM t GROUP BY area ORDER BY n DESC",
                               kRecords)),
              ElementsAre("[L1|3]", "[L2|2]", "[(missing)|1]", "[L10|1]"));
  EXPECT_THAT(ShowAll(RunQuery("SELECT area, COUNT(*) FROM t GROUP BY area ORDER BY COUNT(*) DESC "
                               "LIMIT 2",
                               kRecords)),
              ElementsAre("[L1|3]", "[L2|2]"));
  EXPECT_THAT(
      ShowAll(RunQuery("SELECT area, COUNT(*) FROM t GROUP BY area ORDER BY area DESC LIMIT 3",
                       kRecords)),
      ElementsAre("[L2|2]", "[L10|1]", "[L1|3]"));
  EXPECT_THAT(ShowAll(RunQuery("SELECT sex, area, COUNT(DISTINCT person) AS p, COUNT(*) FROM t "
                               "GROUP BY sex, area ORDER BY p, sex DESC LIMIT 100",
                               kRecords)),
              ElementsAre("[M,L10|0,1]", "[(missing),L2|0,1]", "[M,(missing)|1,1]", "[M,L1|1,1]",
                          "[F,L1|1,2]", "[F,L2|1,1]"));
}

TEST(GroupAccumulatorTest, OutlivesTheParsedQuery) {
  absl::StatusOr<GroupAccumulator> accumulator = absl::InternalError("unset");
  {
    CONFIDE_ASSERT_OK_AND_ASSIGN(
        ParsedQuery query, ParseQuery("SELECT area, COUNT(*) FROM t GROUP BY area ORDER BY area"));
    accumulator = GroupAccumulator::Create(query);
  }
  ASSERT_TRUE(accumulator.ok());
  accumulator->Add(MapRow(std::map<std::string, std::string>{{"area", "L1"}}), "p");
  EXPECT_THAT(ShowAll(accumulator->Finish()), ElementsAre("[L1|1]"));
}

// Reference ordering, written independently of CompareForSort for the value pool below.
bool IsNumber(const std::string& value) {
  return value == "1" || value == "01" || value == "2" || value == "10";
}

int ReferenceCompare(const std::string& a, const std::string& b) {
  if (IsNumber(a) != IsNumber(b)) {
    return IsNumber(a) ? -1 : 1;
  }
  if (IsNumber(a) && std::atoi(a.c_str()) != std::atoi(b.c_str())) {
    return std::atoi(a.c_str()) < std::atoi(b.c_str()) ? -1 : 1;
  }
  return a < b ? -1 : (a == b ? 0 : 1);
}

TEST(GroupAccumulatorTest, MatchesBruteForceOnRandomData) {
  const std::vector<std::string> pool = {"1", "01", "2", "10", "x", "X", "", "(missing)"};
  const std::vector<std::string> columns = {"c0", "c1", "c2"};
  std::mt19937 rng(20240601);
  auto pick = [&rng](size_t n) { return static_cast<size_t>(rng() % n); };
  for (int iteration = 0; iteration < 300; ++iteration) {
    SCOPED_TRACE(iteration);
    std::vector<Record> records(pick(60));
    for (Record& record : records) {
      for (const std::string& column : columns) {
        if (pick(5) != 0) {
          record.values[column] = pool[pick(pool.size() - 1)];
        }
      }
      record.person = pick(4) == 0 ? "" : absl::StrCat("p", pick(8));
    }
    // A random query: some dimensions, some counts, maybe a filter, an order and a limit.
    std::vector<std::string> dims;
    for (const std::string& column : columns) {
      if (pick(2) == 0) {
        dims.insert(dims.begin() + static_cast<std::ptrdiff_t>(pick(dims.size() + 1)), column);
      }
    }
    std::vector<bool> distinct(1 + pick(3));
    std::vector<std::string> items = dims;
    for (size_t i = 0; i < distinct.size(); ++i) {
      distinct[i] = pick(2) == 0;
      items.push_back(
          absl::StrCat(distinct[i] ? "COUNT(DISTINCT person)" : "COUNT(*)", " AS m", i));
    }
    std::string sql = absl::StrCat("SELECT ", absl::StrJoin(items, ", "), " FROM t");
    bool filter = pick(3) == 0;
    if (filter) {
      sql += " WHERE c0 IN ('1', 'x')";
    }
    if (!dims.empty()) {
      absl::StrAppend(&sql, " GROUP BY ", absl::StrJoin(dims, ", "));
    }
    struct Key {
      bool measure;
      size_t index;
      bool descending;
    };
    std::vector<Key> keys(pick(3));
    std::vector<std::string> order_text;
    for (Key& key : keys) {
      key.measure = dims.empty() || pick(2) == 0;
      key.index = key.measure ? pick(distinct.size()) : pick(dims.size());
      key.descending = pick(2) == 0;
      order_text.push_back(
          absl::StrCat(key.measure ? absl::StrCat("m", key.index) : dims[key.index],
                       key.descending ? " DESC" : ""));
    }
    if (!keys.empty()) {
      absl::StrAppend(&sql, " ORDER BY ", absl::StrJoin(order_text, ", "));
    }
    SCOPED_TRACE(sql);
    std::vector<GroupRow> actual = RunQuery(sql, records);

    // Brute force.
    std::map<std::vector<std::string>, std::pair<int, std::set<std::string>>> groups;
    for (const Record& record : records) {
      auto c0 = record.values.find("c0");
      if (filter && (c0 == record.values.end() ||
                     (c0->second != "1" && c0->second != "01" && c0->second != "x"))) {
        continue;
      }
      std::vector<std::string> key;
      for (const std::string& dim : dims) {
        auto it = record.values.find(dim);
        key.push_back(it == record.values.end() ? "(missing)" : it->second);
      }
      auto& group = groups[key];
      ++group.first;
      if (!record.person.empty()) {
        group.second.insert(record.person);
      }
    }
    if (dims.empty() && groups.empty()) {
      groups[{}];
    }
    std::multiset<std::string> expected;
    for (const auto& [key, group] : groups) {
      GroupRow row{key, {}};
      for (bool is_distinct : distinct) {
        row.measures.push_back(is_distinct ? static_cast<double>(group.second.size())
                                           : static_cast<double>(group.first));
      }
      expected.insert(Show(row));
    }
    std::vector<std::string> shown = ShowAll(actual);
    EXPECT_EQ(std::multiset<std::string>(shown.begin(), shown.end()), expected);

    for (size_t i = 0; i + 1 < actual.size(); ++i) {
      const GroupRow& a = actual[i];
      const GroupRow& b = actual[i + 1];
      int c = 0;
      for (const Key& key : keys) {
        if (key.measure) {
          double x = a.measures[key.index];
          double y = b.measures[key.index];
          c = x < y ? -1 : (x > y ? 1 : 0);
        } else {
          c = ReferenceCompare(a.dims[key.index], b.dims[key.index]);
        }
        c = key.descending ? -c : c;
        if (c != 0) {
          break;
        }
      }
      for (size_t d = 0; c == 0 && d < dims.size(); ++d) {
        c = ReferenceCompare(a.dims[d], b.dims[d]);
      }
      EXPECT_LT(c, 0) << "rows " << i << " and " << i + 1 << " out of order: " << Show(a) << " "
                      << Show(b);
    }

    size_t limit = 1 + pick(5);
    std::vector<GroupRow> limited = RunQuery(absl::StrCat(sql, " LIMIT ", limit), records);
    std::vector<std::string> prefix(
        shown.begin(), shown.begin() + static_cast<std::ptrdiff_t>(std::min(limit, shown.size())));
    EXPECT_EQ(ShowAll(limited), prefix);
  }
}

}  // namespace
}  // namespace confide::hub::query
