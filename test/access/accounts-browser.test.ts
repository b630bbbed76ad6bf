// First sign-in in real Chromium: the one-time password printed by `npm run users -- add`,
// the 修改密码 page (a refused weak password, then a good one), and the dashboards. No console
// error, no failed request, no CSP violation; the audit log records each step.
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog, auditDirFor } from '../../pipelines/audit-log/index.ts';
import { runUsersCli } from '../../server/cli/users.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../server/pdf.ts';
import { startRealApp, type RealApp } from './real-app.ts';
import { makeWorld, type World } from './world.ts';

const POLL = { timeout: 30_000, interval: 100 };
const ARTIFACTS = path.resolve(import.meta.dirname, '../../artifacts/access');

let world: World;
let app: RealApp;
let audit: AuditLog;
let browser: Browser;

beforeAll(async () => {
  world = await makeWorld({ forceFixture: true });
  audit = new AuditLog({ dir: auditDirFor(world.dataDir) });
  app = await startRealApp(world, { audit });
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, '--no-first-run', '--disable-component-update', '--disable-sync'] });
  mkdirSync(ARTIFACTS, { recursive: true });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await world?.cleanup();
});

describe('first sign-in with a one-time password', () => {
  it('goes through 修改密码 to the dashboards', async () => {
    let printed = '';
    const code = await runUsersCli(['add', 'zhang', '--role', 'admin'], { out: (t) => (printed += `${t}\n`), err: (t) => (printed += t) }, { DATA_DIR: world.dataDir });
    expect(code).toBe(0);
    const otp = printed.split('\n').find((l) => /^[A-Za-z0-9]{16}$/.test(l))!;

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      // the refused weak password is a 400 answer the page shows
      if (m.type() === 'error' && !/status of 400/.test(m.text())) problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`request: ${r.url()} ${r.failure()?.errorText}`));
    page.on('response', (r) => {
      if (r.status() >= 500) problems.push(`HTTP ${r.status()} ${r.url()}`);
    });

    await page.goto(`${app.url}/training`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.getByLabel('用户名').fill('zhang');
    await page.getByLabel('密码或 API 令牌').fill(otp);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL((url) => url.pathname === '/password');
    expect(await page.locator('#password-notice').textContent()).toContain('一次性密码登录');
    await page.screenshot({ path: path.join(ARTIFACTS, 'first-password.png') });

    // Nothing else is reachable yet.
    await page.goto(`${app.url}/cases`);
    expect(new URL(page.url()).pathname).toBe('/password');

    await page.getByLabel('新密码', { exact: true }).fill('Zhang-2026');
    await page.getByLabel('再次输入新密码').fill('Zhang-2026');
    await page.getByRole('button', { name: '保存新密码' }).click();
    await expect.poll(async () => page.getByRole('alert').textContent(), POLL).toContain('用户名');

    await page.getByLabel('新密码', { exact: true }).fill('Lishui-River-88');
    await page.getByLabel('再次输入新密码').fill('Lishui-River-88');
    await page.getByRole('button', { name: '保存新密码' }).click();
    await page.waitForURL((url) => url.pathname === '/cases');
    await expect.poll(async () => page.locator('main h1, main h2').first().textContent(), POLL).toBeTruthy();
    expect(await page.getByRole('link', { name: '审计日志' }).count()).toBe(1);
    await page.getByRole('link', { name: '审计日志' }).click();
    await page.waitForURL((url) => url.pathname === '/audit');
    await expect.poll(async () => page.locator('#audit-table').textContent(), POLL).toContain('auth.password_change');
    await page.screenshot({ path: path.join(ARTIFACTS, 'audit-page.png') });

    // The one-time password is gone; the new password signs in straight to the dashboards.
    await page.getByRole('link', { name: '总览' }).click();
    await page.getByRole('button', { name: '退出登录' }).first().click();
    await page.waitForURL((url) => url.pathname === '/login');
    await page.getByLabel('用户名').fill('zhang');
    await page.getByLabel('密码或 API 令牌').fill(otp);
    await page.getByRole('button', { name: '登录' }).click();
    await expect.poll(async () => page.getByRole('alert').textContent(), POLL).toContain('用户名或密码错误');
    await page.getByLabel('密码或 API 令牌').fill('Lishui-River-88');
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL((url) => url.pathname === '/');

    expect(problems.filter((p) => !/status of 401/.test(p))).toEqual([]);
    await context.close();

    await audit.flush();
    const lines = readdirSync(audit.dir).flatMap((f) => readFileSync(path.join(audit.dir, f), 'utf8').trim().split('\n')).map((l) => JSON.parse(l) as { action: string; user: string; outcome: string });
    const zhang = lines.filter((l) => l.user === 'zhang').map((l) => `${l.action}:${l.outcome}`);
    expect(zhang).toEqual(expect.arrayContaining(['auth.login:success', 'auth.password_change:failure', 'auth.password_change:success', 'auth.logout:success', 'auth.login:failure']));
  }, 180_000);
});
