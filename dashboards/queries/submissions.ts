// Submission freshness per county and source (./sql/submission_freshness.sql), counted to a
// date the caller passes in (the server's clock, or a test's).
import { readFileSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryJson } from '../../pipelines/warehouse/duckdb.ts';

const SQL = readFileSync(new URL('./sql/submission_freshness.sql', import.meta.url), 'utf8');

export interface SubmissionFreshness {
  county_code: string;
  county_name: string;
  source: 'offices' | 'cases' | 'training';
  newest_export_date: string | null;
  days_since: number | null;
  /** Months of the last 12 whose deadline has passed (since the source's first export). */
  months_due: number;
  months_on_time: number;
}

export async function submissionFreshness(
  connection: DuckDBConnection,
  options: { today: string; deadlineDay: number; county: string | null },
): Promise<SubmissionFreshness[]> {
  const rows = await queryJson<Record<string, unknown>>(connection, SQL, { today: options.today, deadline_day: options.deadlineDay, county: options.county });
  return rows.map((r) => ({
    county_code: String(r.county_code),
    county_name: String(r.county_name),
    source: r.source as SubmissionFreshness['source'],
    newest_export_date: (r.newest_export_date as string | null) ?? null,
    days_since: r.days_since === null ? null : Number(r.days_since),
    months_due: Number(r.months_due),
    months_on_time: Number(r.months_on_time),
  }));
}

/** A date as YYYY-MM-DD in Asia/Shanghai, the dashboards' calendar. */
export function shanghaiDate(at: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}
