// The server's refresh area in one piece, as `npm start` wires it: the runner (child processes
// under the lock), the schedule, POST /api/refresh, and stop() for graceful shutdown (no new
// ticks, then the running child is asked to stop and waited for).
import type { Config } from '../../pipelines/config.ts';
import type { RouteModule } from '../app-context.ts';
import type { Logger } from '../log.ts';
import type { WarehouseHolder } from '../warehouse.ts';
import { refreshApi } from './routes.ts';
import { RefreshRunner, type RefreshRunnerOptions } from './runner.ts';
import { startRefreshSchedule, type RefreshSchedule } from './scheduler.ts';

export interface RefreshServiceOptions {
  config: Config;
  log: Logger;
  warehouse: WarehouseHolder;
  /** Test hooks of the runner (childEnv, childStdin, timeouts). */
  runner?: Omit<RefreshRunnerOptions, 'config' | 'log' | 'onRunEnd'>;
}

export interface RefreshService {
  runner: RefreshRunner;
  schedule: RefreshSchedule | null;
  routes: RouteModule;
  stop(): Promise<void>;
}

export function createRefreshService(options: RefreshServiceOptions): RefreshService {
  const { config, log, warehouse } = options;
  const runner = new RefreshRunner({
    ...options.runner,
    config,
    log,
    // The poll would notice the new file too; this makes it immediate. Twice: a poll's reload
    // begun just before the publish may be the one the first call joins.
    onRunEnd: async () => {
      await warehouse.reload();
      await warehouse.reload();
    },
  });
  const schedule = startRefreshSchedule({ config, runner, log });
  return {
    runner,
    schedule,
    routes: refreshApi(runner),
    async stop() {
      await schedule?.stop();
      await runner.stop();
    },
  };
}
