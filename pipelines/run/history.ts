// The published warehouses kept for rollback (docs/architecture.md, "Warehouse files"):
//   W.history/<run_id>.duckdb   a warehouse W was, named for the run that published it
//   W.analyst/<run_id>.duckdb   that run's analyst copy (the console's file)
// At publish the outgoing W is hard-linked into the history (instant, no bytes copied; a copy
// when the file system refuses links) before the build is renamed over W. Published files are
// never written again (the server opens W read-only, refreshes copy it), so a link is as good
// as a copy. Pruning keeps the newest `keep` history files (by run id, which sorts by time) and
// the analyst files of W and of those; deleting a file a server still has open is safe on
// Linux (the open descriptor keeps the inode until it is closed).
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, copyFile, link, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { mkdirPrivate, PRIVATE_FILE_MODE } from '../fs/private-files.ts';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { analystDirFor } from '../publish/analyst.ts';
import { openDatabase, queryRows } from '../warehouse/duckdb.ts';

const RUN_ID = /^\d{8}T\d{6}Z-[0-9a-f]{6}$/;

export interface HistoryEntry {
  runId: string;
  file: string;
}

export function historyDirFor(warehouseFile: string): string {
  return `${warehouseFile}.history`;
}

export function historyFileFor(warehouseFile: string, runId: string): string {
  return path.join(historyDirFor(warehouseFile), `${runId}.duckdb`);
}

/** History warehouses, oldest first. */
export async function listHistory(warehouseFile: string): Promise<HistoryEntry[]> {
  const dir = historyDirFor(warehouseFile);
  if (!existsSync(dir)) return [];
  return (await readdir(dir))
    .filter((name) => name.endsWith('.duckdb') && RUN_ID.test(name.slice(0, -'.duckdb'.length)))
    .sort()
    .map((name) => ({ runId: name.slice(0, -'.duckdb'.length), file: path.join(dir, name) }));
}

/**
 * The run that published the warehouse open on `connection`: the one its analyst pointer
 * (audit.publication) names, else its newest audit.runs row; undefined for an empty warehouse.
 */
export async function publishedRunIdOf(connection: DuckDBConnection): Promise<string | undefined> {
  const tables = new Set(
    (
      await queryRows<{ name: string }>(
        connection,
        "SELECT table_name AS name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'audit' AND table_name IN ('publication', 'runs')",
      )
    ).map((r) => r.name),
  );
  if (tables.has('publication')) {
    const named = (await queryRows<{ analyst_file: string }>(connection, 'SELECT analyst_file FROM audit.publication LIMIT 1'))[0]?.analyst_file;
    const runId = named?.replace(/\.duckdb$/, '');
    if (runId && RUN_ID.test(runId)) return runId;
  }
  if (tables.has('runs')) {
    const newest = (await queryRows<{ run_id: string }>(connection, 'SELECT max(run_id) AS run_id FROM audit.runs'))[0]?.run_id;
    if (newest) return newest;
  }
  return undefined;
}

/** The run that published the warehouse file `file` (opened read-only for a moment). */
export async function readPublishedRunId(file: string): Promise<string | undefined> {
  if (!existsSync(file)) return undefined;
  const db = await openDatabase(file, { readOnly: true, threads: 1, memoryLimit: '256MB' });
  try {
    return await publishedRunIdOf(db.connection);
  } finally {
    db.close();
  }
}

/** Keeps W as the history file of `runId` (nothing to do when that file is already there). */
export async function keepInHistory(warehouseFile: string, runId: string): Promise<'linked' | 'copied' | 'present'> {
  const target = historyFileFor(warehouseFile, runId);
  if (existsSync(target)) return 'present';
  await mkdirPrivate(historyDirFor(warehouseFile));
  return placeFile(warehouseFile, target);
}

/**
 * Puts `source` at `target` atomically: a link (or copy) under a temporary name in target's
 * folder, then one rename(2) over target. Readers of target see the old file or the new one.
 */
export async function replaceAtomically(source: string, target: string): Promise<'linked' | 'copied'> {
  const temp = `${target}.incoming-${randomBytes(4).toString('hex')}`;
  try {
    const how = await placeFile(source, temp);
    await rename(temp, target);
    return how;
  } finally {
    await rm(temp, { force: true });
  }
}

async function placeFile(source: string, target: string): Promise<'linked' | 'copied'> {
  try {
    await link(source, target);
    return 'linked';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EMLINK') throw error;
  }
  // A half-written copy must never carry the final name.
  const partial = `${target}.partial-${randomBytes(4).toString('hex')}`;
  try {
    await copyFile(source, partial);
    await chmod(partial, PRIVATE_FILE_MODE);
    await rename(partial, target);
  } finally {
    await rm(partial, { force: true });
  }
  return 'copied';
}

export interface PruneResult {
  removedWarehouses: string[];
  removedAnalystFiles: string[];
}

/**
 * Keeps the newest `keep` history warehouses and removes older ones, then removes every analyst
 * file that neither W (run `currentRunId`) nor a kept history warehouse refers to — which also
 * clears those of runs killed before their publish. Never removes W's own history entry.
 * Call it holding the refresh lock: a run in progress has an analyst file no warehouse names yet.
 */
export async function pruneHistory(warehouseFile: string, options: { keep: number; currentRunId?: string }): Promise<PruneResult> {
  const entries = await listHistory(warehouseFile);
  const currentInode = existsSync(warehouseFile) ? (await stat(warehouseFile)).ino : undefined;
  const others: HistoryEntry[] = [];
  for (const entry of entries) {
    const same = entry.runId === options.currentRunId || (currentInode !== undefined && (await stat(entry.file)).ino === currentInode);
    if (!same) others.push(entry);
  }
  const removedWarehouses: string[] = [];
  for (const entry of others.slice(0, Math.max(0, others.length - options.keep))) {
    await rm(entry.file, { force: true });
    await rm(`${entry.file}.wal`, { force: true });
    removedWarehouses.push(entry.file);
  }
  const referenced = new Set((await listHistory(warehouseFile)).map((e) => e.runId));
  if (options.currentRunId) referenced.add(options.currentRunId);
  const removedAnalystFiles: string[] = [];
  const analystDir = analystDirFor(warehouseFile);
  if (existsSync(analystDir)) {
    for (const name of await readdir(analystDir)) {
      const runId = name.replace(/\.duckdb(\.wal)?$/, '');
      if (!RUN_ID.test(runId) || referenced.has(runId)) continue;
      await rm(path.join(analystDir, name), { force: true });
      removedAnalystFiles.push(path.join(analystDir, name));
    }
  }
  return { removedWarehouses, removedAnalystFiles };
}

/**
 * Removes what killed runs left beside W: build files and their WAL, DuckDB spill folders and
 * read folders (`W.build-*`), half-made copies (`*.incoming-*`, `*.partial-*`). Call it holding
 * the refresh lock, so that no live run owns any of them; `exceptRunId` is the caller's own run.
 */
export async function removeLeftovers(warehouseFile: string, exceptRunId?: string): Promise<string[]> {
  const dir = path.dirname(warehouseFile);
  const base = path.basename(warehouseFile);
  const removed: string[] = [];
  const remove = async (folder: string, names: string[], match: (name: string) => boolean) => {
    for (const name of names) {
      if (!match(name)) continue;
      await rm(path.join(folder, name), { recursive: true, force: true });
      removed.push(path.join(folder, name));
    }
  };
  if (existsSync(dir)) {
    const own = exceptRunId ? `${base}.build-${exceptRunId}` : undefined;
    await remove(dir, await readdir(dir), (name) =>
      (name.startsWith(`${base}.build-`) && !(own && name.startsWith(own))) || name.startsWith(`${base}.incoming-`) || name.startsWith(`${base}.partial-`),
    );
  }
  const historyDir = historyDirFor(warehouseFile);
  if (existsSync(historyDir)) await remove(historyDir, await readdir(historyDir), (name) => /\.(incoming|partial)-[0-9a-f]{8}$/.test(name));
  return removed;
}
