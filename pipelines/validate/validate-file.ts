// 预检: one export file checked exactly as a refresh would check it, with nothing loaded. The
// file goes through the refresh's own path — planBatches (file name, snapshot pairs), the same
// readers (pipelines/read: encoding, headers, workbook limits) and the same load-phase SQL
// models — into a throwaway in-memory DuckDB that holds a read-only copy of the published
// warehouse's office snapshots (what the models check office codes against). Transcoded copies
// go to a temporary folder outside DATA_DIR, removed at the end; the database is dropped.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { classifyFileName, type FileKind, type TableKind } from '../contract/exports.ts';
import { loadBatches } from '../load/batch.ts';
import { loadProject, type Project } from '../models/project.ts';
import { prepareWarehouse } from '../models/runner.ts';
import { createPersonKeyMacro } from '../pii/person-key.ts';
import { attachStaging } from '../read/landing.ts';
import { planBatches } from '../sources/batches.ts';
import { sha256File } from '../sources/inbox.ts';
import { openDatabase, queryJson, quoteLiteral } from '../warehouse/duckdb.ts';

const COPY_PUBLISHED_SQL = readFileSync(new URL('./copy_published.sql', import.meta.url), 'utf8');
const REJECTS_SQL = readFileSync(new URL('./validation_rejects.sql', import.meta.url), 'utf8');

/** Rejected rows listed in an answer; the counts by reason cover all of them. */
export const ROWS_LISTED = 500;

export interface ValidationOptions {
  /** The published warehouse (read only); missing: checked against an empty warehouse, as a first refresh would. */
  warehouseFile: string;
  /** The HMAC secret of person keys (training rows find their county through them). */
  secret: Buffer;
  project?: Project;
  memoryLimit?: string;
  /** Interrupts the check after this long. */
  timeoutMs?: number;
}

export interface ValidationRow {
  kind: TableKind;
  sheet: string | null;
  row_number: number;
  reason_code: string;
  column_name: string;
  message: string;
  county_code: string | null;
  raw: Record<string, string | null>;
}

export interface ValidationResult {
  file_name: string;
  kind: FileKind;
  rows_read: number;
  rows_ok: number;
  rows_rejected: number;
  rejected_by_reason: Record<string, number>;
  /** Set when the refresh would reject the whole file (unreadable, missing column, lone half of a CSV pair…). */
  file_rejected: { reason_code: string; message: string; sheet: string | null } | null;
  rows: ValidationRow[];
}

export class UnknownFileNameError extends Error {}

export async function validateExportFile(file: { path: string; name: string }, options: ValidationOptions): Promise<ValidationResult> {
  const classified = classifyFileName(file.name);
  if (!classified) throw new UnknownFileNameError(file.name);
  const { size } = await stat(file.path);
  const source = { name: file.name, path: file.path, bytes: size, fileId: await sha256File(file.path), source: 'validate' };
  const base: ValidationResult = {
    file_name: file.name,
    kind: classified.kind,
    rows_read: 0,
    rows_ok: 0,
    rows_rejected: 0,
    rejected_by_reason: {},
    file_rejected: null,
    rows: [],
  };
  const plan = planBatches([source], new Set());
  const aside = plan.setAside[0];
  if (aside) return { ...base, file_rejected: { reason_code: aside.reasonCode, message: aside.message, sheet: null } };

  const project = options.project ?? loadProject();
  const tmpDir = await mkdtemp(path.join(os.tmpdir(), 'lishui-validate-'));
  const db = await openDatabase(':memory:', { threads: 1, memoryLimit: options.memoryLimit ?? '2GB', tempDirectory: path.join(tmpDir, 'spill') });
  const timer = options.timeoutMs ? setTimeout(() => db.connection.interrupt(), options.timeoutMs) : undefined;
  try {
    const connection = db.connection;
    await attachStaging(connection);
    await prepareWarehouse(connection, project);
    await createPersonKeyMacro(connection, options.secret);
    await connection.run(`SET VARIABLE run_id = 'validate'`);
    let loadSeq = 0;
    if (existsSync(options.warehouseFile)) {
      await connection.run(`ATTACH ${quoteLiteral(options.warehouseFile)} AS published (READ_ONLY)`);
      try {
        await connection.run(COPY_PUBLISHED_SQL);
        const [max] = await queryJson<{ n: number | null }>(connection, 'SELECT max(load_seq)::INTEGER AS n FROM published.audit.files');
        loadSeq = max?.n ?? 0;
      } finally {
        await connection.run('DETACH published');
      }
    }
    const loaded = await loadBatches(connection, plan.batches, { project, tmpDir, nextLoadSeq: () => ++loadSeq });
    const result = loaded.files[0]!;
    if (result.status === 'rejected') {
      return { ...base, file_rejected: { reason_code: result.reasonCode ?? 'unreadable_file', message: result.message ?? '', sheet: result.sheet ?? null } };
    }
    const rows = await queryJson<Record<string, unknown>>(connection, REJECTS_SQL, { limit: ROWS_LISTED });
    return {
      ...base,
      rows_read: result.rowsRead,
      rows_ok: result.rowsLoaded,
      rows_rejected: result.rowsRejected,
      rejected_by_reason: result.rejectedByReason,
      rows: rows.map((r) => ({
        kind: r.kind as TableKind,
        sheet: (r.sheet as string | null) ?? null,
        row_number: Number(r.row_number),
        reason_code: String(r.reason_code),
        column_name: String(r.column_name),
        message: String(r.message),
        county_code: (r.county_code as string | null) ?? null,
        raw: JSON.parse(String(r.raw)) as Record<string, string | null>,
      })),
    };
  } finally {
    if (timer) clearTimeout(timer);
    db.close();
    await rm(tmpDir, { recursive: true, force: true });
  }
}
