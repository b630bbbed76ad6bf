// First start: demo exports only into an empty inbox with no warehouse, a refresh whenever no
// warehouse exists, nothing at all once one does; a failed refresh does not stop the server.
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../pipelines/config.ts';
import { ensureWarehouse } from '../../server/bootstrap.ts';
import { silentLogger, type Logger } from '../../server/log.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
});

async function setup(): Promise<{ config: Config; calls: string[]; errors: string[]; log: Logger }> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'lishui-bootstrap-'));
  dirs.push(dataDir);
  const errors: string[] = [];
  return { config: loadConfig({ dataDir }, {}), calls: [], errors, log: { ...silentLogger, error: (m) => errors.push(m) } };
}

describe('ensureWarehouse', () => {
  it('generates the demo set into an empty inbox, then refreshes', async () => {
    const { config, calls, log } = await setup();
    await ensureWarehouse({
      config,
      log,
      generateDemo: async (outDir) => {
        calls.push(`demo ${path.relative(config.dataDir, outDir)}`);
        writeFileSync(path.join(outDir, 'cases_20250101.csv'), 'x');
      },
      refresh: async (c) => {
        calls.push(`refresh ${path.relative(config.dataDir, c.warehouseFile)}`);
        return 0;
      },
    });
    expect(calls).toEqual(['demo inbox', `refresh ${path.join('warehouse', 'warehouse.duckdb')}`]);
  });

  it('loads an inbox that has files without generating anything', async () => {
    const { config, calls, log } = await setup();
    mkdirSync(config.inboxDir, { recursive: true });
    writeFileSync(path.join(config.inboxDir, 'cases_20250101.csv'), 'x');
    await ensureWarehouse({ config, log, generateDemo: async () => void calls.push('demo'), refresh: async () => (calls.push('refresh'), 0) });
    expect(calls).toEqual(['refresh']);
  });

  it('does nothing when a warehouse exists', async () => {
    const { config, calls, log } = await setup();
    mkdirSync(path.dirname(config.warehouseFile), { recursive: true });
    writeFileSync(config.warehouseFile, '');
    await ensureWarehouse({ config, log, generateDemo: async () => void calls.push('demo'), refresh: async () => (calls.push('refresh'), 0) });
    expect(calls).toEqual([]);
  });

  it('reports a failed refresh and returns, so the server still starts', async () => {
    const { config, log, errors } = await setup();
    await ensureWarehouse({ config, log, generateDemo: async () => {}, refresh: async () => 2 });
    expect(errors).toEqual([expect.stringContaining('数据加载失败（退出码 2）')]);
  });
});
