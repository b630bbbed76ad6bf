// The console as a route module of the app (server/app-context.ts RouteModule): the engine on
// the analyst file of the published warehouse, its pool of worker processes, and POST /api/sql
// & co. The /console page itself is a dashboard page (dashboards/pages/console.ts).
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Router } from 'express';
import type { Config } from '../../pipelines/config.ts';
import type { RouteModule } from '../app-context.ts';
import { analystFileResolver, ConsoleEngine, parseByteSize } from './engine.ts';
import { consoleRouter, type ConsoleQueryEvent } from './router.ts';

export interface ConsoleService {
  routes: RouteModule;
  engine: ConsoleEngine;
  close(): void;
}

export type ConsoleConfig = Pick<Config, 'dataDir' | 'warehouseFile' | 'consoleTimeoutMs' | 'consoleRowLimit' | 'consoleExportRowCap' | 'consoleMemoryLimit'> &
  Partial<
    Pick<
      Config,
      | 'consoleWorkers'
      | 'consoleQueueLength'
      | 'consoleQueueWaitMs'
      | 'consoleMemoryCap'
      | 'consoleKillGraceMs'
      | 'consoleMaxSqlChars'
      | 'consoleJsonByteCap'
      | 'consoleExportByteCap'
    >
  > & { consoleThreads?: number };

export interface ConsoleServiceOptions {
  log?: (message: string, error: unknown) => void;
  /** After every console query (the audit log's place). */
  onQuery?: (event: ConsoleQueryEvent) => void;
}

/** RLIMIT_AS room of a worker beyond its idle size: the configured cap, else DuckDB's limit + 512 MB. */
export function workerMemoryCap(config: ConsoleConfig): number {
  return config.consoleMemoryCap ? parseByteSize(config.consoleMemoryCap) : parseByteSize(config.consoleMemoryLimit) + 512 * 2 ** 20;
}

/** Temp folders of workers whose server process is gone (a crash or a kill -9 of the server). */
function removeStaleWorkerFolders(tempRoot: string): void {
  let entries: string[];
  try {
    entries = readdirSync(tempRoot);
  } catch {
    return;
  }
  for (const entry of entries) {
    const owner = /^w(\d+)-\d+$/.exec(entry)?.[1];
    if (!owner || isAlive(Number(owner))) continue;
    rmSync(path.join(tempRoot, entry), { recursive: true, force: true });
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

export function createConsoleService(config: ConsoleConfig, options: ConsoleServiceOptions = {}): ConsoleService {
  const { log, onQuery } = options;
  const tempRoot = path.join(config.dataDir, 'tmp', 'console-export');
  removeStaleWorkerFolders(tempRoot);
  const engine = new ConsoleEngine({
    resolveAnalystFile: analystFileResolver(config.warehouseFile),
    memoryLimit: config.consoleMemoryLimit,
    memoryCapBytes: workerMemoryCap(config),
    threads: config.consoleThreads ?? 1,
    workers: config.consoleWorkers ?? 2,
    queueLength: config.consoleQueueLength ?? 4,
    queueWaitMs: config.consoleQueueWaitMs ?? 15_000,
    timeoutMs: config.consoleTimeoutMs,
    killGraceMs: config.consoleKillGraceMs ?? 1_500,
    rowLimit: config.consoleRowLimit,
    exportRowCap: config.consoleExportRowCap,
    jsonByteCap: config.consoleJsonByteCap ?? 32_000_000,
    exportByteCap: config.consoleExportByteCap ?? 1_000_000_000,
    maxSqlChars: config.consoleMaxSqlChars ?? 100_000,
    tempRoot,
    ...(log ? { log: (message: string, fields?: Record<string, unknown>) => log(message, fields) } : {}),
  });
  return {
    engine,
    routes: (router: Router) => {
      router.use(
        consoleRouter({
          engine,
          ...(log ? { logError: (error: unknown) => log('console query failed', error) } : {}),
          ...(onQuery ? { onQuery } : {}),
        }),
      );
    },
    close: () => engine.close(),
  };
}
