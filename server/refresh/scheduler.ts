// The nightly schedule inside the server (node-cron v4): at each tick a refresh child is
// started through the RefreshRunner. Overlap is prevented by the refresh lock itself, not by
// node-cron's in-process noOverlap: a tick that finds the lock held — by this server's child, a
// CLI refresh or another server — is skipped, logged, and noted in the run history as a journal
// entry with outcome `skipped` (one note per holder, counting its ticks, so a frequent schedule
// cannot flood the history).
import cron, { type ScheduledTask } from 'node-cron';
import { zh } from '../../dashboards/i18n/zh.ts';
import type { Config } from '../../pipelines/config.ts';
import { journalDirFor, skippedJournal, writeRunJournal, type SkippedTicks } from '../../pipelines/run/journal.ts';
import { RefreshBusyError, type LockInfo } from '../../pipelines/run/lock.ts';
import { newRunId } from '../../pipelines/run/vocabulary.ts';
import type { Logger } from '../log.ts';
import { RunnerStoppedError, type RefreshRunner } from './runner.ts';

export interface RefreshScheduleOptions {
  config: Pick<Config, 'scheduleCron' | 'scheduleTimezone' | 'scheduleEnabled' | 'dataDir'>;
  runner: RefreshRunner;
  log: Logger;
}

export interface RefreshSchedule {
  /** The next tick, or null. */
  nextRun(): Date | null;
  stop(): Promise<void>;
}

interface SkipNote {
  holderKey: string;
  runId: string;
  firstAt: Date;
  ticks: number;
}

/** Starts the schedule; null when it is turned off (scheduleEnabled=false / REFRESH_SCHEDULE=off). */
export function startRefreshSchedule(options: RefreshScheduleOptions): RefreshSchedule | null {
  const { config, runner, log } = options;
  if (!config.scheduleEnabled) {
    log.info('schedule: off');
    return null;
  }
  const validation = cron.validateDetailed(config.scheduleCron);
  if (!validation.valid) {
    throw new Error(zh.startup.badCron(config.scheduleCron, validation.errors.map((e) => e.message).join('; ')));
  }
  const journalDir = journalDirFor(config.dataDir);
  let note: SkipNote | undefined;
  let stopped = false;

  const tick = async (at: Date) => {
    if (stopped) return;
    try {
      const run = await runner.start('schedule');
      log.info('schedule: refresh started', { pid: run.pid, run_id: run.runId });
    } catch (error) {
      if (error instanceof RefreshBusyError) {
        note = await noteSkip(error.holder, at, note);
      } else if (!(error instanceof RunnerStoppedError)) {
        log.error('schedule: could not start a refresh', { error: (error as Error).message });
      }
    }
  };

  const noteSkip = async (holder: LockInfo, at: Date, previous: SkipNote | undefined): Promise<SkipNote> => {
    const holderKey = `${holder.pid}@${holder.hostname}:${holder.since}`;
    const current: SkipNote = previous?.holderKey === holderKey ? { ...previous, ticks: previous.ticks + 1 } : { holderKey, runId: newRunId(at), firstAt: at, ticks: 1 };
    const holderRunId = holder.runId ?? null;
    const holderFacts: SkippedTicks['holder'] = { pid: holder.pid, hostname: holder.hostname, run_id: holderRunId, trigger: holder.trigger, since: holder.since };
    log.warn('schedule: a refresh is running; tick skipped', { holder_pid: holder.pid, holder_trigger: holder.trigger, holder_run_id: holderRunId, ticks_skipped: current.ticks });
    if (!stopped) await writeRunJournal(journalDir, skippedJournal({ at, holder: holderFacts, ticks: current.ticks, firstAt: current.firstAt, runId: current.runId }), (error) => log.error('schedule: could not note the skipped tick', { error: error.message }));
    return current;
  };

  const task: ScheduledTask = cron.schedule(config.scheduleCron, (context) => tick(context.triggeredAt ?? new Date()), {
    name: 'refresh',
    timezone: config.scheduleTimezone,
  });
  log.info('schedule: on', { cron: config.scheduleCron, timezone: config.scheduleTimezone, next: task.getNextRun()?.toISOString() ?? null });
  return {
    nextRun: () => task.getNextRun(),
    async stop() {
      stopped = true;
      await task.destroy();
    },
  };
}
