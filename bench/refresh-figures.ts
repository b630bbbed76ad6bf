// A refresh's figures for the report: whole seconds, the stages under the names the bench
// reports (decode split from read), rows and rows per second per source, CSV against workbook.
import type { DemoFileSummary } from '../pipelines/demo/generate.ts';
import type { TableKind } from '../pipelines/contract/exports.ts';
import type { RefreshResultJson } from './children/messages.ts';

export const SOURCES = ['offices', 'staff', 'cases', 'training'] as const satisfies readonly TableKind[];

export interface SourceFigures {
  files: number;
  /** Data rows read (loaded + rejected). */
  rows: number;
  rows_loaded: number;
  rows_rejected: number;
  /** The source's share of read + validate. */
  seconds: number;
  rows_per_second: number;
}

export interface FormatFigures {
  files: number;
  rows: number;
  bytes: number;
  seconds: number;
}

export interface RefreshFigures {
  run_id: string;
  status: string;
  published: boolean;
  seconds: number;
  stages: {
    prepare: number;
    sources: number;
    decode: number;
    read: number;
    validate: number;
    models: number;
    data_tests: number;
    publish: number;
    archive: number;
  };
  rows: number;
  rows_loaded: number;
  rows_rejected: number;
  /** All rows read over the whole refresh's seconds. */
  rows_per_second: number;
  sources: Record<(typeof SOURCES)[number], SourceFigures>;
  formats: { csv: FormatFigures; xlsx: FormatFigures };
  files: { loaded: number; rejected: number; unknown: number; skipped: number };
  slowest_models: { relation: string; seconds: number }[];
}

export interface FigureInput {
  result: RefreshResultJson;
  seconds: number;
  decodeSeconds: number;
  /** The demo generator's summary of the files, to split a workbook's rows between its sheets. */
  exports: readonly DemoFileSummary[];
}

export function refreshFigures({ result, seconds, decodeSeconds, exports }: FigureInput): RefreshFigures {
  const byName = new Map(exports.map((f) => [f.fileName, f]));
  const emptySource = (): SourceFigures => ({ files: 0, rows: 0, rows_loaded: 0, rows_rejected: 0, seconds: 0, rows_per_second: 0 });
  const sources = Object.fromEntries(SOURCES.map((s) => [s, emptySource()])) as Record<(typeof SOURCES)[number], SourceFigures>;
  const formats = { csv: { files: 0, rows: 0, bytes: 0, seconds: 0 }, xlsx: { files: 0, rows: 0, bytes: 0, seconds: 0 } };
  const files = { loaded: 0, rejected: 0, unknown: 0, skipped: 0 };
  for (const file of result.files) {
    files[file.status] += 1;
    if (file.status !== 'loaded' && file.status !== 'rejected') continue;
    const format = /\.xlsx$/i.test(file.name) ? formats.xlsx : formats.csv;
    format.files += 1;
    format.rows += file.rowsRead;
    format.bytes += file.bytes;
    format.seconds += file.seconds;
    for (const [table, share] of tableShares(file.kind, byName.get(file.name))) {
      const source = sources[table];
      source.files += 1;
      source.rows += file.rowsRead * share;
      source.rows_loaded += file.rowsLoaded * share;
      source.rows_rejected += file.rowsRejected * share;
      source.seconds += file.seconds * share;
    }
  }
  for (const source of Object.values(sources)) {
    source.rows = Math.round(source.rows);
    source.rows_loaded = Math.round(source.rows_loaded);
    source.rows_rejected = Math.round(source.rows_rejected);
    source.rows_per_second = source.seconds > 0 ? source.rows / source.seconds : 0;
  }
  const rows = result.files.reduce((sum, f) => sum + f.rowsRead, 0);
  const stages = result.stages;
  const decode = Math.min(decodeSeconds, stages.read);
  return {
    run_id: result.runId,
    status: result.status,
    published: result.published,
    seconds,
    stages: {
      prepare: stages.prepare,
      sources: stages.sources,
      decode,
      read: stages.read - decode,
      validate: stages.validate,
      models: stages.build,
      data_tests: stages.tests,
      publish: stages.publish,
      archive: stages.archive,
    },
    rows,
    rows_loaded: result.rowsLoaded,
    rows_rejected: result.rowsRejected,
    rows_per_second: seconds > 0 ? rows / seconds : 0,
    sources,
    formats,
    files,
    slowest_models: result.models.slice(0, 5).map((m) => ({ relation: m.relation, seconds: m.seconds })),
  };
}

/** Which tables a file holds, with each one's share of its rows (a workbook holds two). */
function tableShares(kind: RefreshResultJson['files'][number]['kind'], summary: DemoFileSummary | undefined): [(typeof SOURCES)[number], number][] {
  switch (kind) {
    case 'offices_csv':
      return [['offices', 1]];
    case 'staff_csv':
      return [['staff', 1]];
    case 'cases':
      return [['cases', 1]];
    case 'training':
      return [['training', 1]];
    case 'office_workbook': {
      const rowsOf = (table: TableKind) => summary?.tables.filter((t) => t.table === table).reduce((sum, t) => sum + t.rows, 0) ?? 0;
      const offices = rowsOf('offices');
      const staff = rowsOf('staff');
      const total = offices + staff;
      return total > 0 ? [['offices', offices / total], ['staff', staff / total]] : [['offices', 0.5], ['staff', 0.5]];
    }
    default:
      return [];
  }
}
