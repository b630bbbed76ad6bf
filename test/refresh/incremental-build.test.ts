// Incremental builds (issue 17): a nightly run rebuilds core.cases and core.training_records by
// the keys of its new versions and the per-year marts by the years its new data touched — and a
// sequence of such runs (a second snapshot year, new cases, corrections that move cases to
// another year, a withdrawn case, a new office snapshot) leaves the same marts, row for row, as
// a `--rebuild` of the same archive. Each run's plan is recorded in audit.model_builds.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { publishedRuns } from '../../dashboards/queries/runs.ts';
import { generateDemoExports } from '../../pipelines/demo/generate.ts';
import { planBuild, type ModelBuild } from '../../pipelines/models/build-plan.ts';
import { loadProject } from '../../pipelines/models/project.ts';
import { currentAnalystFile } from '../../pipelines/publish/analyst.ts';
import { runRefresh } from '../../pipelines/run/refresh.ts';
import { openDatabase, queryJson } from '../../pipelines/warehouse/duckdb.ts';
import { dataDirWith, martTables, putInInbox, tempDir } from './harness.ts';

// Columns that name the run or today's date rather than the data.
const NOT_DATA = { rejections_by_reason: ['last_run_id'], data_freshness: ['built_on', 'days_since_export'] };

let world: Awaited<ReturnType<typeof dataDirWith>>;
let rounds: string[][];
/** The offices of the three corrected cases (the case models rebuild only their partitions). */
let correctedOffices: string[];
/** The corrections file, and a valid row of it to lend its values to a fix of a rejected case. */
let correctionsFile: string;
let fixTemplate: string[];
/** The folder of the demo's training files, and the training corrections of the corrections' night. */
let trainingDir: string;
let trainingCorrectionsFile: string;

/** The tiny demo set as four nightly runs; every file a real export the loader reads. */
async function incrementalRounds(): Promise<string[][]> {
  const dir = await tempDir('lishui-incremental-');
  const all = path.join(dir, 'all');
  await generateDemoExports({ outDir: all, scale: 'tiny', seed: 11, endDate: '2025-11-30' });
  const extra = path.join(dir, 'extra');
  mkdirSync(extra);
  // Another date, and other bytes (blank lines at the end, which the reader passes over): a
  // file of the same bytes would be skipped as loaded before.
  const copyAs = (name: string, as: string, blankLines: number) => {
    writeFileSync(path.join(extra, as), Buffer.concat([readFileSync(path.join(all, name)), Buffer.from('\r\n'.repeat(blankLines))]));
    return path.join(extra, as);
  };
  // A 2024 snapshot (the November roster under an earlier date), so that cases can move between
  // two reported years.
  const snapshot2024 = [copyAs('offices_20251130.csv', 'offices_20241231.csv', 1), copyAs('staff_20251130.csv', 'staff_20241231.csv', 1)];
  // Corrections, exported later than every other case file: a 2024 case moved into 2025, a 2025
  // case moved into 2024, and a 2025 case withdrawn.
  const june = readFileSync(path.join(all, 'cases_20250601.csv'), 'utf8').split('\n');
  const row = (caseId: string) => {
    const found = june.find((line) => line.split(',')[1] === caseId);
    if (!found) throw new Error(`the demo case file has no case ${caseId}`);
    return found.split(',');
  };
  const moved2025 = row('SFAJ20240000001');
  moved2025[4] = '2025/1/6';
  moved2025[5] = '2025/1/8';
  const withdrawn = row('SFAJ20250000134');
  withdrawn[5] = '';
  withdrawn[6] = '已撤回';
  withdrawn[7] = '';
  const moved2024 = row('SFAJ20250000135');
  moved2024[4] = '2024/12/20';
  moved2024[5] = '2024/12/21';
  correctedOffices = [moved2025[2]!, withdrawn[2]!, moved2024[2]!].map((code) => code.trim().toUpperCase());
  const corrections = path.join(extra, 'cases_20251201.csv');
  writeFileSync(corrections, [june[0], moved2025.join(','), withdrawn.join(','), moved2024.join(',')].join('\n') + '\n');
  correctionsFile = corrections;
  fixTemplate = withdrawn;
  // Training corrections the same night (written once the records they correct are loaded:
  // writeTrainingCorrections).
  trainingDir = all;
  const trainingCorrections = path.join(extra, 'training_20251201.csv');
  writeFileSync(trainingCorrections, '');
  trainingCorrectionsFile = trainingCorrections;
  // A new office snapshot of 2025 (it becomes the year's S: every 2025 row's as_of changes).
  const snapshotDecember = [copyAs('offices_20251130.csv', 'offices_20251215.csv', 2), copyAs('staff_20251130.csv', 'staff_20251215.csv', 2)];
  const at = (date: string) => ['offices', 'staff', 'cases', 'training'].flatMap((kind) => [`${kind}_${date}.csv`, `${kind}_${date}.xlsx`]).map((n) => path.join(all, n));
  const exists = (file: string) => {
    try {
      readFileSync(file);
      return true;
    } catch {
      return false;
    }
  };
  return [[...snapshot2024, ...at('20250601').filter(exists)], at('20251130').filter(exists), [corrections, trainingCorrections], snapshotDecember];
}

beforeAll(async () => {
  rounds = await incrementalRounds();
  world = await dataDirWith();
});

function byRelation(builds: ModelBuild[]): Record<string, ModelBuild> {
  return Object.fromEntries(builds.map((b) => [b.relation, b]));
}

/** The latest-version tables and the rejected rows' statuses as sorted rows, without the columns that name the loading run. */
async function coreTables(file: string): Promise<Record<string, string[]>> {
  const db = await openDatabase(file, { readOnly: true, threads: 1 });
  try {
    const out: Record<string, string[]> = {};
    const tables = ['core.cases', 'core.training_records', 'audit.rejects', 'intermediate.int_office_line_cases', 'intermediate.int_person_year_training', 'intermediate.int_export_rows'];
    for (const table of tables) {
      const stamped = table.startsWith('intermediate.') ? '*' : '* EXCLUDE (run_id, load_seq)';
      const rows = await queryJson<Record<string, unknown>>(db.connection, `SELECT ${stamped} FROM ${table}`);
      out[table] = rows.map((r) => JSON.stringify(r)).sort();
    }
    return out;
  } finally {
    db.close();
  }
}

/**
 * Adds to the corrections file a valid row for a case that so far has only rejected rows (the
 * template's values under its case_id); returns the case_id.
 */
async function addFixOfRejectedCase(warehouseFile: string): Promise<string> {
  const db = await openDatabase(warehouseFile, { readOnly: true, threads: 1 });
  let caseId: string;
  try {
    const [row] = await queryJson<{ record_key: string }>(
      db.connection,
      "SELECT record_key FROM audit.rejected_rows WHERE kind = 'cases' AND record_key IS NOT NULL AND record_key NOT IN (SELECT case_id FROM core.cases) ORDER BY record_key LIMIT 1",
    );
    caseId = row!.record_key;
  } finally {
    db.close();
  }
  const fix = [...fixTemplate];
  fix[1] = caseId;
  writeFileSync(correctionsFile, `${readFileSync(correctionsFile, 'utf8')}${fix.join(',')}\n`);
  return caseId;
}

/**
 * Writes the training corrections: a loaded 2025 record moved to another person and across New
 * Year (2024 and 2025), and a new record of a third person. The training models then rebuild
 * only those people's years — the first person's too, whose record left them.
 */
async function writeTrainingCorrections(warehouseFile: string): Promise<void> {
  const db = await openDatabase(warehouseFile, { readOnly: true, threads: 1 });
  let records: { record_id: string; person_key: string; file_name: string }[];
  try {
    records = await queryJson<{ record_id: string; person_key: string; file_name: string }>(
      db.connection,
      "SELECT record_id, person_key, file_name FROM core.training_records WHERE year(start_date) = 2025 AND year(end_date) = 2025 AND file_name = 'training_20251130.csv' ORDER BY record_id",
    );
  } finally {
    db.close();
  }
  const first = records[0]!;
  const second = records.find((r) => r.person_key !== first.person_key)!;
  const third = records.find((r) => r.person_key !== first.person_key && r.person_key !== second.person_key)!;
  const line = (record: { record_id: string; file_name: string }) =>
    readFileSync(path.join(trainingDir, record.file_name), 'utf8')
      .split('\n')
      .find((l) => l.split(',')[0]!.trim().toUpperCase() === record.record_id)!
      .split(',');
  const moved = line(first);
  moved[1] = line(second)[1]!;
  moved[3] = '2024-12-30';
  moved[4] = '2025-01-02';
  const added = line(third);
  added[0] = 'PX20259999999';
  added[3] = '2025-03-01';
  added[4] = '2025-03-20';
  added[5] = '40';
  const header = readFileSync(path.join(trainingDir, first.file_name), 'utf8').split('\n')[0];
  writeFileSync(trainingCorrectionsFile, [header, moved.join(','), added.join(',')].join('\n') + '\n');
}

/**
 * Every model built by partitions or by its change, as its table holds it and as its SQL gives
 * it run whole on the same warehouse (sorted rows, and the rows that differ): after each night,
 * a partition the plan missed shows here — before a later night that rebuilds its year whole
 * could hide it.
 */
async function partitionedModelsAgainstWhole(warehouseFile: string): Promise<Record<string, { table: number; whole: number; differ: string[] }>> {
  const project = loadProject();
  const db = await openDatabase(warehouseFile, { readOnly: true, threads: 1 });
  const out: Record<string, { table: number; whole: number; differ: string[] }> = {};
  try {
    for (const { sql } of project.macroSql) await db.connection.run(sql);
    // What a `@delta` model reads besides its inputs: empty outside a keys build.
    for (const table of ['cases_replaced', 'cases_added']) await db.connection.run(`CREATE TEMP TABLE core_${table} AS SELECT * FROM core.cases LIMIT 0`);
    for (const table of ['rejects_replaced', 'rejects_added']) await db.connection.run(`CREATE TEMP TABLE audit_${table} AS SELECT * FROM audit.rejects LIMIT 0`);
    for (const model of project.models.filter((m) => m.partitionBy !== null || m.delta !== null)) {
      const rows = async (sql: string) => (await queryJson<Record<string, unknown>>(db.connection, sql)).map((r) => JSON.stringify(r)).sort();
      const table = await rows(`SELECT * FROM ${model.relation}`);
      const whole = await rows(`SELECT * FROM (\n${model.sql}\n)`);
      const inTable = new Set(table);
      const inWhole = new Set(whole);
      out[model.relation] = { table: table.length, whole: whole.length, differ: [...table.filter((r) => !inWhole.has(r)), ...whole.filter((r) => !inTable.has(r))].slice(0, 4) };
    }
  } finally {
    db.close();
  }
  return out;
}

describe('incremental builds', () => {
  it('rebuild only what new files touch, and give the marts of a full rebuild', async () => {
    const { config } = world;
    const plans: Record<string, ModelBuild>[] = [];
    let fixedCase: string | undefined;
    for (const round of rounds) {
      if (round.includes(correctionsFile)) fixedCase = await addFixOfRejectedCase(config.warehouseFile);
      if (round.includes(trainingCorrectionsFile)) await writeTrainingCorrections(config.warehouseFile);
      putInInbox(config, round);
      const result = await runRefresh({ config });
      expect(result.published, result.message).toBe(true);
      expect(result.files.filter((f) => f.status !== 'loaded').map((f) => `${f.name}: ${f.message}`)).toEqual([]);
      // Each night, not only the last: every partitioned model holds what its SQL gives whole.
      for (const [relation, compared] of Object.entries(await partitionedModelsAgainstWhole(config.warehouseFile))) {
        expect(compared.differ, `${relation} after ${path.basename(round[0]!)}`).toEqual([]);
        expect(compared.table, relation).toBe(compared.whole);
      }
      plans.push(byRelation(result.builds));
      if (byRelation(result.builds)['mart.cases_monthly']?.mode === 'delta') {
        // A delta night takes again into the analyst copy only the changed keys' rows of cases_monthly,
        // and the rebuilt (year, indicator) partitions of indicator_values.
        const W = config.warehouseFile;
        expect(await martTables((await currentAnalystFile(W))!, NOT_DATA)).toEqual(await martTables(W, { ...NOT_DATA, training_person_year: ['person_key'] }));
      }
    }
    expect(Object.values(plans).filter((p) => p['mart.cases_monthly']?.mode === 'delta')).toHaveLength(1);
    // The first run builds everything whole; the later ones by keys and by touched years.
    expect(plans[0]!['mart.cases_monthly']).toMatchObject({ mode: 'full', reason: 'new' });
    for (const i of [1, 2]) expect(plans[i]!['core.cases']).toMatchObject({ mode: 'keys', reason: 'new_versions' });
    // The December snapshot brings no case: core.cases stays as it was.
    expect(plans[3]!['core.cases']).toMatchObject({ mode: 'skip', reason: 'unchanged' });
    // Runs with a snapshot rebuild the models read from the snapshots; the corrections' run (case
    // and training files) leaves them and what reads only them as they were.
    for (const i of [1, 3]) expect(plans[i]!['intermediate.int_years']).toMatchObject({ mode: 'full', reason: 'not_partitioned' });
    expect(plans[1]!['core.training_records']).toMatchObject({ mode: 'keys' });
    for (const relation of ['intermediate.int_years', 'intermediate.int_year_offices', 'mart.office_staffing']) {
      expect(plans[2]![relation], relation).toMatchObject({ mode: 'skip', reason: 'unchanged' });
    }
    // The training corrections touch three people: the moved record's first person in 2025 (its
    // version before), its new person in 2024 and 2025 (it crosses New Year), the new record's
    // person in 2025.
    expect(plans[2]!['core.training_records']).toMatchObject({ mode: 'keys' });
    for (const relation of ['intermediate.int_person_year_training', 'mart.training_person_year']) {
      expect(plans[2]![relation], relation).toMatchObject({ mode: 'partitions', periods: [], people: 4, reason: 'touched' });
    }
    // The December snapshot brings no training: the training models rebuild its year whole.
    expect(plans[3]!['mart.training_person_year']).toMatchObject({ mode: 'partitions', periods: ['2025'], people: 0 });
    // Today's date is in data_freshness: rebuilt every run.
    expect(plans[2]!['mart.data_freshness']).toMatchObject({ mode: 'full' });
    // The corrections touch 2024 (a case moved out of it, one into it) and 2025; the case models
    // partitioned by office rebuild only the corrected cases' offices in those years.
    expect(plans[2]!['intermediate.int_parts_cases']).toMatchObject({ mode: 'partitions', periods: [] });
    expect(plans[2]!['intermediate.int_parts_cases']!.offices).toBeGreaterThanOrEqual(4);
    expect(plans[2]!['intermediate.int_parts_cases']!.offices).toBeLessThanOrEqual(6);
    // cases_monthly adds the corrections' change (no snapshot that night): the three cases' old
    // versions counted −1, their new ones +1.
    expect(plans[2]!['mart.cases_monthly']).toMatchObject({ mode: 'delta', reason: 'touched' });
    expect(plans[2]!['intermediate.int_office_line_cases']).toMatchObject({ mode: 'delta', reason: 'touched' });
    // The export counts add the versions the night appended and the rejects it judged again;
    // a snapshot night rebuilds them whole (offices and counties may have changed).
    expect(plans[2]!['intermediate.int_export_rows']).toMatchObject({ mode: 'delta', reason: 'touched' });
    for (const i of [1, 3]) expect(plans[i]!['intermediate.int_export_rows']).toMatchObject({ mode: 'full', reason: 'not_partitioned' });
    // The indicator models rebuild, in those years, the indicators of the parts models the
    // night rebuilt (cases: 2, training: 1), not all 15.
    const nightIndicators = ['2024', '2025'].flatMap((y) => ['function_breadth', 'mediation_success_rate', 'training_compliance'].map((id) => `${y}/${id}`));
    for (const relation of ['intermediate.int_office_indicator_parts', 'intermediate.int_unit_indicator_values']) {
      expect(plans[2]![relation], relation).toEqual({ relation, mode: 'partitions', periods: [], indicators: nightIndicators, reason: 'touched' });
      expect(plans[3]![relation], relation).toEqual({ relation, mode: 'partitions', periods: ['2025'], indicators: [], reason: 'touched' });
    }
    // indicator_values rebuilds those, and reform_index (it reads every indicator) in each year.
    expect(plans[2]!['mart.indicator_values']).toEqual({
      relation: 'mart.indicator_values',
      mode: 'partitions',
      periods: [],
      indicators: [...nightIndicators, '2024/reform_index', '2025/reform_index'].sort(),
      reason: 'touched',
    });
    // The December snapshot touches 2025 only, and whole: the year's offices changed.
    expect(plans[3]!['mart.indicator_values']).toMatchObject({ mode: 'partitions', periods: ['2025'], indicators: [] });
    expect(plans[3]!['mart.cases_monthly']).toMatchObject({ mode: 'partitions', periods: ['2025'], offices: 0 });

    const W = config.warehouseFile;
    const incremental = await martTables(W, NOT_DATA);
    // The analyst file of the last nightly run (a copy of the one before, with only the changed
    // marts written again) holds the warehouse's marts, the person key dropped as always.
    const analyst = await currentAnalystFile(W);
    const analystMarts = await martTables(analyst!, NOT_DATA);
    const withoutPersonKey = await martTables(W, { ...NOT_DATA, training_person_year: ['person_key'] });
    expect(analystMarts).toEqual(withoutPersonKey);
    const incrementalCore = await coreTables(W);
    // Both years are reported, and the December snapshot is 2025's S.
    expect(new Set(incremental.indicator_values!.map((r) => JSON.parse(r).find(([c]: [string]) => c === 'period')[1]))).toEqual(new Set(['2024', '2025']));
    expect(incremental.units!.some((r) => r.includes('"2025-12-15"'))).toBe(true);

    const db = await openDatabase(W, { readOnly: true, threads: 1 });
    try {
      const recorded = await queryJson<{ run_id: string; mode: string; periods: string[] | null }>(
        db.connection,
        "SELECT run_id, mode, periods FROM audit.model_builds WHERE relation = 'mart.cases_monthly' ORDER BY run_id",
      );
      expect(recorded.map((r) => r.mode)).toEqual(['full', 'partitions', 'delta', 'partitions']);
      // The corrections' run records the (period, office) pairs it rebuilt: the moved cases'
      // offices in both years, the withdrawn case's office in 2025, and no other office.
      const [, , corrected] = await queryJson<{ offices: string[] }>(
        db.connection,
        "SELECT offices FROM audit.model_builds WHERE relation = 'intermediate.int_parts_cases' ORDER BY run_id",
      );
      const [movedTo2025, withdrawnAt, movedTo2024] = correctedOffices;
      expect(corrected!.offices).toEqual(expect.arrayContaining([`2024/${movedTo2025}`, `2025/${movedTo2025}`, `2025/${withdrawnAt}`, `2024/${movedTo2024}`, `2025/${movedTo2024}`]));
      expect(corrected!.offices.every((key) => correctedOffices.includes(key.split('/')[1]!))).toBe(true);
      // GET /api/runs shows each published run's plan.
      const history = await publishedRuns(db.connection, 10);
      const newest = history[0]!.builds!.find((b) => b.relation === 'mart.indicator_values');
      expect(newest).toEqual({ relation: 'mart.indicator_values', mode: 'partitions', periods: ['2025'], reason: 'touched' });
    } finally {
      db.close();
    }

    const rebuild = await runRefresh({ config, rebuild: true });
    expect(rebuild.published, rebuild.message).toBe(true);
    expect(Object.values(byRelation(rebuild.builds)).every((b) => b.mode === 'full' && b.reason === 'rebuild')).toBe(true);
    expect(await coreTables(W)).toEqual(incrementalCore);
    // The corrections' run judged again the rejected rows of the case it loaded: corrected by it.
    const fixed = incrementalCore['audit.rejects']!.map((r) => JSON.parse(r)).filter((r) => r.kind === 'cases' && JSON.parse(r.raw).case_id?.trim().toUpperCase() === fixedCase);
    expect(fixed.length).toBeGreaterThan(0);
    for (const row of fixed) expect(row).toMatchObject({ status: 'corrected', corrected_by: 'cases_20251201.csv' });
    // The nightly runs judged again only the rejected rows they could correct; some were.
    expect(incrementalCore['audit.rejects']!.some((r) => r.includes('"status":"corrected"'))).toBe(true);
    expect(await martTables(W, NOT_DATA)).toEqual(incremental);
  }, 300_000);

  it('rebuilds everything whole when a drift test asks for it, and publishes the rebuild', async () => {
    const { config } = world;
    const W = config.warehouseFile;
    // A month of cases_monthly changed by hand in the published warehouse, in 2024: no later
    // nightly run touches that partition, but cases_monthly_matches_cases (@on_fail rebuild) sees it.
    type Cell = { month: string; office_code: string; business_line: string; received: number };
    const tamper = await openDatabase(W, { threads: 1 });
    let original: Cell;
    try {
      const pick = "SELECT month, office_code, business_line, received FROM mart.cases_monthly WHERE period = '2024' ORDER BY month, office_code, business_line LIMIT 1";
      original = (await queryJson<Cell>(tamper.connection, pick))[0]!;
      await tamper.connection.run('UPDATE mart.cases_monthly SET received = received + 5 WHERE month = $1 AND office_code = $2 AND business_line = $3', [
        original.month,
        original.office_code,
        original.business_line,
      ]);
    } finally {
      tamper.close();
    }
    // The next night brings one new 2025 case.
    const dir = await tempDir('lishui-drift-');
    const june = readFileSync(rounds[0]!.find((f) => f.endsWith('cases_20250601.csv'))!, 'utf8').split('\n');
    const row = june[1]!.split(',');
    row[1] = 'SFAJ20259999999';
    row[4] = '2025/6/2';
    row[5] = '';
    row[6] = '办理中';
    row[7] = '';
    const night = path.join(dir, 'cases_20251203.csv');
    writeFileSync(night, `${june[0]}\n${row.join(',')}\n`);
    putInInbox(config, [night]);
    const result = await runRefresh({ config });
    expect(result.published, result.message).toBe(true);
    expect(Object.values(byRelation(result.builds)).every((b) => b.mode === 'full' && b.reason === 'test_asked')).toBe(true);
    expect(result.tests.find((t) => t.name === 'cases_monthly_matches_cases')).toMatchObject({ status: 'pass' });
    const db = await openDatabase(W, { readOnly: true, threads: 1 });
    try {
      const cell = await queryJson<Cell>(db.connection, 'SELECT month, office_code, business_line, received FROM mart.cases_monthly WHERE month = $1 AND office_code = $2 AND business_line = $3', [
        original.month,
        original.office_code,
        original.business_line,
      ]);
      expect(cell).toEqual([original]);
    } finally {
      db.close();
    }
    const after = await martTables(W, NOT_DATA);
    const rebuild = await runRefresh({ config, rebuild: true });
    expect(rebuild.published, rebuild.message).toBe(true);
    expect(await martTables(W, NOT_DATA)).toEqual(after);
  }, 300_000);

  it('rebuilds a model whose SQL changed whole, and everything that reads it', async () => {
    const project = loadProject();
    const changed = {
      ...project,
      models: project.models.map((m) => (m.relation === 'intermediate.int_parts_cases' ? { ...m, sql: `${m.sql}\n-- changed` } : m)),
    };
    const db = await openDatabase(world.config.warehouseFile, { threads: 1 });
    try {
      await db.connection.run("SET VARIABLE run_id = 'no-such-run'");
      const plan = byRelation(await planBuild(db.connection, changed, { rebuild: false }));
      expect(plan['intermediate.int_parts_cases']).toMatchObject({ mode: 'full', reason: 'sql_changed' });
      expect(plan['intermediate.int_office_indicator_parts']).toMatchObject({ mode: 'full', reason: 'upstream_changed' });
      expect(plan['mart.indicator_values']).toMatchObject({ mode: 'full', reason: 'upstream_changed' });
      // Untouched by the change, and no new data: nothing to re-insert.
      expect(plan['mart.cases_monthly']).toMatchObject({ mode: 'partitions', periods: [] });
    } finally {
      db.close();
    }
  }, 60_000);
});
