// The warehouse files of the server, access and browser tests. buildTestWarehouse(): the demo
// generator's `tiny` set loaded by the real refresh CLI; with `forceFixture`, the small,
// deterministic fixture below instead, built through the real mart models (sql/marts) from
// hand-made core rows (test/indicators/core-fixture.ts) — seconds faster, for tests about
// access rather than about the data.
//
// The data: all 9 counties, three or four offices each (real township names), two snapshot
// years, a vacant director, an office outside every cluster, cases over 18 months, training
// near the 12-day / 90-hour lines, a few rejected rows and two published runs.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { lishuiTownships, type Township } from '../../pipelines/demo/geography.ts';
import { openDatabase } from '../../pipelines/warehouse/duckdb.ts';
import { prepareWarehouse, runDataTests, runModels } from '../../pipelines/models/runner.ts';
import {
  createCore,
  martProject,
  personKey,
  type CaseRow,
  type CoreData,
  type OfficeRow,
  type StaffRow,
  type TrainingRow,
} from '../indicators/core-fixture.ts';

/** The last day of the demo exports behind the server and browser tests. */
export const FIXTURE_END_DATE = '2025-11-30';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Mulberry32: a tiny seeded generator, so the fixture is the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SNAPSHOTS = ['2024-12-31', '2025-06-30'] as const;
const BUSINESS_LINES = [
  '人民调解', '合法性审查', '行政执法监督', '行政复议答复', '行政诉讼应诉协调',
  '社区矫正', '安置帮教', '普法宣传', '公共法律服务', '人民陪审员选任',
];
const POSTS = ['法治统筹协调岗', '合法性审查岗', '行政执法监督岗', '社区矫正(安置帮教)岗', '矛盾纠纷调处岗', '法律服务岗'];
const PLAQUES = ['行政复议联络点', '智慧矫正分中心', '行政执法监督工作室'];
const STAFFING = ['政法专编', '行政编制', '事业编制', '司法协理员', '其他'];

/** The core rows of the fixture: same output for every call. */
export function fixtureCoreData(): CoreData {
  const random = seeded(20250630);
  const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const chance = (p: number) => random() < p;

  const byCounty = new Map<string, Township[]>();
  for (const t of lishuiTownships()) byCounty.set(t.countyCode, [...(byCounty.get(t.countyCode) ?? []), t]);

  const offices: OfficeRow[] = [];
  const staff: StaffRow[] = [];
  const cases: CaseRow[] = [];
  const training: TrainingRow[] = [];
  let staffRow = 1;
  let caseSeq = 0;
  let recordSeq = 0;

  for (const [countyCode, list] of byCounty) {
    const count = countyCode === '331102' ? 5 : 3;
    const chosen = list.slice(0, count);
    // 莲都区 has two clusters (two key offices); elsewhere one key office and two ordinary ones.
    const keyCodes = chosen.filter((_, i) => i === 0 || (countyCode === '331102' && i === 3)).map((t) => `SF${t.code}`);
    chosen.forEach((township, i) => {
      const officeCode = `SF${township.code}`;
      const isKey = keyCodes.includes(officeCode);
      // 青田县's last office names no cluster: it appears as outside every cluster.
      const clusterKey = isKey ? null : countyCode === '331121' && i === 2 ? null : keyCodes[i >= 3 ? 1 : 0]!;
      const villages = 4 + Math.floor(random() * 10);
      for (const snapshot of SNAPSHOTS) {
        const later = snapshot === SNAPSHOTS[1];
        offices.push({
          snapshot_date: snapshot,
          office_code: officeCode,
          office_name: `${township.name}司法所`,
          county_code: countyCode,
          tier: isKey ? 'key' : 'ordinary',
          cluster_key_office: clusterKey,
          plaques: isKey ? PLAQUES.filter(() => chance(later ? 0.7 : 0.4)) : [],
          smart_office: isKey ? chance(later ? 0.7 : 0.4) : chance(0.1),
          terminals: chance(later ? 0.9 : 0.7) ? 1 + Math.floor(random() * 3) : 0,
          large_villages: villages,
          large_villages_with_terminal: Math.floor(villages * (later ? 0.7 : 0.4)),
          director_attends_joint_meeting: isKey ? chance(0.85) : chance(0.5),
          director_attends_governance_meeting: isKey ? chance(0.9) : chance(0.5),
          director_in_leadership: chance(0.4),
        });
        // Staff: a director (vacant at 云和县's first office in the later year) and 2-4 others.
        const people = 3 + Math.floor(random() * 3);
        for (let p = 0; p < people; p++) {
          const isDirector = p === 0;
          if (isDirector && later && countyCode === '331125' && i === 0) continue;
          const key = personKey(`${officeCode}-${p}`);
          staff.push({
            snapshot_date: snapshot,
            person_key: key,
            office_code: officeCode,
            role: isDirector ? '所长' : p === 1 ? '副所长' : pick(['工作人员', '司法协理员'] as const),
            staffing_type: isDirector ? (chance(0.8) ? '政法专编' : '行政编制') : chance(0.9) ? pick(STAFFING) : null,
            posts: isKey ? POSTS.filter(() => chance(0.35)) : POSTS.filter(() => chance(0.15)),
            legal_background: chance(isDirector ? 0.8 : 0.5),
            legal_qualification: chance(0.5),
            enforcement_certificate: chance(0.4),
            public_lawyer: chance(0.2),
            // one person per office joined in 2025 (out of the 2025 training denominator)
            start_date: p === people - 1 ? '2025-03-01' : `20${10 + Math.floor(random() * 12)}-0${1 + Math.floor(random() * 9)}-15`,
            row_number: ++staffRow,
          });
        }
      }
      // Training per person and year: days around the 12-day line, hours around the 90-hour line.
      for (const year of ['2024', '2025']) {
        for (let p = 0; p < 5; p++) {
          const key = personKey(`${officeCode}-${p}`);
          const sessions = 1 + Math.floor(random() * 4);
          for (let s = 0; s < sessions; s++) {
            const month = 1 + Math.floor(random() * 11);
            const length = 1 + Math.floor(random() * 5);
            const start = `${year}-${String(month).padStart(2, '0')}-0${1 + s}`;
            const end = `${year}-${String(month).padStart(2, '0')}-${String(1 + s + length).padStart(2, '0')}`;
            training.push({
              record_id: `TR${++recordSeq}`,
              export_date: `${year}-12-20`,
              person_key: key,
              start_date: start,
              end_date: end,
              hours: Math.min(24 * (length + 1), 6 + Math.floor(random() * 40)),
            });
          }
        }
      }
      // Cases: received month by month from 2024-01 to 2025-06.
      for (let m = 0; m < 18; m++) {
        const year = 2024 + Math.floor(m / 12);
        const month = (m % 12) + 1;
        const n = Math.floor(random() * (isKey ? 5 : 3));
        for (let c = 0; c < n; c++) {
          const line = pick(BUSINESS_LINES);
          const day = 1 + Math.floor(random() * 20);
          const received = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
          const status = chance(0.75) ? '已办结' : chance(0.8) ? '办理中' : '已撤回';
          const closed = status === '已办结' ? `${year}-${String(month).padStart(2, '0')}-${String(day + 5).padStart(2, '0')}` : null;
          cases.push({
            case_id: `AJ${String(++caseSeq).padStart(6, '0')}`,
            export_date: year === 2024 ? '2024-12-31' : '2025-06-30',
            office_code: officeCode,
            business_line: line,
            received_date: received,
            closed_date: closed,
            status,
            outcome: line === '人民调解' && status === '已办结' ? (chance(0.8) ? '调解成功' : '调解不成功') : null,
          });
        }
      }
    });
  }

  const files: Record<string, string | number | null>[] = [
    { run_id: 'run-1', file_id: 'f-off-2024', file_name: 'offices_20241231.xlsx', kind: 'office_workbook', export_date: '2024-12-31', source: 'inbox', status: 'loaded', rows_read: 40, rows_loaded: 38, rows_rejected: 2, seconds: 0.5 },
    { run_id: 'run-1', file_id: 'f-cases-2024', file_name: 'cases_20241231.csv', kind: 'cases', export_date: '2024-12-31', source: 'inbox', encoding: 'gb18030', status: 'loaded', rows_read: 300, rows_loaded: 298, rows_rejected: 2, seconds: 0.3 },
    { run_id: 'run-1', file_id: 'f-unknown', file_name: '说明.txt', kind: null, source: 'inbox', status: 'unknown', reason_code: 'unknown_file', message: '文件名不符合导出约定，未加载', rows_read: 0, rows_loaded: 0, rows_rejected: 0, seconds: 0 },
    { run_id: 'run-2', file_id: 'f-off-2025', file_name: 'offices_20250630.xlsx', kind: 'office_workbook', export_date: '2025-06-30', source: 'inbox', status: 'loaded', rows_read: 40, rows_loaded: 39, rows_rejected: 1, seconds: 0.5 },
    { run_id: 'run-2', file_id: 'f-cases-2025', file_name: 'cases_20250630.csv', kind: 'cases', export_date: '2025-06-30', source: 'inbox', encoding: 'utf-8-bom', status: 'loaded', rows_read: 200, rows_loaded: 199, rows_rejected: 1, seconds: 0.2 },
    { run_id: 'run-2', file_id: 'f-train-2025', file_name: 'training_20251220.csv', kind: 'training', export_date: '2025-12-20', source: 'inbox', encoding: 'utf-8', status: 'loaded', rows_read: 150, rows_loaded: 150, rows_rejected: 0, seconds: 0.1 },
  ];
  const rejected = (run_id: string, file_id: string, file_name: string, sheet: string | null, row_number: number, reason_code: string, message: string, county_code: string | null) => ({
    run_id, file_id, file_name, sheet, row_number, reason_code, message, raw: JSON.stringify({ 身份证号: '331102********1234', 姓名: '张三' }), county_code,
  });
  const rejectedRows = [
    rejected('run-1', 'f-off-2024', 'offices_20241231.xlsx', '人员', 7, 'bad_id_number', '身份证号校验位不正确，请核对后重新导出', '331102'),
    rejected('run-1', 'f-off-2024', 'offices_20241231.xlsx', '人员', 12, 'bad_date', '到岗日期“2024-02-30”不是有效日期', '331122'),
    rejected('run-1', 'f-cases-2024', 'cases_20241231.csv', null, 15, 'missing_required', '缺少必填项“受理日期”', '331102'),
    rejected('run-1', 'f-cases-2024', 'cases_20241231.csv', null, 88, 'bad_enum', '业务类型“调解”不在规定范围内', '331181'),
    rejected('run-2', 'f-off-2025', 'offices_20250630.xlsx', '人员', 9, 'unknown_office', '所属司法所编码不在本期司法所名单中', '331123'),
    rejected('run-2', 'f-cases-2025', 'cases_20250630.csv', null, 33, 'date_order', '办结日期早于受理日期', '331102'),
  ];
  return { snapshots: [...SNAPSHOTS], offices, staff, cases, training, files, rejectedRows };
}

/** Two published runs, as the refresh records them in audit.runs. */
const RUNS_SQL = `
INSERT INTO audit.runs (run_id, trigger, started_at, finished_at, status, stages, files_loaded, rows_loaded, rows_rejected, message) VALUES
  ('run-1', 'cli', '2025-01-02 02:00:00+08', '2025-01-02 02:00:41+08', 'partial', '{"prepare":0.4,"read":12.1,"build":20.3,"publish":1.2}', 2, 336, 4, '2 行数据被拒收'),
  ('run-2', 'schedule', '2025-07-01 02:00:00+08', '2025-07-01 02:00:38+08', 'partial', '{"prepare":0.4,"read":11.0,"build":19.8,"publish":1.1}', 3, 388, 2, '2 行数据被拒收');
`;

/** Builds the fixture warehouse at `file` through the real mart models and checkpoints it. */
export async function buildFixtureWarehouse(file: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await rm(file, { force: true });
  await rm(`${file}.wal`, { force: true });
  const db = await openDatabase(file);
  try {
    await createCore(db.connection, fixtureCoreData());
    // The macros too: the latest-version models (core.cases …) read the build scope's macros.
    const project = martProject();
    await prepareWarehouse(db.connection, { ...project, initSql: [] });
    await runModels(db.connection, project, { phase: 'build' });
    const results = await runDataTests(db.connection, project, { phase: 'build' });
    const failing = results.filter((r) => r.severity === 'error' && r.status !== 'pass');
    if (failing.length > 0) throw new Error(`fixture data tests failed: ${JSON.stringify(failing)}`);
    await db.connection.run(readFileSync(path.join(ROOT, 'sql/init/audit_runs_files.sql'), 'utf8'));
    await db.connection.run(RUNS_SQL);
    await db.connection.run('CHECKPOINT');
  } finally {
    db.close();
  }
}

/** Runs `npm run refresh`'s CLI as a child process (as the server does). */
async function runRefreshCli(inbox: string, db: string, dataDir: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'pipelines/cli/refresh.ts', '--inbox', inbox, '--db', db], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dataDir, REFRESH_SCHEDULE: 'off' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`refresh exited ${code}: ${stderr.slice(-2000)}`))));
  });
}

/**
 * A test warehouse in `dataDir`: the demo generator's `tiny` set loaded by the real refresh CLI,
 * or with `forceFixture` the fixture above. Returns the warehouse file.
 */
export async function buildTestWarehouse(dataDir: string, options: { forceFixture?: boolean } = {}): Promise<string> {
  const file = path.join(dataDir, 'warehouse', 'warehouse.duckdb');
  if (!options.forceFixture) {
    const inbox = path.join(dataDir, 'inbox');
    await mkdir(inbox, { recursive: true });
    // loaded here only: the fixture's users need no generator
    const { generateDemoExports } = await import('../../pipelines/demo/generate.ts');
    // A fixed end date: the pages' default year and every figure are the same whatever day the suite runs.
    await generateDemoExports({ outDir: inbox, scale: 'tiny', endDate: FIXTURE_END_DATE });
    await mkdir(path.dirname(file), { recursive: true });
    await runRefreshCli(inbox, file, dataDir);
    return file;
  }
  await buildFixtureWarehouse(file);
  return file;
}
