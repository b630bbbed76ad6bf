// Monthly editions: the frozen figures of a month (interfaces.md, "Monthly editions").
// They live outside the warehouse files, under DATA_DIR/editions/, so that refreshes, rebuilds
// and rollbacks never touch them:
//   YYYY-MM.<sha8>.parquet  every row of mart.indicator_values as published, plus county_code
//   YYYY-MM.json            the edition's manifest: who, when, which run, as_of, rows, sha256
// The manifest is what makes an edition exist. It is created with link(2), which fails when the
// name exists, so an edition is written once and never rewritten, even by two takers at once;
// the Parquet file is named by its own hash, so a second taker cannot overwrite the first's.
// Both are written to a temporary name first (owner-only, 0600), then put in place atomically.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, link, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openDatabase, queryJson, quoteLiteral } from '../warehouse/duckdb.ts';

export const EDITION = /^(\d{4})-(0[1-9]|1[0-2])$/;
const MANIFEST = /^(\d{4}-(?:0[1-9]|1[0-2]))\.json$/;

const SQL_FROZEN = readFileSync(new URL('./sql/frozen_figures.sql', import.meta.url), 'utf8');
const SQL_FACTS = readFileSync(new URL('./sql/edition_facts.sql', import.meta.url), 'utf8');

/** One frozen row: the contract's columns of mart.indicator_values, plus the unit's county. */
export interface FrozenRow {
  indicator_id: string;
  period: string;
  grain: 'office' | 'cluster' | 'county' | 'city';
  unit_code: string;
  unit_name: string;
  numerator: number;
  denominator: number;
  value: number;
  target: number | null;
  meets_target: boolean | null;
  as_of: string;
  /** NULL for the city row. */
  county_code: string | null;
}

export interface EditionManifest {
  edition: string;
  taken_at: string;
  /** `schedule`, or the user who asked (POST /api/editions, the CLI). */
  taken_by: string;
  run_id: string | null;
  /** The newest as_of of the frozen rows. */
  as_of: string | null;
  rows: number;
  file: string;
  sha256: string;
}

export class EditionExistsError extends Error {
  constructor(readonly edition: string) {
    super(`${edition} 期月报已存在，不能重复生成或覆盖。`);
  }
}

export class NoPublishedWarehouseError extends Error {
  constructor() {
    super('还没有已发布的仓库，无法生成月报版本。');
  }
}

export function editionsDirFor(dataDir: string): string {
  return path.join(dataDir, 'editions');
}

export function manifestFile(dir: string, edition: string): string {
  return path.join(dir, `${edition}.json`);
}

export function editionExists(dir: string, edition: string): boolean {
  return existsSync(manifestFile(dir, edition));
}

/** Every edition's manifest, oldest first. */
export async function listEditions(dir: string): Promise<EditionManifest[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const out: EditionManifest[] = [];
  for (const name of names.filter((n) => MANIFEST.test(n)).sort()) {
    out.push(JSON.parse(await readFile(path.join(dir, name), 'utf8')) as EditionManifest);
  }
  return out;
}

export async function readManifest(dir: string, edition: string): Promise<EditionManifest | undefined> {
  if (!EDITION.test(edition)) return undefined;
  try {
    return JSON.parse(await readFile(manifestFile(dir, edition), 'utf8')) as EditionManifest;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The published figures on `connection` (a warehouse with the marts), as frozen rows. */
export async function publishedFigures(connection: DuckDBConnection): Promise<FrozenRow[]> {
  const rows = await queryJson<FrozenRow>(connection, SQL_FROZEN);
  return rows.map(normalise);
}

function normalise(row: FrozenRow): FrozenRow {
  return {
    ...row,
    numerator: Number(row.numerator),
    denominator: Number(row.denominator),
    value: Number(row.value),
    target: row.target === null ? null : Number(row.target),
    county_code: row.county_code ?? null,
  };
}

export interface TakeEditionOptions {
  dir: string;
  /** The published warehouse W; opened read-only for the moment of the take. */
  warehouseFile: string;
  edition: string;
  takenBy: string;
  now: Date;
  /** The run that published W (history.ts: publishedRunIdOf), read by the caller or here. */
  runIdOf: (connection: DuckDBConnection) => Promise<string | undefined>;
}

/**
 * Freezes the published warehouse's indicator_values as `edition`. The caller holds W's refresh
 * lock, so no publish happens meanwhile. Throws EditionExistsError when the edition exists.
 */
export async function takeEdition(options: TakeEditionOptions): Promise<EditionManifest> {
  const { dir, edition } = options;
  if (!EDITION.test(edition)) throw new Error(`月报版本应为 YYYY-MM：${edition}`);
  if (editionExists(dir, edition)) throw new EditionExistsError(edition);
  if (!existsSync(options.warehouseFile)) throw new NoPublishedWarehouseError();
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const temp = path.join(dir, `.${edition}.${process.pid}-${randomBytes(4).toString('hex')}`);
  const db = await openDatabase(options.warehouseFile, { readOnly: true, threads: 1, memoryLimit: '512MB' });
  let manifest: EditionManifest;
  try {
    const runId = (await options.runIdOf(db.connection)) ?? null;
    const facts = (await queryJson<{ rows: number; as_of: string | null }>(db.connection, SQL_FACTS))[0];
    const asOf = facts?.as_of ?? null;
    const rows = Number(facts?.rows ?? 0);
    // DuckDB writes the Parquet file itself: the doubles go over bit for bit.
    const body = SQL_FROZEN.replace(/^--.*$/gm, '').trim();
    await db.connection.run(`COPY (${body}) TO ${quoteLiteral(`${temp}.parquet`)} (FORMAT parquet, COMPRESSION zstd)`);
    const bytes = await readFile(`${temp}.parquet`);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const file = `${edition}.${sha256.slice(0, 8)}.parquet`;
    manifest = { edition, taken_at: options.now.toISOString(), taken_by: options.takenBy, run_id: runId, as_of: asOf, rows, file, sha256 };
  } catch (error) {
    await rm(`${temp}.parquet`, { force: true });
    throw error;
  } finally {
    db.close();
  }
  try {
    await chmod(`${temp}.parquet`, 0o600);
    await rename(`${temp}.parquet`, path.join(dir, manifest.file));
    await writeFile(`${temp}.json`, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
    try {
      await link(`${temp}.json`, manifestFile(dir, edition));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new EditionExistsError(edition);
      throw error;
    }
  } finally {
    await rm(`${temp}.json`, { force: true });
    await rm(`${temp}.parquet`, { force: true });
  }
  return manifest;
}

/**
 * Reads the frozen rows of editions (each checked against its manifest's sha256). One
 * in-memory DuckDB reads the Parquet files; an edition never changes, so its rows are kept
 * (the newest `maxCached` editions read).
 */
export class EditionReader {
  readonly #cache = new Map<string, Promise<FrozenRow[]>>();

  constructor(
    readonly dir: string,
    private readonly maxCached = 24,
  ) {}

  list(): Promise<EditionManifest[]> {
    return listEditions(this.dir);
  }

  manifest(edition: string): Promise<EditionManifest | undefined> {
    return readManifest(this.dir, edition);
  }

  /** The frozen rows of `edition`, or undefined when there is no such edition. */
  async rows(edition: string): Promise<FrozenRow[] | undefined> {
    const manifest = await this.manifest(edition);
    if (!manifest) return undefined;
    const key = `${edition}:${manifest.sha256}`;
    let pending = this.#cache.get(key);
    if (!pending) {
      pending = readFrozenRows(this.dir, manifest);
      this.#cache.set(key, pending);
      pending.catch(() => this.#cache.delete(key));
      while (this.#cache.size > this.maxCached) this.#cache.delete(this.#cache.keys().next().value as string);
    }
    return pending;
  }
}

export async function readFrozenRows(dir: string, manifest: EditionManifest): Promise<FrozenRow[]> {
  const file = path.join(dir, manifest.file);
  const bytes = await readFile(file);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== manifest.sha256) throw new Error(`月报版本 ${manifest.edition} 的数据文件与清单不符（sha256），已拒绝读取。`);
  const db = await openDatabase(':memory:', { threads: 1, memoryLimit: '256MB' });
  try {
    const rows = await queryJson<FrozenRow>(db.connection, `SELECT * FROM read_parquet(${quoteLiteral(file)}) ORDER BY indicator_id, period, grain, unit_code`);
    return rows.map(normalise);
  } finally {
    db.close();
  }
}

/** The edition of the month before `at`, in `timeZone` (the automatic edition's period). */
export function previousMonthEdition(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' }).formatToParts(at);
  const year = Number(parts.find((p) => p.type === 'year')!.value);
  const month = Number(parts.find((p) => p.type === 'month')!.value);
  const prevYear = month === 1 ? year - 1 : year;
  const prevMonth = month === 1 ? 12 : month - 1;
  return `${prevYear}-${String(prevMonth).padStart(2, '0')}`;
}
