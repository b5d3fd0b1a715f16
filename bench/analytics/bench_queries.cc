#include "bench/analytics/bench_queries.h"

namespace confide::bench {

// The peers' tables (see sqlite_runner.cc and duckdb/duckdb_bench.cjs): police_crime(person,
// event_time, offence_group, knife, firearm, domestic, district, age, sex), ed_attendance(person,
// event_time, means_of_assault, admitted, district, age, sex), areas(district, ward, borough),
// populations(area, population). event_time is civil seconds since 1970 as an integer, as the
// hub stores it. Booleans are SQLite's 0/1 integers and DuckDB's BOOLEAN; missing is NULL.
//
// Each peer gets the formulation it runs fastest among the standard ones we tried: SQLite's
// NOT IN (one ephemeral index of the sub-query) and correlated NOT EXISTS (seeks in the
// (person, event_time) index); DuckDB's ANTI JOIN, which beat NOT IN, NOT EXISTS, EXCEPT and a
// LEFT JOIN ... HAVING COUNT = 0 on 10,000,000 records (by about 1.4x for the windowed one).
const std::vector<BenchQuery>& BenchQueries() {
  static const std::vector<BenchQuery> kQueries = {
      {"a", "count by offence group, knife crimes",
       "SELECT offence_group, COUNT(*) FROM police_crime WHERE knife = 'true' "
       "GROUP BY offence_group",
       "SELECT offence_group, COUNT(*) FROM police_crime WHERE knife = 1 GROUP BY offence_group",
       "SELECT offence_group, COUNT(*) FROM police_crime WHERE knife GROUP BY offence_group",
       false},
      {"b", "rate per 1,000 by borough and month",
       "SELECT borough, month, RATE_PER_1000(COUNT(*)) FROM police_crime GROUP BY borough, month",
       "SELECT g.borough, g.month, g.n, g.n * 1000.0 / p.population FROM "
       "(SELECT a.borough AS borough, strftime('%Y-%m', c.event_time, 'unixepoch') AS month, "
       "COUNT(*) AS n FROM police_crime c JOIN areas a ON a.district = c.district "
       "GROUP BY 1, 2) g JOIN populations p ON p.area = g.borough",
       "SELECT g.borough, strftime(g.month, '%Y-%m'), g.n, g.n * 1000.0 / p.population FROM "
       "(SELECT a.borough AS borough, date_trunc('month', make_timestamp(c.event_time * 1000000)) "
       "AS month, COUNT(*) AS n FROM police_crime c JOIN areas a ON a.district = c.district "
       "GROUP BY 1, 2) g JOIN populations p ON p.area = g.borough",
       true},
      {"c", "ED knife victims unknown to police (anti-join)",
       "SELECT COUNT(DISTINCT person) FROM ed_attendance WHERE means_of_assault = 'knife' "
       "AND NOT person IN (SELECT person FROM police_crime WHERE knife = 'true')",
       "SELECT COUNT(DISTINCT person) FROM ed_attendance WHERE means_of_assault = 'knife' "
       "AND person NOT IN (SELECT person FROM police_crime WHERE knife = 1)",
       "SELECT COUNT(DISTINCT e.person) FROM ed_attendance e ANTI JOIN "
       "(SELECT person FROM police_crime WHERE knife) p ON p.person = e.person "
       "WHERE e.means_of_assault = 'knife'",
       false},
      {"d", "... not known to police in the 365 days before",
       "SELECT COUNT(DISTINCT person) FROM ed_attendance WHERE means_of_assault = 'knife' "
       "AND NOT person IN (SELECT person FROM police_crime WHERE knife = 'true') "
       "WITHIN 365 DAYS BEFORE",
       "SELECT COUNT(DISTINCT e.person) FROM ed_attendance e WHERE e.means_of_assault = 'knife' "
       "AND NOT EXISTS (SELECT 1 FROM police_crime p WHERE p.person = e.person AND p.knife = 1 "
       "AND p.event_time BETWEEN e.event_time - 365 * 86400 AND e.event_time)",
       "SELECT COUNT(DISTINCT e.person) FROM ed_attendance e ANTI JOIN police_crime p "
       "ON p.person = e.person AND p.knife "
       "AND p.event_time BETWEEN e.event_time - 365 * 86400 AND e.event_time "
       "WHERE e.means_of_assault = 'knife'",
       false},
  };
  return kQueries;
}

}  // namespace confide::bench
