// The tiny demo set: the right files under the contract's names, each encoding and format,
// headers that are the contract's, every planted bad row rejected for its planted reason (and
// no other row rejected) by an independent reading of exports.md, valid ID numbers elsewhere,
// and the same bytes for the same seed.
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyFileName } from '../../pipelines/contract/exports.ts';
import { generateDemoExports, type DemoProgress, type DemoSummary } from '../../pipelines/demo/generate.ts';
import { checkDemoSet, CONTRACT_COLUMNS, type CheckedSet } from './check-set.ts';
import { normalizeHeader } from './reference-reader.ts';
import { idCheckOk } from './reference-rules.ts';

const END = '2025-11-30';
let root: string;
let dir: string;
let summary: DemoSummary;
let checked: CheckedSet;
const progress: DemoProgress[] = [];

async function digests(folder: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(folder)).sort()) out[name] = createHash('sha256').update(await readFile(path.join(folder, name))).digest('hex');
  return out;
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'demo-tiny-'));
  dir = path.join(root, 'a');
  summary = await generateDemoExports({ outDir: dir, scale: 'tiny', seed: 11, endDate: END, onProgress: (p) => progress.push(p) });
  checked = await checkDemoSet(dir, summary);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
});

describe('tiny demo set', () => {
  it('writes two exports of each kind under the contract names, plus one unknown file', async () => {
    const names = (await readdir(dir)).sort();
    expect(names).toEqual(summary.files.map((f) => f.fileName).sort());
    const kinds = names.map((name) => classifyFileName(name)?.kind ?? 'unknown');
    expect(kinds.filter((k) => k === 'cases')).toHaveLength(2);
    expect(kinds.filter((k) => k === 'training')).toHaveLength(2);
    // Two snapshots: a workbook, and a CSV pair of the same date.
    expect(kinds.filter((k) => k === 'office_workbook')).toHaveLength(1);
    const pair = names.filter((n) => /^(offices|staff)_\d{8}\.csv$/.test(n));
    expect(pair).toHaveLength(2);
    expect(pair[0]?.slice(-12)).toBe(pair[1]?.slice(-12));
    expect(kinds.filter((k) => k === 'unknown')).toEqual(['unknown']);
    for (const file of summary.files) {
      if (file.kind === 'unknown') continue;
      const classified = classifyFileName(file.fileName);
      expect(classified?.kind).toBe(file.kind);
      expect(classified?.exportDate).toBe(file.exportDate);
    }
    expect(summary.files.map((f) => f.exportDate).filter(Boolean).sort().at(-1)).toBe(END);
  });

  it('mixes GBK, UTF-8 with BOM, plain UTF-8 and workbooks, as the summary says', () => {
    const seen = new Set(checked.tables.map((t) => t.encoding));
    expect(seen).toEqual(new Set(['gb18030', 'utf-8-bom', 'utf-8', 'xlsx']));
    for (const t of checked.tables) {
      const file = summary.files.find((f) => f.fileName === t.fileName);
      const expected = file?.format === 'xlsx' ? 'xlsx' : file?.encoding === 'gbk' ? 'gb18030' : file?.encoding;
      expect(t.encoding, t.fileName).toBe(expected);
    }
  });

  it('GBK files hold only characters GBK has (no ? from the encoder)', async () => {
    for (const file of summary.files.filter((f) => f.encoding === 'gbk')) {
      const text = new TextDecoder('gb18030').decode(await readFile(path.join(dir, file.fileName)));
      expect(text.includes('?'), file.fileName).toBe(false);
      expect(text).toMatch(/司法所|培训|案件|身份证号|id_number|SFS/);
    }
  });

  it('names every contract column of each table in its header, and no column twice', () => {
    for (const t of checked.tables) {
      const aliases = t.table.aliases.filter((a): a is string => a !== null);
      expect(new Set(aliases).size, t.fileName).toBe(aliases.length);
      expect([...aliases].sort(), `${t.fileName} ${t.sheet ?? ''}`).toEqual(CONTRACT_COLUMNS[t.kind].map((c) => c.alias).sort());
      // Unknown columns are the harmless extras only.
      const unknown = t.table.header.filter((_, i) => t.table.aliases[i] === null).map(normalizeHeader);
      for (const h of unknown) expect(['序号', '备注', '填报单位', '性别', '承办人', '更新时间', '姓名', '所在单位']).toContain(h);
    }
  });

  it('plants every reason code, and exactly the planted rows are rejected, each for its reason', () => {
    for (const reason of Object.keys(summary.bad)) expect(summary.bad[reason as keyof typeof summary.bad], reason).toBeGreaterThan(0);
    for (const t of checked.tables) {
      const tableSummary = summary.files.find((f) => f.fileName === t.fileName)?.tables.find((s) => s.table === t.kind);
      expect(tableSummary, t.fileName).toBeDefined();
      const planted = (tableSummary?.planted ?? []).map((p) => `${p.row}:${p.reason}`);
      const rejected = t.rejected.map((r) => `${r.rowNumber}:${r.reason}`);
      expect(rejected, `${t.fileName} ${t.sheet ?? ''}`).toEqual(planted);
      expect(t.table.rows.length + t.table.blankRows).toBe((tableSummary?.rows ?? 0) + (tableSummary?.blankRows ?? 0));
      expect(t.table.blankRows).toBe(tableSummary?.blankRows);
    }
  });

  it('gives every loaded person a valid ID number; the planted bad_id_number rows fail the check digit', () => {
    for (const t of checked.tables.filter((x) => x.kind === 'staff' || x.kind === 'training')) {
      for (const row of t.loaded) expect(idCheckOk(String(row.id_number)), `${t.fileName}:${row.rowNumber}`).toBe(true);
    }
    expect(summary.bad.bad_id_number).toBeGreaterThan(0);
  });

  it('reports progress for every table it writes, ending with done', () => {
    const done = progress.filter((p) => p.done);
    const tables = summary.files.reduce((n, f) => n + f.tables.length, 0);
    expect(done).toHaveLength(tables);
    expect(done.reduce((n, p) => n + p.rows, 0)).toBe(Object.values(summary.rows).reduce((a, b) => a + b, 0));
  });

  it('is deterministic: the same seed gives the same bytes, another seed other bytes', async () => {
    const again = path.join(root, 'b');
    await generateDemoExports({ outDir: again, scale: 'tiny', seed: 11, endDate: END });
    expect(await digests(again)).toEqual(await digests(dir));
    const other = path.join(root, 'c');
    await generateDemoExports({ outDir: other, scale: 'tiny', seed: 12, endDate: END });
    const a = await digests(dir);
    const c = await digests(other);
    const differing = Object.keys(a).filter((name) => name !== '说明.txt' && a[name] !== c[name]);
    expect(differing.length).toBeGreaterThan(0);
  });

  it('refuses a folder that already holds files, in Chinese, and writes nothing there', async () => {
    const busy = path.join(root, 'busy');
    await generateDemoExports({ outDir: busy, scale: 'tiny', seed: 1, endDate: END });
    await writeFile(path.join(busy, 'keep.txt'), 'x');
    const before = await digests(busy);
    await expect(generateDemoExports({ outDir: busy, scale: 'tiny', seed: 2, endDate: END })).rejects.toThrow(/不是空的/);
    expect(await digests(busy)).toEqual(before);
    // An inbox with only hidden files or subfolders counts as empty.
    const quiet = path.join(root, 'quiet');
    await mkdir(path.join(quiet, 'archive'), { recursive: true });
    await writeFile(path.join(quiet, '.keep'), '');
    const written = await generateDemoExports({ outDir: quiet, scale: 'tiny', seed: 3, endDate: END });
    expect(written.files.length).toBeGreaterThan(6);
  });

  it('rejects bad options with a clear message', async () => {
    await expect(generateDemoExports({ outDir: path.join(root, 'x1'), scale: 'tiny', endDate: '2025-02-30' })).rejects.toThrow(/不存在的日期/);
    await expect(generateDemoExports({ outDir: path.join(root, 'x2'), scale: 'huge' as never })).rejects.toThrow(/规模/);
    await expect(generateDemoExports({ outDir: path.join(root, 'x3'), scale: 'tiny', badRowShare: 0.5 })).rejects.toThrow(/错误行比例/);
  });
});
