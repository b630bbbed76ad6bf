// Accounts and sessions (issue 16) over real HTTP on the real app, with a fake clock: the
// one-time password's single sign-in and the 修改密码 page, password rules, history and
// expiry, per-address lockout counted before the password, slowdown across addresses, idle
// and absolute timeouts, sign-out everywhere on a password change, named tokens — and that
// each of these lands in the audit log with the right user, county and outcome.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog, auditDirFor, type AuditLine } from '../../pipelines/audit-log/index.ts';
import { passwordProblem } from '../../server/auth/password-policy.ts';
import { runUsersCli } from '../../server/cli/users.ts';
import { changePassword, cookieOf, getWith, login, rawRequest } from './http-client.ts';
import { startRealApp, type RealApp } from './real-app.ts';
import { makeWorld, type World } from './world.ts';

const MIN = 60_000;
// Starts at the real time: `npm run users` (another store, the real clock) reads the same locks.
let clock = Date.now();
let world: World;
let app: RealApp;
let audit: AuditLog;

beforeAll(async () => {
  world = await makeWorld({ forceFixture: true });
  mkdirSync(auditDirFor(world.dataDir), { recursive: true });
  writeFileSync(path.join(world.dataDir, 'config.json'), JSON.stringify({ passwordMaxAgeDays: 90 }));
  audit = new AuditLog({ dir: auditDirFor(world.dataDir) });
  app = await startRealApp(world, { audit, auth: { now: () => clock, passwordMaxAgeDays: 90 } });
}, 180_000);

afterAll(async () => {
  await app?.close();
  await world?.cleanup();
});

function auditLines(): AuditLine[] {
  const dir = auditDirFor(world.dataDir);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .flatMap((f) => readFileSync(path.join(dir, f), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as AuditLine));
}

/** Waits until the audit log holds a line like `expected` (request lines are written after the response). */
async function expectAudit(expected: Partial<AuditLine> & { detail?: Record<string, unknown> }): Promise<void> {
  await expect
    .poll(async () => {
      await audit.flush();
      return auditLines();
    }, { timeout: 10_000, interval: 50 })
    .toContainEqual(expect.objectContaining({ ...expected, ...(expected.detail ? { detail: expect.objectContaining(expected.detail) } : {}) }));
}

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runUsersCli(args, { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`) }, { DATA_DIR: world.dataDir });
  return { code, out, err };
}

describe('password rules', () => {
  it('at least 8 characters, three of four kinds, not the name', () => {
    expect(passwordProblem('wang', 'Ab1!')).toMatch(/至少 8 个字符/);
    expect(passwordProblem('wang', 'abcdefgh1')).toMatch(/至少三类/);
    expect(passwordProblem('wang', 'ABCDEFGH!')).toMatch(/至少三类/);
    expect(passwordProblem('wang', 'Wang2026!')).toMatch(/用户名/);
    expect(passwordProblem('wang', 'WANG')).not.toBeNull();
    expect(passwordProblem('wang', 'Lishui2026')).toBeNull();
    expect(passwordProblem('wang', 'lishui-2026')).toBeNull();
    expect(passwordProblem('wang', 'x'.repeat(300))).toMatch(/最多/);
  });

  it('not one of the last 5, and the history is only of hashes', async () => {
    const { user } = await app.auth.users.addPerson({ name: 'hist', role: 'viewer' }, { token: false });
    const store = app.auth.users;
    const passwords = ['First-0001', 'Second-0002', 'Third-0003', 'Fourth-0004', 'Fifth-0005'];
    for (const p of passwords) await store.changePassword(user.name, p);
    await expect(store.changePassword(user.name, 'First-0001')).rejects.toThrow(/最近 5 次/);
    await expect(store.changePassword(user.name, 'Fifth-0005')).rejects.toThrow(/最近 5 次/);
    await store.changePassword(user.name, 'Sixth-0006');
    await store.changePassword(user.name, 'First-0001'); // six back: allowed again
    const text = readFileSync(world.usersFile, 'utf8');
    for (const p of passwords) expect(text).not.toContain(p);
  }, 60_000);
});

describe('one-time password', () => {
  it('is good for one sign-in, leads to 修改密码, and nothing else is reachable until done', async () => {
    const added = await cli('add', 'otp', '--role', 'viewer', '--county', '331102');
    expect(added.code).toBe(0);
    expect(added.out).not.toMatch(/^[A-Za-z0-9_-]{43}$/m); // no token without --token
    const otp = added.out.trim().split('\n').find((l) => /^[A-Za-z0-9]{16}$/.test(l))!;
    await expectAudit({ action: 'users.add', target: 'otp', outcome: 'success', role: 'command', address: 'local' });

    const first = await login(app.url, 'otp', otp, { next: '/training' });
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/password?next=%2Ftraining');
    const session = cookieOf(first, 'lishui_session')!;
    await expectAudit({ action: 'auth.login', user: 'otp', county: '331102', outcome: 'success', detail: { mustChangePassword: true } });

    const page = await getWith(app.url, session, '/', 'text/html');
    expect(page.status).toBe(303);
    expect(page.headers.location).toMatch(/^\/password/);
    const api = await getWith(app.url, session, '/api/indicators');
    expect(api.status).toBe(403);
    expect(JSON.parse(api.body).error.code).toBe('password_change_required');
    const form = await getWith(app.url, session, '/password', 'text/html');
    expect(form.body).toContain('一次性密码登录');

    // The one-time password does not work a second time.
    const again = await login(app.url, 'otp', otp);
    expect(again.status).toBe(401);
    expect(again.body).toContain('一次性密码只能登录一次');

    const weak = await changePassword(app.url, session, { password: 'password' });
    expect(weak.status).toBe(400);
    expect(weak.body).toContain('至少三类');
    const mismatch = await changePassword(app.url, session, { password: 'Good-Pass-1', repeat: 'Good-Pass-2' });
    expect(mismatch.body).toContain('不一致');
    const done = await changePassword(app.url, session, { password: 'Good-Pass-1', next: '/training' });
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe('/training');
    const fresh = cookieOf(done, 'lishui_session')!;
    expect(fresh).not.toBe(session);
    expect((await getWith(app.url, fresh, '/api/indicators')).status).toBe(200);
    expect((await getWith(app.url, session, '/api/indicators')).status).toBe(401);
    await expectAudit({ action: 'auth.password_change', user: 'otp', county: '331102', outcome: 'success' });
    await expectAudit({ action: 'auth.password_change', user: 'otp', outcome: 'failure', detail: { reason: 'policy' } });
    expect((await login(app.url, 'otp', 'Good-Pass-1')).headers.location).toBe('/');
  }, 60_000);

  it('an expired password (passwordMaxAgeDays) must be changed at the next sign-in', async () => {
    await app.auth.users.addPerson({ name: 'aged', role: 'viewer' }, { token: false });
    await app.auth.users.changePassword('aged', 'Pine-Road-71');
    expect((await login(app.url, 'aged', 'Pine-Road-71', { from: '127.0.0.9' })).headers.location).toBe('/');
    clock += 91 * 24 * 60 * MIN;
    try {
      const expired = await login(app.url, 'aged', 'Pine-Road-71', { from: '127.0.0.9' });
      expect(expired.headers.location).toBe('/password?next=%2F');
      const form = await getWith(app.url, cookieOf(expired, 'lishui_session')!, '/password', 'text/html');
      expect(form.body).toContain('密码已过期');
      // The command (real clock) shows when it expires.
      const listed = await cli('list');
      expect(listed.out).toMatch(/^aged\tviewer\t.*上次登录 \/ last sign-in: 20\d\d-.*到期 \/ expires 20\d\d-/m);
    } finally {
      clock -= 91 * 24 * 60 * MIN;
    }
  });
});

describe('lockout', () => {
  it('5 failures from one address lock the name there, not at another; unlock lifts it; all audited', async () => {
    await app.auth.users.add({ name: 'lock1', role: 'viewer', county: '331181' });
    await app.auth.users.changePassword('lock1', 'Right-Pass-1');
    const A = '127.0.3.1';
    for (let i = 0; i < 5; i++) expect((await login(app.url, 'lock1', 'wrong', { from: A })).status).toBe(401);
    const locked = await login(app.url, 'lock1', 'Right-Pass-1', { from: A });
    expect(locked.status).toBe(429);
    expect(locked.body).toContain('已锁定');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(14 * 60);
    clock += 2 * MIN; // past the slowdown the name has from these failures
    expect((await login(app.url, 'lock1', 'Right-Pass-1', { from: '127.0.3.2' })).status).toBe(303);
    await expectAudit({ action: 'auth.lock', user: 'lock1', county: '331181', address: A, outcome: 'success' });
    expect((await cli('list')).out).toMatch(new RegExp(`^lock1\\t.*锁定 / locked: ${A.replaceAll('.', '\\.')}`, 'm'));

    const unlocked = await cli('unlock', 'lock1');
    expect(unlocked.out).toContain(A);
    await expectAudit({ action: 'auth.unlock', target: 'lock1', outcome: 'success', detail: { addresses: A } });
    expect((await login(app.url, 'lock1', 'Right-Pass-1', { from: A })).status).toBe(303);

    // The lock ends by itself after 15 minutes. (Tries 31 s apart: past the name's slowdown.)
    for (let i = 0; i < 5; i++) {
      clock += 31_000;
      expect((await login(app.url, 'lock1', 'wrong', { from: A })).status).toBe(401);
    }
    const again = await login(app.url, 'lock1', 'Right-Pass-1', { from: A });
    expect(again.status).toBe(429);
    expect(again.body).toContain('已锁定');
    clock += 16 * MIN;
    expect((await login(app.url, 'lock1', 'Right-Pass-1', { from: A })).status).toBe(303);
    await expectAudit({ action: 'auth.unlock', target: 'lock1', outcome: 'expired', address: A });
  }, 60_000);

  it('40 concurrent wrong passwords: at most 5 counted as tries, the rest 429', async () => {
    await app.auth.users.add({ name: 'burst', role: 'viewer' });
    await app.auth.users.changePassword('burst', 'Pine-Road-72');
    const from = '127.0.4.1';
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => login(app.url, 'burst', `wrong-${i}`, { from })));
    const statuses = answers.map((a) => a.status);
    const counted = statuses.filter((s) => s === 401).length;
    expect(counted).toBeGreaterThan(0);
    expect(counted).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(40 - counted);
    await audit.flush();
    await new Promise((r) => setTimeout(r, 200));
    await audit.flush();
    const tries = auditLines().filter((l) => l.action === 'auth.login' && l.target === 'burst' && l.outcome === 'failure');
    expect(tries).toHaveLength(counted);
    expect((await login(app.url, 'burst', 'Pine-Road-72', { from })).status).toBe(429);
  }, 120_000);

  it('failures from many addresses slow the name down with a growing delay; its owner still gets in', async () => {
    await app.auth.users.add({ name: 'wide', role: 'viewer' });
    await app.auth.users.changePassword('wide', 'Pine-Road-73');
    for (let i = 0; i < 5; i++) expect((await login(app.url, 'wide', 'wrong', { from: `127.0.5.${i + 1}` })).status).toBe(401);
    const first = await login(app.url, 'wide', 'wrong', { from: '127.0.5.20' });
    expect(first.status).toBe(429);
    expect(first.headers['retry-after']).toBe('1');
    clock += 1500;
    expect((await login(app.url, 'wide', 'wrong', { from: '127.0.5.21' })).status).toBe(401);
    const second = await login(app.url, 'wide', 'wrong', { from: '127.0.5.22' });
    expect(second.headers['retry-after']).toBe('2');
    clock += 3000;
    // The owner, from their own address: not locked, in after the short wait.
    expect((await login(app.url, 'wide', 'Pine-Road-73', { from: '127.0.5.99' })).status).toBe(303);
    await expectAudit({ action: 'auth.login', target: 'wide', outcome: 'throttled' });
  });
});

describe('sessions', () => {
  it('end after 30 idle minutes and after 12 hours however active (fake clock), audited', async () => {
    await app.auth.users.add({ name: 'sess', role: 'viewer' });
    await app.auth.users.changePassword('sess', 'Pine-Road-74');
    const idle = cookieOf(await login(app.url, 'sess', 'Pine-Road-74', { from: '127.0.6.1' }), 'lishui_session')!;
    clock += 29 * MIN;
    expect((await getWith(app.url, idle, '/api/indicators')).status).toBe(200);
    clock += 31 * MIN;
    expect((await getWith(app.url, idle, '/api/indicators')).status).toBe(401);
    await expectAudit({ action: 'auth.logout', user: 'sess', outcome: 'expired_idle' });

    const busy = cookieOf(await login(app.url, 'sess', 'Pine-Road-74', { from: '127.0.6.1' }), 'lishui_session')!;
    for (let hour = 0; hour < 12 * 3 - 1; hour++) {
      clock += 20 * MIN;
      expect((await getWith(app.url, busy, '/api/indicators')).status, `after ${(hour + 1) * 20} min`).toBe(200);
    }
    clock += 21 * MIN;
    expect((await getWith(app.url, busy, '/api/indicators')).status).toBe(401);
    await expectAudit({ action: 'auth.logout', user: 'sess', outcome: 'expired_absolute' });
  }, 120_000);

  it('a new session id at every sign-in; a password change ends the other sessions; so does a reset by the command', async () => {
    clock = Date.now(); // the command below resets with the real clock
    await app.auth.users.add({ name: 'multi', role: 'viewer' });
    await app.auth.users.changePassword('multi', 'Pine-Road-75');
    const one = cookieOf(await login(app.url, 'multi', 'Pine-Road-75', { from: '127.0.7.1' }), 'lishui_session')!;
    const rotated = cookieOf(await login(app.url, 'multi', 'Pine-Road-75', { from: '127.0.7.1', cookie: one }), 'lishui_session')!;
    expect(rotated).not.toBe(one);
    expect((await getWith(app.url, one, '/api/indicators')).status).toBe(401);
    const two = cookieOf(await login(app.url, 'multi', 'Pine-Road-75', { from: '127.0.7.2' }), 'lishui_session')!;
    expect((await getWith(app.url, two, '/api/indicators')).status).toBe(200);

    const wrongCurrent = await changePassword(app.url, rotated, { current: 'nope', password: 'Pine-Road-76' });
    expect(wrongCurrent.body).toContain('当前密码不正确');
    const changed = await changePassword(app.url, rotated, { current: 'Pine-Road-75', password: 'Pine-Road-76' });
    expect(changed.status).toBe(303);
    const three = cookieOf(changed, 'lishui_session')!;
    expect((await getWith(app.url, two, '/api/indicators')).status).toBe(401);
    expect((await getWith(app.url, rotated, '/api/indicators')).status).toBe(401);
    expect((await getWith(app.url, three, '/api/indicators')).status).toBe(200);

    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await cli('passwd', 'multi')).code).toBe(0);
    expect((await getWith(app.url, three, '/api/indicators')).status).toBe(401);
    await expectAudit({ action: 'users.passwd', target: 'multi', outcome: 'success' });
  }, 60_000);
});

describe('tokens for programs', () => {
  it('are named, listed with their last use, and revoked', async () => {
    await app.auth.users.add({ name: 'robot', role: 'viewer' });
    const made = await cli('token', 'add', 'robot', '--label', 'nightly export');
    expect(made.code).toBe(0);
    const token = made.out.trim().split('\n').at(-1)!;
    const get = () => rawRequest(app.url, { path: '/api/indicators', headers: { authorization: `Bearer ${token}` } });
    expect((await get()).status).toBe(200);
    await expect.poll(async () => (await cli('token', 'list', 'robot')).out, { timeout: 5000 }).toMatch(/robot\t\w+\tnightly export\t.*最后使用 \/ last use 20\d\d-/);
    expect((await cli('token', 'revoke', 'robot', 'nightly export')).code).toBe(0);
    expect((await get()).status).toBe(401);
    await expectAudit({ action: 'users.token_revoke', target: 'robot', outcome: 'success', detail: { token: 'nightly export' } });
    expect(readFileSync(world.usersFile, 'utf8')).not.toContain(token);
  });
});

describe('the audit log of requests', () => {
  it('records pages, API calls, exports and console queries with user, county, status and bytes — never a secret', async () => {
    const { token: admin } = await app.auth.users.add({ name: 'auditor', role: 'admin' });
    const { token: county } = await app.auth.users.add({ name: 'lishui1', role: 'viewer', county: '331102' });
    const { token: analyst } = await app.auth.users.add({ name: 'ana2', role: 'analyst' });
    const page = await rawRequest(app.url, { path: '/county/331102?year=2025', headers: { authorization: `Bearer ${county}`, accept: 'text/html' } });
    expect(page.status).toBe(200);
    await expectAudit({ action: 'http.request', user: 'lishui1', role: 'viewer', county: '331102', target: 'GET /county/331102', outcome: 'success', detail: { status: 200, query: 'year=2025' } });
    const line = auditLines().find((l) => l.target === 'GET /county/331102')!;
    expect(line.bytes).toBe(Buffer.byteLength(page.body));

    const csv = await rawRequest(app.url, { path: '/api/indicators?format=csv', headers: { authorization: `Bearer ${county}` } });
    expect(csv.status).toBe(200);
    await expectAudit({ action: 'http.export', user: 'lishui1', target: 'GET /api/indicators', detail: { status: 200 } });

    const refused = await rawRequest(app.url, { path: '/api/audit', headers: { authorization: `Bearer ${county}` } });
    expect(refused.status).toBe(403);
    await expectAudit({ action: 'http.request', user: 'lishui1', target: 'GET /api/audit', outcome: 'refused', detail: { status: 403 } });

    const sql = "SELECT unit_code, value FROM mart.indicator_values WHERE grain = 'county' LIMIT 3";
    const query = await fetch(`${app.url}/api/sql`, { method: 'POST', headers: { authorization: `Bearer ${analyst}`, 'content-type': 'application/json' }, body: JSON.stringify({ sql }) });
    expect(query.status).toBe(200);
    await query.text();
    await expectAudit({ action: 'console.query', user: 'ana2', role: 'analyst', target: sql, outcome: 'success', rows: 3, detail: { format: 'json', status: 200 } });
    const bad = await fetch(`${app.url}/api/sql`, { method: 'POST', headers: { authorization: `Bearer ${analyst}`, 'content-type': 'application/json' }, body: JSON.stringify({ sql: 'DROP TABLE mart.units' }) });
    expect(bad.status).toBe(400);
    await expectAudit({ action: 'console.query', user: 'ana2', target: 'DROP TABLE mart.units', outcome: 'failure' });

    // The admin's view: filters, JSON and CSV with Chinese headers.
    const json = await rawRequest(app.url, { path: '/api/audit?user=ana2&action=console', headers: { authorization: `Bearer ${admin}` } });
    const rows = (JSON.parse(json.body) as { rows: AuditLine[] }).rows;
    expect(rows.map((r) => r.target)).toEqual(['DROP TABLE mart.units', sql]);
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const old = await rawRequest(app.url, { path: '/api/audit?to=2020-01-01', headers: { authorization: `Bearer ${admin}` } });
    expect(JSON.parse(old.body).rows).toEqual([]);
    const csvAudit = await rawRequest(app.url, { path: `/api/audit?from=${today}&to=${today}&action=auth&format=csv`, headers: { authorization: `Bearer ${admin}` } });
    expect(csvAudit.body.startsWith('\uFEFF时间（北京时间）,用户,角色,县（市、区）,客户端地址,操作,对象,结果,行数,字节数,详情\r\n')).toBe(true);
    expect(csvAudit.body).toContain('auth.lock');
    const badDate = await rawRequest(app.url, { path: '/api/audit?from=yesterday', headers: { authorization: `Bearer ${admin}` } });
    expect(badDate.status).toBe(400);
    const html = await rawRequest(app.url, { path: '/audit?action=console', headers: { authorization: `Bearer ${admin}`, accept: 'text/html' } });
    expect(html.body).toContain('<h1>审计日志</h1>');
    expect(html.body).toContain('DROP TABLE mart.units');

    // An ID number typed as a name, or in a query, is masked like the exports mask it.
    await login(app.url, '33110219900101123X', 'whatever', { from: '127.0.8.1' });
    await expectAudit({ action: 'auth.login', target: '331102********123X', outcome: 'failure' });
    await fetch(`${app.url}/api/sql`, { method: 'POST', headers: { authorization: `Bearer ${analyst}`, 'content-type': 'application/json' }, body: JSON.stringify({ sql: "SELECT '331102199001011234' AS x" }) });
    await expectAudit({ action: 'console.query', target: "SELECT '331102********1234' AS x" });

    // Never a password, token or ID number in the log.
    await audit.flush();
    const all = readdirSync(auditDirFor(world.dataDir)).map((f) => readFileSync(path.join(auditDirFor(world.dataDir), f), 'utf8')).join('\n');
    for (const secret of [admin, county, analyst, 'Good-Pass-1', 'Right-Pass-1', 'Pine-Road-76', 'wrong-3', '33110219900101123X', '331102199001011234']) expect(all).not.toContain(secret);
  }, 60_000);
});
