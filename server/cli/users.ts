// `npm run users -- add NAME --role viewer|analyst|admin [--county CODE] [--token]`, `list`,
// `remove NAME`, `passwd NAME`, `unlock NAME`, `token add|list|revoke`: manages
// config.usersFile. Secrets are printed once and only their hashes are stored; every change is
// recorded in the audit log (DATA_DIR/audit) as the operating-system user who ran it.
import { parseArgs } from 'node:util';
import { recordCommandEvent } from '../../pipelines/audit-log/index.ts';
import { loadConfig, type Config } from '../../pipelines/config.ts';
import { COUNTIES, isRole, ROLES } from '../auth/roles.ts';
import { usageKey, UserError, UserStore, type User } from '../auth/users.ts';

const HELP = `用户管理 / user management

用法 / usage:
  npm run users -- add NAME --role viewer|analyst|admin [--county CODE] [--token]
      新建用户并打印一次性密码（只能登录一次，之后须设新密码）；--token 另打印一个 API 令牌
      create a user and print a one-time password (one sign-in, then a new password); --token also prints an API token
  npm run users -- list
      列出用户：角色、县、上次登录、锁定、密码到期、令牌数 / list users: role, county, last sign-in, locks, expiry, tokens
  npm run users -- remove NAME
      删除用户，其会话随即失效 / remove a user; its sessions end at once
  npm run users -- passwd NAME
      生成新的一次性密码并打印，其会话随即失效 / print a new one-time password; its sessions end
  npm run users -- unlock NAME
      解除该用户因登录失败造成的锁定 / lift the sign-in locks of a user
  npm run users -- token add NAME --label LABEL     新的命名 API 令牌（只显示一次） / a new named API token (shown once)
  npm run users -- token list [NAME]                令牌：编号、名称、创建与最后使用时间 / tokens with id, name, created, last use
  npm run users -- token revoke NAME ID|LABEL       撤销令牌 / revoke a token

角色 / roles: viewer（查看）< analyst（分析，可用 SQL 控制台）< admin（管理）
--county 限定用户只能看到一个县（市、区）及全市合计 / limits a user to one county (and city totals):
${Object.entries(COUNTIES).map(([code, name]) => `  ${code} ${name}`).join('\n')}

密码规则 / password rules: 至少 8 位，含大写、小写、数字、符号中的三类，不含用户名，不与最近 5 次相同
用户文件 / users file: DATA_DIR/users.json（DATA_DIR 默认 data/）`;

export interface UsersCliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

function scopeText(user: Pick<User, 'county'>): string {
  return user.county ? `${user.county} ${COUNTIES[user.county]}` : '全市 / city-wide';
}

function describeUser(store: UserStore, user: User, config: Config, now: number): string {
  const locks = user.locks.filter((l) => Date.parse(l.until) > now);
  const locked = locks.length > 0 ? `锁定 / locked: ${locks.map((l) => `${l.address} 至 ${l.until}`).join(', ')}` : '未锁定 / not locked';
  let expiry: string;
  if (user.passwordHash === null) expiry = '仅令牌 / token only';
  else if (user.mustChangePassword) expiry = user.oneTimeUsed ? '一次性密码已用，待设新密码 / one-time password used' : '一次性密码 / one-time password';
  else if (config.passwordMaxAgeDays) {
    const due = new Date(Date.parse(user.passwordChangedAt ?? user.createdAt) + config.passwordMaxAgeDays * 86_400_000).toISOString();
    expiry = `${store.passwordExpired(user, config.passwordMaxAgeDays) ? '已过期 / expired' : '到期 / expires'} ${due}`;
  } else expiry = '不过期 / no expiry';
  return [user.name, user.role, user.county ?? '全市 / city-wide', `上次登录 / last sign-in: ${user.lastLoginAt ?? '从未 / never'}`, locked, expiry, `令牌 / tokens: ${user.tokens.length}`].join('\t');
}

/** Runs one users command; returns the exit code. `env` is a parameter so tests never touch process.env. */
export async function runUsersCli(argv: string[], io: UsersCliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        role: { type: 'string' },
        county: { type: 'string' },
        token: { type: 'boolean' },
        label: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    io.err(`参数有误 / bad arguments: ${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  const positionals = [...parsed.positionals];
  const command = positionals[0] === 'token' && positionals[1] ? `token ${positionals[1]}` : positionals[0];
  const args = positionals.slice(command?.startsWith('token ') ? 2 : 1);
  if (parsed.values.help || command === undefined || command === 'help') {
    io.out(HELP);
    return command === undefined && !parsed.values.help ? 2 : 0;
  }
  const maxArgs = command === 'token revoke' ? 2 : 1;
  if (args.length > maxArgs) {
    io.err(`多余的参数 / unexpected arguments: ${args.slice(maxArgs).join(' ')}`);
    return 2;
  }
  const [name, second] = args;
  const config = loadConfig({}, env);
  const store = new UserStore(config.usersFile);
  const audit = (action: string, target: string, outcome: string, detail?: Record<string, string | number | boolean | null>) =>
    recordCommandEvent(config, { action, target, outcome, ...(detail ? { detail } : {}) });
  const needName = () => {
    if (!name) throw new UserError('缺少用户名 / missing NAME');
    return name;
  };
  try {
    switch (command) {
      case 'add': {
        if (!name) throw new UserError('缺少用户名 / missing NAME: npm run users -- add NAME --role viewer|analyst|admin');
        const role = parsed.values.role;
        if (!role || !isRole(role)) throw new UserError(`--role 必须是 ${ROLES.join('、')} 之一 / --role must be one of ${ROLES.join(', ')}`);
        const { user, password, token } = await store.addPerson({ name, role, county: parsed.values.county ?? null }, { token: parsed.values.token === true });
        await audit('users.add', user.name, 'success', { role: user.role, county: user.county, token: token !== null });
        io.out(
          [
            `已创建用户 ${user.name}（${user.role}，${scopeText(user)}） / created user ${user.name}`,
            `一次性密码（只能登录一次，登录后须设置新密码；只显示这一次） / one-time password (one sign-in, then a new password; shown once):`,
            password,
            ...(token
              ? [`API 令牌（供程序使用，只显示这一次） / API token for programs (shown once):`, token, `用法 / use: Authorization: Bearer <token>`]
              : []),
          ].join('\n'),
        );
        return 0;
      }
      case 'list': {
        const users = store.list();
        if (users.length === 0) io.out('没有用户 / no users');
        for (const u of users) io.out(describeUser(store, u, config, Date.now()));
        return 0;
      }
      case 'remove': {
        await store.remove(needName());
        await audit('users.remove', needName(), 'success');
        io.out(`已删除用户 ${name} / removed user ${name}`);
        return 0;
      }
      case 'passwd': {
        const password = await store.resetPassword(needName());
        await audit('users.passwd', needName(), 'success');
        io.out(`${name} 的新一次性密码（只显示这一次；其会话已结束） / new one-time password for ${name} (shown once; sessions ended):\n${password}`);
        return 0;
      }
      case 'unlock': {
        const addresses = await store.unlock(needName());
        await audit('auth.unlock', needName(), 'success', { addresses: addresses.join(',') || null });
        io.out(addresses.length > 0 ? `已解除 ${name} 的锁定：${addresses.join(', ')} / unlocked ${name}` : `${name} 当前没有锁定 / ${name} was not locked`);
        return 0;
      }
      case 'token add': {
        const label = parsed.values.label;
        if (!label) throw new UserError('缺少 --label（令牌名称，如程序名） / missing --label');
        const { id, token } = await store.addToken(needName(), label);
        await audit('users.token_add', needName(), 'success', { token: label, id });
        io.out([`已为 ${name} 新建令牌 ${label}（编号 ${id}），只显示这一次 / new token (shown once):`, token].join('\n'));
        return 0;
      }
      case 'token list': {
        const users = name ? [store.find(name) ?? (() => { throw new UserError(`没有这个用户：${name} / no user "${name}"`); })()] : store.list();
        let any = false;
        const usage = store.tokenUsage();
        for (const u of users) {
          for (const t of u.tokens) {
            any = true;
            io.out([u.name, t.id, t.name, `创建 / created ${t.createdAt}`, `最后使用 / last use ${usage[usageKey(u.name, t.id)] ?? '从未 / never'}`].join('\t'));
          }
        }
        if (!any) io.out('没有令牌 / no tokens');
        return 0;
      }
      case 'token revoke': {
        if (!second) throw new UserError('缺少令牌编号或名称 / missing token ID or label');
        const revoked = await store.revokeToken(needName(), second);
        await audit('users.token_revoke', needName(), 'success', { token: revoked.name, id: revoked.id });
        io.out(`已撤销 ${name} 的令牌 ${revoked.name}（${revoked.id}） / revoked`);
        return 0;
      }
      default:
        io.err(`未知命令 / unknown command: ${positionals.join(' ')}\n\n${HELP}`);
        return 2;
    }
  } catch (error) {
    if (error instanceof UserError) {
      io.err(error.message);
      if (command && name) await audit(`users.${command.replace(' ', '_')}`, name, 'failure', { reason: error.message.slice(0, 200) }).catch(() => undefined);
      return 1;
    }
    throw error;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await runUsersCli(process.argv.slice(2), {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
  });
}
