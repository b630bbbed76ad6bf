// `npm run editions -- take [--edition YYYY-MM] [--by NAME]` and `npm run editions -- list`:
// the monthly editions of DATA_DIR (interfaces.md, "Monthly editions"). `take` freezes the
// published warehouse's figures under the refresh lock (default: the previous month's edition,
// Asia/Shanghai or editionTimezone). Exit codes: 0 done; 1 the edition exists or no warehouse;
// 2 usage error; 3 a refresh holds the lock.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { recordCommandEvent } from '../audit-log/index.ts';
import { loadConfig } from '../config.ts';
import { EDITION, EditionExistsError, NoPublishedWarehouseError, editionsDirFor, listEditions, previousMonthEdition } from '../editions/store.ts';
import { takeEditionLocked } from '../editions/take.ts';
import { RefreshBusyError } from '../run/lock.ts';

const USAGE = `用法：npm run editions -- take [--edition YYYY-MM] [--by 姓名]
       npm run editions -- list
  take  由当前已发布的数据生成一期月报（默认：上个月），已存在的月报不会被覆盖
  list  列出已生成的月报`;

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ options: { edition: { type: 'string' }; by: { type: 'string' }; help: { type: 'boolean'; short: 'h' } }; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ options: { edition: { type: 'string' }, by: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const [command, ...rest] = parsed.positionals;
  if (parsed.values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return parsed.values.help ? 0 : 2;
  }
  if (rest.length > 0 || (command !== 'take' && command !== 'list')) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const config = loadConfig();
  const dir = editionsDirFor(config.dataDir);
  if (command === 'list') {
    const editions = await listEditions(dir);
    if (editions.length === 0) process.stdout.write('还没有月报。\n');
    for (const e of editions) process.stdout.write(`${e.edition}\t生成于 ${e.taken_at}\t${e.taken_by}\t运行 ${e.run_id ?? '—'}\t数据截至 ${e.as_of ?? '—'}\t${e.rows} 行\n`);
    return 0;
  }
  const edition = parsed.values.edition ?? previousMonthEdition(new Date(), config.editionTimezone);
  if (!EDITION.test(edition)) {
    process.stderr.write(`月报版本应为 YYYY-MM：${edition}\n`);
    return 2;
  }
  try {
    const manifest = await takeEditionLocked({
      dir,
      warehouseFile: config.warehouseFile,
      edition,
      takenBy: parsed.values.by ?? `cli:${os.userInfo().username}`,
      trigger: 'cli',
      now: () => new Date(),
    });
    await recordCommandEvent(config, { action: 'edition.take', target: manifest.edition, outcome: 'success', rows: manifest.rows });
    process.stdout.write(`已生成 ${manifest.edition} 期月报：${manifest.rows} 行，运行 ${manifest.run_id ?? '—'}，数据截至 ${manifest.as_of ?? '—'}。\n`);
    return 0;
  } catch (error) {
    if (error instanceof RefreshBusyError) {
      process.stderr.write(`${error.message}\n`);
      return 3;
    }
    if (error instanceof EditionExistsError || error instanceof NoPublishedWarehouseError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`月报出错：${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
