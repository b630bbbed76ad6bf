// Times SQL statements on one DuckDB connection, for profiling experiments: each argument is a
// file of statements separated by lines holding only `;;`; every statement's wall seconds and
// the process's CPU seconds are printed. `--db FILE` (default in memory), `--threads N`.
//   npx tsx bench/profile/sql-timer.ts [--db FILE] setup.sql experiment.sql
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { openDatabase } from '../../pipelines/warehouse/duckdb.ts';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { db: { type: 'string' }, threads: { type: 'string' } } });
const db = await openDatabase(values.db ?? ':memory:', { threads: Number(values.threads ?? 2), memoryLimit: '4GB' });
for (const file of positionals) {
  for (const statement of readFileSync(file, 'utf8').split(/^;;\s*$/m).map((s) => s.trim()).filter(Boolean)) {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const reader = await db.connection.runAndReadAll(statement);
    const used = process.cpuUsage(cpu); const sys = used.system / 1e6;
    const rows = reader.getRows().slice(0, 5).map((r) => r.map(String).join(' | '));
    const title = statement.split('\n').find((l) => l.startsWith('--')) ?? statement.slice(0, 60).replace(/\s+/g, ' ');
    console.log(`${((performance.now() - started) / 1000).toFixed(2).padStart(6)} s wall ${((used.user + used.system) / 1e6).toFixed(2).padStart(6)} s CPU (sys ${sys.toFixed(2)})  ${title}${rows.length && rows[0]!.length < 200 ? `  → ${rows.join(' / ')}` : ''}`);
  }
}
db.close();
