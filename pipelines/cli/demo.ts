// npm run demo -- --out DIR --scale tiny|lishui|province|national [--seed N] [--end-date YYYY-MM-DD]
//                 [--years N] [--bad-share 0.005] [--overwrite] [--summary FILE]
// Writes a demo set of exports into DIR (which must be empty unless --overwrite), shows progress,
// and prints what was written, how long it took and the peak memory.
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { generateDemoExports, type DemoProgress, type DemoSummary } from '../demo/generate.ts';
import { SCALES, type Scale } from '../demo/scales.ts';

const USAGE = '用法：npm run demo -- --out 目录 --scale tiny|lishui|province|national [--seed N] [--end-date YYYY-MM-DD] [--years N] [--bad-share 0.005] [--overwrite] [--summary 文件]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      scale: { type: 'string', default: 'lishui' },
      seed: { type: 'string' },
      'end-date': { type: 'string' },
      years: { type: 'string' },
      'bad-share': { type: 'string' },
      overwrite: { type: 'boolean', default: false },
      summary: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.out) throw new Error(`缺少 --out 目录。\n${USAGE}`);
  if (!SCALES.includes(values.scale as Scale)) throw new Error(`规模 ${values.scale} 无效。\n${USAGE}`);
  const progress = progressLine();
  const summary = await generateDemoExports({
    outDir: values.out,
    scale: values.scale as Scale,
    ...(values.seed === undefined ? {} : { seed: integer(values.seed, '--seed') }),
    ...(values['end-date'] === undefined ? {} : { endDate: values['end-date'] }),
    ...(values.years === undefined ? {} : { years: integer(values.years, '--years') }),
    ...(values['bad-share'] === undefined ? {} : { badRowShare: Number(values['bad-share']) }),
    overwrite: values.overwrite,
    onProgress: progress.update,
  });
  progress.end();
  if (values.summary) await writeFile(values.summary, `${JSON.stringify(summary, null, 1)}\n`);
  console.log(report(summary));
}

function integer(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new Error(`${flag} 应为整数：${text}`);
  return n;
}

/** One line rewritten in place on a terminal; one line per finished file otherwise. */
function progressLine(): { update: (p: DemoProgress) => void; end: () => void } {
  const tty = process.stderr.isTTY;
  let filesDone = 0;
  let rowsDone = 0;
  return {
    update(p) {
      if (p.done) {
        filesDone++;
        rowsDone += p.rows;
      }
      const line = `[demo] ${filesDone} 个文件 / ${rowsDone.toLocaleString('en-US')} 行 … ${p.file} ${p.rows.toLocaleString('en-US')} 行${p.done ? ' ✓' : ''}`;
      if (tty) process.stderr.write(`\r\x1b[K${line}`);
      else if (p.done) process.stderr.write(`${line}\n`);
    },
    end() {
      if (tty) process.stderr.write('\n');
    },
  };
}

function report(summary: DemoSummary): string {
  const byKind = new Map<string, { files: number; bytes: number }>();
  for (const file of summary.files) {
    const key = `${file.kind} ${file.format}${file.encoding ? `/${file.encoding}` : ''}`;
    const entry = byKind.get(key) ?? { files: 0, bytes: 0 };
    entry.files++;
    entry.bytes += file.bytes;
    byKind.set(key, entry);
  }
  const totalBytes = summary.files.reduce((sum, f) => sum + f.bytes, 0);
  const lines = [
    `演示数据已生成：${summary.outDir}`,
    `  规模 ${summary.scale}，种子 ${summary.seed}，${summary.startDate} 至 ${summary.endDate}`,
    `  司法所 ${summary.offices}（重点所 ${summary.keyOffices}），在册人员 ${summary.people}`,
    `  行数：司法所 ${summary.rows.offices}，人员 ${summary.rows.staff}，案件 ${summary.rows.cases}，培训 ${summary.rows.training}`,
    `  预埋错误行：${Object.entries(summary.bad).map(([reason, n]) => `${reason} ${n}`).join('，')}`,
    `  文件 ${summary.files.length} 个，共 ${(totalBytes / 1024 / 1024).toFixed(1)} MiB：`,
    ...[...byKind].sort().map(([key, { files, bytes }]) => `    ${key}: ${files} 个，${(bytes / 1024 / 1024).toFixed(1)} MiB`),
    `  用时 ${summary.seconds.toFixed(1)} 秒，峰值内存 ${(summary.peakRssBytes / 1024 / 1024).toFixed(0)} MiB`,
  ];
  return lines.join('\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`\n演示数据生成失败：${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
