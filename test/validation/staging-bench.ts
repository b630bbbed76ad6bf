// How long the load-phase models take to type and validate one big case file: lands N case
// rows (default 1,000,000; realistic forms, 1 row in 500 a duplicate, a few bad rows) after a
// snapshot of 40,000 offices, runs the real load phase and prints the seconds of each model.
// Not a test (no timing is asserted anywhere): `npx tsx test/validation/staging-bench.ts [N] [FILE]`.
import { runModels } from '../../pipelines/models/runner.ts';
import { openHarness } from './harness.ts';

const rows = Number(process.argv[2] ?? 1_000_000);
const file = process.argv[3] ?? ':memory:';
const h = await openHarness(file);
const c = h.connection;

async function timedLoad(label: string): Promise<void> {
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const results = await runModels(c, h.project, { phase: 'load' });
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const detail = results.map((r) => `${r.relation} ${r.seconds.toFixed(2)}`).join(', ');
  // CPU seconds count every DuckDB thread; on a shared machine they vary less than wall time
  console.log(`${label}: ${seconds.toFixed(2)} s wall, ${cpuSeconds.toFixed(2)} s CPU (${detail})`);
  await c.run('DELETE FROM staging.land_offices');
  await c.run('DELETE FROM staging.land_cases');
}

await c.run(`INSERT INTO staging.land_offices (file_id, file_name, row_number, export_date, load_seq, office_code, office_name, county, tier)
  SELECT 'offices', 'offices_20250630.csv', i + 2, DATE '2025-06-30', 1, 'SFS' || i, '司法所' || i,
         (['莲都区', '青田', '331122', '景宁'])[i % 4 + 1], CASE WHEN i % 5 = 0 THEN '重点所' ELSE '普通' END
  FROM range(40000) AS t(i)`);
await timedLoad('snapshot of 40,000 offices');

// Row i: every date form of exports.md in turn, amounts with separators and 万, white space
// inside enums; every 500th case_id repeats the one before (duplicate_key); office SFS40000…
// does not exist (unknown_office, 1 row in 4,001); every 997th received date is impossible.
await c.run(`INSERT INTO staging.land_cases (file_id, file_name, row_number, export_date, load_seq, case_id, office_code,
    business_line, received_date, closed_date, status, outcome, amount, parties)
  SELECT 'cases', 'cases_20250701.csv', i + 2, DATE '2025-07-01', 2,
    'SFAJ' || (CASE WHEN i % 500 = 7 THEN i - 1 ELSE i END),
    'SFS' || (i % 40001),
    (['人民调解', '合法性审查', '社区矫正', '普法 宣传', '行政执法监督', '安置帮教', '公共法律服务'])[i % 7 + 1],
    CASE WHEN i % 997 = 0 THEN '2025-02-30'
         ELSE (['2025-03-04', '2025/3/4', '2025年3月4日', '20250304', '2025.3.4 10:00', '2025-3-4'])[i % 6 + 1] END,
    CASE WHEN i % 3 = 0 THEN (['2025-04-01', '2025/4/1', '2025-04-1'])[i % 3 + 1] END,
    CASE WHEN i % 3 = 0 THEN '已办结' ELSE '办理中' END,
    CASE WHEN i % 3 = 0 THEN '调解 成功' END,
    (['12,000.50', '1.2万', '300', '100', NULL, '0'])[i % 6 + 1],
    (['2', '3', '1', '4', NULL])[i % 5 + 1]
  FROM range(${rows}) AS t(i)`);
await timedLoad(`${rows.toLocaleString('en-US')} case rows`);
console.log(await h.query('SELECT reason_code, count(*)::INTEGER AS n FROM audit.rejected_rows GROUP BY 1 ORDER BY 1'));
h.close();
