// The users file (config.usersFile): names, roles, county scope and hashes only — never a
// token or password in clear. Written atomically (temp file, fsync, rename) with mode 0600,
// and re-read when it changes on disk, so `npm run users` takes effect on a running server.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { chmod, mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { COUNTIES, isCountyCode, ROLES, type Role } from './roles.ts';
import { hashPassword, hashToken, newApiToken, newPassword, safeEqual, verifyPassword } from './secrets.ts';

const userSchema = z.object({
  name: z.string().min(1),
  role: z.enum(ROLES),
  county: z.string().nullable(),
  tokenHash: z.string().regex(/^[0-9a-f]{64}$/),
  passwordHash: z.string().nullable(),
  createdAt: z.string(),
});
const fileSchema = z.object({ version: z.literal(1), users: z.array(userSchema) });

export type User = z.infer<typeof userSchema>;

/** A user-facing error of the users store (bilingual, safe to print). */
export class UserError extends Error {}

const NAME_PATTERN = /^[\p{L}\p{N}_.@-]{1,64}$/u;

export interface NewUser {
  name: string;
  role: Role;
  county?: string | null;
}

export class UserStore {
  private users: User[] = [];
  private seen: { mtimeMs: number; size: number; ino: number } | null = null;

  constructor(readonly file: string) {}

  /** Every user, as stored (hashes only). Re-reads the file when it changed. */
  list(): User[] {
    this.refresh();
    return [...this.users];
  }

  find(name: string): User | undefined {
    return this.list().find((u) => u.name === name);
  }

  /** The user whose API token this is. Compares against every stored hash (no early exit). */
  findByToken(token: string): User | undefined {
    const hash = hashToken(token);
    let found: User | undefined;
    for (const user of this.list()) {
      if (safeEqual(user.tokenHash, hash)) found = user;
    }
    return found;
  }

  /** Checks a name and a password (or the user's API token, for people who only have that). */
  async verifyLogin(name: string, secret: string): Promise<User | undefined> {
    const user = this.find(name);
    const tokenMatches = user ? safeEqual(user.tokenHash, hashToken(secret)) : false;
    // Always run scrypt, so a wrong name costs as much as a wrong password.
    const passwordMatches = await verifyPassword(secret, user?.passwordHash ?? (await dummyHash()));
    return user && (tokenMatches || (passwordMatches && user.passwordHash !== null)) ? user : undefined;
  }

  /** Creates a user; returns its API token, which is stored only as a hash and never again shown. */
  async add(input: NewUser): Promise<{ user: User; token: string }> {
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
    this.refresh();
    if (this.users.some((u) => u.name === name)) throw new UserError(`用户已存在：${name} / user "${name}" already exists`);
    const token = newApiToken();
    const user: User = { name, role: input.role, county, tokenHash: hashToken(token), passwordHash: null, createdAt: new Date().toISOString() };
    await this.save([...this.users, user]);
    return { user, token };
  }

  async remove(name: string): Promise<void> {
    this.refresh();
    if (!this.users.some((u) => u.name === name)) throw new UserError(`没有这个用户：${name} / no user "${name}"`);
    await this.save(this.users.filter((u) => u.name !== name));
  }

  /** Gives the user a new random password; returns it (shown once). */
  async resetPassword(name: string): Promise<string> {
    this.refresh();
    const user = this.users.find((u) => u.name === name);
    if (!user) throw new UserError(`没有这个用户：${name} / no user "${name}"`);
    const password = newPassword();
    const passwordHash = await hashPassword(password);
    await this.save(this.users.map((u) => (u.name === name ? { ...u, passwordHash } : u)));
    return password;
  }

  private refresh(): void {
    if (!existsSync(this.file)) {
      this.users = [];
      this.seen = null;
      return;
    }
    const stat = statSync(this.file);
    if (this.seen && this.seen.mtimeMs === stat.mtimeMs && this.seen.size === stat.size && this.seen.ino === stat.ino) return;
    let parsed: z.infer<typeof fileSchema>;
    try {
      parsed = fileSchema.parse(JSON.parse(readFileSync(this.file, 'utf8')));
    } catch (error) {
      throw new UserError(`用户文件 ${this.file} 无法读取 / cannot read the users file: ${(error as Error).message}`);
    }
    this.users = parsed.users;
    this.seen = { mtimeMs: stat.mtimeMs, size: stat.size, ino: stat.ino };
  }

  private async save(users: User[]): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const temp = `${this.file}.${randomBytes(6).toString('hex')}.tmp`;
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify({ version: 1, users }, null, 2)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await chmod(temp, 0o600);
      await rename(temp, this.file);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    this.users = users;
    this.seen = null;
  }
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
 * one-time password and prints it with the API token. Does nothing when any user exists.
 */
export async function ensureInitialAdmin(config: { usersFile: string }, log: InitialAdminLog): Promise<boolean> {
  const store = new UserStore(config.usersFile);
  if (store.list().length > 0) return false;
  const { token } = await store.add({ name: 'admin', role: 'admin' });
  const password = await store.resetPassword('admin');
  log(
    [
      '首次启动：已创建管理员用户 admin / first start: created user "admin"',
      `  一次性密码 / one-time password: ${password}`,
      `  API 令牌 / API token: ${token}`,
      '  只显示这一次，请妥善保存；可用 npm run users -- passwd admin 重设。 / shown once only.',
    ].join('\n'),
  );
  return true;
}
