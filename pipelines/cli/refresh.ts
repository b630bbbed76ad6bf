// `npm run refresh -- --inbox DIR --db FILE`: one refresh, then exit (interfaces.md). Exit 0
// when the run is success or partial, 1 when nothing could be published, 2 on a usage error.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { raiseRunAlerts, stderrAlertLog } from '../alerts/raise.ts';
import { loadConfig } from '../config.ts';
import { finishedJournal } from '../run/journal.ts';
import { createProgressPrinter } from '../run/progress.ts';
import { runRefresh } from '../run/refresh.ts';
import { formatSummary } from '../run/summary.ts';

const USAGE = `用法：npm run refresh -- [--inbox 目录] [--db 仓库文件]
  --inbox  读取导出文件的收件箱（默认 DATA_DIR/inbox）
  --db     要刷新的仓库文件（默认 DATA_DIR/warehouse/warehouse.duckdb）`;

async function main(): Promise<number> {
  let values: { inbox?: string; db?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: { inbox: { type: 'string' }, db: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
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
  // npm runs scripts from the package root; relative paths mean the folder the command was typed in.
  const base = process.env.INIT_CWD ?? process.cwd();
  const config = loadConfig({
    ...(values.inbox ? { inboxDir: path.resolve(base, values.inbox) } : {}),
    ...(values.db ? { warehouseFile: path.resolve(base, values.db) } : {}),
  });
  const printer = createProgressPrinter(process.stderr);
  const result = await runRefresh({ config, trigger: 'cli', onProgress: (event) => printer.onProgress(event) });
  printer.done();
  process.stdout.write(`${formatSummary(result)}\n`);
  // Alerts (pipelines/alerts): to the log and the webhook, in bounded time; they never change the exit code.
  await raiseRunAlerts({ run: finishedJournal(result), config, log: stderrAlertLog });
  return result.published ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`刷新出错：${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
