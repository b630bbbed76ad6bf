// The users file (config.usersFile): names, roles, county scope, hashes of passwords and
// tokens (never one in clear), password history and age, sign-in times and per-address locks.
// Written atomically (temp file, fsync, rename) with mode 0600 under a lock shared with the
// other processes (server and `npm run users`), and re-read when it changes on disk, so a
// command takes effect on a running server.
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { chmod, mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { withFileLock } from '../../pipelines/audit-log/file-lock.ts';
import { MAX_PASSWORD_LENGTH, PASSWORD_HISTORY, passwordProblem } from './password-policy.ts';
import { COUNTIES, isCountyCode, ROLES, type Role } from './roles.ts';
import { hashPassword, hashToken, newApiToken, newPassword, safeEqual, verifyPassword } from './secrets.ts';

const HEX64 = z.string().regex(/^[0-9a-f]{64}$/);
const tokenSchema = z.object({
  id: z.string(),
  /** What the token is for (a program's name), chosen by the admin. */
  name: z.string(),
  hash: HEX64,
  createdAt: z.string(),
});
const lockSchema = z.object({ address: z.string(), until: z.string() });
const userSchema = z.object({
  name: z.string().min(1),
  role: z.enum(ROLES),
  county: z.string().nullable(),
  /** Files written before tokens had names carry one hash here; it is read as token `default`. */
  tokenHash: HEX64.nullable().optional(),
  tokens: z.array(tokenSchema).default([]),
  passwordHash: z.string().nullable(),
  /** Hashes of the last chosen passwords, newest (the current one) first. */
  passwordHistory: z.array(z.string()).default([]),
  passwordChangedAt: z.string().nullable().default(null),
  /** The password is a one-time password (or expired): the user must choose a new one. */
  mustChangePassword: z.boolean().default(false),
  /** The one-time password has been used for its one sign-in. */
  oneTimeUsed: z.boolean().default(false),
  lastLoginAt: z.string().nullable().default(null),
  /** Sessions created before this instant are ended (password changed or reset). */
  sessionsNotBefore: z.string().nullable().default(null),
  /** Sign-in locks of this name for one client address each. */
  locks: z.array(lockSchema).default([]),
  createdAt: z.string(),
});
const fileSchema = z.object({ version: z.literal(1), users: z.array(userSchema) });

export type User = z.infer<typeof userSchema>;
export type ApiToken = z.infer<typeof tokenSchema>;

/** A user-facing error of the users store (bilingual, safe to print). */
export class UserError extends Error {}

const NAME_PATTERN = /^[\p{L}\p{N}_.@-]{1,64}$/u;
const LABEL_PATTERN = /^[\p{L}\p{N} _.@-]{1,64}$/u;

export interface NewUser {
  name: string;
  role: Role;
  county?: string | null;
}

export interface LoginCheck {
  user: User;
  via: 'password' | 'token';
  /** The password was a one-time password already used for its one sign-in. */
  oneTimeSpent: boolean;
}

function noUser(name: string): UserError {
  return new UserError(`没有这个用户：${name} / no user "${name}"`);
}

export class UserStore {
  private users: User[] = [];
  private seen: { mtimeMs: number; size: number; ino: number } | null = null;
  private readonly now: () => number;

  constructor(
    readonly file: string,
    options: { now?: () => number } = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  private nowIso(): string {
    return new Date(this.now()).toISOString();
  }

  /** Every user, as stored (hashes only). Re-reads the file when it changed. */
  list(): User[] {
    this.refresh();
    return [...this.users];
  }

  find(name: string): User | undefined {
    return this.list().find((u) => u.name === name);
  }

  /** The user and token this API token is. Compares against every stored hash (no early exit). */
  matchToken(token: string): { user: User; token: ApiToken } | undefined {
    const hash = hashToken(token);
    let found: { user: User; token: ApiToken } | undefined;
    for (const user of this.list()) {
      for (const t of user.tokens) if (safeEqual(t.hash, hash)) found = { user, token: t };
    }
    return found;
  }

  findByToken(token: string): User | undefined {
    return this.matchToken(token)?.user;
  }

  /** Checks a name and a password (or one of the user's API tokens, for people who only have that). */
  async checkLogin(name: string, secret: string): Promise<LoginCheck | undefined> {
    const user = this.find(name);
    const hash = hashToken(secret);
    let tokenMatches = false;
    for (const t of user?.tokens ?? []) if (safeEqual(t.hash, hash)) tokenMatches = true;
    // Always run scrypt, so a wrong name costs as much as a wrong password.
    const candidate = secret.length <= MAX_PASSWORD_LENGTH ? secret : '';
    const passwordMatches = await verifyPassword(candidate, user?.passwordHash ?? (await dummyHash()));
    if (!user) return undefined;
    if (passwordMatches && user.passwordHash !== null) return { user, via: 'password', oneTimeSpent: user.mustChangePassword && user.oneTimeUsed };
    if (tokenMatches) return { user, via: 'token', oneTimeSpent: false };
    return undefined;
  }

  async verifyLogin(name: string, secret: string): Promise<User | undefined> {
    return (await this.checkLogin(name, secret))?.user;
  }

  /** Creates a user holding one API token (programs); returns the token, stored only as a hash. */
  async add(input: NewUser): Promise<{ user: User; token: string }> {
    const { user, token } = await this.create(input, { token: true, password: false });
    return { user, token: token! };
  }

  /** Creates a person: a one-time password, and an API token only when asked. */
  async addPerson(input: NewUser, options: { token: boolean }): Promise<{ user: User; password: string; token: string | null }> {
    const { user, token, password } = await this.create(input, { token: options.token, password: true });
    return { user, password: password!, token: token ?? null };
  }

  private async create(input: NewUser, what: { token: boolean; password: boolean }): Promise<{ user: User; token?: string; password?: string }> {
    const name = input.name.normalize('NFKC').trim();
    if (!NAME_PATTERN.test(name)) {
      throw new UserError(`用户名无效：只能使用字母、数字、_ . @ -，最长 64 个字符 / invalid user name "${input.name}"`);
    }
    const county = input.county ?? null;
    if (county !== null && !isCountyCode(county)) {
      throw new UserError(
        `未知的县（市、区）代码：${county}；可用：${Object.entries(COUNTIES).map(([c, n]) => `${c} ${n}`).join('，')} / unknown county code "${county}"`,
      );
    }
    const token = what.token ? newApiToken() : undefined;
    const password = what.password ? newPassword() : undefined;
    const passwordHash = password ? await hashPassword(password) : null;
    const at = this.nowIso();
    const user: User = {
      name,
      role: input.role,
      county,
      tokens: token ? [{ id: newTokenId(), name: 'default', hash: hashToken(token), createdAt: at }] : [],
      passwordHash,
      passwordHistory: [],
      passwordChangedAt: null,
      mustChangePassword: password !== undefined,
      oneTimeUsed: false,
      lastLoginAt: null,
      sessionsNotBefore: null,
      locks: [],
      createdAt: at,
    };
    await this.update((users) => {
      if (users.some((u) => u.name === name)) throw new UserError(`用户已存在：${name} / user "${name}" already exists`);
      return [...users, user];
    });
    return { user, ...(token ? { token } : {}), ...(password ? { password } : {}) };
  }

  async remove(name: string): Promise<void> {
    await this.update((users) => {
      if (!users.some((u) => u.name === name)) throw noUser(name);
      return users.filter((u) => u.name !== name);
    });
  }

  /** Gives the user a new one-time password (shown once) and ends their sessions. */
  async resetPassword(name: string): Promise<string> {
    const password = newPassword();
    const passwordHash = await hashPassword(password);
    await this.modify(name, (u) => ({ ...u, passwordHash, mustChangePassword: true, oneTimeUsed: false, sessionsNotBefore: this.nowIso() }));
    return password;
  }

  /** Sets a password the user chose: the rules, not one of the last 5; ends every session. */
  async changePassword(name: string, password: string): Promise<void> {
    const current = this.find(name);
    if (!current) throw noUser(name);
    const problem = passwordProblem(name, password);
    if (problem) throw new UserError(problem);
    // In parallel: scrypt runs on libuv's thread pool.
    const reused = await Promise.all(current.passwordHistory.slice(0, PASSWORD_HISTORY).map((old) => verifyPassword(password, old)));
    if (reused.some(Boolean)) throw new UserError(`不能使用最近 ${PASSWORD_HISTORY} 次用过的密码。`);
    if (current.mustChangePassword && current.passwordHash && (await verifyPassword(password, current.passwordHash))) {
      throw new UserError('新密码不能与一次性密码相同。');
    }
    const passwordHash = await hashPassword(password);
    const at = this.nowIso();
    await this.modify(name, (u) => ({
      ...u,
      passwordHash,
      passwordHistory: [passwordHash, ...u.passwordHistory].slice(0, PASSWORD_HISTORY),
      passwordChangedAt: at,
      mustChangePassword: false,
      oneTimeUsed: false,
      sessionsNotBefore: at,
    }));
  }

  /** A successful sign-in: its time, and a one-time password spent. */
  async recordSignIn(name: string, via: 'password' | 'token'): Promise<void> {
    await this.modify(name, (u) => ({ ...u, lastLoginAt: this.nowIso(), ...(via === 'password' && u.mustChangePassword ? { oneTimeUsed: true } : {}) }));
  }

  /** Whether the password is older than `maxAgeDays` (a one-time password is handled on its own). */
  passwordExpired(user: User, maxAgeDays: number | undefined): boolean {
    if (!maxAgeDays || user.passwordHash === null || user.mustChangePassword) return false;
    const since = Date.parse(user.passwordChangedAt ?? user.createdAt);
    return this.now() - since > maxAgeDays * 86_400_000;
  }

  /** Until when (ms) this name is locked for this address; null when it is not. */
  lockedUntil(name: string, address: string): number | null {
    const user = this.find(name);
    const until = user?.locks.filter((l) => l.address === address).map((l) => Date.parse(l.until)).find((t) => t > this.now());
    return until ?? null;
  }

  /** Whether the name has a lock for this address that has run out (and is still on file). */
  hasExpiredLock(name: string, address: string): boolean {
    return (this.find(name)?.locks ?? []).some((l) => l.address === address && Date.parse(l.until) <= this.now());
  }

  /** Removes the locks that have run out; returns their addresses. */
  async clearExpiredLocks(name: string): Promise<string[]> {
    let cleared: string[] = [];
    await this.modify(name, (u) => {
      cleared = u.locks.filter((l) => Date.parse(l.until) <= this.now()).map((l) => l.address);
      return { ...u, locks: u.locks.filter((l) => Date.parse(l.until) > this.now()) };
    });
    return cleared;
  }

  async lock(name: string, address: string, untilMs: number): Promise<void> {
    const until = new Date(untilMs).toISOString();
    await this.modify(name, (u) => ({ ...u, locks: [...u.locks.filter((l) => l.address !== address && Date.parse(l.until) > this.now()), { address, until }] }));
  }

  /** Removes every lock of the name; returns the addresses that were locked. */
  async unlock(name: string): Promise<string[]> {
    let removed: string[] = [];
    await this.modify(name, (u) => {
      removed = u.locks.filter((l) => Date.parse(l.until) > this.now()).map((l) => l.address);
      return { ...u, locks: [] };
    });
    return removed;
  }

  /** A new named API token for the user; returns it (shown once) and its id. */
  async addToken(name: string, label: string): Promise<{ id: string; token: string }> {
    if (!LABEL_PATTERN.test(label)) throw new UserError(`令牌名称无效（字母、数字、空格、_ . @ -，最长 64） / invalid token name "${label}"`);
    const token = newApiToken();
    const id = newTokenId();
    await this.modify(name, (u) => {
      if (u.tokens.some((t) => t.name === label)) throw new UserError(`该用户已有名为 ${label} 的令牌 / a token named "${label}" exists`);
      return { ...u, tokens: [...u.tokens, { id, name: label, hash: hashToken(token), createdAt: this.nowIso() }] };
    });
    return { id, token };
  }

  /** Revokes a token by its id or its name. */
  async revokeToken(name: string, idOrName: string): Promise<ApiToken> {
    let revoked: ApiToken | undefined;
    await this.modify(name, (u) => {
      revoked = u.tokens.find((t) => t.id === idOrName || t.name === idOrName);
      if (!revoked) throw new UserError(`${name} 没有令牌 ${idOrName} / no token "${idOrName}" for ${name}`);
      return { ...u, tokens: u.tokens.filter((t) => t !== revoked) };
    });
    return revoked!;
  }

  /**
   * Records a token's use. Kept in a file of its own beside the users file (token-usage.json),
   * so programs' requests never rewrite the credentials.
   */
  async touchToken(userName: string, id: string): Promise<void> {
    const file = this.usageFile();
    await withFileLock(`${file}.lock`, async () => {
      const usage = { ...this.tokenUsage(), [usageKey(userName, id)]: this.nowIso() };
      await writeAtomic(file, `${JSON.stringify(usage, null, 2)}\n`);
    });
  }

  /** Last use of each token, by `usageKey(user, token id)`. */
  tokenUsage(): Record<string, string> {
    try {
      const parsed = z.record(z.string(), z.string()).safeParse(JSON.parse(readFileSync(this.usageFile(), 'utf8')));
      return parsed.success ? parsed.data : {};
    } catch {
      return {};
    }
  }

  private usageFile(): string {
    return path.join(path.dirname(this.file), 'token-usage.json');
  }

  private modify(name: string, change: (user: User) => User): Promise<void> {
    return this.update((users) => {
      if (!users.some((u) => u.name === name)) throw noUser(name);
      return users.map((u) => (u.name === name ? change(u) : u));
    });
  }

  /** Read-modify-write under the file lock, from what is on disk now (another process may have written). */
  private async update(change: (users: User[]) => User[]): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    await withFileLock(`${this.file}.lock`, async () => {
      this.seen = null;
      this.refresh();
      await this.save(change(this.users));
    });
  }

  private refresh(): void {
    // One stat per request (every request authenticates): a change by `npm run users` in another
    // process takes effect at once.
    const stat = statSync(this.file, { throwIfNoEntry: false });
    if (stat === undefined) {
      this.users = [];
      this.seen = null;
      return;
    }
    if (this.seen && this.seen.mtimeMs === stat.mtimeMs && this.seen.size === stat.size && this.seen.ino === stat.ino) return;
    let parsed: z.infer<typeof fileSchema>;
    try {
      parsed = fileSchema.parse(JSON.parse(readFileSync(this.file, 'utf8')));
    } catch (error) {
      throw new UserError(`用户文件 ${this.file} 无法读取 / cannot read the users file: ${(error as Error).message}`);
    }
    this.users = parsed.users.map(migrate);
    this.seen = { mtimeMs: stat.mtimeMs, size: stat.size, ino: stat.ino };
  }

  private async save(users: User[]): Promise<void> {
    await writeAtomic(this.file, `${JSON.stringify({ version: 1, users }, null, 2)}\n`);
    this.users = users;
    this.seen = null;
  }
}

/** Temp file, fsync, rename; mode 0600. */
async function writeAtomic(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 }); // DATA_DIR is owner-only (fs/private-files.ts)
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await chmod(temp, 0o600);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** A file of the first version: its single token becomes the token `default`. */
function migrate(user: User): User {
  const { tokenHash, ...rest } = user;
  if (!tokenHash || rest.tokens.some((t) => t.hash === tokenHash)) return rest;
  return { ...rest, tokens: [{ id: 'default', name: 'default', hash: tokenHash, createdAt: user.createdAt }, ...rest.tokens] };
}

export function usageKey(userName: string, tokenId: string): string {
  return `${userName}/${tokenId}`;
}

function newTokenId(): string {
  return randomBytes(4).toString('hex');
}

// A valid hash of a random password nobody knows, so unknown names take the same time.
let dummyPasswordHash: Promise<string> | undefined;
function dummyHash(): Promise<string> {
  dummyPasswordHash ??= hashPassword(randomBytes(16).toString('hex'));
  return dummyPasswordHash;
}

export interface InitialAdminLog {
  (message: string): void;
}

/**
 * On the server's first start with no user: creates `admin` (role admin, city-wide) with a
 * one-time password and prints it. Does nothing when any user exists.
 */
export async function ensureInitialAdmin(config: { usersFile: string }, log: InitialAdminLog): Promise<boolean> {
  const store = new UserStore(config.usersFile);
  if (store.list().length > 0) return false;
  const { password } = await store.addPerson({ name: 'admin', role: 'admin' }, { token: false });
  log(
    [
      '首次启动：已创建管理员用户 admin / first start: created user "admin"',
      `  一次性密码 / one-time password: ${password}`,
      '  只能登录一次，登录后须设置新密码；只显示这一次。 / good for one sign-in, then a new password is required; shown once only.',
    ].join('\n'),
  );
  return true;
}
