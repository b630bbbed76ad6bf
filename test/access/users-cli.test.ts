// `npm run users`: tokens printed once and stored only as sha256, passwords as scrypt, the
// file written 0600, clear errors; and the first start's admin.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserStore, ensureInitialAdmin } from '../../server/auth/users.ts';
import { runUsersCli } from '../../server/cli/users.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'lishui-users-'));
const usersFile = path.join(dataDir, 'users.json');
afterAll(() => rmSync(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 }));

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runUsersCli(args, { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`) }, { DATA_DIR: dataDir });
  return { code, out, err };
}

describe('npm run users', () => {
  it('add --token prints a token once; the file holds only its sha256, mode 0600', async () => {
    const added = await cli('add', 'wang', '--role', 'analyst', '--token');
    expect(added.code).toBe(0);
    const token = added.out.split('\n').find((l) => /^[A-Za-z0-9_-]{43}$/.test(l));
    expect(token).toBeDefined();
    const text = readFileSync(usersFile, 'utf8');
    expect(text).not.toContain(token!);
    expect(text).toContain(createHash('sha256').update(token!).digest('hex'));
    expect(statSync(usersFile).mode & 0o777).toBe(0o600);
    expect(new UserStore(usersFile).findByToken(token!)?.name).toBe('wang');
    // The token is never shown again.
    const listed = await cli('list');
    expect(listed.out).toContain('wang\tanalyst\t全市');
    expect(listed.out).not.toContain(token!);
  });

  it('--county scopes a user; unknown codes, bad roles and duplicates are clear errors', async () => {
    expect((await cli('add', 'li', '--role', 'viewer', '--county', '331181')).code).toBe(0);
    expect(new UserStore(usersFile).find('li')?.county).toBe('331181');
    const county = await cli('add', 'zhao', '--role', 'viewer', '--county', '330000');
    expect(county.code).toBe(1);
    expect(county.err).toMatch(/未知的县（市、区）代码：330000.*331102 莲都区.*unknown county code/);
    const role = await cli('add', 'zhao', '--role', 'boss');
    expect(role.code).toBe(1);
    expect(role.err).toMatch(/--role 必须是 viewer、analyst、admin/);
    const duplicate = await cli('add', 'wang', '--role', 'viewer');
    expect(duplicate.code).toBe(1);
    expect(duplicate.err).toMatch(/用户已存在：wang.*already exists/);
    expect((await cli('frobnicate')).code).toBe(2);
    expect((await cli('--help')).out).toMatch(/用法 \/ usage/);
  });

  it('passwd prints a one-time password that logs in; only its scrypt hash is stored', async () => {
    const result = await cli('passwd', 'wang');
    expect(result.code).toBe(0);
    const password = result.out.trim().split('\n').at(-1)!;
    expect(password).toMatch(/^[A-Za-z0-9]{16}$/);
    const text = readFileSync(usersFile, 'utf8');
    expect(text).not.toContain(password);
    expect(text).toMatch(/"passwordHash": "scrypt\$32768\$8\$1\$/);
    const store = new UserStore(usersFile);
    expect((await store.verifyLogin('wang', password))?.name).toBe('wang');
    expect(await store.verifyLogin('wang', `${password}x`)).toBeUndefined();
    expect((await cli('passwd', 'nobody')).code).toBe(1);
  });

  it('remove deletes the user', async () => {
    expect((await cli('remove', 'li')).code).toBe(0);
    expect(new UserStore(usersFile).find('li')).toBeUndefined();
    expect((await cli('remove', 'li')).err).toMatch(/没有这个用户/);
  });

  it('works as the npm script, in its own process', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'server/cli/users.ts', 'add', 'proc', '--role', 'viewer', '--token'], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dataDir },
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    const token = run.stdout.split('\n').find((l) => /^[A-Za-z0-9_-]{43}$/.test(l))!;
    expect(new UserStore(usersFile).findByToken(token)?.name).toBe('proc');
  }, 60_000);
});

describe('first start', () => {
  it('creates admin with a one-time password when there is no user, and only then', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lishui-first-'));
    try {
      const file = path.join(dir, 'users.json');
      const printed: string[] = [];
      expect(await ensureInitialAdmin({ usersFile: file }, (m) => printed.push(m))).toBe(true);
      const password = /一次性密码 \/ one-time password: (\S+)/.exec(printed.join('\n'))?.[1];
      const store = new UserStore(file);
      expect(store.find('admin')?.role).toBe('admin');
      expect(store.find('admin')?.county).toBeNull();
      expect((await store.verifyLogin('admin', password!))?.name).toBe('admin');
      expect(readFileSync(file, 'utf8')).not.toContain(password!);
      expect(await ensureInitialAdmin({ usersFile: file }, (m) => printed.push(m))).toBe(false);
      expect(printed).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    }
  });
});
