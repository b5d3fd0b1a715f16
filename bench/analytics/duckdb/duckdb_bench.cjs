// The DuckDB peer of confide-analytics-bench, run by it as
//   node duckdb_bench.cjs --modules DIR --data DIR --runs N --threads T
// DIR (--modules) holds package.json and node_modules with @duckdb/node-api, installed there by
// run-analytics-bench. --data holds the CSV files and duckdb-queries.tsv (id, has_rate, SQL)
// that the bench wrote. Loads the CSV into an in-memory database, runs each query once to warm
// up and then N times, and reports on stdout in the line protocol of bench_report.h.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { createRequire } = require('module');

function parseArgs(argv) {
  const args = { runs: 5, threads: 2 };
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, '');
    args[name] = argv[i + 1];
  }
  for (const required of ['modules', 'data']) {
    if (!args[required]) {
      throw new Error(`missing --${required}`);
    }
  }
  args.runs = Math.max(1, parseInt(args.runs, 10));
  args.threads = Math.max(1, parseInt(args.threads, 10));
  return args;
}

// Resident set size fields of /proc/self/status in MB.
function rssMb(field) {
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  const line = status.split('\n').find((l) => l.startsWith(field));
  return line ? parseInt(line.slice(field.length), 10) / 1024 : -1;
}

function clean(text) {
  return String(text).replace(/[\t\n]/g, ' ');
}

function sqlString(text) {
  return `'${text.replace(/'/g, "''")}'`;
}

const kTables = {
  police_crime: {
    person: 'BIGINT', event_time: 'BIGINT', offence_group: 'VARCHAR', knife: 'BOOLEAN',
    firearm: 'BOOLEAN', domestic: 'BOOLEAN', district: 'VARCHAR', age: 'INTEGER', sex: 'VARCHAR',
  },
  ed_attendance: {
    person: 'BIGINT', event_time: 'BIGINT', means_of_assault: 'VARCHAR', admitted: 'BOOLEAN',
    district: 'VARCHAR', age: 'INTEGER', sex: 'VARCHAR',
  },
  areas: { district: 'VARCHAR', ward: 'VARCHAR', borough: 'VARCHAR' },
  populations: { area: 'VARCHAR', population: 'BIGINT' },
};

function loadSql(dataDir, table) {
  const columns = Object.entries(kTables[table])
    .map(([name, type]) => `${sqlString(name)}: ${sqlString(type)}`)
    .join(', ');
  const file = sqlString(path.join(dataDir, `${table}.csv`));
  return `CREATE TABLE ${table} AS SELECT * FROM read_csv(${file}, header = true, ` +
    `delim = ',', quote = '', columns = {${columns}})`;
}

function seconds(start) {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const out = (fields) => process.stdout.write(`${fields.map(clean).join('\t')}\n`);
  let duckdb;
  try {
    duckdb = createRequire(path.join(path.resolve(args.modules), 'package.json'))(
      '@duckdb/node-api');
  } catch (e) {
    out(['error', `@duckdb/node-api is not installed in ${args.modules} ` +
      `(run bench/analytics/run-analytics-bench): ${e.message}`]);
    return;
  }
  const queries = fs.readFileSync(path.join(args.data, 'duckdb-queries.tsv'), 'utf8')
    .split('\n').filter((l) => l.length > 0)
    .map((l) => {
      const [id, hasRate, sql] = l.split('\t');
      return { id, hasRate: hasRate === '1', sql };
    });

  const baseRss = rssMb('VmRSS:');
  fs.writeFileSync('/proc/self/clear_refs', '5');  // reset VmHWM
  const instance = await duckdb.DuckDBInstance.create(':memory:', {
    threads: String(args.threads),
  });
  const connection = await instance.connect();
  const version = (await connection.runAndReadAll('SELECT version()')).getRowsJS()[0][0];
  out(['system', `DuckDB ${version} (@duckdb/node-api, in-memory)`]);

  let start = process.hrtime.bigint();
  const parts = [];
  for (const table of Object.keys(kTables)) {
    const tableStart = process.hrtime.bigint();
    await connection.run(loadSql(args.data, table));
    parts.push(`${table} ${seconds(tableStart).toFixed(2)} s`);
  }
  out(['load', seconds(start).toFixed(6), `read_csv into tables: ${parts.join(', ')}`]);
  const rssLoad = rssMb('VmRSS:') - baseRss;

  for (const query of queries) {
    let rows = [];
    let warmup = 0;
    const times = [];
    const cpuTimes = [];  // process CPU time, all threads (DuckDB's workers included)
    for (let i = 0; i <= args.runs; ++i) {
      const cpu = process.cpuUsage();
      start = process.hrtime.bigint();
      const reader = await connection.runAndReadAll(query.sql);
      rows = reader.getRowsJS();
      const s = seconds(start);
      const used = process.cpuUsage(cpu);
      if (i === 0) {
        warmup = s;
      } else {
        times.push(s);
        cpuTimes.push((used.user + used.system) / 1e6);
      }
    }
    const list = (values) => values.map((t) => t.toFixed(6)).join(',');
    out(['time', query.id, warmup.toFixed(6), list(times), list(cpuTimes)]);
    for (const row of rows) {
      const dims = row.length - (query.hasRate ? 2 : 1);
      const key = row.slice(0, dims).map((v) => (v === null ? '(null)' : String(v)));
      const rate = query.hasRate ? Number(row[dims + 1]).toPrecision(17) : '-';
      out(['row', query.id, key.join(' / '), String(row[dims]), rate]);
    }
  }
  out(['memory', rssLoad.toFixed(1), (rssMb('VmHWM:') - baseRss).toFixed(1)]);
  out(['loadavg', os.loadavg()[0].toFixed(2)]);
  connection.closeSync();
  instance.closeSync();
  out(['done']);
}

main().catch((e) => {
  process.stdout.write(`error\t${clean(e && e.stack ? e.stack : e)}\n`);
  process.exitCode = 1;
});
