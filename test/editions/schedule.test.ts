// The automatic edition on a one-second cron, with a clock the test controls: while a real
// refresh process holds the lock (held at its REFRESH_PAUSE_AT=locked hook) no edition is taken;
// once the refresh has ended the previous month's edition is taken, once; later ticks of the
// same period take nothing (two schedules side by side included); a new month takes the next.
import path from 'node:path';
import { readFileSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editionExists, editionsDirFor, listEditions, manifestFile } from '../../pipelines/editions/store.ts';
import type { Config } from '../../pipelines/config.ts';
import { readPublishedRunId } from '../../pipelines/run/history.ts';
import { journalDirFor, readRunJournals } from '../../pipelines/run/journal.ts';
import type { Logger } from '../../server/log.ts';
import { startEditionSchedule, type EditionSchedule } from '../../server/editions/schedule.ts';
import { dataDirWith, runCommand, spawnRefresh } from '../refresh/harness.ts';
import { acquireRefreshLock } from '../../pipelines/run/lock.ts';
import { buildFixtureWarehouse } from '../server/fixture-warehouse.ts';

let config: Config;
let dir: string;
const schedules: EditionSchedule[] = [];
const logs: string[] = [];
const log: Logger = {
  info: (m, f) => void logs.push(`INFO ${m} ${JSON.stringify(f ?? {})}`),
  warn: (m, f) => void logs.push(`WARN ${m} ${JSON.stringify(f ?? {})}`),
  error: (m, f) => void logs.push(`ERROR ${m} ${JSON.stringify(f ?? {})}`),
};
/** The schedule's clock: 1 December 2025, 02:30 in Lishui. */
let clock = new Date('2025-11-30T18:30:00Z');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const taken = () => logs.filter((l) => l.startsWith('INFO editions: edition taken')).length;

async function until(check: () => boolean, limitMs: number, what: string): Promise<void> {
  const end = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${logs.join('\n')}`);
    await sleep(100);
  }
}

function start(): EditionSchedule {
  const schedule = startEditionSchedule({ cron: '* * * * * *', timezone: 'Asia/Shanghai', dir, warehouseFile: config.warehouseFile, log, now: () => clock, retryMs: 200 });
  schedules.push(schedule);
  return schedule;
}

beforeAll(async () => {
  ({ config } = await dataDirWith({ editionScheduleEnabled: false }));
  dir = editionsDirFor(config.dataDir);
  await buildFixtureWarehouse(config.warehouseFile);
});

afterAll(async () => {
  for (const schedule of schedules) await schedule.stop();
});

describe('npm run editions', () => {
  it('takes an edition once (exit 1 the second time), not while a refresh holds the lock (exit 3), and lists them', async () => {
    const lock = await acquireRefreshLock(config.warehouseFile, { trigger: 'cli' });
    try {
      const busy = await runCommand('pipelines/cli/editions.ts', ['take', '--edition', '2025-09'], config.dataDir);
      expect(busy.code, busy.stderr).toBe(3);
    } finally {
      await lock.release();
    }
    expect(editionExists(dir, '2025-09')).toBe(false);
    const take = await runCommand('pipelines/cli/editions.ts', ['take', '--edition', '2025-09', '--by', 'operator'], config.dataDir);
    expect(take.code, take.stderr).toBe(0);
    expect(take.stdout).toContain('已生成 2025-09 期月报');
    const again = await runCommand('pipelines/cli/editions.ts', ['take', '--edition', '2025-09'], config.dataDir);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('已存在');
    const list = await runCommand('pipelines/cli/editions.ts', ['list'], config.dataDir);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^2025-09\t.*\toperator\t/m);
    expect((await runCommand('pipelines/cli/editions.ts', ['take', '--edition', '2025-9'], config.dataDir)).code).toBe(2);
  });
});

describe('the automatic edition', () => {
  it('waits for a running refresh, then takes the previous month once; never twice; the next month once', async () => {
    const refresh = spawnRefresh(config.dataDir, { pauseAt: 'locked' });
    await refresh.waitFor('REFRESH_PAUSED locked');
    start();
    // ticks during the refresh: none takes the edition
    await until(() => logs.filter((l) => l.includes('a refresh is running')).length >= 3, 15_000, 'ticks during the refresh');
    expect(editionExists(dir, '2025-11')).toBe(false);

    refresh.process.stdin!.end('\n');
    await refresh.exited;
    await until(() => editionExists(dir, '2025-11'), 15_000, 'the 2025-11 edition');
    // taken after the refresh had finished (its journal's end), from what it published
    const [journal] = await readRunJournals(journalDirFor(config.dataDir));
    expect(journal?.finished_at).toBeTruthy();
    // both times from the file system's clock (the journal is written last, when the run ends)
    const journalWritten = statSync(path.join(journalDirFor(config.dataDir), `${journal!.run_id}.json`)).mtimeMs;
    expect(statSync(manifestFile(dir, '2025-11')).mtimeMs).toBeGreaterThanOrEqual(journalWritten);
    const edition = (await listEditions(dir)).find((e) => e.edition === '2025-11');
    expect(edition!.run_id).toBe(await readPublishedRunId(config.warehouseFile));
    if (journal!.published) expect(edition!.run_id).toBe(journal!.run_id);
    const manifest = readFileSync(manifestFile(dir, '2025-11'));

    // more ticks of the same period, and a second schedule (another server) beside the first
    start();
    await sleep(3500);
    expect((await listEditions(dir)).map((e) => e.edition)).toEqual(['2025-09', '2025-11']);
    expect(readFileSync(manifestFile(dir, '2025-11')).equals(manifest)).toBe(true);
    expect(taken()).toBe(1);

    // a month later: the next edition, once, whichever schedule takes it
    clock = new Date('2025-12-31T18:30:00Z');
    await until(() => editionExists(dir, '2025-12'), 15_000, 'the 2025-12 edition');
    await sleep(3000);
    expect((await listEditions(dir)).map((e) => e.edition)).toEqual(['2025-09', '2025-11', '2025-12']);
    expect(taken()).toBe(2);
    expect(logs.filter((l) => l.startsWith('ERROR'))).toEqual([]);
  });
});
