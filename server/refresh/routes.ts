// POST /api/refresh (admin; CSRF checked for session requests by server/auth like every
// state-changing route): starts a refresh child now. 202 { run_id, status: 'started' } (run_id
// when the child has written its journal in time), 409 with the holder when any refresh holds
// the lock, 503 while the server shuts down.
import type { Router } from 'express';
import { zh } from '../../dashboards/i18n/zh.ts';
import { RefreshBusyError, type LockInfo } from '../../pipelines/run/lock.ts';
import type { AppContext, RouteModule } from '../app-context.ts';
import { HttpError } from '../http/errors.ts';
import { RunnerStoppedError, type RefreshRunner } from './runner.ts';

export function refreshApi(runner: RefreshRunner): RouteModule {
  return (router: Router, app: AppContext) => {
    router.post('/api/refresh', async (_req, res) => {
      try {
        const run = await runner.start('api');
        res.status(202).json({ status: 'started', ...(run.runId ? { run_id: run.runId } : {}), trigger: run.trigger, pid: run.pid });
      } catch (error) {
        if (error instanceof RefreshBusyError) {
          app.log.info('refresh: refused, one is running', { holder_pid: error.holder.pid, holder_trigger: error.holder.trigger });
          res.status(409).json({ error: { code: 'refresh_running', message: busyMessage(error.holder) }, holder: publicHolder(error.holder) });
          return;
        }
        if (error instanceof RunnerStoppedError) throw new HttpError(503, 'stopping', zh.refresh.stopping);
        throw error;
      }
    });
  };
}

function busyMessage(holder: LockInfo): string {
  const trigger = zh.runTrigger[holder.trigger] ?? holder.trigger;
  return zh.refresh.busy(zh.refresh.holder(trigger, holder.pid, holder.runId ?? null), holder.since);
}

function publicHolder(holder: LockInfo): Record<string, unknown> {
  return { trigger: holder.trigger, pid: holder.pid, hostname: holder.hostname, run_id: holder.runId ?? null, since: holder.since };
}
