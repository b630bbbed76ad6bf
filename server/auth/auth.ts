// Authentication and authorisation for every route: bearer tokens (programs) or a session
// cookie set by /login (people); CSRF tokens on state-changing cookie requests; failed-login
// limits; security headers; and the access table of interfaces.md. Mount `auth.router` first
// on the app: it answers /login and /logout itself and lets everything else through only
// with `req.user` and `req.scope` set (but the open paths, like /api/health).
import { randomBytes } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import { zh } from '../../dashboards/i18n/zh.ts';
import { isOpenPath, normalizePath, ruleFor } from './access-rules.ts';
import { LOGIN_CSS, renderLoginPage } from './login-page.ts';
import { FailureLimiter } from './rate-limit.ts';
import './request.ts';
import { roleAtLeast } from './roles.ts';
import { safeEqual } from './secrets.ts';
import { SessionStore } from './sessions.ts';
import { UserStore, type User } from './users.ts';

export const SESSION_COOKIE = 'lishui_session';
export const LOGIN_FORM_COOKIE = 'lishui_login_form';
export const CSRF_HEADER = 'x-csrf-token';
export const CSRF_FIELD = '_csrf';

export interface AuthOptions {
  usersFile: string;
  /** Served over TLS (directly or behind a proxy): cookies get `Secure`, responses HSTS. */
  tls: boolean;
  sessionIdleMs?: number;
  sessionAbsoluteMs?: number;
  /** Failed logins allowed per IP and per name in the window before 429. */
  loginFailureLimit?: number;
  loginWindowMs?: number;
  now?: () => number;
}

export interface Auth {
  router: express.Router;
  users: UserStore;
  sessions: SessionStore;
}

/** `{ error: { code, message } }` with a status (interfaces.md). */
export function sendJsonError(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: { code, message } });
}

function wantsJson(req: Request): boolean {
  if (normalizePath(req.path).startsWith('/api/')) return true;
  const accept = req.get('accept') ?? '';
  return !accept.includes('text/html');
}

function sendRefusal(req: Request, res: Response, status: number, code: string, message: string): void {
  if (wantsJson(req)) return sendJsonError(res, status, code, message);
  res.status(status).type('text/plain; charset=utf-8').send(message);
}

/** Only local paths: `/x`, never `//host` or `/\host`, so the login page cannot redirect elsewhere. */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  if (normalizePath(next.split('?')[0] ?? '/') === '/login') return '/';
  return next;
}

function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index < 0) continue;
    if (part.slice(0, index).trim() === name) {
      try {
        return decodeURIComponent(part.slice(index + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

function clientIp(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

export function createAuth(options: AuthOptions): Auth {
  const users = new UserStore(options.usersFile);
  const sessions = new SessionStore({
    idleMs: options.sessionIdleMs ?? 2 * 60 * 60 * 1000,
    absoluteMs: options.sessionAbsoluteMs ?? 12 * 60 * 60 * 1000,
    ...(options.now ? { now: options.now } : {}),
  });
  const limiterOptions = {
    limit: options.loginFailureLimit ?? 10,
    windowMs: options.loginWindowMs ?? 15 * 60 * 1000,
    ...(options.now ? { now: options.now } : {}),
  };
  const byIp = new FailureLimiter(limiterOptions);
  const byName = new FailureLimiter(limiterOptions);
  const cookieBase = { httpOnly: true, sameSite: 'strict' as const, secure: options.tls };

  const router = express.Router();
  router.use(express.urlencoded({ extended: false, limit: '64kb' }));

  router.get('/login.css', (_req, res) => {
    res.type('text/css').send(LOGIN_CSS);
  });

  const showLogin = (res: Response, status: number, page: { next: string; error?: string; name?: string }) => {
    const formToken = randomBytes(24).toString('base64url');
    res.cookie(LOGIN_FORM_COOKIE, formToken, { ...cookieBase, path: '/login', maxAge: 60 * 60 * 1000 });
    res.setHeader('Cache-Control', 'no-store');
    res.status(status).type('html').send(renderLoginPage({ ...page, formToken }));
  };

  router.get('/login', (req, res) => {
    showLogin(res, 200, { next: safeNext(req.query.next) });
  });

  router.post('/login', async (req, res, next) => {
    try {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const name = typeof body.name === 'string' ? body.name.normalize('NFKC').trim() : '';
      const secret = typeof body.password === 'string' ? body.password : '';
      const target = safeNext(body.next);
      const formCookie = readCookie(req, LOGIN_FORM_COOKIE);
      const formField = typeof body[CSRF_FIELD] === 'string' ? (body[CSRF_FIELD] as string) : '';
      if (!formCookie || !safeEqual(formCookie, formField)) {
        return showLogin(res, 403, { next: target, error: zh.login.expiredForm, name });
      }
      const ip = clientIp(req);
      const wait = Math.max(byIp.retryAfterSeconds(ip), byName.retryAfterSeconds(name.toLowerCase()));
      if (wait > 0) {
        res.setHeader('Retry-After', String(wait));
        return showLogin(res, 429, { next: target, error: zh.login.tooMany(wait), name });
      }
      const user = name && secret ? await users.verifyLogin(name, secret) : undefined;
      if (!user) {
        byIp.recordFailure(ip);
        byName.recordFailure(name.toLowerCase());
        return showLogin(res, 401, { next: target, error: zh.login.wrong, name });
      }
      byName.reset(name.toLowerCase());
      const session = sessions.create(user.name);
      res.clearCookie(LOGIN_FORM_COOKIE, { ...cookieBase, path: '/login' });
      res.cookie(SESSION_COOKIE, session.id, { ...cookieBase, path: '/', maxAge: options.sessionAbsoluteMs ?? 12 * 60 * 60 * 1000 });
      res.redirect(303, target);
    } catch (error) {
      next(error);
    }
  });

  router.use(authenticate);
  router.use(checkCsrf);
  router.use(authorize);

  // For page scripts: who is signed in and the CSRF token to send with POSTs (pages are cached
  // per scope, so the token cannot be baked into them). Same-origin only: no CORS headers.
  router.get('/api/session', (req, res) => {
    res.json({ user: req.user, csrfToken: (res.locals.csrfToken as string | undefined) ?? null });
  });

  router.post('/logout', (req, res) => {
    const id = readCookie(req, SESSION_COOKIE);
    if (id) sessions.destroy(id);
    res.clearCookie(SESSION_COOKIE, { ...cookieBase, path: '/' });
    res.redirect(303, '/login');
  });

  function authenticate(req: Request, res: Response, next: NextFunction): void {
    if (isOpenPath(req.path)) return next();
    let user: User | undefined;
    const authorization = req.get('authorization');
    if (authorization !== undefined) {
      const match = /^Bearer\s+([A-Za-z0-9_-]{16,128})\s*$/.exec(authorization);
      user = match ? users.findByToken(match[1]!) : undefined;
      if (!user) return sendJsonError(res, 401, 'invalid_token', 'API 令牌无效或已被撤销 / invalid or revoked API token');
      req.authMethod = 'bearer';
    } else {
      const id = readCookie(req, SESSION_COOKIE);
      const session = id ? sessions.get(id) : undefined;
      user = session ? users.find(session.userName) : undefined;
      if (session && !user) sessions.destroy(session.id); // the user was removed
      if (session && user) {
        req.authMethod = 'session';
        res.locals.csrfToken = session.csrfToken;
      }
    }
    if (!user) {
      if (wantsJson(req) || (req.method !== 'GET' && req.method !== 'HEAD')) {
        return sendJsonError(res, 401, 'unauthenticated', '请先登录或提供 API 令牌 / authentication required');
      }
      return res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
    }
    req.user = { name: user.name, role: user.role, county: user.county };
    req.scope = { role: user.role, countyCode: user.county };
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader('Vary', 'Cookie, Authorization');
    next();
  }

  function checkCsrf(req: Request, res: Response, next: NextFunction): void {
    if (req.authMethod !== 'session' || ['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return next();
    // Signing out needs no token (so the cached pages' plain form works without script): the
    // worst a forged request can do is sign someone out, and SameSite=Strict stops even that.
    if (normalizePath(req.path) === '/logout') return next();
    const expected = res.locals.csrfToken as string;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const sent = req.get(CSRF_HEADER) ?? (typeof body[CSRF_FIELD] === 'string' ? (body[CSRF_FIELD] as string) : undefined);
    if (!sent || !safeEqual(sent, expected)) {
      return sendRefusal(req, res, 403, 'csrf', '请求缺少有效的 CSRF 令牌，请刷新页面后重试 / missing or wrong CSRF token');
    }
    next();
  }

  function authorize(req: Request, res: Response, next: NextFunction): void {
    if (isOpenPath(req.path)) return next();
    const rule = ruleFor(req.path);
    const scope = req.scope!;
    if (!roleAtLeast(scope.role, rule.role)) {
      return sendRefusal(req, res, 403, 'forbidden', `权限不足：需要 ${rule.role} 角色 / requires role ${rule.role}`);
    }
    if (rule.cityWideOnly && scope.countyCode !== null) {
      return sendRefusal(req, res, 403, 'city_wide_only', 'SQL 控制台只对全市范围的用户开放 / the SQL console is for city-wide users only');
    }
    next();
  }

  return { router, users, sessions };
}
