// `npm run users -- add NAME --role viewer|analyst|admin [--county CODE]`, `list`,
// `remove NAME`, `passwd NAME`: manages config.usersFile. Secrets are printed once and only
// their hashes are stored.
import { parseArgs } from 'node:util';
import { loadConfig } from '../../pipelines/config.ts';
import { COUNTIES, isRole, ROLES } from '../auth/roles.ts';
import { UserError, UserStore } from '../auth/users.ts';

const HELP = `用户管理 / user management

用法 / usage:
  npm run users -- add NAME --role viewer|analyst|admin [--county CODE]
      新建用户并打印其 API 令牌（只显示一次）
      create a user and print its API token (shown once)
  npm run users -- list
      列出用户（名称、角色、县） / list users (name, role, county)
  npm run users -- remove NAME
      删除用户，其会话随即失效 / remove a user; its sessions end at once
  npm run users -- passwd NAME
      生成新的一次性登录密码并打印 / print a new one-time login password

角色 / roles: viewer（查看）< analyst（分析，可用 SQL 控制台）< admin（管理）
--county 限定用户只能看到一个县（市、区）及全市合计 / limits a user to one county (and city totals):
${Object.entries(COUNTIES).map(([code, name]) => `  ${code} ${name}`).join('\n')}

用户文件 / users file: DATA_DIR/users.json（DATA_DIR 默认 data/）`;

export interface UsersCliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** Runs one users command; returns the exit code. `env` is a parameter so tests never touch process.env. */
export async function runUsersCli(argv: string[], io: UsersCliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { role: { type: 'string' }, county: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    io.err(`参数有误 / bad arguments: ${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  const [command, name, ...extra] = parsed.positionals;
  if (parsed.values.help || command === undefined || command === 'help') {
    io.out(HELP);
    return command === undefined && !parsed.values.help ? 2 : 0;
  }
  if (extra.length > 0) {
    io.err(`多余的参数 / unexpected arguments: ${extra.join(' ')}`);
    return 2;
  }
  const store = new UserStore(loadConfig({}, env).usersFile);
  try {
    switch (command) {
      case 'add': {
        if (!name) throw new UserError('缺少用户名 / missing NAME: npm run users -- add NAME --role viewer|analyst|admin');
        const role = parsed.values.role;
        if (!role || !isRole(role)) throw new UserError(`--role 必须是 ${ROLES.join('、')} 之一 / --role must be one of ${ROLES.join(', ')}`);
        const { user, token } = await store.add({ name, role, county: parsed.values.county ?? null });
        io.out(
          [
            `已创建用户 ${user.name}（${user.role}${user.county ? `，${user.county} ${COUNTIES[user.county]}` : '，全市'}） / created user ${user.name}`,
            `API 令牌（只显示这一次，请妥善保存） / API token (shown once, keep it safe):`,
            token,
            `用法 / use: Authorization: Bearer <token>；登录页也可用它代替密码 / it also works as the password on the login page`,
          ].join('\n'),
        );
        return 0;
      }
      case 'list': {
        const users = store.list();
        if (users.length === 0) io.out('没有用户 / no users');
        for (const u of users) {
          io.out(`${u.name}\t${u.role}\t${u.county ?? '全市 / city-wide'}\t${u.passwordHash ? '有密码 / password set' : '仅令牌 / token only'}\t${u.createdAt}`);
        }
        return 0;
      }
      case 'remove': {
        if (!name) throw new UserError('缺少用户名 / missing NAME');
        await store.remove(name);
        io.out(`已删除用户 ${name} / removed user ${name}`);
        return 0;
      }
      case 'passwd': {
        if (!name) throw new UserError('缺少用户名 / missing NAME');
        const password = await store.resetPassword(name);
        io.out(`${name} 的新一次性密码（只显示这一次） / new one-time password for ${name} (shown once):\n${password}`);
        return 0;
      }
      default:
        io.err(`未知命令 / unknown command: ${command}\n\n${HELP}`);
        return 2;
    }
  } catch (error) {
    if (error instanceof UserError) {
      io.err(error.message);
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
