// The run journal's reading of `running` entries: alive only while the very process that wrote
// it runs (a pid reused by another process, or an exited one, reads as killed); and the
// schedule's settings: off means no schedule, a bad expression stops the server with a
// Chinese message naming it.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { currentProcess, readRunJournals, startedJournal, writeRunJournal } from '../../pipelines/run/journal.ts';
import { RefreshRunner } from '../../server/refresh/runner.ts';
import { startRefreshSchedule } from '../../server/refresh/scheduler.ts';
import { silentLogger } from '../../server/log.ts';
import { loadConfig } from '../../pipelines/config.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
});

async function journalDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lishui-journal-'));
  dirs.push(dir);
  return dir;
}

describe('running journals', () => {
  it('read as running while their process runs, as killed once it has gone or its pid is another process', async () => {
    const dir = await journalDir();
    const at = (minute: number) => new Date(Date.UTC(2025, 0, 1, 2, minute));
    // this process: alive
    await writeRunJournal(dir, startedJournal({ runId: '20250101T020000Z-aaaaaa', trigger: 'schedule', startedAt: at(0) }));
    // a process that has exited
    const exited = spawnSync(process.execPath, ['-e', '0']);
    await writeRunJournal(dir, { ...startedJournal({ runId: '20250101T020100Z-bbbbbb', trigger: 'cli', startedAt: at(1) }), process: { ...currentProcess(), pid: exited.pid! } });
    // this pid, but another process start time: the pid was reused
    const self = currentProcess();
    await writeRunJournal(dir, { ...startedJournal({ runId: '20250101T020200Z-cccccc', trigger: 'api', startedAt: at(2) }), process: { ...self, start_ticks: (self.start_ticks ?? 0) + 1 } });
    // another machine: cannot tell, so not called killed
    await writeRunJournal(dir, { ...startedJournal({ runId: '20250101T020300Z-dddddd', trigger: 'cli', startedAt: at(3) }), process: { ...self, hostname: `${self.hostname}-elsewhere` } });

    const outcomes = Object.fromEntries((await readRunJournals(dir)).map((j) => [j.run_id.slice(-6), j.outcome]));
    expect(outcomes).toEqual({ aaaaaa: 'running', bbbbbb: 'killed', cccccc: 'killed', dddddd: 'running' });
    expect((await readRunJournals(dir, { limit: 2 })).map((j) => j.run_id.slice(-6))).toEqual(['dddddd', 'cccccc']);
  });
});

describe('schedule settings', () => {
  // an empty DATA_DIR (no config.json) for the defaults
  const emptyDataDir = path.join(os.tmpdir(), `lishui-no-config-${process.pid}`);
  const config = (settings: Record<string, unknown>) => ({ ...loadConfig({ dataDir: emptyDataDir }, {}), ...settings });
  const runner = (c: ReturnType<typeof config>) => new RefreshRunner({ config: c, log: silentLogger });

  it('is off when scheduleEnabled is false', () => {
    const c = config({ scheduleEnabled: false });
    expect(startRefreshSchedule({ config: c, runner: runner(c), log: silentLogger })).toBeNull();
  });

  it('refuses a bad cron expression with a message naming it', () => {
    const c = config({ scheduleCron: '61 2 * * *' });
    expect(() => startRefreshSchedule({ config: c, runner: runner(c), log: silentLogger })).toThrow(/cron 表达式无效：“61 2 \* \* \*”/);
  });

  it('defaults to 02:00 Asia/Shanghai', async () => {
    const c = loadConfig({ dataDir: emptyDataDir }, {});
    expect([c.scheduleCron, c.scheduleTimezone, c.scheduleEnabled]).toEqual(['0 2 * * *', 'Asia/Shanghai', true]);
    const schedule = startRefreshSchedule({ config: c, runner: runner(c), log: silentLogger })!;
    try {
      const next = schedule.nextRun()!;
      // 02:00 in Shanghai is 18:00 UTC
      expect([next.getUTCHours(), next.getUTCMinutes(), next.getUTCSeconds()]).toEqual([18, 0, 0]);
    } finally {
      await schedule.stop();
    }
  });
});
