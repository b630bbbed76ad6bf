// The console as a route module of the app (server/app-context.ts RouteModule): the engine on
// the analyst file of the published warehouse, the Parquet exporter, and POST /api/sql & co.
// The /console page itself is a dashboard page (dashboards/pages/console.ts).
import path from 'node:path';
import type { Router } from 'express';
import type { Config } from '../../pipelines/config.ts';
import type { RouteModule } from '../app-context.ts';
import { analystFileResolver, ConsoleEngine } from './engine.ts';
import { ParquetExporter } from './parquet-export.ts';
import { consoleRouter } from './router.ts';

export interface ConsoleService {
  routes: RouteModule;
  engine: ConsoleEngine;
  close(): void;
}

type ConsoleConfig = Pick<Config, 'dataDir' | 'warehouseFile' | 'consoleTimeoutMs' | 'consoleRowLimit' | 'consoleExportRowCap' | 'consoleMemoryLimit'> & {
  consoleThreads?: number;
};

export function createConsoleService(config: ConsoleConfig, log?: (message: string, error: unknown) => void): ConsoleService {
  const engine = new ConsoleEngine({
    resolveAnalystFile: analystFileResolver(config.warehouseFile),
    memoryLimit: config.consoleMemoryLimit,
    threads: config.consoleThreads ?? 1,
    timeoutMs: config.consoleTimeoutMs,
  });
  const exporter = new ParquetExporter({ tempDir: path.join(config.dataDir, 'tmp', 'console-export'), memoryLimit: '512MB' });
  const limits = { rowLimit: config.consoleRowLimit, exportRowCap: config.consoleExportRowCap, timeoutMs: config.consoleTimeoutMs };
  return {
    engine,
    routes: (router: Router) => {
      router.use(
        consoleRouter({
          engine,
          exporter,
          rowLimit: limits.rowLimit,
          exportRowCap: limits.exportRowCap,
          limits,
          ...(log ? { logError: (error: unknown) => log('console query failed', error) } : {}),
        }),
      );
    },
    close: () => {
      engine.close();
      exporter.close();
    },
  };
}
