// `npm run refresh -- --rebuild`: a new warehouse from the archive alone gives the same marts as
// the incremental history that filled the archive — including which of two exports of the same
// date wins (the one loaded later) — moves nothing, ignores the inbox, and is published like
// any run (trigger `rebuild`, the previous warehouse kept in the history).
import { copyFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { historyFileFor } from '../../pipelines/run/history.ts';
import { runRefresh } from '../../pipelines/run/refresh.ts';
import type { RefreshResult } from '../../pipelines/run/vocabulary.ts';
import { openDatabase, queryJson } from '../../pipelines/warehouse/duckdb.ts';
import { dataDirWith, demoRounds, inboxNames, martTables, putInInbox, runCommand } from './harness.ts';

// Columns that name the run or today's date rather than the data.
const NOT_DATA = { rejections_by_reason: ['last_run_id'], data_freshness: ['built_on', 'days_since_export'] };

let world: Awaited<ReturnType<typeof dataDirWith>>;
let rounds: string[][];

beforeAll(async () => {
  rounds = await demoRounds();
  world = await dataDirWith();
});

function archived(archiveDir: string, dir = ''): string[] {
  return readdirSync(path.join(archiveDir, dir), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? archived(archiveDir, path.join(dir, e.name)) : [path.join(dir, e.name)]))
    .sort();
}

describe('rebuild from the archive', () => {
  it('gives the marts of the incremental history that made the archive', async () => {
    const { config } = world;
    const W = config.warehouseFile;
    const runs: RefreshResult[] = [];
    for (const round of rounds) {
      putInInbox(config, round);
      const result = await runRefresh({ config });
      expect(result.published, result.message).toBe(true);
      runs.push(result);
    }
    const incremental = await martTables(W, NOT_DATA);
    // The corrected June case file (third run) changed the marts: load order matters here.
    expect(await martTables(historyFileFor(W, runs[1]!.runId), NOT_DATA)).not.toEqual(incremental);

    // A new export waiting in the inbox is not the archive: a rebuild must leave it alone.
    copyFileSync(rounds[2]![0]!, path.join(config.inboxDir, 'cases_20251215.csv'));
    const archiveBefore = archived(config.archiveDir);
    expect(archiveBefore).toHaveLength(rounds.flat().length);

    const rebuild = await runCommand('pipelines/cli/refresh.ts', ['--rebuild'], world.dataDir);
    expect(rebuild.code, rebuild.stdout + rebuild.stderr).toBe(0);
    expect(await martTables(W, NOT_DATA)).toEqual(incremental);
    expect(archived(config.archiveDir)).toEqual(archiveBefore);
    expect(inboxNames(config)).toEqual(['cases_20251215.csv']);

    const db = await openDatabase(W, { readOnly: true, threads: 1 });
    try {
      const auditRuns = await queryJson<{ run_id: string; trigger: string }>(db.connection, 'SELECT run_id, trigger FROM audit.runs');
      expect(auditRuns.map((r) => r.trigger)).toEqual(['rebuild']);
      const files = await queryJson<{ file_name: string; source: string; archived_as: string; load_seq: string }>(
        db.connection,
        "SELECT file_name, source, archived_as, load_seq FROM audit.files WHERE status = 'loaded' ORDER BY load_seq",
      );
      expect(files).toHaveLength(rounds.flat().length);
      expect(new Set(files.map((f) => f.source))).toEqual(new Set(['archive']));
      expect(files.map((f) => f.archived_as).sort()).toEqual(archiveBefore.map((f) => f.split(path.sep).join('/')));
      // The two June case files, in the order the incremental runs loaded them.
      const june = files.filter((f) => f.file_name === 'cases_20250601.csv');
      expect(june.map((f) => f.archived_as.includes(runs[2]!.runId))).toEqual([false, true]);
    } finally {
      db.close();
    }
    // Published like any run: the incremental warehouse is kept for rollback.
    expect(await martTables(historyFileFor(W, runs[2]!.runId), NOT_DATA)).toEqual(incremental);
  }, 180_000);
});
