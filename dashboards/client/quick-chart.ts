// The console's quick chart: picks a category (or a time axis) and a measure from a result, or
// asks when nothing sensible is there, and draws it with Observable Plot. Codes, ids, orders,
// ranks and years are never taken as the measure, and a date that is the same for a whole
// year (as_of) is never the time axis: a chart of as_of against numerator tells nothing.
import * as Plot from '@observablehq/plot';
import { zh } from '../i18n/zh.ts';
import { zhConsole } from '../i18n/zh-console.ts';

const t = zh.console;
const tc = zhConsole.chart;

export type Kind = 'integer' | 'number' | 'boolean' | 'text' | 'date' | 'timestamp' | 'other';
export interface Column {
  name: string;
  type: string;
  kind: Kind;
}
export type Row = Record<string, unknown>;
export type Mark = 'line' | 'bar' | 'dots' | 'dot' | 'histogram';
export interface ChartChoice {
  x: string;
  /** Absent: a histogram of x. */
  y?: string;
}

const MAX_BARS = 40;
/** Names that identify or order rows rather than measure anything. */
const NOT_A_MEASURE = /(^|_)(id|code|key|order|rank|rank_in_city|period|year|month|sort_order|display_order)$/i;
/** Columns whose values are points in time, as text ('2025', '2025-03') or dates. */
const TIME_NAME = /^(period|year|month|date)$|_(date|month)$/i;

const isNumber = (c: Column) => c.kind === 'integer' || c.kind === 'number';
const distinct = (rows: Row[], name: string) => new Set(rows.map((r) => String(r[name]))).size;

export function isTime(column: Column, rows: Row[]): boolean {
  if (column.name === 'as_of' || column.name === 'built_on') return false;
  if (column.kind === 'date' || column.kind === 'timestamp') return TIME_NAME.test(column.name);
  return column.kind === 'text' && TIME_NAME.test(column.name) && rows.every((r) => r[column.name] === null || /^\d{4}(-\d{2}(-\d{2})?)?$/.test(String(r[column.name])));
}

/** The measure: `value` if present, else the first number that is not a code, order or year. */
export function measureOf(columns: Column[]): Column | undefined {
  const measures = columns.filter((c) => isNumber(c) && !NOT_A_MEASURE.test(c.name));
  return measures.find((c) => c.name === 'value') ?? measures[0];
}

/**
 * A sensible chart: time (with ≥ 2 points) × measure → line; category × measure → bars (dots
 * when a category repeats); two measures → scatter; one measure → histogram. Categories
 * prefer names (unit_name, name_zh…) to codes. null: ask the analyst.
 */
export function chooseChart(columns: Column[], rows: Row[]): ChartChoice | null {
  const measure = measureOf(columns);
  const time = columns.find((c) => isTime(c, rows) && distinct(rows, c.name) >= 2);
  if (time && measure) return { x: time.name, y: measure.name };
  const texts = columns.filter((c) => c.kind === 'text' && !isTime(c, rows));
  const category = texts.find((c) => /(^|_)name(_zh)?$/.test(c.name)) ?? texts.find((c) => !/(^|_)(id|code|key)$/.test(c.name)) ?? texts[0];
  if (category && measure) return { x: category.name, y: measure.name };
  const measures = columns.filter((c) => isNumber(c) && !NOT_A_MEASURE.test(c.name));
  if (measures[0] && measures[1]) return { x: measures[0].name, y: measures[1].name };
  if (measure) return { x: measure.name };
  return null;
}

/** The mark a choice is drawn with. */
export function markFor(choice: ChartChoice, columns: Column[], rows: Row[]): Mark | null {
  const x = columns.find((c) => c.name === choice.x);
  const y = choice.y ? columns.find((c) => c.name === choice.y) : undefined;
  if (!x) return null;
  if (!y) return isNumber(x) ? 'histogram' : null;
  if (!isNumber(y)) return null;
  if (isTime(x, rows) || x.kind === 'date' || x.kind === 'timestamp') return 'line';
  if (isNumber(x)) return 'dot';
  return distinct(rows, x.name) < rows.length ? 'dots' : 'bar';
}

function timeValue(column: Column, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  const text = String(value);
  if (/^\d{4}$/.test(text)) return new Date(`${text}-01-01T00:00:00`);
  if (/^\d{4}-\d{2}$/.test(text)) return new Date(`${text}-01T00:00:00`);
  return column.kind === 'date' || column.kind === 'timestamp' || /^\d{4}-\d{2}-\d{2}/.test(text) ? new Date(text) : value;
}

/** Draws `choice` into `target` (an SVG and a note), or a note asking for columns. */
export function drawChart(target: HTMLElement, columns: Column[], rows: Row[], choice: ChartChoice | null, auto: boolean): void {
  const note = document.createElement('p');
  note.className = 'hint';
  const mark = choice ? markFor(choice, columns, rows) : null;
  if (!choice || !mark || rows.length === 0) {
    note.textContent = rows.length === 0 || columns.length === 0 ? t.noChart : tc.ask;
    target.replaceChildren(note);
    return;
  }
  const x = columns.find((c) => c.name === choice.x)!;
  const y = choice.y;
  const width = Math.max(300, Math.min(target.clientWidth || 800, 1100));
  const markName = t.marks[mark];
  const common = { width, ariaLabel: `${t.chart}：${markName}`, style: { fontSize: '12px' } };
  const data = mark === 'line' ? rows.map((r) => ({ ...r, [x.name]: timeValue(x, r[x.name]) })) : rows;
  let svg: Element;
  const notes = [auto && y ? `${tc.picked(x.name, y)}（${markName}）` : auto ? t.chartNote(markName) : tc.manual(markName)];
  switch (mark) {
    case 'line': {
      const series = columns.find((c) => c.kind === 'text' && c.name !== x.name && /(^|_)name(_zh)?$/.test(c.name)) ?? columns.find((c) => c.kind === 'text' && c.name !== x.name);
      const seriesCount = series ? distinct(rows, series.name) : 1;
      const stroke = series && seriesCount > 1 && seriesCount <= 10 ? series.name : undefined;
      svg = Plot.plot({
        ...common,
        color: { legend: Boolean(stroke), scheme: 'tableau10' },
        x: { label: x.name },
        y: { label: y!, grid: true },
        marks: [Plot.lineY(data, { x: x.name, y: y!, ...(stroke ? { stroke } : {}), marker: 'dot', tip: true })],
      });
      break;
    }
    case 'bar':
    case 'dots': {
      const top = [...data].sort((a, b) => Number(b[y!]) - Number(a[y!])).slice(0, mark === 'bar' ? MAX_BARS : MAX_BARS * 5);
      if (mark === 'bar' && data.length > MAX_BARS) notes.push(tc.tooMany(MAX_BARS));
      const marginLeft = Math.min(160, 14 + 12 * Math.max(...top.map((r) => [...String(r[x.name] ?? '')].length)));
      const values = top.map((r) => Number(r[y!])).filter(Number.isFinite);
      // Bars start at 0; dots show spread, so their axis fits the values.
      const drawn =
        mark === 'bar'
          ? Plot.barX(top, { x: y!, y: x.name, sort: { y: '-x' }, fill: '#4e79a7', tip: true })
          : Plot.dot(top, { x: y!, y: x.name, sort: { y: '-x' }, fill: '#4e79a7', tip: true });
      svg = Plot.plot({
        ...common,
        marginLeft,
        height: Math.max(120, 22 * new Set(top.map((r) => r[x.name])).size + 40),
        x: { label: y!, grid: true, ...(mark === 'dots' && values.length > 0 ? { domain: [Math.min(...values), Math.max(...values)], nice: true } : {}) },
        y: { label: null },
        marks: [drawn, ...(mark === 'bar' ? [Plot.ruleX([0])] : [])],
      });
      break;
    }
    case 'dot':
      svg = Plot.plot({ ...common, grid: true, x: { label: x.name }, y: { label: y! }, marks: [Plot.dot(data, { x: x.name, y: y!, fill: '#4e79a7', tip: true })] });
      break;
    case 'histogram':
      svg = Plot.plot({ ...common, x: { label: x.name }, marks: [Plot.rectY(data, { ...Plot.binX({ y: 'count' }, { x: x.name }), fill: '#4e79a7' }), Plot.ruleY([0])] });
      break;
  }
  note.textContent = notes.join(' ');
  target.replaceChildren(note, svg);
}
