// No ID number leaks, and DATA_DIR is the owner's alone. Exports carrying ID numbers in every
// form the issue names (two in a cell, letters before one, spaces, dashes, the 15-digit form, in
// the ID column and in other columns) go through the real refresh command; then every file under
// DATA_DIR except the archive (DuckDB files as bytes and through SQL, journals, records, users)
// is searched for any of them, and so is every answer of the server (started as `npm start`
// starts it) to a city admin and a county viewer, and both commands' logs. File modes are
// checked after the refresh and after the server's start.
import { chmodSync, lstatSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../pipelines/config.ts';
import { ID_NUMBER_PATTERN } from '../../pipelines/pii/id-mask.ts';
import { openDatabase, queryJson } from '../../pipelines/warehouse/duckdb.ts';
import { createAuth } from '../../server/auth/auth.ts';
import { dataDirWith, demoRounds, putInInbox } from '../refresh/harness.ts';
import { runRefreshMeasured, startServerProcess, type MeasuredRun, type ServerProcess } from './processes.ts';

/** A GB 11643 ID with a correct check character. */
function validId(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * weights[i]!, 0);
  return first17 + '10X98765432'[sum % 11]!;
}

const A = '331102198705086257';
const B = '33112619940718812X';
const C15 = '331102870508625';
const V = validId('33110219771231356');
/** The IDs of the test data, normalised (no separators, upper case). */
const OURS = [A, B, C15, V];
/** What masking must hide of each: the digits between the first 6 and the last 4. */
const MIDDLES = OURS.map((id) => id.slice(6, -4));

const OFFICES = `司法所编码,司法所名称,所属县（市、区）,类型,所属乡镇（街道）
P1,测试一所,莲都区,重点,街道
P2,测试二所 ${A},莲都区,特级,x
`;
const STAFF = `身份证号,姓名,所属司法所编码,职务,到岗日期,岗位
"${A},${B}",李四,P1,工作人员,2024-01-01,
ID${B},王五,P1,工作人员,2024-01-01,
3311 0219 8705 0862 57,赵六,P1,工作人员,2024-01-01,
331102-19870508-6257,钱七,P1,工作人员,2024-01-01,
${C15},孙八,P1,工作人员,2024-01-01,
${V},周九,ID${B},工作人员,2024-01-01,3311 2619 9407 1881 2X
`;
const CASES = `案件编号,司法所编码,业务类型,受理日期,办结日期,状态,结果
C-PII-1,P1,人民调解,2025-06-01,,办理中,"当事人 ${A},${B}"
ID${B},P1,人民调解,2025-13-01,,办理中,
C-PII-3,331102-19870508-6257,普法宣传,2025-06-01,,办理中,
C-PII-4,P1,人民调解,2025-06-01,,已办结,3311 0219 8705 0862 57
`;
const TRAINING = `培训记录编号,身份证号,培训名称,开始日期,结束日期,学时,培训形式
T-PII-1,331102-19870508-6257,培训,2025-06-01,2025-06-01,8,线下
T-PII-2,${V},课程 ${A},2025-06-01,2025-06-01,8,线上
T-PII-3,${V},课程,2025-06-02,2025-06-02,abc${A},线上
`;

const ID_RUN = new RegExp(ID_NUMBER_PATTERN, 'g');

/** Every full ID number of `known` that `text` holds (in any spelling), and every hidden middle. */
function leaks(text: string, known: ReadonlySet<string>): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(ID_RUN)) {
    const id = match[0].replace(/[ -]/g, '').toUpperCase();
    for (const k of known) if (id.includes(k)) found.add(k);
  }
  for (const middle of MIDDLES) if (text.includes(middle)) found.add(`middle ${middle}`);
  return [...found];
}

let config: Config;
let known: Set<string>;
let refresh: MeasuredRun;
let server: ServerProcess | undefined;

function walk(dir: string, skip: readonly string[]): string[] {
  const out: string[] = [dir];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (skip.includes(full)) continue;
    const stats = lstatSync(full, { throwIfNoEntry: false });
    if (!stats) continue;
    if (stats.isDirectory()) out.push(...walk(full, skip));
    else out.push(full);
  }
  return out;
}

/** Paths under DATA_DIR (inbox excluded: other accounts deliver into it) whose mode is not owner-only. */
function looseModes(): string[] {
  return walk(config.dataDir, [config.inboxDir])
    .flatMap((p) => {
      // A transient file (a lock) may be gone between the listing and its lstat: not a loose one.
      const stats = lstatSync(p, { throwIfNoEntry: false });
      if (!stats) return [];
      const mode = stats.mode & 0o777;
      const loose = stats.isDirectory() ? mode !== 0o700 : stats.isFile() && mode !== 0o600;
      return loose ? [`${path.relative(config.dataDir, p)} ${mode.toString(8)}`] : [];
    });
}

beforeAll(async () => {
  ({ config } = await dataDirWith());
  const rounds = await demoRounds();
  putInInbox(config, rounds[0]!);
  // every ID number of the demo exports counts too
  known = new Set(OURS);
  for (const file of readdirSync(config.inboxDir)) {
    for (const m of readFileSync(path.join(config.inboxDir, file), 'latin1').matchAll(/\d{17}[\dXx]/g)) known.add(m[0].toUpperCase());
  }
  writeFileSync(path.join(config.inboxDir, 'offices_20250610.csv'), OFFICES);
  writeFileSync(path.join(config.inboxDir, 'staff_20250610.csv'), STAFF);
  writeFileSync(path.join(config.inboxDir, 'cases_20250611.csv'), CASES);
  writeFileSync(path.join(config.inboxDir, 'training_20250612.csv'), TRAINING);
  // something already there with the usual umask's modes: tightened by the refresh's start
  chmodSync(config.dataDir, 0o755);
  chmodSync(path.join(config.dataDir, 'config.json'), 0o644);
  refresh = await runRefreshMeasured(config.dataDir);
}, 300_000);

afterAll(async () => {
  await server?.stop();
});

describe('ID numbers never leave masked, DATA_DIR is owner-only', () => {
  it('the refresh rejected the rows and published', () => {
    expect(refresh.code, refresh.stderr).toBe(0);
    expect(refresh.stdout).toMatch(/拒收 1\d 行/);
  });

  it('every file under DATA_DIR but the archive and inbox is free of ID numbers, as bytes', () => {
    const files = walk(config.dataDir, [config.archiveDir, config.inboxDir]).filter((p) => lstatSync(p).isFile());
    expect(files.some((f) => f.endsWith('warehouse.duckdb'))).toBe(true);
    expect(files.some((f) => f.includes(`${path.sep}runs${path.sep}`))).toBe(true);
    for (const file of files) expect(leaks(readFileSync(file, 'latin1'), known), path.relative(config.dataDir, file)).toEqual([]);
  });

  it('every table of every DuckDB file under DATA_DIR is free of ID numbers, read through SQL', async () => {
    const dbFiles = walk(config.dataDir, [config.archiveDir, config.inboxDir]).filter((p) => p.endsWith('.duckdb'));
    expect(dbFiles.length).toBeGreaterThanOrEqual(2); // the warehouse and its analyst copy
    let rejectedRaw = '';
    for (const file of dbFiles) {
      const db = await openDatabase(file, { readOnly: true, threads: 1 });
      try {
        const tables = await queryJson<{ s: string; t: string }>(
          db.connection,
          'SELECT schema_name AS s, table_name AS t FROM duckdb_tables() WHERE database_name = current_database()',
        );
        for (const { s, t } of tables) {
          const text = JSON.stringify(await queryJson(db.connection, `SELECT * FROM "${s}"."${t}"`));
          expect(leaks(text, known), `${path.basename(file)} ${s}.${t}`).toEqual([]);
          if (s === 'audit' && t === 'rejected_rows') rejectedRaw = text;
        }
      } finally {
        db.close();
      }
    }
    // the rows are there, masked: every form reached audit.rejected_rows
    for (const masked of ['331102********6257', '331126********812X', '331102*****8625']) expect(rejectedRaw).toContain(masked);
  });

  it('the logs of the refresh are free of ID numbers', () => {
    expect(leaks(refresh.stdout + refresh.stderr, known)).toEqual([]);
  });

  it('after the refresh every file is 0600 and every folder 0700', () => {
    expect(looseModes()).toEqual([]);
  });

  it('the server tightens what was loosened, at its start', async () => {
    chmodSync(config.warehouseFile, 0o644);
    chmodSync(config.archiveDir, 0o755);
    const journal = readdirSync(path.join(config.dataDir, 'runs'))[0]!;
    chmodSync(path.join(config.dataDir, 'runs', journal), 0o644);
    expect(looseModes().length).toBeGreaterThanOrEqual(3);
    server = await startServerProcess(config.dataDir);
    expect(looseModes()).toEqual([]);
  }, 180_000);

  it('no answer to a city admin or a county viewer holds an ID number; scoped answers are private, no-store', async () => {
    const store = createAuth({ usersFile: config.usersFile, tls: false }).users;
    const admin = (await store.add({ name: 'city-admin', role: 'admin' })).token;
    const viewer = (await store.add({ name: 'lianqu-viewer', role: 'viewer', county: '331102' })).token;
    const paths = [
      '/api/rejects',
      '/api/rejects?format=csv',
      '/api/runs',
      '/quality',
      '/',
      '/county/331102',
      '/cases',
      '/training',
      '/indicators',
      '/api/indicators',
      '/report',
      '/api/dictionary', // the same for every user (not scoped): searched, its caching is its own
    ];
    for (const [who, token] of [['admin', admin], ['viewer', viewer]] as const) {
      let rejects = '';
      for (const p of paths) {
        const { status, headers, body } = await server!.get(p, token);
        expect(leaks(body, known), `${who} ${p} (${status})`).toEqual([]);
        if (status === 200 && p !== '/api/dictionary') expect(headers.get('cache-control'), `${who} ${p}`).toBe('private, no-store');
        if (p === '/api/rejects') rejects = body;
      }
      // the county's rejected rows are shown (masked in their messages), to both
      expect(rejects, who).toContain('身份证号“331102*****8625”');
      expect(rejects, who).toContain('身份证号“ID3311**********812X”');
    }
    expect(leaks(server!.log(), known)).toEqual([]);
    expect(looseModes()).toEqual([]);
  }, 180_000);
});
