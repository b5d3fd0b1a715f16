// The SQLite peer, through its C API in-process: an in-memory database (as the engine and the
// DuckDB peer are in memory), loaded with prepared INSERTs in one transaction, then indexed for
// the linked queries (person, event_time) and ANALYZEd, as a careful user would; the sorter may
// use the same threads as the other systems (PRAGMA threads).

#include <sqlite3.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "bench/analytics/bench_queries.h"
#include "bench/analytics/runners.h"

namespace confide::bench {
namespace {

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using Db = std::unique_ptr<sqlite3, DbCloser>;
using Stmt = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

constexpr const char* kSchema = R"sql(
CREATE TABLE police_crime(person INTEGER NOT NULL, event_time INTEGER NOT NULL,
  offence_group TEXT, knife INTEGER, firearm INTEGER, domestic INTEGER, district TEXT,
  age INTEGER, sex TEXT);
CREATE TABLE ed_attendance(person INTEGER NOT NULL, event_time INTEGER NOT NULL,
  means_of_assault TEXT, admitted INTEGER, district TEXT, age INTEGER, sex TEXT);
CREATE TABLE areas(district TEXT PRIMARY KEY, ward TEXT, borough TEXT) WITHOUT ROWID;
CREATE TABLE populations(area TEXT PRIMARY KEY, population INTEGER) WITHOUT ROWID;
)sql";

class Sqlite {
 public:
  explicit Sqlite(ReportWriter& out) : out_(out) {}

  bool Open(int threads) {
    sqlite3* db = nullptr;
    const int rc = sqlite3_open(":memory:", &db);
    db_.reset(db);
    return Check(rc, "open") &&
           Exec(absl::StrCat("PRAGMA temp_store = MEMORY; PRAGMA threads = ", threads));
  }

  bool Exec(const std::string& sql) {
    char* message = nullptr;
    const int rc = sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
      out_.Error(absl::StrCat("SQLite: ", message != nullptr ? message : "?", " in: ", sql));
      sqlite3_free(message);
      return false;
    }
    return true;
  }

  Stmt Prepare(const char* sql) {
    sqlite3_stmt* stmt = nullptr;
    if (!Check(sqlite3_prepare_v2(db_.get(), sql, -1, &stmt, nullptr), sql)) {
      return nullptr;
    }
    return Stmt(stmt);
  }

  bool Check(int rc, absl::string_view what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
      out_.Error(absl::StrCat("SQLite: ", sqlite3_errmsg(db_.get()), " (", what, ")"));
      return false;
    }
    return true;
  }

 private:
  Db db_;
  ReportWriter& out_;
};

void BindFlag(sqlite3_stmt* stmt, int column, const char* flag) {
  if (flag == nullptr) {
    sqlite3_bind_null(stmt, column);
  } else {
    sqlite3_bind_int(stmt, column, flag[0] == 't' ? 1 : 0);
  }
}

bool LoadReference(Sqlite& db, const policy::Policy& policy) {
  Stmt area = db.Prepare("INSERT INTO areas VALUES (?, ?, ?)");
  Stmt population = db.Prepare("INSERT INTO populations VALUES (?, ?)");
  if (area == nullptr || population == nullptr) {
    return false;
  }
  for (const v1::Area& a : policy.proto().reference().areas()) {
    sqlite3_bind_text(area.get(), 1, a.code().c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(area.get(), 2, a.ward().c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(area.get(), 3, a.borough().c_str(), -1, SQLITE_TRANSIENT);
    if (!db.Check(sqlite3_step(area.get()), "insert area") ||
        !db.Check(sqlite3_reset(area.get()), "insert area")) {
      return false;
    }
  }
  for (const v1::Population& p : policy.proto().reference().populations()) {
    sqlite3_bind_text(population.get(), 1, p.area().c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(population.get(), 2, p.population());
    if (!db.Check(sqlite3_step(population.get()), "insert population") ||
        !db.Check(sqlite3_reset(population.get()), "insert population")) {
      return false;
    }
  }
  return true;
}

// Inserts every record; generating them is not timed. Returns the seconds spent in SQLite, or
// -1 on failure.
double LoadRecords(Sqlite& db, const SyntheticRecords& data) {
  Stmt police = db.Prepare("INSERT INTO police_crime VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  Stmt ed = db.Prepare("INSERT INTO ed_attendance VALUES (?, ?, ?, ?, ?, ?, ?)");
  if (police == nullptr || ed == nullptr || !db.Exec("BEGIN")) {
    return -1;
  }
  constexpr int64_t kBatch = 10000;
  std::vector<SyntheticRow> rows(kBatch);
  double seconds = 0;
  for (int64_t i = 0; i < data.size(); i += kBatch) {
    const int64_t count = std::min(kBatch, data.size() - i);
    for (int64_t j = 0; j < count; ++j) {
      rows[j] = data.Row(i + j);
    }
    const auto start = std::chrono::steady_clock::now();
    for (int64_t j = 0; j < count; ++j) {
      const SyntheticRow& r = rows[j];
      sqlite3_stmt* stmt = r.police ? police.get() : ed.get();
      int c = 1;
      sqlite3_bind_int64(stmt, c++, static_cast<sqlite3_int64>(r.person));
      sqlite3_bind_int64(stmt, c++, r.event_time);
      sqlite3_bind_text(stmt, c++, r.category, -1, SQLITE_STATIC);
      BindFlag(stmt, c++, r.flag);
      if (r.police) {
        BindFlag(stmt, c++, r.firearm);
        BindFlag(stmt, c++, r.domestic);
      }
      sqlite3_bind_text(stmt, c++, r.district->c_str(), -1, SQLITE_STATIC);
      sqlite3_bind_int(stmt, c++, r.age);
      sqlite3_bind_text(stmt, c++, r.sex, -1, SQLITE_STATIC);
      if (!db.Check(sqlite3_step(stmt), "insert") || !db.Check(sqlite3_reset(stmt), "insert")) {
        return -1;
      }
    }
    seconds += SecondsSince(start);
  }
  const auto start = std::chrono::steady_clock::now();
  return db.Exec("COMMIT") ? seconds + SecondsSince(start) : -1;
}

}  // namespace

void RunSqlite(const SyntheticRecords& data, const RunConfig& config, ReportWriter& out) {
  out.System(absl::StrCat("SQLite ", sqlite3_libversion(), " (C API, in-memory)"));
  const double base_rss = RssMb("VmRSS:");
  ResetPeakRss();
  Sqlite db(out);
  if (!db.Open(config.threads) || !db.Exec(kSchema) || !LoadReference(db, data.policy())) {
    return;
  }
  const double insert_s = LoadRecords(db, data);
  if (insert_s < 0) {
    return;
  }
  auto start = std::chrono::steady_clock::now();
  if (!db.Exec("CREATE INDEX police_crime_person ON police_crime(person, event_time)")) {
    return;
  }
  const double index_s = SecondsSince(start);
  start = std::chrono::steady_clock::now();
  if (!db.Exec("ANALYZE")) {
    return;
  }
  const double analyze_s = SecondsSince(start);
  out.Load(insert_s + index_s + analyze_s,
           absl::StrFormat("INSERT %.2f s (%.0f records/s) + CREATE INDEX %.2f s + ANALYZE %.2f s",
                           insert_s, data.size() / insert_s, index_s, analyze_s));
  const double rss_load = RssMb("VmRSS:") - base_rss;

  for (const BenchQuery& query : BenchQueries()) {
    std::vector<ResultRow> rows;
    auto run = [&] {
      rows.clear();
      Stmt stmt = db.Prepare(query.sqlite);
      if (stmt == nullptr) {
        return false;
      }
      const int columns = sqlite3_column_count(stmt.get());
      const int dims = columns - (query.has_rate ? 2 : 1);
      int rc;
      while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
        ResultRow row;
        std::vector<std::string> values;
        for (int c = 0; c < dims; ++c) {
          const unsigned char* text = sqlite3_column_text(stmt.get(), c);
          values.emplace_back(text == nullptr ? "(null)" : reinterpret_cast<const char*>(text));
        }
        row.key = absl::StrJoin(values, kKeySeparator);
        row.count = sqlite3_column_int64(stmt.get(), dims);
        row.rate = query.has_rate ? sqlite3_column_double(stmt.get(), dims + 1) : -1;
        rows.push_back(std::move(row));
      }
      return db.Check(rc, query.id);
    };
    QueryRun timings;
    if (!TimeRuns(config.runs, run, timings)) {
      return;
    }
    out.Time(query.id, timings);
    for (const ResultRow& row : rows) {
      out.Row(query.id, row);
    }
  }
  out.Memory(rss_load, RssMb("VmHWM:") - base_rss);
  out.LoadAverage();
  out.Done();
}

}  // namespace confide::bench
