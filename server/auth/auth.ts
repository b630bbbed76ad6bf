// Authentication and authorisation for every route: bearer tokens (programs) or a session
// cookie set by /login (people); CSRF tokens on state-changing cookie requests; failed-login
// limits and per-address locks (counted before the password is checked); one-time and expired
// passwords that lead to 修改密码 (/password) before anything else; the access table of
// interfaces.md; and, with an audit log, a line for every sign-in, sign-out, lock, password
// change and request. Mount `auth.router` first on the app: it answers /login, /logout and
// /password itself and lets everything else through only with `req.user` and `req.scope` set
// (but the open paths, like /api/health).
import { randomBytes } from 'node:crypto';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { zhAudit } from '../../dashboards/i18n/zh-audit.ts';
import { zh } from '../../dashboards/i18n/zh.ts';
import { zhDisplay } from '../../dashboards/i18n/zh-display.ts';
import { HttpError } from '../http/errors.ts';
import type { AuditInput, AuditLog } from '../../pipelines/audit-log/index.ts';
import { clientAddress, requestAudit } from '../http/request-audit.ts';
import { isOpenPath, normalizePath, ruleFor } from './access-rules.ts';
import { LOGIN_CSS, renderLoginPage } from './login-page.ts';
import { renderPasswordPage } from './password-page.ts';
import { FailureLimiter, LoginGuard } from './rate-limit.ts';
import './request.ts';
import { roleAtLeast } from './roles.ts';
import { safeEqual } from './secrets.ts';
import { SessionStore, type Session } from './sessions.ts';
import { usageKey, UserError, UserStore, type User } from './users.ts';

export const SESSION_COOKIE = 'lishui_session';
export const LOGIN_FORM_COOKIE = 'lishui_login_form';
export const CSRF_HEADER = 'x-csrf-token';
export const CSRF_FIELD = '_csrf';

export interface AuthOptions {
  usersFile: string;
  /** Served over TLS (directly or behind a proxy): cookies get `Secure`, responses HSTS. */
  tls: boolean;
  /** Default 30 minutes idle, 12 hours in all. */
  sessionIdleMs?: number;
  sessionAbsoluteMs?: number;
  /** Failed logins allowed per IP (any names) in the window before 429. */
  loginFailureLimit?: number;
  loginWindowMs?: number;
  /** Failures of one name from one address that lock it there (default 5), and for how long (15 min). */
  lockoutThreshold?: number;
  lockoutMs?: number;
  /** The longest delay failures from many addresses put on a name (default 30 s). */
  nameMaxDelayMs?: number;
  /** Passwords older than this must be changed at the next sign-in (unset: never). */
  passwordMaxAgeDays?: number;
  /** Where sign-ins, sign-outs, locks, password changes and every request are recorded. */
  audit?: AuditLog;
  /** Where a failed audit write is reported. */
  onAuditError?: (error: unknown) => void;
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

/** JSON for API clients; for a browser, the app's styled Chinese error page (via the error handler). */
function sendRefusal(req: Request, res: Response, next: NextFunction, status: number, code: string, message: string): void {
  if (wantsJson(req)) return sendJsonError(res, status, code, message);
  next(new HttpError(status, code, message));
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

const clientIp = clientAddress;

export function createAuth(options: AuthOptions): Auth {
  const now = options.now ?? Date.now;
  const users = new UserStore(options.usersFile, { now });
  const record = (req: Request | null, event: Omit<AuditInput, 'address'> & { address?: string }): void => {
    if (!options.audit) return;
    const address = event.address ?? (req ? clientIp(req) : null);
    options.audit.append({ ...event, address }).catch((error: unknown) => options.onAuditError?.(error));
  };
  const whoOf = (user: Pick<User, 'name' | 'role' | 'county'>) => ({ user: user.name, role: user.role, county: user.county });
  const absoluteMs = options.sessionAbsoluteMs ?? 12 * 60 * 60 * 1000;
  const sessions = new SessionStore({
    idleMs: options.sessionIdleMs ?? 30 * 60 * 1000,
    absoluteMs,
    now,
    onExpire: (session, why) => {
      const user = users.find(session.userName);
      record(null, { ...(user ? whoOf(user) : { user: session.userName }), action: 'auth.logout', target: session.userName, outcome: why === 'idle' ? 'expired_idle' : 'expired_absolute' });
    },
  });
  const windowMs = options.loginWindowMs ?? 15 * 60 * 1000;
  const lockoutMs = options.lockoutMs ?? 15 * 60 * 1000;
  const byIp = new FailureLimiter({ limit: options.loginFailureLimit ?? 10, windowMs, now });
  const guard = new LoginGuard({ lockAfter: options.lockoutThreshold ?? 5, windowMs: lockoutMs, maxDelayMs: options.nameMaxDelayMs ?? 30_000, now });
  const touchedTokens = new Map<string, number>();
  const cookieBase = { httpOnly: true, sameSite: 'strict' as const, secure: options.tls };
  const setSessionCookie = (res: Response, id: string) => res.cookie(SESSION_COOKIE, id, { ...cookieBase, path: '/', maxAge: absoluteMs });

  const router = express.Router();
  if (options.audit) router.use(requestAudit(options.audit, options.onAuditError));
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
      const name = typeof body.name === 'string' ? body.name.normalize('NFKC').trim().slice(0, 128) : '';
      const secret = typeof body.password === 'string' ? body.password : '';
      const target = safeNext(body.next);
      const formCookie = readCookie(req, LOGIN_FORM_COOKIE);
      const formField = typeof body[CSRF_FIELD] === 'string' ? (body[CSRF_FIELD] as string) : '';
      if (!formCookie || !safeEqual(formCookie, formField)) {
        return showLogin(res, 403, { next: target, error: zh.login.expiredForm, name });
      }
      const ip = clientIp(req);
      const refuse = (wait: number, message: string, outcome: string) => {
        res.setHeader('Retry-After', String(wait));
        record(req, { user: name || null, action: 'auth.login', target: name, outcome, detail: { retryAfter: wait } });
        return showLogin(res, 429, { next: target, error: message, name });
      };
      const lockedUntil = name ? users.lockedUntil(name, ip) : null;
      if (lockedUntil !== null) {
        const wait = Math.max(1, Math.ceil((lockedUntil - now()) / 1000));
        return refuse(wait, zhAudit.login.locked(Math.ceil(wait / 60)), 'locked');
      }
      // After the name's own lock (the more telling answer): this address's failures of any names.
      const ipWait = byIp.retryAfterSeconds(ip);
      if (ipWait > 0) return refuse(ipWait, zh.login.tooMany(ipWait), 'throttled');
      if (name && users.hasExpiredLock(name, ip)) {
        // A lock that ran out is an unlock too: recorded at the first try after it.
        const known = users.find(name)!;
        const cleared = await users.clearExpiredLocks(name).catch(() => [ip]);
        record(req, { ...whoOf(known), action: 'auth.unlock', target: name, outcome: 'expired', detail: { addresses: cleared.join(',') } });
      }
      // Counted before the password is checked: a try in flight is a try spent.
      const decision = guard.begin(name, ip);
      if (!decision.ok) {
        const message = decision.reason === 'locked' ? zhAudit.login.locked(Math.ceil(decision.retryAfterSeconds / 60)) : zhAudit.login.slowed(decision.retryAfterSeconds);
        return refuse(decision.retryAfterSeconds, message, decision.reason === 'locked' ? 'locked' : 'throttled');
      }
      let check;
      try {
        check = name && secret ? await users.checkLogin(name, secret) : undefined;
      } catch (error) {
        decision.finish('error');
        throw error;
      }
      if (!check || check.oneTimeSpent) {
        byIp.recordFailure(ip);
        const { lockReached } = decision.finish('failure');
        const known = users.find(name);
        record(req, { ...(known ? whoOf(known) : { user: name || null }), action: 'auth.login', target: name, outcome: 'failure', detail: { reason: check?.oneTimeSpent ? 'one_time_password_spent' : 'wrong_name_or_password' } });
        if (lockReached) {
          // Kept in the users file (so `users unlock` and a restart see it); an unknown name
          // stays locked by the count alone until the window passes.
          if (known) {
            await users
              .lock(name, ip, now() + lockoutMs)
              .then(() => guard.clear(name, ip))
              .catch((error: unknown) => options.onAuditError?.(error));
          }
          record(req, { ...(known ? whoOf(known) : { user: name || null }), action: 'auth.lock', target: name, outcome: 'success', detail: { minutes: Math.round(lockoutMs / 60_000) } });
        }
        return showLogin(res, 401, { next: target, error: check?.oneTimeSpent ? zhAudit.login.oneTimeSpent : zh.login.wrong, name });
      }
      decision.finish('success');
      const { user, via } = check;
      await users.recordSignIn(user.name, via);
      const mustChange = via === 'password' && (user.mustChangePassword || users.passwordExpired(user, options.passwordMaxAgeDays));
      // A new id at every sign-in: a session id planted before it is worth nothing after.
      const previous = readCookie(req, SESSION_COOKIE);
      if (previous) sessions.destroy(previous);
      const session = sessions.create(user.name, { mustChangePassword: mustChange });
      record(req, { ...whoOf(user), action: 'auth.login', target: user.name, outcome: 'success', detail: { via, mustChangePassword: mustChange } });
      res.clearCookie(LOGIN_FORM_COOKIE, { ...cookieBase, path: '/login' });
      setSessionCookie(res, session.id);
      res.redirect(303, mustChange ? `/password?next=${encodeURIComponent(target)}` : target);
    } catch (error) {
      next(error);
    }
  });

  router.use(authenticate);
  router.use(checkCsrf);
  router.use(passwordGate);
  router.use(authorize);

  // For page scripts: who is signed in and the CSRF token to send with POSTs (pages are cached
  // per scope, so the token cannot be baked into them). Same-origin only: no CORS headers.
  router.get('/api/session', (req, res) => {
    res.json({ user: req.user, csrfToken: (res.locals.csrfToken as string | undefined) ?? null });
  });

  router.post('/logout', (req, res) => {
    const id = readCookie(req, SESSION_COOKIE);
    if (id) sessions.destroy(id);
    if (req.user) record(req, { ...whoOf(req.user), action: 'auth.logout', target: req.user.name, outcome: 'success' });
    res.clearCookie(SESSION_COOKIE, { ...cookieBase, path: '/' });
    res.redirect(303, '/login');
  });

  const showPassword = (req: Request, res: Response, status: number, error?: string) => {
    const session = res.locals.session as Session | undefined;
    const user = users.find(req.user!.name);
    const reason = session?.mustChangePassword ? (user?.mustChangePassword ? 'first' : 'expired') : null;
    res.setHeader('Cache-Control', 'no-store');
    res
      .status(status)
      .type('html')
      .send(renderPasswordPage({ csrfToken: String(res.locals.csrfToken ?? ''), next: safeNext(req.query.next ?? (req.body as Record<string, unknown> | undefined)?.next), reason, userName: req.user!.name, ...(error ? { error } : {}) }));
  };

  router.get('/password', (req, res, next) => {
    if (req.authMethod !== 'session') return sendRefusal(req, res, next, 400, 'session_required', zhAudit.password.tokenOnly);
    showPassword(req, res, 200);
  });

  router.post('/password', async (req, res, next) => {
    try {
      if (req.authMethod !== 'session') return sendRefusal(req, res, next, 400, 'session_required', zhAudit.password.tokenOnly);
      const session = res.locals.session as Session;
      const body = (req.body ?? {}) as Record<string, unknown>;
      const password = typeof body.password === 'string' ? body.password : '';
      const repeat = typeof body.repeat === 'string' ? body.repeat : '';
      const user = users.find(req.user!.name)!;
      const fail = (message: string, reason: string) => {
        record(req, { ...whoOf(user), action: 'auth.password_change', target: user.name, outcome: 'failure', detail: { reason } });
        showPassword(req, res, 400, message);
      };
      if (password !== repeat) return fail(zhAudit.password.mismatch, 'mismatch');
      if (!session.mustChangePassword) {
        const current = typeof body.current === 'string' ? body.current : '';
        const check = await users.checkLogin(user.name, current);
        if (!check || check.via !== 'password') return fail(zhAudit.password.wrongCurrent, 'wrong_current');
      }
      try {
        await users.changePassword(user.name, password);
      } catch (error) {
        if (error instanceof UserError) return fail(error.message, 'policy');
        throw error;
      }
      // Sign-out everywhere, and a new session id for this browser.
      const ended = sessions.destroyUser(user.name);
      const fresh = sessions.create(user.name);
      record(req, { ...whoOf(user), action: 'auth.password_change', target: user.name, outcome: 'success', detail: { sessionsEnded: ended } });
      setSessionCookie(res, fresh.id);
      res.redirect(303, safeNext(body.next));
    } catch (error) {
      next(error);
    }
  });

  function authenticate(req: Request, res: Response, next: NextFunction): void {
    if (isOpenPath(req.path)) return next();
    let user: User | undefined;
    const authorization = req.get('authorization');
    if (authorization !== undefined) {
      const match = /^Bearer\s+([A-Za-z0-9_-]{16,128})\s*$/.exec(authorization);
      const found = match ? users.matchToken(match[1]!) : undefined;
      if (!found) return sendJsonError(res, 401, 'invalid_token', zhDisplay.errors.invalidToken);
      user = found.user;
      req.authMethod = 'bearer';
      touchToken(user.name, found.token.id);
    } else {
      const id = readCookie(req, SESSION_COOKIE);
      const session = id ? sessions.get(id) : undefined;
      user = session ? users.find(session.userName) : undefined;
      // The user was removed, or their password changed or reset (maybe by `npm run users`).
      const notBefore = user?.sessionsNotBefore ? Date.parse(user.sessionsNotBefore) : null;
      if (session && (!user || (notBefore !== null && session.createdAt < notBefore))) {
        sessions.destroy(session.id);
        user = undefined;
      }
      if (session && user) {
        req.authMethod = 'session';
        res.locals.csrfToken = session.csrfToken;
        res.locals.session = session;
      }
    }
    if (!user) {
      if (wantsJson(req) || (req.method !== 'GET' && req.method !== 'HEAD')) {
        return sendJsonError(res, 401, 'unauthenticated', zhDisplay.errors.unauthenticated);
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
      return sendRefusal(req, res, next, 403, 'csrf', zhDisplay.errors.csrf);
    }
    next();
  }

  /** Programs' tokens: the time of last use, written at most once a minute per token. */
  function touchToken(userName: string, id: string): void {
    const at = now();
    const key = usageKey(userName, id);
    if (at - (touchedTokens.get(key) ?? 0) < 60_000) return;
    touchedTokens.set(key, at);
    if (touchedTokens.size > 10_000) touchedTokens.clear();
    users.touchToken(userName, id).catch((error: unknown) => options.onAuditError?.(error));
  }

  /** After a one-time or expired password, only 修改密码 and signing out are reachable. */
  function passwordGate(req: Request, res: Response, next: NextFunction): void {
    const session = res.locals.session as Session | undefined;
    if (!session?.mustChangePassword) return next();
    const path = normalizePath(req.path);
    if (path === '/password' || path === '/logout' || path === '/api/session') return next();
    if (req.method === 'GET' && !wantsJson(req)) return res.redirect(303, `/password?next=${encodeURIComponent(safeNext(req.originalUrl))}`);
    sendRefusal(req, res, next, 403, 'password_change_required', zhAudit.password.required);
  }

  function authorize(req: Request, res: Response, next: NextFunction): void {
    if (isOpenPath(req.path)) return next();
    const rule = ruleFor(req.path);
    const scope = req.scope!;
    if (!roleAtLeast(scope.role, rule.role)) {
      return sendRefusal(req, res, next, 403, 'forbidden', zhDisplay.errors.forbiddenRole(zhDisplay.roles[rule.role] ?? rule.role));
    }
    if (rule.cityWideOnly && scope.countyCode !== null) {
      const what = rule.prefix.includes('audit') ? '审计日志' : rule.prefix.includes('dictionary') ? '数据字典' : 'SQL 控制台';
      return sendRefusal(req, res, next, 403, 'city_wide_only', zhDisplay.errors.cityWideOnly(what));
    }
    next();
  }

  return { router, users, sessions };
}
