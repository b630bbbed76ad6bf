// Login with a session cookie, CSRF, failed-login limits, bearer tokens, roles and county
// scope of the access table, security headers — over real HTTP, against the real app with the
// SQL console and the refresh service (whose child waits right after taking the lock, so an
// admin's POST /api/refresh starts a real run that the end of the file stops).
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../pipelines/config.ts';
import { addUser, makeWorld, postSql, startWorldApp, type World, type WorldApp } from './world.ts';

let world: World;
let server: WorldApp;
const tokens: Record<string, string> = {};
let anaPassword: string;

beforeAll(async () => {
  world = await makeWorld({ forceFixture: true });
  const config = loadConfig({ dataDir: world.dataDir, warehouseFile: world.warehouseFile }, { REFRESH_SCHEDULE: 'off' });
  server = await startWorldApp(world, { refresh: { config, runner: { childEnv: { REFRESH_PAUSE_AT: 'locked' }, childStdin: 'pipe' } } });
  tokens.viewer = await addUser(server, 'vi', 'viewer');
  tokens.analyst = await addUser(server, 'ana', 'analyst');
  tokens.admin = await addUser(server, 'adm', 'admin');
  tokens.countyAnalyst = await addUser(server, 'lian', 'analyst', '331102');
  // A chosen password: a one-time password is good for one sign-in only (accounts.test.ts).
  anaPassword = 'Lishui-Passw0rd';
  await server.auth.users.changePassword('ana', anaPassword);
}, 120_000);

afterAll(async () => {
  await server?.close();
  await world?.cleanup();
});

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A request from a chosen loopback address (for per-IP limits), no redirects followed. */
function request(options: { path: string; method?: string; headers?: Record<string, string>; body?: string; from?: string }): Promise<Raw> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: options.path, method: options.method ?? 'GET', headers: options.headers, localAddress: options.from ?? '127.0.0.1' },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    if (options.body) req.write(options.body);
    req.end();
  });
}

function cookieOf(raw: Raw, name: string): string | undefined {
  const line = (raw.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${name}=`));
  return line?.split(';')[0]?.slice(name.length + 1);
}

async function loginForm(): Promise<{ formCookie: string; formToken: string }> {
  const page = await request({ path: '/login' });
  expect(page.status).toBe(200);
  const formToken = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
  return { formCookie: cookieOf(page, 'lishui_login_form')!, formToken: formToken! };
}

async function login(name: string, password: string, options: { from?: string; next?: string } = {}): Promise<Raw> {
  const { formCookie, formToken } = await loginForm();
  const body = new URLSearchParams({ name, password, _csrf: formToken, next: options.next ?? '/' }).toString();
  return request({
    path: '/login',
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `lishui_login_form=${formCookie}` },
    body,
    ...(options.from ? { from: options.from } : {}),
  });
}

describe('without credentials', () => {
  it('pages redirect to /login, APIs answer 401 JSON, /api/health is open', async () => {
    const page = await request({ path: '/?year=2025', headers: { accept: 'text/html' } });
    expect(page.status).toBe(303);
    expect(page.headers.location).toBe('/login?next=%2F%3Fyear%3D2025');
    const api = await request({ path: '/api/indicators' });
    expect(api.status).toBe(401);
    expect(JSON.parse(api.body)).toEqual({ error: { code: 'unauthenticated', message: expect.stringMatching(/请先登录/) } });
    const sql = await request({ path: '/api/sql', method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"sql":"SELECT 1"}' });
    expect(sql.status).toBe(401);
    expect((await request({ path: '/api/health' })).status).toBe(200);
    const badToken = await request({ path: '/api/indicators', headers: { authorization: 'Bearer not-a-real-token-at-all' } });
    expect(badToken.status).toBe(401);
    expect(JSON.parse(badToken.body).error.code).toBe('invalid_token');
  });

  it('the login page is Chinese, accessible and sets a form token', async () => {
    const page = await request({ path: '/login' });
    expect(page.body).toContain('<html lang="zh-CN">');
    expect(page.body).toMatch(/<label for="name">用户名<\/label>/);
    expect(page.body).toMatch(/<label for="password">密码或 API 令牌<\/label>/);
    expect(page.body).not.toMatch(/<script/);
    expect(page.headers['set-cookie']?.[0]).toMatch(/HttpOnly/i);
  });
});

describe('login with a session cookie', () => {
  it('logs in with the password, and with the API token as password; wrong ones fail', async () => {
    const wrong = await login('ana', 'nope');
    expect(wrong.status).toBe(401);
    expect(wrong.body).toContain('用户名或密码错误');
    const ok = await login('ana', anaPassword, { next: '/console?x=1' });
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe('/console?x=1');
    const cookie = (ok.headers['set-cookie'] ?? []).find((c) => c.startsWith('lishui_session='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).not.toMatch(/Secure/i);
    const byToken = await login('vi', tokens.viewer!);
    expect(byToken.status).toBe(303);
  });

  it('never redirects off the site after login', async () => {
    for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
      const ok = await login('ana', anaPassword, { next });
      expect(ok.headers.location).toBe('/');
    }
  });

  it('refuses a login post without the form token', async () => {
    const body = new URLSearchParams({ name: 'ana', password: anaPassword, next: '/' }).toString();
    const raw = await request({ path: '/login', method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    expect(raw.status).toBe(403);
    expect(cookieOf(raw, 'lishui_session')).toBeUndefined();
  });

  it('CSRF: a cookie POST without the token is refused, with it accepted; bearer POSTs need none', async () => {
    const session = cookieOf(await login('ana', anaPassword), 'lishui_session')!;
    // pages are cached per scope, so page scripts ask /api/session for the session's token
    const who = await request({ path: '/api/session', headers: { cookie: `lishui_session=${session}` } });
    expect(who.status).toBe(200);
    const csrf = (JSON.parse(who.body) as { csrfToken: string | null }).csrfToken;
    expect(csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const json = { 'content-type': 'application/json', cookie: `lishui_session=${session}` };
    const without = await request({ path: '/api/sql', method: 'POST', headers: json, body: '{"sql":"SELECT 1 AS a"}' });
    expect(without.status).toBe(403);
    expect(JSON.parse(without.body).error.code).toBe('csrf');
    const wrong = await request({ path: '/api/sql', method: 'POST', headers: { ...json, 'x-csrf-token': 'x'.repeat(43) }, body: '{"sql":"SELECT 1 AS a"}' });
    expect(wrong.status).toBe(403);
    const withToken = await request({ path: '/api/sql', method: 'POST', headers: { ...json, 'x-csrf-token': csrf! }, body: '{"sql":"SELECT 1 AS a"}' });
    expect(withToken.status).toBe(200);
    expect(JSON.parse(withToken.body).rows).toEqual([{ a: 1 }]);
    const bearer = await postSql(server, tokens.analyst!, 'SELECT 2 AS b');
    expect(bearer.status).toBe(200);
  });

  it('logout ends the session; removing a user ends theirs at once', async () => {
    const session = cookieOf(await login('ana', anaPassword), 'lishui_session')!;
    // The layout's plain sign-out form carries no token (pages are cached per scope).
    const out = await request({ path: '/logout', method: 'POST', headers: { cookie: `lishui_session=${session}` } });
    expect(out.status).toBe(303);
    expect(out.headers.location).toBe('/login');
    expect((await request({ path: '/api/indicators', headers: { cookie: `lishui_session=${session}` } })).status).toBe(401);

    const temp = await addUser(server, 'temp', 'viewer');
    expect((await request({ path: '/api/indicators', headers: { authorization: `Bearer ${temp}` } })).status).toBe(200);
    await server.auth.users.remove('temp');
    expect((await request({ path: '/api/indicators', headers: { authorization: `Bearer ${temp}` } })).status).toBe(401);
  });
});

describe('failed-login limits', () => {
  it('the 11th attempt from one IP gets 429 with Retry-After and a Chinese message', async () => {
    const from = '127.0.0.3';
    for (let i = 0; i < 10; i++) {
      expect((await login(`nobody${i}`, 'wrong', { from })).status).toBe(401);
    }
    const eleventh = await login('nobody', 'wrong', { from });
    expect(eleventh.status).toBe(429);
    expect(Number(eleventh.headers['retry-after'])).toBeGreaterThan(0);
    expect(eleventh.body).toContain('登录失败次数过多');
    // Even the right password waits: the limit is checked before the password.
    expect((await login('ana', anaPassword, { from })).status).toBe(429);
    // Another address is not affected.
    expect((await login('ana', anaPassword, { from: '127.0.0.4' })).status).toBe(303);
  });

  it('slows a name down across addresses (a short wait, not a lock)', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await login('adm', 'wrong', { from: `127.0.1.${i + 1}` })).status).toBe(401);
    }
    const slowed = await login('adm', 'wrong', { from: '127.0.2.1' });
    expect(slowed.status).toBe(429);
    expect(Number(slowed.headers['retry-after'])).toBeLessThanOrEqual(30);
    expect(slowed.body).toMatch(/秒后再试/);
    expect((await login('vi', tokens.viewer!, { from: '127.0.2.1' })).status).toBe(303);
  });
});

describe('roles and scope (interfaces.md access table)', () => {
  const get = (path: string, token: string) => request({ path, headers: { authorization: `Bearer ${token}` } });
  const post = (path: string, token: string) =>
    request({ path, method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{"sql":"SELECT 1"}' });

  it('viewer: dashboards and indicators yes; console, /api/sql, /api/runs, refresh no', async () => {
    expect((await get('/api/indicators', tokens.viewer!)).status).toBe(200);
    expect((await get('/', tokens.viewer!)).status).toBe(200);
    expect((await post('/api/sql', tokens.viewer!)).status).toBe(403);
    expect((await get('/console', tokens.viewer!)).status).toBe(403);
    expect((await get('/api/runs', tokens.viewer!)).status).toBe(403);
    expect((await post('/api/refresh', tokens.viewer!)).status).toBe(403);
  });

  it('analyst: /api/sql yes; runs and refresh no', async () => {
    expect((await post('/api/sql', tokens.analyst!)).status).toBe(200);
    expect((await get('/api/runs', tokens.analyst!)).status).toBe(403);
    const refresh = await post('/api/refresh', tokens.analyst!);
    expect(refresh.status).toBe(403);
    expect(JSON.parse(refresh.body)).toEqual({ error: { code: 'forbidden', message: expect.stringMatching(/需要管理员角色/) } });
  });

  it('admin: everything', async () => {
    expect((await get('/api/runs', tokens.admin!)).status).toBe(200);
    const refresh = await post('/api/refresh', tokens.admin!);
    expect(refresh.status).toBe(202);
    expect(JSON.parse(refresh.body)).toMatchObject({ status: 'started', trigger: 'api' });
    expect((await post('/api/sql', tokens.admin!)).status).toBe(200);
  });

  it('a county-scoped analyst is refused the console', async () => {
    const sql = await post('/api/sql', tokens.countyAnalyst!);
    expect(sql.status).toBe(403);
    expect(JSON.parse(sql.body).error.code).toBe('city_wide_only');
    expect((await get('/console', tokens.countyAnalyst!)).status).toBe(403);
    expect((await get('/api/sql/schema', tokens.countyAnalyst!)).status).toBe(403);
  });

  it('no spelling of a path slips past its rule', async () => {
    for (const path of ['/API/RUNS', '/api//runs', '/api/runs/', '/api/%72uns', '/Api/Runs?x=1']) {
      const answer = await get(path, tokens.viewer!);
      expect(answer.status, path).not.toBe(200);
    }
    for (const path of ['/API/SQL', '/api/sql/', '/api//sql']) {
      expect((await post(path, tokens.viewer!)).status, path).not.toBe(200);
    }
  });

  it('sets the scope that county-level queries filter on', async () => {
    const countiesSeenBy = async (token: string) => {
      const answer = await get('/api/indicators?grain=county', token);
      expect(answer.status).toBe(200);
      return new Set((JSON.parse(answer.body) as { rows: { unit_code: string }[] }).rows.map((r) => r.unit_code));
    };
    expect([...(await countiesSeenBy(tokens.countyAnalyst!))]).toEqual(['331102']);
    expect((await countiesSeenBy(tokens.analyst!)).size).toBe(9);
  });
});

describe('security headers', () => {
  it('CSP without inline script, no framing, no sniffing, no referrer', async () => {
    for (const path of ['/login', '/api/health', '/api/indicators']) {
      const raw = await request({ path, headers: { authorization: `Bearer ${tokens.viewer}` } });
      const csp = String(raw.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(raw.headers['x-content-type-options']).toBe('nosniff');
      expect(raw.headers['referrer-policy']).toBe('no-referrer');
      expect(raw.headers['x-frame-options']).toBe('DENY');
      expect(raw.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('behind TLS: Secure cookies and HSTS', async () => {
    const tls = await startWorldApp(world, { tls: true });
    try {
      const page = await fetch(`${tls.url}/login`);
      expect(page.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(page.headers.get('set-cookie')).toMatch(/Secure/);
    } finally {
      await tls.close();
    }
  });
});
