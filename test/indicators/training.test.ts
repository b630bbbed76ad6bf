// training_compliance and mart.training_person_year on hand-made data; days and hours worked
// out by hand per person below.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, queryJson, type Database } from '../../pipelines/warehouse/duckdb.ts';
import { buildFrom, cuts, personKey, type OfficeRow, type StaffRow, type TrainingRow } from './core-fixture.ts';

const S2024 = '2024-12-31';
const S2025 = '2025-06-30';
const offices: OfficeRow[] = [S2024, S2025].flatMap((s): OfficeRow[] => [
  { snapshot_date: s, office_code: 'K1', county_code: '331102', tier: 'key' },
  { snapshot_date: s, office_code: 'O1', county_code: '331102', tier: 'ordinary', cluster_key_office: 'K1' },
]);
const p = personKey;
const member = (s: string, who: string, office: string, start: string, row: number, end: string | null = null): StaffRow => ({
  snapshot_date: s, person_key: p(who), office_code: office, role: '工作人员', start_date: start, end_date: end, row_number: row,
});
const staff: StaffRow[] = [
  // S2024 roster
  member(S2024, 'T1', 'K1', '2015-01-01', 2),
  member(S2024, 'T3', 'K1', '2015-01-01', 3),
  member(S2024, 'T4', 'O1', '2015-01-01', 4),
  member(S2024, 'T7', 'O1', '2016-01-01', 5),
  // S2025 roster
  member(S2025, 'T1', 'K1', '2015-01-01', 2),
  member(S2025, 'T2', 'K1', '2015-01-01', 3),
  member(S2025, 'T3', 'K1', '2015-01-01', 4),
  member(S2025, 'T4', 'O1', '2015-01-01', 5),
  member(S2025, 'T5', 'O1', '2025-01-01', 6), // started on 1 January: in the denominator
  member(S2025, 'T6', 'O1', '2025-01-02', 7), // started after 1 January: not in the denominator
  member(S2025, 'T7', 'K1', '2025-03-01', 8), // moved from O1 with a new start date: leaves the 2025 denominator
  member(S2025, 'T8', 'K1', '2010-01-01', 9, '2025-05-31'), // left before d: not active
  member(S2025, 'T9', 'K1', '2015-01-01', 10),
  member(S2025, 'T10', 'K1', '2015-01-01', 11),
];
const rec = (id: string, who: string, start: string, end: string, hours: number, extra: Partial<TrainingRow> = {}): TrainingRow => ({
  record_id: id, export_date: '2025-07-01', person_key: p(who), start_date: start, end_date: end, hours, ...extra,
});
const training: TrainingRow[] = [
  // T1: overlapping records. 03-01..03-08 and 03-05..03-10 cover 03-01..03-10 = 10 distinct days (naive sum 14),
  // plus 04-01..04-02 = 2 → exactly 12 days; 20 + 20 + 10 = 50 h → complies by days.
  rec('R1', 'T1', '2025-03-01', '2025-03-08', 20),
  rec('R2', 'T1', '2025-03-05', '2025-03-10', 20),
  rec('R3', 'T1', '2025-04-01', '2025-04-02', 10),
  // T2: 64.1 + 25.8 + 0.1 = exactly 90 h (as doubles summed left to right 89.99999999999999) over 3 + 2 + 1 = 6 days → complies.
  rec('R4', 'T2', '2025-05-01', '2025-05-03', 64.1),
  rec('R5', 'T2', '2025-06-01', '2025-06-02', 25.8),
  rec('R5b', 'T2', '2025-06-10', '2025-06-10', 0.1),
  // T3: 11 days and 89.5 h → fails.
  rec('R6', 'T3', '2025-01-10', '2025-01-20', 89.5),
  // T4: a record crossing New Year, 2024-12-25..2025-01-05: 7 days in 2024 (12-25..12-31), 5 in 2025; its 40 h
  // belong to 2024 (start year). 2024: + 03-01..03-04 (4 days, 50 h) → 11 days, 90 h → complies by hours.
  // 2025: + 02-01..02-07 (7 days, 10 h) → 5 + 7 = 12 days, 10 h → complies by days.
  rec('R7', 'T4', '2024-12-25', '2025-01-05', 40, { export_date: '2025-01-10' }),
  rec('R9', 'T4', '2024-03-01', '2024-03-04', 50, { export_date: '2024-07-15' }),
  rec('R8', 'T4', '2025-02-01', '2025-02-07', 10),
  // T6: plenty of training, but not in the denominator (started 2 January): 20 days, 100 h.
  rec('R13', 'T6', '2025-03-01', '2025-03-20', 100),
  // T9: a record updated in a later file: 30 h first, 90 h in the later export → 2 days, 90 h → complies.
  rec('R10', 'T9', '2025-09-01', '2025-09-02', 30, { export_date: '2025-07-01' }),
  rec('R10', 'T9', '2025-09-01', '2025-09-02', 90, { export_date: '2025-11-30' }),
  // T10: two versions in files of the same export date: the one loaded later (load_seq 4) wins → 5 h, fails.
  rec('R11', 'T10', '2025-09-01', '2025-09-02', 95, { export_date: '2025-11-30', load_seq: 3 }),
  rec('R11', 'T10', '2025-09-01', '2025-09-02', 5, { export_date: '2025-11-30', load_seq: 4 }),
  // someone on no roster: counts for no office
  rec('R99', 'T99', '2025-01-01', '2025-12-31', 500),
];

let db: Database;
beforeAll(async () => {
  db = await openDatabase(':memory:');
  await buildFrom(db.connection, { snapshots: [S2024, S2025], offices, staff, training });
});
afterAll(() => db.close());

describe('training_compliance', () => {
  it('2025: denominator = active staff of S started on or before 1 January', async () => {
    // K1 denominator: T1 ✓, T2 ✓, T3 ✗, T9 ✓, T10 ✗ (T7 moved with a new start date, T8 left) → 3/5.
    // O1 denominator: T4 ✓, T5 ✗ (T6 started 2 January) → 1/2.
    // Cluster K1 = 莲都区 = city = 4/7.
    expect(await cuts(db.connection, 'training_compliance', '2025')).toEqual([
      ['office', 'K1', 3, 5, 0.6],
      ['office', 'O1', 1, 2, 0.5],
      ['cluster', 'K1', 4, 7, 4 / 7],
      ['county', '331102', 4, 7, 4 / 7],
      ['city', '3311', 4, 7, 4 / 7],
    ]);
  });

  it('2024: its own roster, days cut at New Year and hours by start year', async () => {
    // K1: T1 (nothing in 2024) ✗, T3 ✗ → 0/2. O1: T4 (11 days, 90 h) ✓, T7 ✗ → 1/2. Cluster, county, city 1/4.
    expect(await cuts(db.connection, 'training_compliance', '2024')).toEqual([
      ['office', 'K1', 0, 2, 0],
      ['office', 'O1', 1, 2, 0.5],
      ['cluster', 'K1', 1, 4, 0.25],
      ['county', '331102', 1, 4, 0.25],
      ['city', '3311', 1, 4, 0.25],
    ]);
  });
});

describe('mart.training_person_year', () => {
  it('days and hours per active person against 12 days / 90 hours, pseudonymised', async () => {
    const rows = await queryJson<Record<string, unknown>>(
      db.connection,
      "SELECT person_key, person_code, office_code, days, hours, meets_days, meets_hours, complies, in_denominator FROM mart.training_person_year WHERE period = '2025'",
    );
    const byPerson = new Map(rows.map((r) => [r.person_key, r]));
    const expected: [string, string, number, number, boolean, boolean][] = [
      // who, office, days, hours, complies, in_denominator
      ['T1', 'K1', 12, 50, true, true],
      ['T2', 'K1', 6, 90, true, true],
      ['T3', 'K1', 11, 89.5, false, true],
      ['T4', 'O1', 12, 10, true, true],
      ['T5', 'O1', 0, 0, false, true],
      ['T6', 'O1', 20, 100, true, false],
      ['T7', 'K1', 0, 0, false, false],
      ['T9', 'K1', 2, 90, true, true],
      ['T10', 'K1', 2, 5, false, true],
    ];
    expect(rows).toHaveLength(expected.length); // T8 left before d; T99 is on no roster
    for (const [who, office, days, hours, complies, inDenominator] of expected) {
      const row = byPerson.get(p(who));
      expect(row, who).toMatchObject({ office_code: office, days, hours, complies, in_denominator: inDenominator });
      expect(row?.meets_days, who).toBe(days >= 12);
      expect(row?.meets_hours, who).toBe(hours >= 90);
      expect(String(row?.person_code), who).toMatch(/^P[0-9A-F]{12}$/);
    }
    // 2024 for T4: 7 + 4 = 11 days, 40 + 50 = 90 h.
    const t4 = await queryJson(db.connection, "SELECT days, hours FROM mart.training_person_year WHERE period = '2024' AND person_key = $1", [p('T4')]);
    expect(t4).toEqual([{ days: 11, hours: 90 }]);
  });
});
