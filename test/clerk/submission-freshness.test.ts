// Submission freshness (dashboards/queries/sql/submission_freshness.sql) on a real DuckDB: the
// newest export, days since it to the date passed in, and the on-time record of the last 12
// months whose deadline has passed, against the configured deadline day — whatever the machine's
// date.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submissionFreshness } from '../../dashboards/queries/submissions.ts';
import { openHarness, type Harness } from '../validation/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await openHarness();
  await h.connection.run(`CREATE OR REPLACE TABLE mart.export_submissions AS
    SELECT * FROM (VALUES
      ('331122', 'cases', DATE '2026-06-30', 10, 0),
      ('331122', 'cases', DATE '2026-08-03', 10, 1),  -- July, on time
      ('331122', 'cases', DATE '2026-09-10', 10, 0),  -- August, late (due 09-05)
      ('331122', 'cases', DATE '2026-10-31', 10, 0),  -- October, on time
      ('331122', 'cases', DATE '2026-12-05', 0, 3),   -- November, on the deadline day: on time (rejected rows count too)
      ('331122', 'cases', DATE '2027-01-31', 5, 0),   -- after "today": not counted
      ('331102', 'offices', DATE '2026-11-30', 4, 0)
    ) AS t(county_code, source, export_date, rows_loaded, rows_rejected)`);
});
afterAll(() => h.close());

const of = async (today: string, deadlineDay: number, county: string | null) => submissionFreshness(h.connection, { today, deadlineDay, county });

describe('submission freshness', () => {
  it('counts days to the date given and on-time months against the deadline', async () => {
    const rows = await of('2026-12-20', 5, '331122');
    expect(rows.map((r) => r.source)).toEqual(['offices', 'cases', 'training']);
    const cases = rows.find((r) => r.source === 'cases')!;
    // due: June (the first export's month) to November = 6 months; on time: June, July, October, November
    expect(cases).toMatchObject({ county_name: '缙云县', newest_export_date: '2026-12-05', days_since: 15, months_due: 6, months_on_time: 4 });
    expect(rows.find((r) => r.source === 'training')).toMatchObject({ newest_export_date: null, days_since: null, months_due: 0, months_on_time: 0 });
  });

  it('follows the configured deadline day and only months whose deadline has passed', async () => {
    // day 10: August's export of 09-10 is on time
    expect((await of('2026-12-20', 10, '331122')).find((r) => r.source === 'cases')).toMatchObject({ months_due: 6, months_on_time: 5 });
    // on 12-05 November is not due yet (its deadline is today): June to October
    expect((await of('2026-12-05', 5, '331122')).find((r) => r.source === 'cases')).toMatchObject({ days_since: 0, months_due: 5, months_on_time: 3 });
  });

  it('gives every county a row per source, with the 12 due months at most, years later', async () => {
    const rows = await of('2029-03-01', 5, null);
    expect(rows).toHaveLength(9 * 3);
    const liandu = rows.find((r) => r.county_code === '331102' && r.source === 'offices')!;
    expect(liandu).toMatchObject({ newest_export_date: '2026-11-30', days_since: 822, months_due: 12, months_on_time: 0 });
  });
});
