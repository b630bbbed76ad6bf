// The lake: after a publish, the core facts and the marts as Hive-partitioned Parquet (by year
// and county), so that a provincial platform's Spark or Trino reads the whole history without
// DuckDB (docs/scale-out.md). One folder per published run and a manifest naming the current one:
//
//   LAKE/manifest.json                     { run_id, as_of, written_at, snapshot, tables[] }
//   LAKE/runs/<run_id>/<table>/year=2025/county_code=331102/data_0.parquet
//
// The manifest is replaced atomically and only by a newer run; the previous run's folder is kept
// for readers in flight. What each table holds is a SELECT in sql/lake/<table>.sql; personal
// data never leaves (no names, no ID numbers: the person is the HMAC person_key).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase, queryRows } from '../warehouse/duckdb.ts';
import { publishedRunIdOf } from '../run/history.ts';

const LAKE_SQL = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../sql/lake');
/** Run folders kept: the current one and the one before it (a reader may still be on it). */
const KEEP_RUNS = 2;

export interface LakeTable {
  name: string;
  /** The SELECT that gives the table's rows (sql/lake/<name>.sql). */
  sql: string;
  /** Hive partition columns, from the model's `@partition_by` line; empty for one file. */
  partitionBy: string[];
}

export interface LakeManifest {
  run_id: string;
  as_of: string | null;
  written_at: string;
  /** The run's folder, relative to the lake. */
  snapshot: string;
  tables: { name: string; path: string; partition_by: string[]; rows: number; files: number }[];
}

export interface WriteLakeOptions {
  warehouseFile: string;
  lakeDir: string;
  memoryLimit?: string;
  threads?: number;
  now?: () => Date;
}

export type WriteLakeResult = { written: true; manifest: LakeManifest } | { written: false; reason: string };

/** The lake models of sql/lake/, in file order. */
export function lakeTables(dir: string = LAKE_SQL): LakeTable[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((file) => {
      const sql = readFileSync(path.join(dir, file), 'utf8');
      const partition = /^--\s*@partition_by\s+(.+)$/m.exec(sql)?.[1];
      return {
        name: file.slice(0, -'.sql'.length),
        sql: sql.replace(/;\s*$/, ''),
        partitionBy: partition ? partition.split(',').map((c) => c.trim()).filter(Boolean) : [],
      };
    });
}

/** Writes the published warehouse's lake snapshot and points the manifest at it. */
export async function writeLake(options: WriteLakeOptions): Promise<WriteLakeResult> {
  const now = options.now ?? (() => new Date());
  const db = await openDatabase(options.warehouseFile, { readOnly: true, memoryLimit: options.memoryLimit ?? '1GB', threads: options.threads ?? 2 });
  try {
    const runId = await publishedRunIdOf(db.connection);
    if (!runId) return { written: false, reason: '仓库尚未发布任何运行' };
    const current = await readManifest(options.lakeDir);
    if (current && current.run_id >= runId) return { written: false, reason: `湖中已有运行 ${current.run_id}，不早于 ${runId}` };

    const runsDir = path.join(options.lakeDir, 'runs');
    const snapshot = path.join(runsDir, runId);
    const building = `${snapshot}.building-${process.pid}`;
    await rm(building, { recursive: true, force: true });
    await mkdir(building, { recursive: true, mode: 0o700 });
    const tables: LakeManifest['tables'] = [];
    for (const table of lakeTables()) {
      const target = path.join(building, table.name);
      const partitioned = table.partitionBy.length > 0;
      const to = partitioned ? target : `${target}.parquet`;
      const partitionClause = partitioned ? `, PARTITION_BY (${table.partitionBy.join(', ')})` : '';
      await db.connection.run(`COPY (${table.sql}) TO '${to.replaceAll("'", "''")}' (FORMAT parquet, COMPRESSION zstd${partitionClause})`);
      const [counted] = await queryRows<{ rows: bigint; files: bigint }>(
        db.connection,
        `SELECT count(*) AS rows, count(DISTINCT filename) AS files FROM read_parquet('${(partitioned ? `${target}/**/*.parquet` : to).replaceAll("'", "''")}', filename = true${partitioned ? ', hive_partitioning = true' : ''})`,
      );
      tables.push({ name: table.name, path: path.relative(options.lakeDir, partitioned ? snapshot + '/' + table.name : `${snapshot}/${table.name}.parquet`), partition_by: table.partitionBy, rows: Number(counted?.rows ?? 0), files: Number(counted?.files ?? 0) });
    }
    const as_of = (await queryRows<{ as_of: string | null }>(db.connection, 'SELECT max(as_of)::VARCHAR AS as_of FROM mart.indicator_values'))[0]?.as_of ?? null;
    await rm(snapshot, { recursive: true, force: true });
    await rename(building, snapshot);

    const manifest: LakeManifest = { run_id: runId, as_of, written_at: now().toISOString(), snapshot: path.relative(options.lakeDir, snapshot), tables };
    const temp = path.join(options.lakeDir, `manifest.json.${process.pid}.tmp`);
    await writeFile(temp, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
    await rename(temp, path.join(options.lakeDir, 'manifest.json'));
    await pruneRuns(runsDir, runId);
    return { written: true, manifest };
  } finally {
    db.close();
  }
}

export async function readManifest(lakeDir: string): Promise<LakeManifest | undefined> {
  const file = path.join(lakeDir, 'manifest.json');
  if (!existsSync(file)) return undefined;
  return JSON.parse(await readFile(file, 'utf8')) as LakeManifest;
}

/** Keeps the newest KEEP_RUNS run folders (run ids sort by time); removes what dead writers left. */
async function pruneRuns(runsDir: string, currentRunId: string): Promise<void> {
  const entries = readdirSync(runsDir);
  const runs = entries.filter((e) => !e.includes('.building-')).sort().reverse();
  const keep = new Set([currentRunId, ...runs.slice(0, KEEP_RUNS)]);
  for (const entry of entries) {
    const builder = /\.building-(\d+)$/.exec(entry)?.[1];
    const stale = builder ? !isAlive(Number(builder)) : !keep.has(entry);
    if (stale) await rm(path.join(runsDir, entry), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
