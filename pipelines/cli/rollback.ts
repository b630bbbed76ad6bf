// `npm run rollback [-- --db FILE] [--to RUN_ID]`: puts a kept warehouse back as the published
// one. Without --to, the one published just before the current one. Takes the refresh lock (no
// refresh runs meanwhile), keeps the replaced warehouse in the history, and swaps with one
// rename(2); a running server notices the new file by its polling and switches over.
// Exit codes: 0 done; 1 nothing to roll back to; 2 usage error; 3 a refresh holds the lock.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { recordCommandEvent } from '../audit-log/index.ts';
import { loadConfig } from '../config.ts';
import { analystFileFor } from '../publish/analyst.ts';
import { rollback, RollbackError } from '../run/rollback.ts';
import { RefreshBusyError } from '../run/lock.ts';

const USAGE = `用法：npm run rollback -- [--db 仓库文件] [--to 运行编号]
  --db  要回退的仓库文件（默认 DATA_DIR/warehouse/warehouse.duckdb）
  --to  回退到哪次运行发布的仓库（默认：当前仓库之前的那一次）`;

async function main(): Promise<number> {
  let values: { db?: string; to?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: { db: { type: 'string' }, to: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const base = process.env.INIT_CWD ?? process.cwd();
  const config = loadConfig(values.db ? { warehouseFile: path.resolve(base, values.db) } : {});
  try {
    const done = await rollback({ warehouseFile: config.warehouseFile, keep: config.keepWarehouses, ...(values.to ? { to: values.to } : {}) });
    await audit(config, { action: 'rollback.run', target: done.restoredRunId, outcome: 'success', detail: { replaced: done.replacedRunId ?? null } });
    const lines = [
      `已回退：${done.warehouseFile} 现在是运行 ${done.restoredRunId} 发布的仓库。`,
      done.replacedRunId ? `原仓库（运行 ${done.replacedRunId}）已保留在历史中：${done.replacedKeptAs}` : '原仓库已保留在历史中。',
      existsSync(analystFileFor(config.warehouseFile, done.restoredRunId)) ? '' : '注意：该次运行的分析库文件已不在，SQL 控制台将使用现存最新的分析库。',
      '正在运行的服务会在约 1 秒内自动切换到回退后的仓库。',
      `可回退的历史仓库：${done.history.join('，') || '（无）'}`,
      '注意：被撤销的运行所加载的文件已在归档中，之后的刷新不会再加载它们；如需重新纳入，请运行 npm run refresh -- --rebuild。',
    ];
    process.stdout.write(`${lines.filter(Boolean).join('\n')}\n`);
    return 0;
  } catch (error) {
    if (error instanceof RefreshBusyError) {
      process.stderr.write(`${error.message}\n`);
      await audit(config, { action: 'rollback.run', target: values.to ?? 'previous', outcome: 'refused', detail: { reason: 'refresh_running' } });
      return 3;
    }
    if (error instanceof RollbackError) {
      process.stderr.write(`${error.message}\n`);
      await audit(config, { action: 'rollback.run', target: values.to ?? 'previous', outcome: 'failure', detail: { reason: error.message.slice(0, 300) } });
      return 1;
    }
    throw error;
  }
}

/** The audit log (DATA_DIR/audit); a failure to write it is reported and does not change the exit code. */
async function audit(config: { dataDir: string; auditRetentionDays: number }, event: Parameters<typeof recordCommandEvent>[1]): Promise<void> {
  await recordCommandEvent(config, event).catch((error: unknown) => process.stderr.write(`审计日志写入失败：${(error as Error).message}\n`));
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`回退出错：${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
