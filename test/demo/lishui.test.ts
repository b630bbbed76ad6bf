// The Lishui demo set (173 offices, three years): every real township has its office, the
// "1+N" clusters and staffing look like the plan's world and improve over the years, volumes
// and mixes are realistic, the files mix every format and value form, and every planted bad row
// (about 0.5 %, over every reason code) is rejected for its reason by an independent reading
// of exports.md while every other row loads.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyFileName } from '../../pipelines/contract/exports.ts';
import { generateDemoExports, type DemoSummary } from '../../pipelines/demo/generate.ts';
import { TOWNSHIPS_FILE } from '../../pipelines/demo/geography.ts';
import { checkDemoSet, type CheckedSet, type CheckedTable } from './check-set.ts';
import { idCheckOk, type LoadedRow } from './reference-rules.ts';

const END = '2025-11-30';
let root: string;
let summary: DemoSummary;
let checked: CheckedSet;

const DAY_MS = 86_400_000;
const yearOfDay = (day: number): number => new Date(day * DAY_MS).getUTCFullYear();
const monthOfDay = (day: number): number => new Date(day * DAY_MS).getUTCMonth() + 1;
const loadedOf = (kind: CheckedTable['kind']): LoadedRow[] => checked.tables.filter((t) => t.kind === kind).flatMap((t) => t.loaded);

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'demo-lishui-'));
  summary = await generateDemoExports({ outDir: root, scale: 'lishui', seed: 2024, endDate: END });
  checked = await checkDemoSet(root, summary);
}, 600_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
});

describe('Lishui demo set', () => {
  it('has one office per real township in every snapshot, named for it, in its county', () => {
    const townships = readFileSync(TOWNSHIPS_FILE, 'utf8').trim().split(/\r?\n/).slice(1).map((line) => line.split(','));
    expect(townships).toHaveLength(173);
    expect(checked.snapshots.length).toBeGreaterThanOrEqual(6);
    for (const snapshot of checked.snapshots) {
      const byCode = new Map(snapshot.offices.map((o) => [String(o.office_code), o]));
      for (const [countyCode, , townshipCode, townshipName] of townships) {
        const office = byCode.get(`SFS${townshipCode}`);
        expect(office, `${snapshot.date} ${townshipName}`).toBeDefined();
        expect(office?.office_name).toBe(`${townshipName}司法所`);
        expect(office?.county).toBe(countyCode);
      }
      expect(snapshot.offices).toHaveLength(173);
    }
  });

  it('forms "1+N" clusters: key offices in every county, each coordinating at most 6 ordinary offices, a few unattached', () => {
    const latest = checked.snapshots.at(-1) as CheckedSet['snapshots'][number];
    const keys = latest.offices.filter((o) => o.tier === 'key');
    expect(new Set(keys.map((k) => k.county)).size).toBe(9);
    expect(keys.length).toBeGreaterThan(25);
    expect(keys.length).toBeLessThan(50);
    const sizes = keys.map((k) => latest.offices.filter((o) => o.tier === 'ordinary' && o.cluster_key_office === k.office_code).length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(6);
    expect(sizes.filter((n) => n >= 2).length / sizes.length).toBeGreaterThan(0.7);
    const first = checked.snapshots[0] as CheckedSet['snapshots'][number];
    const unattached = (s: typeof first): number => s.offices.filter((o) => o.tier === 'ordinary' && !o.cluster_key_office).length;
    expect(unattached(first)).toBeGreaterThan(0);
    expect(unattached(latest)).toBeLessThanOrEqual(unattached(first));
  });

  it('staffs about 1,000 people, 5–7 an office, with every role, staffing type and post', () => {
    const dayOf = (iso: string): number => Date.parse(`${iso}T00:00:00Z`) / DAY_MS;
    for (const snapshot of checked.snapshots) {
      const d = dayOf(snapshot.date);
      const active = snapshot.staff.filter((s) => (s.start_date as number) <= d && (s.end_date === null || (s.end_date as number) >= d));
      expect(active.length, snapshot.date).toBeGreaterThan(850);
      expect(active.length, snapshot.date).toBeLessThan(1300);
    }
    const staff = loadedOf('staff');
    expect(new Set(staff.map((s) => s.role))).toEqual(new Set(['所长', '副所长', '工作人员', '司法协理员']));
    expect(new Set(staff.map((s) => s.staffing_type).filter(Boolean))).toEqual(new Set(['政法专编', '行政编制', '事业编制', '司法协理员', '其他']));
    const posts = staff.map((s) => String(s.posts ?? '')).join('|');
    for (const post of ['法治统筹协调岗', '合法性审查岗', '行政执法监督岗', '社区矫正（安置帮教）岗', '矛盾纠纷调处岗', '法律服务岗']) expect(posts).toContain(post.normalize('NFKC'));
    for (const s of staff) expect(idCheckOk(String(s.id_number))).toBe(true);
    // Lishui-area IDs, some ending in X.
    expect(staff.every((s) => String(s.id_number).startsWith('3311'))).toBe(true);
    expect(staff.some((s) => String(s.id_number).endsWith('X'))).toBe(true);
  });

  it('has turnover: leavers with end dates, and people who moved office with a new start date', () => {
    const staff = loadedOf('staff');
    expect(staff.filter((s) => s.end_date !== null).length).toBeGreaterThan(30);
    const rowsById = new Map<string, LoadedRow[]>();
    for (const s of staff) rowsById.set(String(s.id_number), [...(rowsById.get(String(s.id_number)) ?? []), s]);
    const movers = [...rowsById.values()].filter((rows) => new Set(rows.map((r) => r.office_code)).size > 1);
    expect(movers.length).toBeGreaterThan(5);
    for (const rows of movers) expect(new Set(rows.map((r) => r.start_date)).size).toBeGreaterThan(1);
  });

  it('improves over the years toward the plan (key directors with legal background, terminals, smart offices)', () => {
    const first = checked.snapshots[0] as CheckedSet['snapshots'][number];
    const latest = checked.snapshots.at(-1) as CheckedSet['snapshots'][number];
    const terminals = (s: typeof first): number => s.offices.filter((o) => (o.terminals as number | null) !== null && (o.terminals as number) >= 1).length / s.offices.length;
    const smart = (s: typeof first): number => s.offices.filter((o) => o.tier === 'key' && o.smart_office === true).length;
    const keyDirectorsLegal = (s: typeof first): number => {
      const keys = new Set(s.offices.filter((o) => o.tier === 'key').map((o) => o.office_code));
      const directors = s.staff.filter((p) => p.role === '所长' && keys.has(p.office_code) && p.end_date === null);
      return directors.filter((p) => p.legal_background === true).length / directors.length;
    };
    expect(terminals(latest)).toBeGreaterThan(terminals(first));
    expect(smart(latest)).toBeGreaterThan(smart(first));
    expect(keyDirectorsLegal(latest)).toBeGreaterThan(keyDirectorsLegal(first));
  });

  it('has about 60,000 cases a year over the 10 lines, with seasonality, ~90 % mediation success and cases updated in later files', () => {
    const cases = loadedOf('cases');
    const received = new Map<string, number>();
    for (const c of cases) received.set(String(c.case_id), c.received_date as number);
    for (const year of [2023, 2024]) {
      const n = [...received.values()].filter((d) => yearOfDay(d) === year).length;
      expect(n, String(year)).toBeGreaterThan(54_000);
      expect(n, String(year)).toBeLessThan(66_000);
    }
    expect(new Set(cases.map((c) => c.business_line)).size).toBe(10);
    const feb = [...received.values()].filter((d) => yearOfDay(d) === 2024 && monthOfDay(d) === 2).length;
    const dec = [...received.values()].filter((d) => yearOfDay(d) === 2024 && monthOfDay(d) === 12).length;
    expect(dec).toBeGreaterThan(feb * 1.4);
    const closedMediation = cases.filter((c) => c.business_line === '人民调解' && c.status === '已办结');
    const success = closedMediation.filter((c) => c.outcome === '调解成功').length / closedMediation.length;
    expect(success).toBeGreaterThan(0.85);
    expect(success).toBeLessThan(0.95);
    // A case first exported as 办理中 comes again with its closing.
    const statuses = new Map<string, Set<unknown>>();
    for (const c of cases) statuses.set(String(c.case_id), (statuses.get(String(c.case_id)) ?? new Set()).add(c.status));
    const updated = [...statuses.values()].filter((s) => s.has('办理中') && (s.has('已办结') || s.has('已撤回'))).length;
    expect(updated).toBeGreaterThan(10_000);
    expect(cases.some((c) => c.status === '已撤回')).toBe(true);
  });

  it('has about 15,000 training records a year, online and offline, multi-day, some over New Year, some re-exported with new hours', () => {
    const records = loadedOf('training');
    const byId = new Map<string, LoadedRow[]>();
    for (const r of records) byId.set(String(r.record_id), [...(byId.get(String(r.record_id)) ?? []), r]);
    for (const year of [2023, 2024]) {
      const n = [...byId.values()].filter((rows) => yearOfDay((rows[0] as LoadedRow).start_date as number) === year).length;
      expect(n, String(year)).toBeGreaterThan(12_500);
      expect(n, String(year)).toBeLessThan(17_500);
    }
    expect(new Set(records.map((r) => r.mode).filter(Boolean))).toEqual(new Set(['线上', '线下']));
    expect(records.some((r) => (r.end_date as number) - (r.start_date as number) >= 2)).toBe(true);
    expect(records.some((r) => yearOfDay(r.start_date as number) !== yearOfDay(r.end_date as number))).toBe(true);
    const corrected = [...byId.values()].filter((rows) => rows.length > 1 && new Set(rows.map((r) => r.hours)).size > 1);
    expect(corrected.length).toBeGreaterThan(50);
    for (const r of records) expect(r.hours as number).toBeLessThanOrEqual(24 * ((r.end_date as number) - (r.start_date as number) + 1));
  });

  it('mixes every format, encoding and hand-written value form', async () => {
    const encodings = new Set(checked.tables.map((t) => t.encoding));
    expect(encodings).toEqual(new Set(['gb18030', 'utf-8-bom', 'utf-8', 'xlsx']));
    const kinds = summary.files.map((f) => f.kind);
    expect(kinds.filter((k) => k === 'office_workbook').length).toBeGreaterThanOrEqual(3);
    expect(kinds.filter((k) => k === 'offices_csv').length).toBeGreaterThanOrEqual(3);
    expect(summary.files.some((f) => f.kind === 'cases' && f.format === 'xlsx')).toBe(true);
    expect(summary.files.some((f) => f.fileName !== f.fileName.toLowerCase() && classifyFileName(f.fileName) !== undefined)).toBe(true);
    const headers = checked.tables.flatMap((t) => t.table.header).join('|');
    for (const h of ['所属县（市、区）', '所属县(市、区)', 'office_code', '序号', '备注']) expect(headers).toContain(h);
    const cells = checked.tables.flatMap((t) => t.table.rows.slice(0, 400).flatMap((r) => r.cells));
    const texts = cells.filter((c): c is string => typeof c === 'string');
    const has = (re: RegExp): boolean => texts.some((t) => re.test(t));
    expect(has(/^\d{4}年\d{1,2}月\d{1,2}日$/)).toBe(true);
    expect(has(/^\d{4}\/\d{1,2}\/\d{1,2}$/)).toBe(true);
    expect(has(/^\d{8}$/) && has(/^20\d{6}$/)).toBe(true);
    expect(has(/^[√×]$/)).toBe(true);
    expect(has(/^[是否]$/)).toBe(true);
    expect(has(/^\d+(\.\d+)?万$/)).toBe(true);
    expect(has(/^\d{1,3}(,\d{3})+(\.\d{2})?$/)).toBe(true);
    expect(cells.some((c) => c instanceof Date)).toBe(true);
    const unknown = summary.files.filter((f) => f.kind === 'unknown');
    expect(unknown.map((f) => f.fileName)).toEqual(['说明.txt']);
    expect(await readFile(path.join(root, '说明.txt'), 'utf8')).toContain('演示数据');
  });

  it('plants about 0.5 % bad rows over every reason code, and exactly those are rejected, each for its reason', () => {
    const totalRows = Object.values(summary.rows).reduce((a, b) => a + b, 0);
    const totalBad = Object.values(summary.bad).reduce((a, b) => a + b, 0);
    expect(totalBad / totalRows).toBeGreaterThan(0.004);
    expect(totalBad / totalRows).toBeLessThan(0.007);
    for (const [reason, n] of Object.entries(summary.bad)) expect(n, reason).toBeGreaterThan(0);
    const byReason: Record<string, number> = {};
    for (const t of checked.tables) {
      const tableSummary = summary.files.find((f) => f.fileName === t.fileName)?.tables.find((s) => s.table === t.kind);
      expect(t.rejected.map((r) => `${r.rowNumber}:${r.reason}`), `${t.fileName} ${t.sheet ?? ''}`).toEqual((tableSummary?.planted ?? []).map((p) => `${p.row}:${p.reason}`));
      for (const r of t.rejected) byReason[r.reason] = (byReason[r.reason] ?? 0) + 1;
    }
    expect(byReason).toEqual(summary.bad);
  });
});
