#include "tests/hub/analytics/sqlite_oracle.h"

#include <sqlite3.h>

#include <algorithm>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "tests/hub/analytics/sqlite_sql.h"

namespace confide::hub::difftest {
namespace {

absl::Status SqliteError(sqlite3* db, absl::string_view what) {
  return absl::InternalError(absl::StrCat(what, ": ", sqlite3_errmsg(db)));
}

struct StatementCloser {
  void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};
using Statement = std::unique_ptr<sqlite3_stmt, StatementCloser>;

absl::StatusOr<Statement> Prepare(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &raw, nullptr) !=
      SQLITE_OK) {
    return SqliteError(db, absl::StrCat("preparing ", sql));
  }
  return Statement(raw);
}

}  // namespace

SqliteOracle::SqliteOracle(std::shared_ptr<const policy::Policy> policy)
    : policy_(std::move(policy)) {}

SqliteOracle::~SqliteOracle() { sqlite3_close(db_); }

absl::StatusOr<std::unique_ptr<SqliteOracle>> SqliteOracle::Create(
    std::shared_ptr<const policy::Policy> policy) {
  std::unique_ptr<SqliteOracle> oracle(new SqliteOracle(std::move(policy)));
  if (sqlite3_open(":memory:", &oracle->db_) != SQLITE_OK) {
    return absl::InternalError("cannot open an in-memory SQLite database");
  }
  CONFIDE_RETURN_IF_ERROR(oracle->CreateTables());
  return oracle;
}

absl::Status SqliteOracle::Exec(const std::string& sql) const {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    absl::Status status = absl::InternalError(
        absl::StrCat("SQLite: ", error == nullptr ? "unknown error" : error, " in: ", sql));
    sqlite3_free(error);
    return status;
  }
  return absl::OkStatus();
}

absl::Status SqliteOracle::CreateTables() {
  const v1::ReferenceData& reference = policy_->proto().reference();
  CONFIDE_RETURN_IF_ERROR(
      Exec("CREATE TABLE areas (code TEXT PRIMARY KEY, ward TEXT, borough TEXT);"
           "CREATE TABLE populations (area TEXT PRIMARY KEY, population INTEGER);"
           "CREATE TABLE harm_weights (dataset TEXT, code TEXT, weight REAL,"
           " PRIMARY KEY (dataset, code));"));
  std::string inserts = "BEGIN;";
  // OR REPLACE: like the policy's own index, a later entry for the same key wins.
  for (const v1::Area& area : reference.areas()) {
    absl::StrAppend(&inserts, "INSERT OR REPLACE INTO areas VALUES (", Quote(area.code()), ", ",
                    Quote(area.ward()), ", ", Quote(area.borough()), ");");
  }
  for (const v1::Population& population : reference.populations()) {
    absl::StrAppend(&inserts, "INSERT OR REPLACE INTO populations VALUES (",
                    Quote(population.area()), ", ", population.population(), ");");
  }
  for (const v1::HarmWeight& weight : reference.harm_weights()) {
    absl::StrAppend(&inserts, "INSERT OR REPLACE INTO harm_weights VALUES (",
                    Quote(weight.dataset()), ", ", Quote(weight.code()), ", ",
                    absl::StrFormat("%.17g", weight.weight()), ");");
  }
  CONFIDE_RETURN_IF_ERROR(Exec(absl::StrCat(inserts, "COMMIT;")));

  for (const v1::Dataset& dataset : policy_->proto().datasets()) {
    OracleDataset info;
    info.raw_columns = policy_->SendableValues(dataset);
    info.dimensions = policy_->QueryableDimensions(dataset);
    info.harm_field = dataset.harm_field();
    if (const v1::Field* location = policy_->FindField(dataset, dataset.location_field())) {
      info.location_column = location->output_name();
    }
    std::string columns;
    for (const std::string& column : info.raw_columns) {
      absl::StrAppend(&columns, ", ", Ident(column), " TEXT");
    }
    CONFIDE_RETURN_IF_ERROR(Exec(absl::StrCat(
        "CREATE TABLE ", Ident(absl::StrCat("raw_", dataset.id())),
        " (rid INTEGER PRIMARY KEY, person INTEGER NOT NULL, event_time INTEGER NOT NULL", columns,
        ");")));
    CONFIDE_RETURN_IF_ERROR(BuildDimensionTable(dataset.id(), info));
    datasets_[dataset.id()] = std::move(info);
  }
  return absl::OkStatus();
}

absl::Status SqliteOracle::BuildDimensionTable(const std::string& dataset,
                                               const OracleDataset& info) {
  const v1::Dataset* proto = policy_->FindDataset(dataset);
  if (proto == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("unknown dataset '", dataset, "'"));
  }
  // Layer 1 (b): calendar parts of the event time, all from strftime in UTC ("civil") time.
  const std::string t = "r.event_time, 'unixepoch'";
  const std::string parts = absl::StrCat(
      "SELECT r.*, CAST(strftime('%Y', ", t, ") AS INTEGER) AS y__, CAST(strftime('%m', ", t,
      ") AS INTEGER) AS m__, (CAST(strftime('%w', ", t, ") AS INTEGER) + 6) % 7 AS wi__ FROM ",
      Ident(absl::StrCat("raw_", dataset)), " r");
  // Layer 2 (d): the dimensions as text. The ISO week is that of the week's Thursday, numbered
  // by the Thursday's day of its year.
  const std::string bt = "b.event_time, 'unixepoch'";
  const std::string thursday = absl::StrCat("date(", bt, ", (3 - b.wi__) || ' days')");
  const std::string day_name = "substr('MonTueWedThuFriSatSun', b.wi__ * 3 + 1, 3)";
  const std::string fy = "(b.y__ - (b.m__ < 4))";
  std::vector<std::string> select = {"b.rid", "b.person", "b.event_time"};
  for (const std::string& column : info.raw_columns) {
    select.push_back(absl::StrCat("b.", Ident(column)));
  }
  select.push_back("printf('%04d', b.y__) AS \"year\"");
  select.push_back(
      absl::StrCat("printf('%04d/%02d', ", fy, ", (", fy, " + 1) % 100) AS \"financial_year\""));
  select.push_back("printf('%04d-Q%d', b.y__, (b.m__ - 1) / 3 + 1) AS \"quarter\"");
  select.push_back(absl::StrCat("strftime('%Y-%m', ", bt, ") AS \"month\""));
  select.push_back(absl::StrCat("printf('%s-W%02d', strftime('%Y', ", thursday,
                                "), (CAST(strftime('%j', ", thursday,
                                ") AS INTEGER) - 1) / 7 + 1) AS \"week\""));
  select.push_back(absl::StrCat("strftime('%Y-%m-%d', ", bt, ") AS \"day\""));
  select.push_back(absl::StrCat("printf('%d %s', b.wi__ + 1, ", day_name, ") AS \"weekday\""));
  select.push_back(absl::StrCat("strftime('%H', ", bt, ") AS \"hour\""));
  select.push_back(absl::StrCat("printf('%d %s %s', b.wi__ + 1, ", day_name, ", strftime('%H', ",
                                bt, ")) AS \"hour_of_week\""));
  std::string join;
  if (!info.location_column.empty()) {
    select.push_back("NULLIF(a.ward, '') AS \"ward\"");
    select.push_back("NULLIF(a.borough, '') AS \"borough\"");
    join = absl::StrCat(" LEFT JOIN areas a ON a.code = b.", Ident(info.location_column));
  }
  const std::string age_column = policy_->AgeOutput(*proto);
  if (!age_column.empty()) {
    // Whole non-negative years only; anything else has no band.
    const std::string age = absl::StrCat("b.", Ident(age_column));
    const std::string years = absl::StrCat("CAST(", age, " AS INTEGER)");
    select.push_back(absl::StrCat(
        "CASE WHEN ", age, " GLOB '[0-9]*' AND ", age, " NOT GLOB '*[^0-9]*' THEN CASE WHEN ",
        years, " < 10 THEN '0-9' WHEN ", years, " < 18 THEN '10-17' WHEN ", years,
        " < 25 THEN '18-24' WHEN ", years, " < 35 THEN '25-34' WHEN ", years,
        " < 45 THEN '35-44' WHEN ", years, " < 55 THEN '45-54' WHEN ", years,
        " < 65 THEN '55-64' ELSE '65+' END END AS \"age_band\""));
  }
  // Layer 3: the number of every dimension, for comparisons with numeric literals.
  std::vector<std::string> numbers = {"d.*"};
  for (const std::string& dimension : info.dimensions) {
    numbers.push_back(absl::StrCat(NumericSql(absl::StrCat("d.", Ident(dimension))), " AS ",
                                   Ident(absl::StrCat(dimension, "__n"))));
  }
  const std::string table = Ident(absl::StrCat("dim_", dataset));
  return Exec(absl::StrCat("DROP TABLE IF EXISTS ", table, "; CREATE TABLE ", table, " AS SELECT ",
                           absl::StrJoin(numbers, ", "), " FROM (SELECT ",
                           absl::StrJoin(select, ", "), " FROM (", parts, ") b", join, ") d;",
                           "CREATE INDEX ", Ident(absl::StrCat("dim_", dataset, "_person")), " ON ",
                           table, " (person, event_time);"));
}

absl::Status SqliteOracle::Load(const std::vector<v1::StoredRecord>& records,
                                const std::vector<int64_t>& persons) {
  if (records.size() != persons.size()) {
    return absl::InvalidArgumentError(absl::StrCat("expected one person per record, got ",
                                                   persons.size(), " for ", records.size()));
  }
  absl::flat_hash_map<std::string, Statement> inserts;
  for (const auto& [name, info] : datasets_) {
    std::string sql =
        absl::StrCat("INSERT INTO ", Ident(absl::StrCat("raw_", name)), " VALUES (NULL, ?, ?");
    for (size_t i = 0; i < info.raw_columns.size(); ++i) {
      absl::StrAppend(&sql, ", ?");
    }
    CONFIDE_ASSIGN_OR_RETURN(inserts[name], Prepare(db_, absl::StrCat(sql, ")")));
  }
  CONFIDE_RETURN_IF_ERROR(Exec("BEGIN;"));
  for (size_t i = 0; i < records.size(); ++i) {
    const v1::StoredRecord& record = records[i];
    auto insert = inserts.find(record.dataset());
    if (insert == inserts.end()) {
      continue;
    }
    sqlite3_stmt* statement = insert->second.get();
    sqlite3_reset(statement);
    sqlite3_bind_int64(statement, 1, persons[i]);
    sqlite3_bind_int64(statement, 2, record.event_time());
    const std::vector<std::string>& columns = datasets_.at(record.dataset()).raw_columns;
    for (size_t c = 0; c < columns.size(); ++c) {
      auto value = record.values().find(columns[c]);
      if (value == record.values().end()) {
        sqlite3_bind_null(statement, static_cast<int>(c) + 3);
      } else {
        sqlite3_bind_text(statement, static_cast<int>(c) + 3, value->second.data(),
                          static_cast<int>(value->second.size()), SQLITE_TRANSIENT);
      }
    }
    if (sqlite3_step(statement) != SQLITE_DONE) {
      absl::Status error = SqliteError(db_, "inserting a record");
      Exec("ROLLBACK;").IgnoreError();  // nothing half-loaded stays behind
      return error;
    }
  }
  CONFIDE_RETURN_IF_ERROR(Exec("COMMIT;"));
  for (const auto& [name, info] : datasets_) {
    CONFIDE_RETURN_IF_ERROR(BuildDimensionTable(name, info));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> SqliteOracle::Translate(const query::ParsedQuery& query,
                                                    const OracleCutoffs& cutoffs) const {
  auto found = datasets_.find(query.dataset);
  if (found == datasets_.end()) {
    return absl::InvalidArgumentError(absl::StrCat("unknown dataset '", query.dataset, "'"));
  }
  const OracleDataset& info = found->second;
  WhereTranslator translator(datasets_, cutoffs);
  std::vector<std::string> inner;  // columns of the filtered rows f
  std::vector<std::string> dims;   // group columns g0.., in SELECT order
  std::vector<std::string> partition;
  int area = -1;  // the group column of the (one) area dimension, if any
  int areas = 0;
  for (const query::SelectItem& item : query.select) {
    if (item.kind != query::SelectItem::Kind::kDimension) {
      continue;
    }
    const std::string& name = item.column.name;
    if (std::find(info.dimensions.begin(), info.dimensions.end(), name) == info.dimensions.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown column '", name, "' in dataset '", query.dataset, "'"));
    }
    if (name == "borough" || name == "ward" || name == info.location_column) {
      area = static_cast<int>(dims.size());
      ++areas;
    }
    const std::string value = absl::StrCat("COALESCE(v.", Ident(name), ", ", Quote(kMissing), ")");
    const std::string alias = absl::StrCat("g", dims.size());
    inner.push_back(absl::StrCat(value, " AS ", alias));
    partition.push_back(value);
    dims.push_back(alias);
  }
  partition.push_back("v.person");
  inner.push_back("v.person AS person");
  inner.push_back("v.event_time AS t");
  std::vector<std::string> measures;
  bool harm = false;
  for (const query::SelectItem& item : query.select) {
    if (item.kind != query::SelectItem::Kind::kAggregate) {
      continue;
    }
    const query::Aggregate& aggregate = item.aggregate;
    const std::string population =
        area >= 0
            ? absl::StrCat("(SELECT p.population FROM populations p WHERE p.area = f.g", area, ")")
            : "(SELECT TOTAL(p.population) FROM populations p)";
    switch (aggregate.kind) {
      case query::AggregateKind::kCountStar:
        measures.push_back("COUNT(*)");
        break;
      case query::AggregateKind::kCountDistinctPerson:
        measures.push_back("COUNT(DISTINCT f.person)");
        break;
      case query::AggregateKind::kSumHarm:
        if (info.harm_field.empty()) {
          return absl::InvalidArgumentError(
              absl::StrCat("dataset '", query.dataset, "' has no harm field"));
        }
        harm = true;
        measures.push_back("TOTAL(f.harm)");
        break;
      case query::AggregateKind::kRatePer1000CountStar:
      case query::AggregateKind::kRatePer1000CountDistinctPerson: {
        if (areas > 1) {
          return absl::InvalidArgumentError("RATE_PER_1000 needs at most one area dimension");
        }
        // NULL (an unknown or zero population) reads as NaN.
        const bool star = aggregate.kind == query::AggregateKind::kRatePer1000CountStar;
        measures.push_back(absl::StrCat(star ? "COUNT(*)" : "COUNT(DISTINCT f.person)",
                                        " * 1000.0 / NULLIF(", population, ", 0)"));
        break;
      }
      case query::AggregateKind::kRepeatRate: {
        if (aggregate.args.size() != 2 || aggregate.args[0] < 1 || aggregate.args[1] < 1) {
          return absl::InvalidArgumentError("REPEAT_RATE needs two positive arguments");
        }
        // The n-th matching event of the same person in the same group, counting this one: the
        // person repeats when some n consecutive events span at most w days.
        const std::string lead = absl::StrCat("lead", measures.size());
        inner.push_back(absl::StrCat("LEAD(v.event_time, ", aggregate.args[0] - 1,
                                     ") OVER (PARTITION BY ", absl::StrJoin(partition, ", "),
                                     " ORDER BY v.event_time) AS ", lead));
        const int64_t window = std::min<int64_t>(aggregate.args[1], 1000000000) * kSecondsPerDay;
        // Over no persons at all the rate is 0 (an empty cohort has no repeaters).
        measures.push_back(
            absl::StrCat("COALESCE(100.0 * COUNT(DISTINCT CASE WHEN f.", lead, " - f.t <= ", window,
                         " THEN f.person END) / NULLIF(COUNT(DISTINCT f.person), 0), 0)"));
        break;
      }
    }
  }
  std::string from = absl::StrCat(Ident(absl::StrCat("dim_", query.dataset)), " v");
  if (harm) {
    // A code without a weight (or no code at all) weighs nothing.
    inner.push_back("COALESCE(hw.weight, 0) AS harm");
    absl::StrAppend(&from, " LEFT JOIN harm_weights hw ON hw.dataset = ", Quote(query.dataset),
                    " AND hw.code = v.", Ident(info.harm_field));
  }
  std::string where = translator.CutoffSql(query.dataset, "v");
  if (query.where != nullptr) {
    CONFIDE_ASSIGN_OR_RETURN(std::string condition,
                             translator.Translate(*query.where, query.dataset, "v"));
    absl::StrAppend(&where, " AND ", condition);
  }
  std::vector<std::string> outer = dims;
  outer.insert(outer.end(), measures.begin(), measures.end());
  std::string sql =
      absl::StrCat("SELECT ", absl::StrJoin(outer, ", "), " FROM (SELECT ",
                   absl::StrJoin(inner, ", "), " FROM ", from, " WHERE ", where, ") f");
  if (!dims.empty()) {
    absl::StrAppend(&sql, " GROUP BY ", absl::StrJoin(dims, ", "));
  }
  return sql;
}

absl::StatusOr<std::vector<query::GroupRow>> SqliteOracle::Run(const query::ParsedQuery& query,
                                                               const OracleCutoffs& cutoffs) const {
  CONFIDE_ASSIGN_OR_RETURN(std::string sql, Translate(query, cutoffs));
  size_t dims = 0;
  for (const query::SelectItem& item : query.select) {
    dims += item.kind == query::SelectItem::Kind::kDimension ? 1 : 0;
  }
  const size_t measures = query.select.size() - dims;
  CONFIDE_ASSIGN_OR_RETURN(Statement statement, Prepare(db_, sql));
  std::vector<query::GroupRow> rows;
  int step = SQLITE_ROW;
  while ((step = sqlite3_step(statement.get())) == SQLITE_ROW) {
    query::GroupRow row;
    for (size_t i = 0; i < dims; ++i) {
      const int column = static_cast<int>(i);
      const unsigned char* text = sqlite3_column_text(statement.get(), column);
      // COALESCE leaves no NULL; an empty text may still come back as a null pointer.
      row.dims.push_back(text == nullptr
                             ? std::string()
                             : std::string(reinterpret_cast<const char*>(text),
                                           sqlite3_column_bytes(statement.get(), column)));
    }
    for (size_t i = 0; i < measures; ++i) {
      const int column = static_cast<int>(dims + i);
      row.measures.push_back(sqlite3_column_type(statement.get(), column) == SQLITE_NULL
                                 ? std::numeric_limits<double>::quiet_NaN()
                                 : sqlite3_column_double(statement.get(), column));
    }
    rows.push_back(std::move(row));
  }
  if (step != SQLITE_DONE) {
    return SqliteError(db_, absl::StrCat("running ", sql));
  }
  return rows;
}

}  // namespace confide::hub::difftest
