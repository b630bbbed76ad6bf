// Revisions of editions: after each publish, every edition's frozen figures are compared with
// the newly published marts, and what changed is appended to DATA_DIR/editions/revisions.jsonl
// (one JSON object a line, owner-only, never rewritten). A figure counts as changed when its
// numerator, denominator or value moved by more than 1e-9, or its row appeared or vanished.
// A change is recorded once, when first seen: it is compared with the latest state already
// recorded for that figure (else with the frozen one), so a figure that changes again gets a
// second line, and one that stays as revised gets none. `old_*` is always the edition's frozen
// figure; `files` the exports the warehouse loaded in runs after the edition's run.
import { readFileSync } from 'node:fs';
import { appendFile, mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { openDatabase, queryJson } from '../warehouse/duckdb.ts';
import { listEditions, publishedFigures, readFrozenRows, type FrozenRow } from './store.ts';

const SQL_FILES_SINCE = readFileSync(new URL('./sql/files_loaded_since.sql', import.meta.url), 'utf8');

/** Differences up to this are the last bits of a double sum, not a revision (decisions.md). */
export const TOLERANCE = 1e-9;
/** revisions.jsonl is read whole; beyond this it is refused rather than read into memory. */
export const MAX_REVISIONS_BYTES = 64 * 1024 * 1024;

export interface Revision {
  edition: string;
  indicator_id: string;
  period: string;
  grain: FrozenRow['grain'];
  unit_code: string;
  unit_name: string;
  county_code: string | null;
  old_numerator: number | null;
  old_denominator: number | null;
  old_value: number | null;
  new_numerator: number | null;
  new_denominator: number | null;
  new_value: number | null;
  run_id: string;
  files: string[];
  recorded_at: string;
}

export function revisionsFileFor(editionsDir: string): string {
  return path.join(editionsDir, 'revisions.jsonl');
}

const keyOf = (r: { edition?: string; indicator_id: string; period: string; grain: string; unit_code: string }) => `${r.indicator_id}|${r.period}|${r.grain}|${r.unit_code}`;

type Figure = { numerator: number; denominator: number; value: number } | null;

function sameFigure(a: Figure, b: Figure): boolean {
  if (a === null || b === null) return a === b;
  return Math.abs(a.numerator - b.numerator) <= TOLERANCE && Math.abs(a.denominator - b.denominator) <= TOLERANCE && Math.abs(a.value - b.value) <= TOLERANCE;
}

const figureOfRow = (row: FrozenRow | undefined): Figure => (row ? { numerator: row.numerator, denominator: row.denominator, value: row.value } : null);
const figureOfRevision = (r: Revision): Figure =>
  r.new_value === null ? null : { numerator: r.new_numerator!, denominator: r.new_denominator!, value: r.new_value };

/** The last read of each revisions file, by its size and mtime: the file only ever grows. */
const lastRead = new Map<string, { identity: string; revisions: Revision[] }>();

/** Every recorded revision, in the order recorded. */
export async function readRevisions(editionsDir: string): Promise<Revision[]> {
  const file = revisionsFileFor(editionsDir);
  try {
    const info = await stat(file);
    if (info.size > MAX_REVISIONS_BYTES) throw new Error(`修订记录文件超过 ${MAX_REVISIONS_BYTES} 字节，请归档后再读。`);
    const identity = `${info.ino}:${info.size}:${info.mtimeMs}`;
    const cached = lastRead.get(file);
    if (cached?.identity === identity) return cached.revisions;
    const text = await readFile(file, 'utf8');
    // a line still being appended by a refresh (no newline yet) is left for the next read
    const complete = text.slice(0, text.lastIndexOf('\n') + 1);
    const revisions = complete
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Revision);
    if (complete.length === text.length) lastRead.set(file, { identity, revisions });
    return revisions;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

export interface RecordRevisionsOptions {
  editionsDir: string;
  /** The warehouse just published (opened read-only here). */
  warehouseFile: string;
  runId: string;
  now: Date;
}

/** Compares every edition with the published marts; appends and returns the new revisions. */
export async function recordRevisions(options: RecordRevisionsOptions): Promise<Revision[]> {
  const editions = await listEditions(options.editionsDir);
  if (editions.length === 0) return [];
  const db = await openDatabase(options.warehouseFile, { readOnly: true, threads: 1, memoryLimit: '512MB' });
  let live: FrozenRow[];
  const filesSince = new Map<string, string[]>();
  try {
    live = await publishedFigures(db.connection);
    for (const manifest of editions) {
      const rows = await queryJson<{ file_name: string }>(db.connection, SQL_FILES_SINCE, { since_run: manifest.run_id ?? '' });
      filesSince.set(manifest.edition, rows.map((r) => r.file_name));
    }
  } finally {
    db.close();
  }
  const liveByKey = new Map(live.map((r) => [keyOf(r), r]));
  // The latest recorded state of each (edition, figure).
  const lastRecorded = new Map<string, Revision>();
  for (const r of await readRevisions(options.editionsDir)) lastRecorded.set(`${r.edition}|${keyOf(r)}`, r);

  const added: Revision[] = [];
  for (const manifest of editions) {
    const frozen = await readFrozenRows(options.editionsDir, manifest);
    const frozenByKey = new Map(frozen.map((r) => [keyOf(r), r]));
    const keys = new Set([...frozenByKey.keys(), ...liveByKey.keys()]);
    for (const key of [...keys].sort()) {
      const was = frozenByKey.get(key);
      const now = liveByKey.get(key);
      const previous = lastRecorded.get(`${manifest.edition}|${key}`);
      const reference = previous ? figureOfRevision(previous) : figureOfRow(was);
      if (sameFigure(reference, figureOfRow(now))) continue;
      const row = (now ?? was)!;
      added.push({
        edition: manifest.edition,
        indicator_id: row.indicator_id,
        period: row.period,
        grain: row.grain,
        unit_code: row.unit_code,
        unit_name: row.unit_name,
        county_code: row.county_code,
        old_numerator: was?.numerator ?? null,
        old_denominator: was?.denominator ?? null,
        old_value: was?.value ?? null,
        new_numerator: now?.numerator ?? null,
        new_denominator: now?.denominator ?? null,
        new_value: now?.value ?? null,
        run_id: options.runId,
        files: filesSince.get(manifest.edition) ?? [],
        recorded_at: options.now.toISOString(),
      });
    }
  }
  if (added.length > 0) {
    await mkdir(options.editionsDir, { recursive: true, mode: 0o700 });
    // One append of whole lines (O_APPEND): a reader never sees half a record of this run.
    await appendFile(revisionsFileFor(options.editionsDir), added.map((r) => `${JSON.stringify(r)}\n`).join(''), { mode: 0o600 });
  }
  return added;
}

/** The revisions of one edition a reader may see (county users: their county's units only, per interfaces.md). */
export function revisionsOf(all: Revision[], edition: string, county: string | null): Revision[] {
  return all.filter((r) => r.edition === edition && (county === null || r.county_code === county));
}
