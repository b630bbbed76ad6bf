// `npm run audit -- verify`: checks the hash chain of DATA_DIR/audit; exit 0 when intact,
// 1 naming the first broken line, 2 on a usage error.
import { parseArgs } from 'node:util';
import { auditDirFor, verifyAuditLog } from '../audit-log/index.ts';
import { loadConfig } from '../config.ts';

const USAGE = `用法 / usage: npm run audit -- verify
  检查审计日志（DATA_DIR/audit）的哈希链：有行被修改、删除或插入时以非零状态退出并指出第一处。
  checks the audit log's hash chain; exits non-zero naming the first broken line.`;

export async function runAuditCli(argv: string[], io: { out: (t: string) => void; err: (t: string) => void }, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let positionals: string[];
  try {
    ({ positionals } = parseArgs({ args: argv, allowPositionals: true, options: {} }));
  } catch (error) {
    io.err(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (positionals[0] !== 'verify' || positionals.length > 1) {
    io.err(USAGE);
    return 2;
  }
  const dir = auditDirFor(loadConfig({}, env).dataDir);
  const result = await verifyAuditLog(dir);
  if (result.ok) {
    io.out(`审计日志完整：${result.files} 个文件，${result.lines} 行 / audit log intact: ${result.files} files, ${result.lines} lines (${dir})`);
    return 0;
  }
  const b = result.broken!;
  io.err(`审计日志被改动：${b.file} 第 ${b.line} 行：${b.reason} / audit log broken at ${b.file} line ${b.line}`);
  return 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await runAuditCli(process.argv.slice(2), {
    out: (t) => process.stdout.write(`${t}\n`),
    err: (t) => process.stderr.write(`${t}\n`),
  });
}
