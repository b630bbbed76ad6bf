// The exports the bench loads, made by the demo generator in a child process (its memory is not
// the refresh's). The history ends on NEXT_DAY; that day's case and training exports are held
// back for the incremental refresh, so the full refresh loads everything up to the day before
// (plus NEXT_DAY's office snapshot, so the incremental's cases have a snapshot year to count in).
// A fixed date keeps runs on different days comparable.
import { mkdir, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import type { DemoFileSummary, DemoSummary } from '../pipelines/demo/generate.ts';
import { SCALE_PARAMETERS, type Scale } from '../pipelines/demo/scales.ts';
import { runChild } from './child.ts';

/** The day whose case and training exports make the incremental refresh. */
export const NEXT_DAY = '2026-01-01';

export interface BenchExports {
  summary: DemoSummary;
  /** Files moved into the inbox for the full refresh. */
  inbox: DemoFileSummary[];
  /** NEXT_DAY's case and training exports, waiting in `nextDayDir`. */
  nextDay: DemoFileSummary[];
  nextDayDir: string;
  seconds: number;
}

export interface GenerateOptions {
  scale: Scale;
  dataDir: string;
  inboxDir: string;
  seed?: number;
}

export async function generateExports(options: GenerateOptions): Promise<BenchExports> {
  const outDir = path.join(options.dataDir, 'exports');
  const summaryFile = path.join(options.dataDir, 'demo-summary.json');
  const parameters = SCALE_PARAMETERS[options.scale];
  // Calendar scales: one more year, so that the scale's full years end the day before NEXT_DAY.
  const years = parameters.defaultYears + (parameters.cadence === 'calendar' ? 1 : 0);
  const exit = await runChild({
    script: 'pipelines/cli/demo.ts',
    args: ['--out', outDir, '--scale', options.scale, '--end-date', NEXT_DAY, '--years', String(years), '--seed', String(options.seed ?? 1), '--summary', summaryFile],
  });
  const summary = JSON.parse(await readFile(summaryFile, 'utf8')) as DemoSummary;
  const nextDayDir = path.join(options.dataDir, 'next-day');
  await mkdir(options.inboxDir, { recursive: true });
  await mkdir(nextDayDir, { recursive: true });
  const inbox: DemoFileSummary[] = [];
  const nextDay: DemoFileSummary[] = [];
  for (const file of summary.files) {
    const heldBack = isNextDayExport(file);
    await rename(path.join(outDir, file.fileName), path.join(heldBack ? nextDayDir : options.inboxDir, file.fileName));
    (heldBack ? nextDay : inbox).push(file);
  }
  if (nextDay.length === 0) throw new Error(`the demo set has no case or training export dated ${NEXT_DAY}`);
  return { summary, inbox, nextDay, nextDayDir, seconds: exit.seconds };
}

function isNextDayExport(file: DemoFileSummary): boolean {
  return file.exportDate === NEXT_DAY && (file.kind === 'cases' || file.kind === 'training');
}
