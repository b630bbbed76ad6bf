// The plan's fixed lists, kept once as CSV seeds in sql/seeds/ (the warehouse loads each into
// seed.<name>, pipelines/models/runner.ts): the 9 counties, the 10 business lines and the
// plan's 8 tasks. The
// TypeScript that needs a list reads the same file here. Seeds are plain: a header line, then
// values without commas or quotes.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const SEEDS_DIR = path.resolve(import.meta.dirname, '../../sql/seeds');

/** The rows of sql/seeds/<name>.csv as objects keyed by the header, in the file's order. */
export function readSeed(name: string, dir: string = SEEDS_DIR): Record<string, string>[] {
  const [header, ...lines] = readFileSync(path.join(dir, `${name}.csv`), 'utf8').split(/\r?\n/).filter((line) => line.trim() !== '');
  const columns = (header ?? '').split(',');
  return lines.map((line) => {
    const values = line.split(',');
    if (values.length !== columns.length) throw new Error(`sql/seeds/${name}.csv: "${line}" has ${values.length} values for ${columns.length} columns`);
    return Object.fromEntries(columns.map((column, i) => [column, values[i]!]));
  });
}

function bySortOrder(rows: Record<string, string>[]): Record<string, string>[] {
  return [...rows].sort((a, b) => Number(a.sort_order) - Number(b.sort_order));
}

export interface SeedCounty {
  code: string;
  name: string;
  /** The name without 区/县/市 (景宁 for 景宁畲族自治县): a form exports also use. */
  shortName: string;
}

/** The 9 county-level units of Lishui (sql/seeds/counties.csv). */
export const SEED_COUNTIES: readonly SeedCounty[] = readSeed('counties').map((r) => ({ code: r.county_code!, name: r.county_name!, shortName: r.short_name! }));

/** The 10 business lines of the plan, in its order (sql/seeds/business_lines.csv). */
export const SEED_BUSINESS_LINES: readonly string[] = bySortOrder(readSeed('business_lines')).map((r) => r.business_line!);

/** The plan's 8 tasks, in its order (sql/seeds/plan_tasks.csv). */
export const SEED_PLAN_TASKS: readonly string[] = bySortOrder(readSeed('plan_tasks')).map((r) => r.task!);
