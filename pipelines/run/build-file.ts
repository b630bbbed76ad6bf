// The build warehouse of a run, W.build-<run_id>: a copy of the published warehouse W (or a new
// file for a rebuild) opened for writing and made ready for loading, and what the run asks of it
// before it loads (the files already loaded, the last load_seq used).
import { constants, existsSync } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.ts';
import type { Project } from '../models/project.ts';
import { prepareWarehouse } from '../models/runner.ts';
import { createPersonKeyMacro, loadOrCreateSecret } from '../pii/person-key.ts';
import { attachStaging } from '../read/landing.ts';
import { openDatabase, queryRows, quoteLiteral, type Database } from '../warehouse/duckdb.ts';

export interface OpenBuildOptions {
  config: Config;
  project: Project;
  buildFile: string;
  runId: string;
  secret: Buffer | undefined;
  /** A new, empty warehouse (rebuild) instead of a copy of W. */
  fresh: boolean;
}

/** The build copy of the published warehouse (or a new one), ready for loading. */
export async function openBuild(options: OpenBuildOptions): Promise<Database> {
  const { config, buildFile } = options;
  await mkdir(path.dirname(buildFile), { recursive: true });
  // A clone where the file system makes one (XFS, btrfs: instant, whatever the history); a copy elsewhere.
  if (!options.fresh && existsSync(config.warehouseFile)) await copyFile(config.warehouseFile, buildFile, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE);
  const db = await openDatabase(buildFile, { memoryLimit: config.duckdbMemoryLimit, threads: config.duckdbThreads });
  try {
    await attachStaging(db.connection);
    await prepareWarehouse(db.connection, options.project);
    await createPersonKeyMacro(db.connection, options.secret ?? loadOrCreateSecret(config));
    // The SQL models stamp what they write with the run.
    await db.connection.run(`SET VARIABLE run_id = ${quoteLiteral(options.runId)}`);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Files the warehouse has loaded, each with the run that loaded it first. */
export async function loadedFiles(connection: Database['connection']): Promise<Map<string, string>> {
  const rows = await queryRows<{ file_id: string; run_id: string }>(
    connection,
    "SELECT file_id, min(run_id) AS run_id FROM audit.files WHERE status = 'loaded' GROUP BY file_id",
  );
  return new Map(rows.map((r) => [r.file_id, r.run_id]));
}

/** The highest load_seq the warehouse has used (0 for a new one). */
export async function maxLoadSeq(connection: Database['connection']): Promise<number> {
  const tables = await queryRows<{ name: string }>(
    connection,
    `SELECT schema_name || '.' || table_name AS name FROM duckdb_tables()
     WHERE database_name = current_database() AND schema_name || '.' || table_name IN ('audit.files', 'core.case_versions', 'core.training_versions')`,
  );
  let max = 0;
  for (const { name } of tables) {
    const rows = await queryRows<{ m: bigint | null }>(connection, `SELECT max(load_seq) AS m FROM ${name}`);
    max = Math.max(max, Number(rows[0]?.m ?? 0));
  }
  return max;
}
