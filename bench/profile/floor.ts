// A rough floor for profiling (the benchmark's own floor is bench/main.ts): UTF-8 copies of every
// CSV export of a folder (made first, not timed), then DuckDB alone reads each into a table with
// its columns typed (dates by try_strptime over the contract's forms, numbers, integers, yes/no),
// nothing else. Prints seconds and rows.
//   npx tsx bench/profile/floor.ts --exports DIR [--threads 2] [--memory 4GB]
import { mkdir, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { classifyFileName, type ColumnSpec } from '../../pipelines/contract/exports.ts';
import { prepareCsv } from '../../pipelines/read/encoding.ts';
import { readFirstRecord } from '../../pipelines/read/first-record.ts';
import { matchHeaders } from '../../pipelines/read/headers.ts';
import { openDatabase, quoteIdent, quoteLiteral } from '../../pipelines/warehouse/duckdb.ts';

const { values } = parseArgs({ options: { exports: { type: 'string' }, threads: { type: 'string' }, memory: { type: 'string' } } });
if (!values.exports) throw new Error('--exports DIR is required');
const tmp = path.join(os.tmpdir(), `floor-${process.pid}`);
await mkdir(tmp, { recursive: true });

const copies: { path: string; columns: { spec: ColumnSpec; position: number }[]; width: number; cleanup: () => Promise<void> }[] = [];
for (const name of (await readdir(values.exports)).sort()) {
  const classified = classifyFileName(name);
  if (!classified || classified.format !== 'csv') continue;
  const prepared = await prepareCsv(path.join(values.exports, name), { tmpDir: tmp });
  const header = await readFirstRecord(prepared.path);
  const { positions } = matchHeaders(classified.tables[0]!, header, { row: 1 });
  const columns = classified.tables[0]!.columns.filter((c) => positions.has(c.alias)).map((spec) => ({ spec, position: positions.get(spec.alias)! }));
  copies.push({ path: prepared.path, columns, width: header.length, cleanup: prepared.cleanup });
}

const db = await openDatabase(':memory:', { threads: Number(values.threads ?? 2), memoryLimit: values.memory ?? '4GB' });
const started = performance.now();
const cpu = process.cpuUsage();
let rows = 0;
for (const [i, copy] of copies.entries()) {
  const select = copy.columns.map((c) => `${typed(c.spec, `c${c.position}`)} AS ${quoteIdent(c.spec.alias)}`).join(', ');
  const types = Array.from({ length: copy.width }, (_, k) => `'c${k}': 'VARCHAR'`).join(', ');
  await db.connection.run(`CREATE TABLE t${i} AS SELECT ${select} FROM read_csv(${quoteLiteral(copy.path)}, header = true, columns = {${types}}, auto_detect = false, strict_mode = false, null_padding = true)`);
  const reader = await db.connection.runAndReadAll(`SELECT count(*) FROM t${i}`);
  rows += Number(reader.getRows()[0]![0]);
}
const seconds = (performance.now() - started) / 1000;
const used = process.cpuUsage(cpu);
console.log(`floor: ${seconds.toFixed(2)} s wall, ${((used.user + used.system) / 1e6).toFixed(2)} s CPU for ${rows} rows in ${copies.length} CSV files, peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`);
db.close();
for (const copy of copies) await copy.cleanup();
await rm(tmp, { recursive: true, force: true });

function typed(column: ColumnSpec, cell: string): string {
  const v = `trim(${quoteIdent(cell)})`;
  switch (column.type) {
    case 'date':
      return `try_strptime(${v}, ['%Y-%m-%d', '%Y/%m/%d', '%Y.%m.%d', '%Y年%m月%d日', '%Y%m%d'])::DATE`;
    case 'number':
      return `TRY_CAST(replace(${v}, ',', '') AS DOUBLE)`;
    case 'int':
      return `TRY_CAST(${v} AS INTEGER)`;
    case 'bool':
      return `CASE WHEN ${v} IN ('是', 'Y', 'y', '1') THEN true WHEN ${v} IN ('否', 'N', 'n', '0') THEN false END`;
    default:
      return v;
  }
}
