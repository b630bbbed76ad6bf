// `npm start` with the port taken: says so at once, in Chinese, naming the PORT setting, and
// loads nothing (no demo data, no warehouse) before giving up.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPort } from '../../server/port-check.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let blocker: net.Server;
let port: number;
let dataDir: string;

beforeAll(async () => {
  blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, resolve));
  port = (blocker.address() as net.AddressInfo).port;
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'lishui-port-'));
});

afterAll(async () => {
  await new Promise((resolve) => blocker.close(resolve));
  await rm(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
});

describe('checkPort', () => {
  it('tells a taken port from a free one', async () => {
    expect(await checkPort(port)).toBe('taken');
    const free = net.createServer();
    await new Promise<void>((resolve) => free.listen(0, resolve));
    const freePort = (free.address() as net.AddressInfo).port;
    await new Promise((resolve) => free.close(resolve));
    expect(await checkPort(freePort)).toBe('free');
  });
});

describe('npm start on a taken port', () => {
  it('exits at once with a Chinese message naming PORT, before loading the warehouse', async () => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server/launch.ts')], {
      cwd: ROOT,
      env: { ...process.env, PORT: String(port), DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    const seconds = (performance.now() - started) / 1000;
    expect(code).toBe(1);
    expect(output).toContain(`端口 ${port} 已被其他程序占用`);
    expect(output).toContain('PORT=');
    expect(output).not.toMatch(/TypeError|Cannot destructure/);
    // nothing was loaded: no demo exports, no warehouse in DATA_DIR
    expect(existsSync(path.join(dataDir, 'warehouse'))).toBe(false);
    expect(await readdir(dataDir)).toEqual([]);
    expect(seconds).toBeLessThan(20);
  }, 60_000);
});
