// The automatic monthly edition (default `30 2 1 * *`, Asia/Shanghai: on the 1st at 02:30, the
// previous month's edition), on its own node-cron schedule. It never overlaps a refresh: it
// takes W's refresh lock, and when a refresh holds it the tick waits and tries again between
// runs (every retryMs, until the next tick would take over). An edition that exists is never
// taken again, so a tick for a period already taken does nothing; ticks never run side by side
// in this process (the one running keeps the period).
import cron, { type ScheduledTask } from 'node-cron';
import { zhEditions } from '../../dashboards/i18n/zh-editions.ts';
import { takeEditionLocked } from '../../pipelines/editions/take.ts';
import { EditionExistsError, NoPublishedWarehouseError, editionExists, previousMonthEdition, type EditionManifest } from '../../pipelines/editions/store.ts';
import { RefreshBusyError } from '../../pipelines/run/lock.ts';
import type { Logger } from '../log.ts';

export interface EditionScheduleOptions {
  cron: string;
  timezone: string;
  dir: string;
  warehouseFile: string;
  log: Logger;
  /** The clock that decides the period (tests fix it). */
  now: () => Date;
  /** How long to wait before asking again for a lock a refresh holds. */
  retryMs?: number;
  /** How long a tick keeps trying before it gives up (logged; the CLI can take the edition later). */
  maxWaitMs?: number;
  /** Called once an edition is taken (the server logs it; the audit log hooks in there). */
  onTaken?: (manifest: EditionManifest) => void | Promise<void>;
}

export interface EditionSchedule {
  nextRun(): Date | null;
  /** Resolves when no tick is running. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export function startEditionSchedule(options: EditionScheduleOptions): EditionSchedule {
  const validation = cron.validateDetailed(options.cron);
  if (!validation.valid) throw new Error(zhEditions.schedule.badCron(options.cron, validation.errors.map((e) => e.message).join('; ')));
  const retryMs = options.retryMs ?? 30_000;
  const maxWaitMs = options.maxWaitMs ?? 6 * 3600_000;
  const { log } = options;
  let stopped = false;
  let running: Promise<void> | undefined;
  let wake: (() => void) | undefined;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const takeFor = async (edition: string): Promise<void> => {
    const giveUpAt = Date.now() + maxWaitMs;
    while (!stopped) {
      if (Date.now() > giveUpAt) {
        log.error('editions: gave up taking the edition; take it with `npm run editions -- take --edition`', { edition, waited_ms: maxWaitMs });
        return;
      }
      if (editionExists(options.dir, edition)) return;
      try {
        const manifest = await takeEditionLocked({ dir: options.dir, warehouseFile: options.warehouseFile, edition, takenBy: 'schedule', trigger: 'schedule', now: options.now });
        log.info('editions: edition taken', { edition, run_id: manifest.run_id, rows: manifest.rows });
        await options.onTaken?.(manifest);
        return;
      } catch (error) {
        if (error instanceof EditionExistsError) return;
        if (error instanceof RefreshBusyError) {
          log.info('editions: a refresh is running; the edition waits for it', { edition, holder_pid: error.holder.pid });
        } else if (error instanceof NoPublishedWarehouseError) {
          log.warn('editions: no published warehouse yet; the edition waits', { edition });
        } else {
          log.error('editions: could not take the edition', { edition, error: (error as Error).message });
        }
      }
      await sleep(retryMs);
    }
  };

  const tick = () => {
    if (stopped || running) return;
    const edition = previousMonthEdition(options.now(), options.timezone);
    if (editionExists(options.dir, edition)) return;
    running = takeFor(edition).finally(() => (running = undefined));
  };

  const task: ScheduledTask = cron.schedule(options.cron, tick, { name: 'edition', timezone: options.timezone });
  log.info('editions: schedule on', { cron: options.cron, timezone: options.timezone, next: task.getNextRun()?.toISOString() ?? null });
  return {
    nextRun: () => task.getNextRun(),
    idle: async () => {
      await running;
    },
    async stop() {
      stopped = true;
      wake?.();
      await task.destroy();
      await running;
    },
  };
}
