// First start on a fresh machine: with no warehouse and an empty inbox, generate the Lishui
// demo exports into the inbox; with no warehouse, load the inbox by running the refresh CLI as
// a child process, so DuckDB's writer never lives in the server's process.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import { mkdirPrivate } from '../pipelines/fs/private-files.ts';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { zh } from '../dashboards/i18n/zh.ts';
import type { Config } from '../pipelines/config.ts';
import type { Logger } from './log.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface BootstrapOptions {
  config: Config;
  log: Logger;
  /** Writes the demo exports into a folder (default: the demo generator at `lishui` scale). */
  generateDemo?: (outDir: string) => Promise<void>;
  /** Runs one refresh and resolves its exit code (default: `npm run refresh`'s CLI, as a child). */
  refresh?: (config: Config) => Promise<number | null>;
}

async function hasFiles(dir: string): Promise<boolean> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.some((e) => e.isFile() && !e.name.startsWith('.'));
  } catch {
    return false;
  }
}

async function generateLishuiDemo(outDir: string): Promise<void> {
  const generator = (await import(path.join(ROOT, 'pipelines/demo/generate.ts'))) as {
    generateDemoExports(options: { outDir: string; scale: string }): Promise<unknown>;
  };
  await generator.generateDemoExports({ outDir, scale: 'lishui' });
}

/** `npm run refresh -- --inbox DIR --db FILE` in a child process, its output shown as it runs. */
export function refreshInChildProcess(config: Config): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'pipelines/cli/refresh.ts'), '--inbox', config.inboxDir, '--db', config.warehouseFile],
      { cwd: ROOT, stdio: 'inherit', env: { ...process.env, DATA_DIR: config.dataDir } },
    );
    child.on('error', reject);
    child.on('exit', (code) => resolve(code));
  });
}

/** Makes sure a warehouse exists (demo data and a refresh when needed); never throws on a failed refresh. */
export async function ensureWarehouse(options: BootstrapOptions): Promise<void> {
  const { config, log } = options;
  if (existsSync(config.warehouseFile)) return;
  log.info(zh.startup.warehouseMissing(config.warehouseFile));
  await mkdir(config.inboxDir, { recursive: true });
  await mkdirPrivate(path.dirname(config.warehouseFile));
  if (!(await hasFiles(config.inboxDir))) {
    log.info(zh.startup.generatingDemo(config.inboxDir));
    await (options.generateDemo ?? generateLishuiDemo)(config.inboxDir);
  }
  log.info(zh.startup.refreshing);
  const started = performance.now();
  const code = await (options.refresh ?? refreshInChildProcess)(config);
  if (code === 0) log.info(zh.startup.refreshDone(((performance.now() - started) / 1000).toFixed(1)));
  else log.error(zh.startup.refreshFailed(code));
}
