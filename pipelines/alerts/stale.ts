// The stale exports of the published warehouse, read through a short read-only connection
// (readers never block the refresh's writer: it writes a separate build file).
import { existsSync, readFileSync } from 'node:fs';
import { openDatabase, queryJson } from '../warehouse/duckdb.ts';
import type { StaleExport } from './alerts.ts';

const STALE_SQL = readFileSync(new URL('./stale_exports.sql', import.meta.url), 'utf8');

/** Stale exports of W counted to `today` (YYYY-MM-DD); none when W does not exist yet. Throws when W cannot be read. */
export async function readStaleExports(warehouseFile: string, staleAfterDays: number, today: string): Promise<StaleExport[]> {
  if (!existsSync(warehouseFile)) return [];
  const db = await openDatabase(warehouseFile, { readOnly: true, threads: 1, memoryLimit: '256MB' });
  try {
    const rows = await queryJson<Record<string, unknown>>(db.connection, STALE_SQL, { days: staleAfterDays, today });
    return rows.map((r) => ({
      county_code: String(r.county_code),
      county_name: String(r.county_name),
      source: String(r.source),
      last_export_date: String(r.last_export_date),
      days_since_export: Number(r.days_since_export),
    }));
  } finally {
    db.close();
  }
}
