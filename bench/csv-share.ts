// How much of loading a large GBK case file is spent outside DuckDB?
//   npx tsx bench/csv-share.ts [--rows 1000000] [--keep DIR]
// Generates a synthetic GBK cases CSV (realistic cells: Chinese text, full-width punctuation,
// mixed date forms), then times, on the refresh's own code paths:
//   js        encoding detection + transcoding to UTF-8 NFKC + header (pipelines/read/encoding.ts)
//   read_csv  DuckDB reading the UTF-8 copy into staging.land_cases (pipelines/read/csv.ts)
//   validate  the load-phase SQL models on those rows (typing, reasons, history), when present
// and, for comparison, the plain string path (TextDecoder + String.normalize + Buffer.from).
// Wall seconds and CPU seconds (all threads of the process) are shown: on a busy machine the
// CPU seconds are the steadier measure.
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import iconv from 'iconv-lite';
import { CASES } from '../pipelines/contract/exports.ts';
import { loadProject } from '../pipelines/models/project.ts';
import { prepareWarehouse, runModels } from '../pipelines/models/runner.ts';
import { createPersonKeyMacro } from '../pipelines/pii/person-key.ts';
import { landingInsertSql } from '../pipelines/read/csv.ts';
import { prepareCsv } from '../pipelines/read/encoding.ts';
import { readFirstRecord } from '../pipelines/read/first-record.ts';
import { matchHeaders } from '../pipelines/read/headers.ts';
import { attachStaging, resetLandingTables } from '../pipelines/read/landing.ts';
import { nfkcCsvText } from '../pipelines/read/nfkc.ts';
import { linePieces } from '../pipelines/read/encoding.ts';
import { openDatabase } from '../pipelines/warehouse/duckdb.ts';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, keep: { type: 'string' } } });
const rows = Number(values.rows);
const dir = values.keep ?? mkdtempSync(path.join(tmpdir(), 'csv-share-'));
mkdirSync(dir, { recursive: true });
const file = path.join(dir, 'cases_20251130.csv');

const LINES = ['人民调解', '合法性审查', '行政执法监督', '社区矫正', '安置帮教', '公共法律服务', '普法宣传'];
const STATUS = ['办理中', '已办结', '已办结', '已撤回'];
const OUTCOMES = ['调解成功', '调解不成功', '出具合法性审查意见书（已采纳）', '矫正期满解除', '已移交，待反馈', ''];
const DATES = (i: number) => {
  const m = 1 + (i % 12);
  const d = 1 + (i % 28);
  switch (i % 4) {
    case 0:
      return `2025-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
    case 1:
      return `2025/${m}/${d}`;
    case 2:
      return `2025年${m}月${d}日`;
    default:
      return `2025${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}`;
  }
};

function generate(): void {
  const fd = openSync(file, 'w');
  writeSync(fd, iconv.encode('序号,案件编号,司法所编码,业务类型,受理日期,办结日期,状态,结果,涉及金额（元）,当事人数,承办人\r\n', 'gbk'));
  const batch: string[] = [];
  for (let i = 0; i < rows; i++) {
    const status = STATUS[i % STATUS.length]!;
    const closed = status === '已办结' ? DATES(i + 3) : '';
    const amount = i % 5 === 0 ? `"${(i * 37) % 100000},${String(i % 1000).padStart(3, '0')}.50"` : i % 7 === 0 ? `${1 + (i % 9)}万` : '';
    batch.push(
      `${i + 1},SFAJ2025${String(i).padStart(7, '0')},ＳＦＳ3311${String(2 + (i % 9)).padStart(2, '0')}${String(i % 200).padStart(3, '0')},${LINES[i % LINES.length]},${DATES(i)},${closed},${status},${OUTCOMES[i % OUTCOMES.length]},${amount},${i % 6},承办人${i % 97}`,
    );
    if (batch.length === 50_000 || i === rows - 1) {
      writeSync(fd, iconv.encode(`${batch.join('\r\n')}\r\n`, 'gbk'));
      batch.length = 0;
    }
  }
  closeSync(fd);
}

async function stringPathSeconds(): Promise<number> {
  const started = performance.now();
  const decoder = new TextDecoder('gb18030', { fatal: true });
  let bytes = 0;
  for await (const piece of linePieces(file, { chunkBytes: 4 * 1024 * 1024, skip: 0 })) {
    bytes += Buffer.from(nfkcCsvText(decoder.decode(piece)), 'utf8').length;
  }
  if (bytes === 0) throw new Error('nothing decoded');
  return (performance.now() - started) / 1000;
}

async function main(): Promise<void> {
  const generated = performance.now();
  generate();
  const mb = statSync(file).size / 1e6;
  console.log(`generated ${rows.toLocaleString('en-US')} rows, ${mb.toFixed(1)} MB GBK in ${((performance.now() - generated) / 1000).toFixed(1)} s (${file})`);

  const db = await openDatabase(':memory:', { threads: 2 });
  const project = loadProject();
  const hasValidation = project.models.some((m) => m.relation === 'staging.stg_cases');
  await attachStaging(db.connection);
  await prepareWarehouse(db.connection, project);
  await createPersonKeyMacro(db.connection, randomBytes(32));
  await db.connection.run("SET VARIABLE run_id = 'bench'");
  await resetLandingTables(db.connection);

  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const prepared = await prepareCsv(file, { tmpDir: path.join(dir, 'tmp') });
  const header = await readFirstRecord(prepared.path);
  const mapping = matchHeaders(CASES, header, { row: 1 });
  const t1 = performance.now();
  const c1 = process.cpuUsage();
  const sql = landingInsertSql({
    table: CASES,
    meta: { fileId: 'bench', fileName: path.basename(file), exportDate: '2025-11-30', loadSeq: 1 },
    path: prepared.path,
    width: header.length,
    positions: mapping.positions,
    cells: prepared.cells,
  });
  const landed = Number((await db.connection.runAndReadAll(sql)).getRows()[0]?.[0] ?? 0);
  const t2 = performance.now();
  const c2 = process.cpuUsage();
  let validate = 0;
  if (hasValidation) {
    await runModels(db.connection, project, { phase: 'load' });
    validate = (performance.now() - t2) / 1000;
  }
  const c3 = process.cpuUsage();
  const cpu = (a: NodeJS.CpuUsage, b: NodeJS.CpuUsage) => (b.user - a.user + b.system - a.system) / 1e6;
  const cpuJs = cpu(c0, c1);
  const cpuRead = cpu(c1, c2);
  const cpuValidate = cpu(c2, c3);
  const cpuTotal = cpuJs + cpuRead + cpuValidate;
  await prepared.cleanup();
  db.close();

  const js = (t1 - t0) / 1000;
  const read = (t2 - t1) / 1000;
  const total = js + read + validate;
  const stringPath = await stringPathSeconds();
  const pct = (x: number, of: number) => `${((x / of) * 100).toFixed(1).padStart(5)} %`;
  const line = (label: string, wall: number, cpuSeconds: number) =>
    console.log(`${label.padEnd(34)} wall ${wall.toFixed(2).padStart(6)} s ${pct(wall, total)}   cpu ${cpuSeconds.toFixed(2).padStart(6)} s ${pct(cpuSeconds, cpuTotal)}`);
  console.log(`encoding ${prepared.encoding}, ${landed.toLocaleString('en-US')} rows landed`);
  line('js (detect + transcode + header)', js, cpuJs);
  line('duckdb read_csv → landing', read, cpuRead);
  if (hasValidation) line('duckdb load-phase models', validate, cpuValidate);
  else console.log('duckdb load-phase models           (no sql/staging/stg_cases.sql yet: not measured)');
  line('total', total, cpuTotal);
  console.log(`outside DuckDB: ${pct(js, total)} of the wall time, ${pct(cpuJs, cpuTotal)} of the CPU time`);
  console.log(`for comparison, the string path (TextDecoder + normalize + encode) alone: ${stringPath.toFixed(2)} s`);
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
}

await main();
