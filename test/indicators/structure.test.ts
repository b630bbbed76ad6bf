// Structure indicators ("1+N" clusters, plaques, 智慧司法所, terminals) and which snapshot a
// year uses, on hand-made data; answers worked out by hand below.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, queryJson, queryRows, type Database } from '../../pipelines/warehouse/duckdb.ts';
import { buildFrom, cuts, type OfficeRow } from './core-fixture.ts';

const S2025 = '2025-09-30'; // the later of 2025's two snapshots: this one is S for 2025
const EARLY_2025 = '2025-03-31';
const S2024 = '2024-12-31';

const offices: OfficeRow[] = [
  // --- S for 2025. 莲都区 331102: K1, K2 key; O1..O4 ordinary. 青田县 331121: K3 key; O5 ordinary.
  // K1: plaques 2 recognised (a duplicate and an unrecognised item count for nothing)
  { snapshot_date: S2025, office_code: 'K1', county_code: '331102', tier: 'key', plaques: ['行政复议联络点', '智慧矫正分中心', '行政复议联络点', '法律援助工作站'], smart_office: true, terminals: 2, large_villages: 10, large_villages_with_terminal: 4 },
  // K2: 1 plaque; 智慧司法所 unknown (NULL, not true); 0 terminals; villages unknown (0/0)
  { snapshot_date: S2025, office_code: 'K2', county_code: '331102', tier: 'key', plaques: ['行政执法监督工作室'], smart_office: null, terminals: 0, large_villages: null, large_villages_with_terminal: null },
  // O1 → K1, a key office of the same county: in K1's cluster. Terminals unknown: NULL is not ≥ 1.
  { snapshot_date: S2025, office_code: 'O1', county_code: '331102', tier: 'ordinary', cluster_key_office: 'K1', terminals: null, large_villages: 5, large_villages_with_terminal: 5 },
  // O2 → K3, a key office of another county (青田): in no cluster.
  { snapshot_date: S2025, office_code: 'O2', county_code: '331102', tier: 'ordinary', cluster_key_office: 'K3', terminals: 1, large_villages: 3, large_villages_with_terminal: null },
  // O3 → O1, an ordinary office: in no cluster.
  { snapshot_date: S2025, office_code: 'O3', county_code: '331102', tier: 'ordinary', cluster_key_office: 'O1', terminals: 1 },
  // O4 names no key office: in no cluster.
  { snapshot_date: S2025, office_code: 'O4', county_code: '331102', tier: 'ordinary', cluster_key_office: null, terminals: 1 },
  { snapshot_date: S2025, office_code: 'K3', county_code: '331121', tier: 'key', plaques: [], smart_office: false, terminals: 1, large_villages: 0, large_villages_with_terminal: 0 },
  { snapshot_date: S2025, office_code: 'O5', county_code: '331121', tier: 'ordinary', cluster_key_office: 'K3', terminals: 0, large_villages: 4, large_villages_with_terminal: 2 },
  // --- an earlier 2025 snapshot: superseded by S2025, must count for nothing.
  { snapshot_date: EARLY_2025, office_code: 'K1', county_code: '331102', tier: 'key', terminals: 0, smart_office: false },
  { snapshot_date: EARLY_2025, office_code: 'O9', county_code: '331102', tier: 'ordinary', cluster_key_office: 'K1', terminals: 5 },
  // --- S for 2024: K1 only, no terminal.
  { snapshot_date: S2024, office_code: 'K1', county_code: '331102', tier: 'key', terminals: 0 },
];

let db: Database;
beforeAll(async () => {
  db = await openDatabase(':memory:');
  await buildFrom(db.connection, { snapshots: [S2024, EARLY_2025, S2025], offices });
});
afterAll(() => db.close());

describe('which data a year uses', () => {
  it('reports every year with a snapshot, on the latest snapshot of that year', async () => {
    const years = await queryJson(db.connection, 'SELECT period, min(as_of) AS first, max(as_of) AS last FROM mart.indicator_values GROUP BY period ORDER BY period');
    expect(years).toEqual([
      { period: '2024', first: S2024, last: S2024 },
      { period: '2025', first: S2025, last: S2025 },
    ]);
    // O9 is only in the superseded snapshot
    const o9 = await queryRows(db.connection, "SELECT * FROM mart.indicator_values WHERE unit_code = 'O9'");
    expect(o9).toEqual([]);
  });

  it('2024 uses its own snapshot', async () => {
    // Only K1, with 0 terminals: 0/1 at every grain.
    expect(await cuts(db.connection, 'terminal_office_coverage', '2024')).toEqual([
      ['office', 'K1', 0, 1, 0],
      ['cluster', 'K1', 0, 1, 0],
      ['county', '331102', 0, 1, 0],
      ['city', '3311', 0, 1, 0],
    ]);
  });
});

describe('structure indicators', () => {
  it('cluster_coverage: only a key office of S in the same county makes a cluster', async () => {
    // Ordinary offices: O1 → K1 ✓, O2 → K3 (other county) ✗, O3 → O1 (ordinary) ✗, O4 → none ✗, O5 → K3 ✓.
    // Key offices have denominator 0 (no office row); cluster K2 = {K2} has denominator 0 (no row).
    // Clusters: K1 = {K1, O1} 1/1; K3 = {K3, O5} 1/1. 莲都区 1/4, 青田县 1/1, city 2/5.
    expect(await cuts(db.connection, 'cluster_coverage', '2025')).toEqual([
      ['office', 'O1', 1, 1, 1],
      ['office', 'O2', 0, 1, 0],
      ['office', 'O3', 0, 1, 0],
      ['office', 'O4', 0, 1, 0],
      ['office', 'O5', 1, 1, 1],
      ['cluster', 'K1', 1, 1, 1],
      ['cluster', 'K3', 1, 1, 1],
      ['county', '331102', 1, 4, 0.25],
      ['county', '331121', 1, 1, 1],
      ['city', '3311', 2, 5, 0.4],
    ]);
  });

  it('cluster units: key office plus its ordinary offices, named 片区', async () => {
    const units = await queryJson(
      db.connection,
      "SELECT grain, unit_code, unit_name, county_code, cluster_code, cluster_name, office_count FROM mart.units WHERE period = '2025' AND grain IN ('cluster', 'office') ORDER BY grain, unit_code",
    );
    expect(units).toEqual([
      { grain: 'cluster', unit_code: 'K1', unit_name: 'K1司法所片区', county_code: '331102', cluster_code: 'K1', cluster_name: 'K1司法所片区', office_count: 2 },
      { grain: 'cluster', unit_code: 'K2', unit_name: 'K2司法所片区', county_code: '331102', cluster_code: 'K2', cluster_name: 'K2司法所片区', office_count: 1 },
      { grain: 'cluster', unit_code: 'K3', unit_name: 'K3司法所片区', county_code: '331121', cluster_code: 'K3', cluster_name: 'K3司法所片区', office_count: 2 },
      { grain: 'office', unit_code: 'K1', unit_name: 'K1司法所', county_code: '331102', cluster_code: 'K1', cluster_name: 'K1司法所片区', office_count: 1 },
      { grain: 'office', unit_code: 'K2', unit_name: 'K2司法所', county_code: '331102', cluster_code: 'K2', cluster_name: 'K2司法所片区', office_count: 1 },
      { grain: 'office', unit_code: 'K3', unit_name: 'K3司法所', county_code: '331121', cluster_code: 'K3', cluster_name: 'K3司法所片区', office_count: 1 },
      { grain: 'office', unit_code: 'O1', unit_name: 'O1司法所', county_code: '331102', cluster_code: 'K1', cluster_name: 'K1司法所片区', office_count: 1 },
      { grain: 'office', unit_code: 'O2', unit_name: 'O2司法所', county_code: '331102', cluster_code: null, cluster_name: null, office_count: 1 },
      { grain: 'office', unit_code: 'O3', unit_name: 'O3司法所', county_code: '331102', cluster_code: null, cluster_name: null, office_count: 1 },
      { grain: 'office', unit_code: 'O4', unit_name: 'O4司法所', county_code: '331102', cluster_code: null, cluster_name: null, office_count: 1 },
      { grain: 'office', unit_code: 'O5', unit_name: 'O5司法所', county_code: '331121', cluster_code: 'K3', cluster_name: 'K3司法所片区', office_count: 1 },
    ]);
  });

  it('key_office_plaques: distinct recognised plaques out of 3 per key office', async () => {
    // K1 {行政复议联络点, 智慧矫正分中心} 2/3; K2 1/3; K3 0/3. 莲都区 3/6; 青田县 0/3; city 3/9.
    expect(await cuts(db.connection, 'key_office_plaques', '2025')).toEqual([
      ['office', 'K1', 2, 3, 2 / 3],
      ['office', 'K2', 1, 3, 1 / 3],
      ['office', 'K3', 0, 3, 0],
      ['cluster', 'K1', 2, 3, 2 / 3],
      ['cluster', 'K2', 1, 3, 1 / 3],
      ['cluster', 'K3', 0, 3, 0],
      ['county', '331102', 3, 6, 0.5],
      ['county', '331121', 0, 3, 0],
      ['city', '3311', 3, 9, 1 / 3],
    ]);
  });

  it('smart_office_coverage: NULL is not true', async () => {
    // K1 true, K2 NULL, K3 false. 莲都区 1/2, 青田县 0/1, city 1/3.
    expect(await cuts(db.connection, 'smart_office_coverage', '2025')).toEqual([
      ['office', 'K1', 1, 1, 1],
      ['office', 'K2', 0, 1, 0],
      ['office', 'K3', 0, 1, 0],
      ['cluster', 'K1', 1, 1, 1],
      ['cluster', 'K2', 0, 1, 0],
      ['cluster', 'K3', 0, 1, 0],
      ['county', '331102', 1, 2, 0.5],
      ['county', '331121', 0, 1, 0],
      ['city', '3311', 1, 3, 1 / 3],
    ]);
  });

  it('terminal_office_coverage: terminals ≥ 1; NULL terminals are not ≥ 1', async () => {
    // K1 2 ✓, K2 0 ✗, O1 NULL ✗, O2 1 ✓, O3 1 ✓, O4 1 ✓, K3 1 ✓, O5 0 ✗.
    // Clusters: K1 {K1, O1} 1/2; K2 {K2} 0/1; K3 {K3, O5} 1/2. 莲都区 4/6; 青田县 1/2; city 5/8.
    expect(await cuts(db.connection, 'terminal_office_coverage', '2025')).toEqual([
      ['office', 'K1', 1, 1, 1],
      ['office', 'K2', 0, 1, 0],
      ['office', 'K3', 1, 1, 1],
      ['office', 'O1', 0, 1, 0],
      ['office', 'O2', 1, 1, 1],
      ['office', 'O3', 1, 1, 1],
      ['office', 'O4', 1, 1, 1],
      ['office', 'O5', 0, 1, 0],
      ['cluster', 'K1', 1, 2, 0.5],
      ['cluster', 'K2', 0, 1, 0],
      ['cluster', 'K3', 1, 2, 0.5],
      ['county', '331102', 4, 6, 4 / 6],
      ['county', '331121', 1, 2, 0.5],
      ['city', '3311', 5, 8, 5 / 8],
    ]);
  });

  it('terminal_village_coverage: NULL counts as 0; units with no large village have no row', async () => {
    // K1 4/10; K2 NULL/NULL → 0/0 (no row); O1 5/5; O2 NULL/3 → 0/3; O3, O4 0/0 (no row); K3 0/0 (no row); O5 2/4.
    // Clusters: K1 {K1, O1} 9/15; K2 0/0 (no row); K3 {K3, O5} 2/4.
    // 莲都区 (4+5+0)/(10+5+3) = 9/18; 青田县 2/4; city 11/22.
    expect(await cuts(db.connection, 'terminal_village_coverage', '2025')).toEqual([
      ['office', 'K1', 4, 10, 0.4],
      ['office', 'O1', 5, 5, 1],
      ['office', 'O2', 0, 3, 0],
      ['office', 'O5', 2, 4, 0.5],
      ['cluster', 'K1', 9, 15, 0.6],
      ['cluster', 'K3', 2, 4, 0.5],
      ['county', '331102', 9, 18, 0.5],
      ['county', '331121', 2, 4, 0.5],
      ['city', '3311', 11, 22, 0.5],
    ]);
  });
});
