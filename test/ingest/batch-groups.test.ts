// Batches loaded together (one run of the load-phase models for many files): how the plan is cut
// into groups, and that a group keeps the one-batch-at-a-time meaning — a file that cannot be
// read takes out only its own batch (both halves of a snapshot pair, nothing of the other files),
// and a second snapshot of one date still replaces the first.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../pipelines/config.ts';
import { classifyFileName } from '../../pipelines/contract/exports.ts';
import { groupBatches, loadBatches } from '../../pipelines/load/batch.ts';
import { loadProject } from '../../pipelines/models/project.ts';
import { prepareWarehouse } from '../../pipelines/models/runner.ts';
import { createPersonKeyMacro } from '../../pipelines/pii/person-key.ts';
import { runRefresh } from '../../pipelines/run/refresh.ts';
import type { Batch } from '../../pipelines/sources/batches.ts';
import { openDatabase, queryJson } from '../../pipelines/warehouse/duckdb.ts';
import { csvText, tempDir, writeCsv, writeWorkbook } from '../helpers/export-files.ts';
import { openLandingDb } from '../helpers/landing-db.ts';
import { writeStubProject } from '../helpers/stub-project.ts';

const SECRET = Buffer.alloc(32, 7);

function batch(kind: Batch['kind'], names: string[], bytes: number): Batch {
  const files = names.map((name) => ({ name, path: name, bytes, fileId: name, source: 'inbox', classified: classifyFileName(name)! }));
  return { kind, exportDate: files[0]!.classified.exportDate, files };
}

const names = (groups: Batch[][]) => groups.map((g) => g.flatMap((b) => b.files.map((f) => f.name)));

describe('groupBatches', () => {
  it('keeps the planned order and starts a new group before the byte budget would be passed', () => {
    const plan = [
      batch('snapshot', ['offices_20250630.csv', 'staff_20250630.csv'], 20), // 40 bytes: 20 a file
      batch('cases', ['cases_20250701.csv'], 50),
      batch('cases', ['cases_20250801.csv'], 20),
      batch('training', ['training_20250801.csv'], 200),
      batch('cases', ['cases_20250901.csv'], 10),
    ];
    expect(names(groupBatches(plan, { maxBytes: 100 }))).toEqual([
      ['offices_20250630.csv', 'staff_20250630.csv', 'cases_20250701.csv'],
      ['cases_20250801.csv'],
      ['training_20250801.csv'], // larger than the budget: a group of its own
      ['cases_20250901.csv'],
    ]);
    expect(names(groupBatches(plan, { maxBytes: 10_000 }))).toEqual([plan.flatMap((b) => b.files.map((f) => f.name))]);
    expect(groupBatches([], { maxBytes: 100 })).toEqual([]);
  });

  it('never puts two snapshots of one date in a group', () => {
    const plan = [
      batch('snapshot', ['offices_20250630.csv', 'staff_20250630.csv'], 1),
      batch('snapshot', ['offices_20250630.xlsx'], 1),
      batch('snapshot', ['offices_20251231.xlsx'], 1),
      batch('cases', ['cases_20250701.csv'], 1),
    ];
    expect(names(groupBatches(plan))).toEqual([
      ['offices_20250630.csv', 'staff_20250630.csv'],
      ['offices_20250630.xlsx', 'offices_20251231.xlsx', 'cases_20250701.csv'],
    ]);
  });
});

function setup(): { config: Config; root: string } {
  const root = tempDir('groups-');
  const config = loadConfig({ dataDir: path.join(root, 'data'), inboxDir: path.join(root, 'inbox'), warehouseFile: path.join(root, 'wh', 'main.duckdb') }, {});
  mkdirSync(config.inboxDir, { recursive: true });
  return { config, root };
}

/** A UTF-16 file (rejected `bad_encoding`); `n` makes the bytes differ (the same bytes twice are one file). */
const utf16 = (n: number) => Buffer.from([0xff, 0xfe, 0x41 + n, 0x00]);

describe('a group of batches in one refresh', () => {
  it('rejects only the batch of a file that cannot be read, and takes back what its partner landed', async () => {
    const { config, root } = setup();
    const project = loadProject(writeStubProject(path.join(root, 'sql')));
    const inbox = config.inboxDir;
    writeCsv(inbox, 'offices_20250630.csv', csvText([['司法所编码', '司法所名称', '所属县（市、区）', '类型'], ['SFS1', '甲', '莲都区', '重点']]));
    writeFileSync(path.join(inbox, 'staff_20250630.csv'), utf16(0));
    writeCsv(inbox, 'offices_20251231.csv', csvText([['司法所编码', '司法所名称', '所属县（市、区）', '类型'], ['SFS2', '乙', '莲都区', '普通']]));
    writeCsv(inbox, 'staff_20251231.csv', csvText([['身份证号', '姓名', '所属司法所编码', '职务', '到岗日期'], ['330102197611305871', '宋帆', 'SFS2', '所长', '2013-01-18']]));
    writeCsv(inbox, 'cases_20250701.csv', csvText([['案件编号', '司法所编码', '业务类型', '受理日期', '状态'], ['A1', 'SFS1', '人民调解', '2025-06-01', '办理中'], ['A2', 'SFS2', '社区矫正', '2025-06-02', '办理中']]), 'gbk');
    writeFileSync(path.join(inbox, 'cases_20250702.csv'), utf16(1));
    writeCsv(inbox, 'cases_20250703.csv', csvText([['案件编号', '司法所编码', '业务类型', '受理日期', '状态'], ['A3', 'SFS2', '普法宣传', '2025-06-03', '办理中']]));

    const result = await runRefresh({ config, project, secret: SECRET });
    expect(result.published).toBe(true);
    const byName = Object.fromEntries(result.files.map((f) => [f.name, [f.status, f.reasonCode ?? null, f.rowsLoaded]]));
    expect(byName).toEqual({
      'offices_20250630.csv': ['rejected', 'snapshot_rejected', 0],
      'staff_20250630.csv': ['rejected', 'bad_encoding', 0],
      'offices_20251231.csv': ['loaded', null, 1],
      'staff_20251231.csv': ['loaded', null, 1],
      'cases_20250701.csv': ['loaded', null, 2],
      'cases_20250702.csv': ['rejected', 'bad_encoding', 0],
      'cases_20250703.csv': ['loaded', null, 1],
    });

    const db = await openDatabase(config.warehouseFile, { readOnly: true });
    try {
      expect(await queryJson(db.connection, 'SELECT strftime(snapshot_date, \'%Y-%m-%d\') AS d, office_code FROM core.offices ORDER BY ALL')).toEqual([{ d: '2025-12-31', office_code: 'SFS2' }]);
      expect(await queryJson(db.connection, 'SELECT file_name, case_id, row_number FROM core.case_versions ORDER BY ALL')).toEqual([
        { file_name: 'cases_20250701.csv', case_id: 'A1', row_number: 2 },
        { file_name: 'cases_20250701.csv', case_id: 'A2', row_number: 3 },
        { file_name: 'cases_20250703.csv', case_id: 'A3', row_number: 2 },
      ]);
    } finally {
      db.close();
    }
  });

  it('lets the second snapshot of a date replace the first, as when batches load one by one', async () => {
    const { config, root } = setup();
    const project = loadProject(writeStubProject(path.join(root, 'sql')));
    const inbox = config.inboxDir;
    // planned by name: the CSV pair first, then the workbook of the same date, which wins
    writeCsv(inbox, 'offices_20250630.csv', csvText([['司法所编码', '司法所名称', '所属县（市、区）', '类型'], ['OLD1', '甲', '莲都区', '重点'], ['OLD2', '乙', '莲都区', '普通']]));
    writeCsv(inbox, 'staff_20250630.csv', csvText([['身份证号', '姓名', '所属司法所编码', '职务', '到岗日期'], ['330102197611305871', '宋帆', 'OLD1', '所长', '2013-01-18']]));
    await writeWorkbook(inbox, 'offices_20250630.xlsx', [
      { name: '司法所', rows: [['司法所编码', '司法所名称', '所属县（市、区）', '类型'], ['NEW1', '丙', '莲都区', '重点']] },
      { name: '人员', rows: [['身份证号', '姓名', '所属司法所编码', '职务', '到岗日期'], ['330102197611305871', '宋帆', 'NEW1', '所长', '2013-01-18']] },
    ]);
    writeCsv(inbox, 'cases_20250701.csv', csvText([['案件编号', '司法所编码', '业务类型', '受理日期', '状态'], ['A1', 'NEW1', '人民调解', '2025-06-01', '办理中']]));

    const result = await runRefresh({ config, project, secret: SECRET });
    expect(result.files.map((f) => [f.name, f.status])).toEqual([
      ['offices_20250630.csv', 'loaded'],
      ['staff_20250630.csv', 'loaded'],
      ['offices_20250630.xlsx', 'loaded'],
      ['cases_20250701.csv', 'loaded'],
    ]);
    const db = await openDatabase(config.warehouseFile, { readOnly: true });
    try {
      expect(await queryJson(db.connection, 'SELECT office_code, file_name FROM core.offices ORDER BY ALL')).toEqual([{ office_code: 'NEW1', file_name: 'offices_20250630.xlsx' }]);
      expect(await queryJson(db.connection, 'SELECT office_code FROM core.staff ORDER BY ALL')).toEqual([{ office_code: 'NEW1' }]);
    } finally {
      db.close();
    }
  });
});

describe('CSV files read in one transaction (pipelines/load/batch.ts)', () => {
  it('lands the files read before and after one that DuckDB cannot read, each once', async () => {
    const root = tempDir('groups-txn-');
    const header = ['案件编号', '司法所编码', '业务类型', '受理日期', '状态'];
    const good = (name: string, ids: string[]) =>
      writeCsv(root, name, csvText([header, ...ids.map((id) => [id, 'SFS1', '人民调解', '2025-06-01', '办理中'])]));
    // A quoted cell longer than DuckDB's max_line_size (64 MiB) of short lines: the JavaScript
    // side passes it, DuckDB's insert fails (unreadable_file) and aborts the open transaction.
    const broken = path.join(root, 'cases_20250702.csv');
    writeFileSync(broken, `${header.join(',')}\nB1,"${'x'.repeat(99).concat('\n').repeat(680_000)}",人民调解,2025-06-01,办理中\n`);
    const paths = [good('cases_20250701.csv', ['A1', 'A2']), broken, good('cases_20250703.csv', ['C1'])];
    const batches: Batch[] = paths.map((file) => {
      const name = path.basename(file);
      const classified = classifyFileName(name)!;
      return { kind: 'cases', exportDate: classified.exportDate, files: [{ name, path: file, bytes: 1, fileId: name, source: 'inbox', classified }] };
    });
    const project = loadProject(writeStubProject(path.join(root, 'sql')));
    const db = await openLandingDb();
    try {
      await prepareWarehouse(db.connection, project);
      await createPersonKeyMacro(db.connection, SECRET);
      await db.connection.run("SET VARIABLE run_id = 'test'");
      let seq = 0;
      // One connection (no instance): the three files are read in order, in one transaction.
      const result = await loadBatches(db.connection, batches, { project, tmpDir: path.join(root, 'tmp'), nextLoadSeq: () => ++seq });
      expect(result.files.map((f) => [f.file.name, f.status, f.reasonCode ?? null, f.rowsRead, f.rowsLoaded, f.loadSeq])).toEqual([
        ['cases_20250701.csv', 'loaded', null, 2, 2, 1],
        ['cases_20250702.csv', 'rejected', 'unreadable_file', 0, 0, 2],
        ['cases_20250703.csv', 'loaded', null, 1, 1, 3],
      ]);
      expect(await queryJson(db.connection, 'SELECT file_name, case_id, row_number, load_seq::INTEGER AS load_seq FROM core.case_versions ORDER BY ALL')).toEqual([
        { file_name: 'cases_20250701.csv', case_id: 'A1', row_number: 2, load_seq: 1 },
        { file_name: 'cases_20250701.csv', case_id: 'A2', row_number: 3, load_seq: 1 },
        { file_name: 'cases_20250703.csv', case_id: 'C1', row_number: 2, load_seq: 3 },
      ]);
    } finally {
      db.close();
    }
  });
});
