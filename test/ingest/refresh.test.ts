// The refresh as a whole, on a small SQL project written here (so every count is known by
// construction): batches, audit rows, archive, unknown and half-snapshot files left in the
// inbox, a second run over the same files changing nothing, and a failing data test that
// stops publishing and leaves the published warehouse as it was.
import { cpSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../pipelines/config.ts';
import { loadProject } from '../../pipelines/models/project.ts';
import { classifyFileName } from '../../pipelines/contract/exports.ts';
import { loadBatch } from '../../pipelines/load/batch.ts';
import { runRefresh } from '../../pipelines/run/refresh.ts';
import { maskIdLike } from '../../pipelines/run/vocabulary.ts';
import { openLandingDb } from '../helpers/landing-db.ts';
import { sha256File } from '../../pipelines/sources/inbox.ts';
import { formatSummary } from '../../pipelines/run/summary.ts';
import { openDatabase, queryJson } from '../../pipelines/warehouse/duckdb.ts';
import { csvText, day, tempDir, writeCsv, writeWorkbook } from '../helpers/export-files.ts';
import { writeStubProject } from '../helpers/stub-project.ts';

const SECRET = Buffer.alloc(32, 7);

function setup(): { config: Config; root: string } {
  const root = tempDir('refresh-');
  const config = loadConfig({ dataDir: path.join(root, 'data'), inboxDir: path.join(root, 'inbox'), warehouseFile: path.join(root, 'wh', 'main.duckdb') }, {});
  mkdirSync(config.inboxDir, { recursive: true });
  return { config, root };
}

async function fillInbox(inbox: string): Promise<void> {
  await writeWorkbook(inbox, 'offices_20250630.xlsx', [
    { name: '司法所', rows: [['司法所编码', '司法所名称', '所属县（市、区）', '类型'], ['SFS1', '甲', '莲都区', '重点'], ['SFS2', '乙', '莲都区', '普通']] },
    { name: '人员', rows: [['身份证号', '姓名', '所属司法所编码', '职务', '到岗日期'], ['330102197611305871', '宋帆', 'SFS1', '所长', day('2013-01-18')]] },
  ]);
  writeCsv(
    inbox,
    'cases_20250701.csv',
    csvText([
      ['案件编号', '司法所编码', '业务类型', '受理日期', '状态'],
      ['A1', 'SFS1', '人民调解', '2025-06-01', '办理中'],
      ['A2', 'SFS2', '社区矫正', '2025-06-02', '已结案'],
      ['A3', 'SFS2', '社区矫正', '2025-06-03', '已办结'],
    ]),
    'gbk',
  );
  writeCsv(inbox, 'training_20250702.csv', csvText([['培训记录编号', '身份证号', '培训名称', '开始日期', '结束日期', '学时'], ['PX1', '330102197611305871', '民法典', '2025-06-01', '2025-06-02', '16']]), 'utf-8-bom');
  writeFileSync(path.join(inbox, 'notes.txt'), '导出说明');
  writeCsv(inbox, 'staff_20250101.csv', csvText([['身份证号', '姓名', '所属司法所编码', '职务', '到岗日期']]));
  writeFileSync(path.join(inbox, 'cases_20250801.xlsx'), Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(500, 1)]));
}

async function tables(file: string): Promise<Record<string, unknown[]>> {
  const db = await openDatabase(file, { readOnly: true });
  try {
    const q = (sql: string) => queryJson(db.connection, sql);
    return {
      offices: await q('SELECT * FROM core.offices ORDER BY ALL'),
      cases: await q('SELECT * EXCLUDE (run_id) FROM core.case_versions ORDER BY ALL'),
      training: await q('SELECT * FROM core.training_versions ORDER BY ALL'),
      rejected: await q('SELECT * EXCLUDE (run_id) FROM audit.rejected_rows ORDER BY ALL'),
      totals: await q('SELECT * FROM mart.case_count'),
    };
  } finally {
    db.close();
  }
}

describe('refresh', () => {
  it('loads what it can, reports and keeps the rest, archives what it read, and a second run changes nothing', async () => {
    const { config, root } = setup();
    const project = loadProject(writeStubProject(path.join(root, 'sql')));
    await fillInbox(config.inboxDir);
    const original = path.join(root, 'original');
    cpSync(config.inboxDir, original, { recursive: true });

    const first = await runRefresh({ config, project, secret: SECRET });
    expect(first.message).toBeTruthy();
    expect([first.status, first.published]).toEqual(['partial', true]);
    expect(existsSync(first.warehouseFile)).toBe(true);
    expect(readdirSync(path.dirname(first.warehouseFile))).toEqual(['main.duckdb', 'main.duckdb.analyst']); // no build file left (the analyst copies have their folder)
    const byName = Object.fromEntries(first.files.map((f) => [f.name, [f.status, f.reasonCode ?? null, f.rowsLoaded, f.rowsRejected]]));
    expect(byName).toEqual({
      'offices_20250630.xlsx': ['loaded', null, 3, 0],
      'cases_20250701.csv': ['loaded', null, 2, 1],
      'training_20250702.csv': ['loaded', null, 1, 0],
      'notes.txt': ['unknown', 'unknown_file', 0, 0],
      'staff_20250101.csv': ['rejected', 'incomplete_snapshot', 0, 0],
      'cases_20250801.xlsx': ['rejected', 'unreadable_file', 0, 0],
    });
    expect(first.rejectedByReason).toEqual({ bad_enum: 1 });

    // unknown and half-snapshot files wait in the inbox; the rest is archived under the run's month
    expect(readdirSync(config.inboxDir).sort()).toEqual(['notes.txt', 'staff_20250101.csv']);
    const archived = first.files.filter((f) => f.archivedAs).map((f) => f.archivedAs!);
    expect(archived).toHaveLength(4);
    for (const name of archived) {
      expect(name).toMatch(/^\d{4}-\d{2}\/[0-9a-f]{12}_/);
      expect(existsSync(path.join(config.archiveDir, name))).toBe(true);
    }

    const db = await openDatabase(first.warehouseFile, { readOnly: true });
    const audit = await queryJson<Record<string, unknown>>(db.connection, 'SELECT file_name, status, kind, encoding, rows_read, rows_loaded, load_seq FROM audit.files ORDER BY load_seq NULLS LAST, file_name');
    const runs = await queryJson<Record<string, unknown>>(db.connection, 'SELECT run_id, status, files_loaded, rows_loaded, rows_rejected, stages FROM audit.runs');
    const stamped = await queryJson<{ run_id: string }>(db.connection, 'SELECT DISTINCT run_id FROM core.case_versions');
    db.close();
    // load order: the snapshot, then cases and training by date
    expect(audit).toEqual([
      { file_name: 'offices_20250630.xlsx', status: 'loaded', kind: 'office_workbook', encoding: null, rows_read: '3', rows_loaded: '3', load_seq: '1' },
      { file_name: 'cases_20250701.csv', status: 'loaded', kind: 'cases', encoding: 'gb18030', rows_read: '3', rows_loaded: '2', load_seq: '2' },
      { file_name: 'training_20250702.csv', status: 'loaded', kind: 'training', encoding: 'utf-8-bom', rows_read: '1', rows_loaded: '1', load_seq: '3' },
      { file_name: 'cases_20250801.xlsx', status: 'rejected', kind: 'cases', encoding: null, rows_read: '0', rows_loaded: '0', load_seq: null },
      { file_name: 'notes.txt', status: 'unknown', kind: null, encoding: null, rows_read: '0', rows_loaded: '0', load_seq: null },
      { file_name: 'staff_20250101.csv', status: 'rejected', kind: 'staff_csv', encoding: null, rows_read: '0', rows_loaded: '0', load_seq: null },
    ]);
    expect(runs).toMatchObject([{ run_id: first.runId, status: 'partial', files_loaded: 3, rows_loaded: '6', rows_rejected: '1' }]);
    expect(Object.keys(JSON.parse(String(runs[0]!.stages)))).toEqual(['prepare', 'sources', 'read', 'validate', 'build', 'tests', 'publish', 'archive']);
    expect(stamped).toEqual([{ run_id: first.runId }]);

    const summary = formatSummary(first);
    expect(summary).toContain('加载 6 行，拒收 1 行');
    expect(summary).toContain('bad_enum 1');
    expect(summary).toMatch(/notes\.txt — 文件名“notes\.txt”不符合导出约定/);
    expect(summary).toMatch(/cases_20250801\.xlsx — Excel 工作簿已损坏/);

    // The same exports dropped again: nothing changes, nothing doubles.
    const before = await tables(first.warehouseFile);
    cpSync(original, config.inboxDir, { recursive: true });
    const second = await runRefresh({ config, project, secret: SECRET });
    expect([second.status, second.published, second.rowsLoaded]).toEqual(['partial', true, 0]);
    expect(second.files.filter((f) => f.status === 'skipped').map((f) => f.name).sort()).toEqual([
      'cases_20250701.csv',
      'offices_20250630.xlsx',
      'training_20250702.csv',
    ]);
    // the corrupt workbook is read (and rejected) again: rejected files are not "loaded"
    expect(second.files.find((f) => f.name === 'cases_20250801.xlsx')?.reasonCode).toBe('unreadable_file');
    expect(await tables(second.warehouseFile)).toEqual(before);
    expect(readdirSync(config.inboxDir).sort()).toEqual(['notes.txt', 'staff_20250101.csv']);
    // the archive holds each file once
    const month = archived[0]!.split('/')[0]!;
    expect(readdirSync(path.join(config.archiveDir, month))).toHaveLength(4);
  });

  it('does not publish when an error data test fails, and leaves the inbox and the warehouse as they were', async () => {
    const { config, root } = setup();
    const project = loadProject(writeStubProject(path.join(root, 'sql')));
    writeCsv(config.inboxDir, 'cases_20250701.csv', csvText([['案件编号', '司法所编码', '业务类型', '受理日期', '状态'], ['A1', 'S1', '人民调解', '2025-06-01', '办理中']]));
    const first = await runRefresh({ config, project, secret: SECRET });
    expect(first.status).toBe('success');
    const published = await sha256File(config.warehouseFile);
    const mtime = statSync(config.warehouseFile).mtimeMs;

    // the stub's singular test fails on a case called BLOCK
    writeCsv(config.inboxDir, 'cases_20250702.csv', csvText([['案件编号', '司法所编码', '业务类型', '受理日期', '状态'], ['BLOCK', 'S1', '人民调解', '2025-06-01', '办理中']]));
    const blocked = await runRefresh({ config, project, secret: SECRET });
    expect([blocked.status, blocked.published]).toEqual(['failed', false]);
    expect(blocked.message).toContain('数据测试未通过');
    expect(blocked.message).toContain('no_blocked_cases');
    expect(formatSummary(blocked)).toContain('失败，未发布');
    expect(await sha256File(config.warehouseFile)).toBe(published);
    expect(statSync(config.warehouseFile).mtimeMs).toBe(mtime);
    expect(readdirSync(path.dirname(config.warehouseFile))).toEqual(['main.duckdb', 'main.duckdb.analyst']);
    expect(readdirSync(config.inboxDir)).toEqual(['cases_20250702.csv']);
    expect(existsSync(path.join(config.dataDir, 'tmp', blocked.runId))).toBe(false);
  });

  it('rejects a file that vanished before it was read, and the snapshot it belongs to', async () => {
    const { root } = setup();
    const db = await openLandingDb();
    try {
      const present = writeCsv(root, 'staff_20250630.csv', csvText([['身份证号', '姓名', '所属司法所编码', '职务', '到岗日期']]));
      const file = (name: string, filePath: string) => ({ name, path: filePath, bytes: 1, fileId: name, source: 'inbox', classified: classifyFileName(name)! });
      const result = await loadBatch(
        db.connection,
        { kind: 'snapshot', exportDate: '2025-06-30', files: [file('offices_20250630.csv', path.join(root, 'gone.csv')), file('staff_20250630.csv', present)] },
        { project: loadProject(writeStubProject(path.join(root, 'sql'))), tmpDir: path.join(root, 'tmp'), nextLoadSeq: () => 1 },
      );
      expect(result.files.map((f) => [f.file.name, f.status, f.reasonCode])).toEqual([
        ['offices_20250630.csv', 'rejected', 'unreadable_file'],
        ['staff_20250630.csv', 'rejected', 'snapshot_rejected'],
      ]);
      expect(result.files[0]?.message).toContain('ENOENT');
    } finally {
      db.close();
    }
  });

  it('masks anything shaped like an ID number in error messages', () => {
    expect(maskIdLike("Could not convert '33010219761130587X' or 331126710529222 (but 20240822 stays)")).toBe(
      "Could not convert '330102********587X' or 331126*****9222 (but 20240822 stays)",
    );
  });
});
