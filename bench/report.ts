// The bench's table on the terminal: absolute figures with the floor beside them and the ratio
// (project cost / floor cost: ×1 is as fast as DuckDB or express.static alone, ×2 twice as slow).
import type { ModelBuild } from '../pipelines/models/build-plan.ts';
import type { BenchResult } from './result.ts';

export function formatReport(r: BenchResult): string {
  const m = r.machine;
  const g = r.generation;
  const lines: string[] = [];
  lines.push(`npm run bench — scale ${r.scale}, ${r.date}`);
  lines.push(
    `machine: ${m.cpu_model}, ${m.cores} cores, ${gib(m.ram_bytes)} RAM, ${m.os}, node ${m.node_version}, duckdb ${m.duckdb_version} (memory_limit ${r.settings.duckdb_memory_limit}, threads ${r.settings.duckdb_threads})`,
  );
  lines.push(`load average at the start of each phase: ${Object.entries(m.load_average).map(([phase, l]) => `${phase} ${l[0].toFixed(2)}`).join(', ')}`);
  lines.push(
    `data: ${int(g.offices)} offices, ${int(g.people)} people; rows: offices ${int(g.rows.offices ?? 0)}, staff ${int(g.rows.staff ?? 0)}, cases ${int(g.rows.cases ?? 0)}, training ${int(g.rows.training ?? 0)}; ${g.files} files, ${mib(g.bytes)}, ${g.start_date} … ${g.end_date}; generated in ${sec(g.seconds)}`,
  );
  lines.push('');
  const f = r.refresh;
  lines.push(table([
    ['full refresh', 'project', 'floor', 'ratio'],
    ['seconds', sec(f.seconds), sec(f.floor_seconds), times(f.ratio)],
    ['peak RSS (process tree)', gib(f.peak_rss_bytes), gib(f.floor_peak_rss_bytes), times(f.rss_ratio)],
    ['rows', int(f.rows), `${int(r.floor.rows)} (CSV)`, ''],
    ['rows/s', int(f.rows_per_second), int(r.floor.rows_per_second), ''],
  ]));
  lines.push(`  status ${f.status}; files loaded ${f.files.loaded}, rejected ${f.files.rejected}, unknown ${f.files.unknown}; rows loaded ${int(f.rows_loaded)}, rejected ${int(f.rows_rejected)}`);
  lines.push(`  stages: ${stageLine(f.stages)}`);
  lines.push(`  rows/s per source (its read + validate): ${sourceLine(f.sources)}`);
  lines.push(
    `  CSV ${f.formats.csv.files} files, ${int(f.formats.csv.rows)} rows, ${mib(f.formats.csv.bytes)}; workbooks (not in the floor) ${f.formats.xlsx.files} files, ${int(f.formats.xlsx.rows)} rows, ${sec(f.formats.xlsx.seconds)}`,
  );
  if (f.slowest_models.length > 0) lines.push(`  slowest models: ${f.slowest_models.slice(0, 3).map((s) => `${s.relation} ${sec(s.seconds)}`).join(', ')}`);
  lines.push(`  floor: ${r.floor.method}`);
  lines.push('');
  const inc = r.incremental;
  lines.push(`incremental refresh (${inc.export_date}: ${inc.files_added.join(', ')})`);
  lines.push(`  seconds ${sec(inc.seconds)}, peak RSS ${gib(inc.peak_rss_bytes)}, rows ${int(inc.rows)}, status ${inc.status}`);
  lines.push(`  stages: ${stageLine(inc.stages)}`);
  lines.push(`  ${(inc.ratio_to_full * 100).toFixed(1)} % of the full refresh; models: ${buildLine(inc.partial_builds)}; rebuilt whole ${inc.rebuilt_whole.length}`);
  if (inc.slowest_models.length > 0) lines.push(`  slowest models: ${inc.slowest_models.slice(0, 3).map((s) => `${s.relation} ${sec(s.seconds)}`).join(', ')}`);
  lines.push('');
  lines.push(`HTTP (${r.settings.api_connections} connections, ${r.settings.api_seconds} s per path; server started in ${sec(r.server.start_seconds)}, peak RSS ${gib(r.server.peak_rss_bytes)})`);
  lines.push(table([
    ['path', 'p50', 'p95', 'p99', 'rps', 'errors', 'floor p99', 'floor rps', 'p99 ratio', 'rps ratio'],
    ...r.api.map((a) => [a.path, ms(a.p50_ms), ms(a.p95_ms), ms(a.p99_ms), int(a.rps), int(a.errors), ms(a.floor_p99_ms), int(a.floor_rps), times(a.p99_ms / a.floor_p99_ms), times(a.floor_rps / a.rps)]),
  ]));
  lines.push('  floor: express.static serving the same bytes; rps ratio = floor rps / project rps (×1 = as fast as the floor)');
  lines.push(`total bench time ${sec(r.seconds_total)}`);
  return lines.join('\n');
}

function stageLine(stages: BenchResult['refresh']['stages']): string {
  const names: [keyof typeof stages, string][] = [
    ['prepare', 'prepare'],
    ['sources', 'sources'],
    ['decode', 'decode'],
    ['read', 'read'],
    ['validate', 'validate'],
    ['models', 'models'],
    ['data_tests', 'data tests'],
    ['publish', 'publish'],
    ['archive', 'archive'],
  ];
  return names.map(([key, label]) => `${label} ${sec(stages[key])}`).join(' · ');
}

function sourceLine(sources: BenchResult['refresh']['sources']): string {
  const label = { offices: 'office snapshots', staff: 'staff', cases: 'cases', training: 'training' } as const;
  return (Object.keys(label) as (keyof typeof label)[]).map((s) => `${label[s]} ${int(sources[s].rows_per_second)} (${int(sources[s].rows)} rows)`).join(' · ');
}

/** Left-aligned first column, right-aligned others. */
function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => width(row[i] ?? ''))));
  return rows
    .map((row) => '  ' + row.map((cell, i) => (i === 0 ? pad(cell, widths[i]!, 'end') : pad(cell, widths[i]!, 'start'))).join('   '))
    .join('\n');
}

/** Display width: CJK characters take two columns. */
function width(text: string): number {
  let w = 0;
  for (const ch of text) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch) ? 2 : 1;
  return w;
}

function pad(text: string, to: number, side: 'start' | 'end'): string {
  const fill = ' '.repeat(Math.max(0, to - width(text)));
  return side === 'start' ? fill + text : text + fill;
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const sec = (s: number) => `${s < 10 ? s.toFixed(2) : s.toFixed(1)} s`;
const ms = (x: number) => `${x < 10 ? x.toFixed(2) : x.toFixed(1)} ms`;
const times = (x: number) => (Number.isFinite(x) ? `×${x.toFixed(2)}` : '–');
const gib = (b: number) => (b >= 1024 ** 3 ? `${(b / 1024 ** 3).toFixed(2)} GiB` : `${(b / 1024 ** 2).toFixed(0)} MiB`);
const mib = (b: number) => `${(b / 1024 ** 2).toFixed(1)} MiB`;

/** How the incremental run built its models: skipped, by keys, by delta, by partitions (with their pairs). */
function buildLine(builds: ModelBuild[]): string {
  const skipped = builds.filter((b) => b.mode === 'skip').length;
  const keys = builds.filter((b) => b.mode === 'keys').map((b) => b.relation);
  const deltas = builds.filter((b) => b.mode === 'delta').map((b) => b.relation);
  const partitions = builds
    .filter((b) => b.mode === 'partitions')
    .map((b) => {
      const pairs = [
        ...(b.offices ? [`${int(b.offices)} (year, office) pairs`] : []),
        ...(b.people ? [`${int(b.people)} (year, person) pairs`] : []),
        ...(b.indicators?.length ? [`(year, indicator) ${b.indicators.join(' ')}`] : []),
      ];
      return `${b.relation} [${[...b.periods, ...pairs].join(', ') || 'nothing'}]`;
    });
  return [
    `${skipped} skipped as unchanged`,
    `by keys ${keys.join(', ') || 'none'}`,
    `by delta ${deltas.join(', ') || 'none'}`,
    `by partitions ${partitions.join(', ') || 'none'}`,
  ].join('; ');
}
