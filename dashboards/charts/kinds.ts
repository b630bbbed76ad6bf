// The dashboards' chart kinds: pure functions from data and options to Observable Plot options.
// The same builders run on the server (SVG for the first paint and for print) and in the browser
// (re-rendered at the container's width, with Plot's pointer tips), so both look alike.
// Text on the charts arrives in the options (from dashboards/i18n/zh.ts via the pages).
import * as Plot from '@observablehq/plot';
import { formatIndicator, formatMonth, formatNumber, formatPercent, formatScore } from '../format.ts';
import { CATEGORY_10, COLORS, FONT_FAMILY } from './palette.ts';

export interface ChartEnv {
  /** In the browser: pointer tips; on the server: native <title> tooltips only. */
  interactive: boolean;
  width: number;
}

export type ValueFormat = 'percent' | 'score' | 'count';

function formatValue(format: ValueFormat, value: number): string {
  if (format === 'percent') return formatPercent(value);
  if (format === 'score') return formatScore(value);
  return formatNumber(value);
}

/** Axis ticks: whole percents or scores, plain counts. */
function formatTick(format: ValueFormat, value: number): string {
  if (format === 'percent') return formatPercent(value, 0);
  if (format === 'score') return (value * 100).toFixed(0);
  return formatNumber(value);
}

/** Width in pixels of a label at `fontSize`: CJK characters are a full em, others about half. */
function labelWidth(text: string, fontSize: number): number {
  let em = 0;
  for (const ch of text) em += /[\u2E80-\u9FFF\uFF00-\uFFEF]/.test(ch) ? 1 : 0.6;
  return Math.ceil(em * fontSize);
}

function leftMargin(labels: string[], fontSize = 12): number {
  return Math.max(40, ...labels.map((l) => labelWidth(l, fontSize))) + 16;
}

/** The chart's width: the container's, but never so narrow that the margins leave no room for data. */
function widthFor(env: ChartEnv, marginLeft: number, marginRight: number): number {
  return Math.max(env.width, marginLeft + marginRight + 200);
}

/** A white outline behind value labels, so dots and lines under them do not hide them. */
const HALO = { stroke: 'white', strokeWidth: 4, paintOrder: 'stroke' } as const;

const base = (env: ChartEnv, ariaLabel: string, ariaDescription: string) => ({
  width: env.width,
  ariaLabel,
  ariaDescription,
  style: { fontFamily: FONT_FAMILY, fontSize: '12px', overflow: 'visible' },
});

// ── bars: one bar per unit, optionally a link each, a target line, the value at the bar's end

export interface BarDatum {
  label: string;
  value: number;
  href?: string | null;
  /** The unit in focus (drawn in the focus colour and named in bold). */
  highlight?: boolean;
}

export interface BarOptions {
  format: ValueFormat;
  target?: number | null;
  targetLabel?: string;
  /** Fixed domain maximum (1 for shares). */
  max?: number;
  /** Pixels per bar (default 30) and label size (default 13): smaller for long lists in print. */
  rowHeight?: number;
  fontSize?: number;
}

export function barsChart(data: BarDatum[], options: BarOptions, env: ChartEnv, aria: [string, string]): Plot.PlotOptions {
  const rows = [...data].sort((a, b) => b.value - a.value);
  const max = options.max ?? Math.max(1, ...rows.map((d) => d.value));
  const text = (d: BarDatum) => formatValue(options.format, d.value);
  const fontSize = options.fontSize ?? 13;
  const marginLeft = leftMargin(rows.map((d) => d.label), fontSize);
  return {
    ...base(env, ...aria),
    width: widthFor(env, marginLeft, 64),
    height: 34 + rows.length * (options.rowHeight ?? 30),
    marginLeft,
    marginRight: 64,
    x: { domain: [0, max], label: null, tickFormat: (v: number) => formatTick(options.format, v), grid: true },
    y: { domain: rows.map((d) => d.label), label: null, tickSize: 0 },
    style: { ...base(env, ...aria).style, fontSize: `${fontSize}px` },
    marks: [
      Plot.barX(rows, {
        x: 'value',
        y: 'label',
        fill: (d: BarDatum) => (d.highlight ? COLORS.focus : COLORS.staff),
        href: (d: BarDatum) => d.href ?? null,
        ariaLabel: (d: BarDatum) => `${d.label}：${text(d)}`,
        title: (d: BarDatum) => `${d.label}\n${text(d)}`,
        tip: env.interactive,
        insetTop: (options.rowHeight ?? 30) > 20 ? 4 : 1,
        insetBottom: (options.rowHeight ?? 30) > 20 ? 4 : 1,
      }),
      Plot.text(rows.filter((d) => !d.highlight), { x: 'value', y: 'label', text, dx: 6, textAnchor: 'start', fill: COLORS.city }),
      Plot.text(rows.filter((d) => d.highlight), { x: 'value', y: 'label', text, dx: 6, textAnchor: 'start', fill: COLORS.focus, fontWeight: 'bold' }),
      ...(options.target !== null && options.target !== undefined
        ? [
            Plot.ruleX([options.target], { stroke: COLORS.target, strokeWidth: 2, strokeDasharray: '6,3' }),
            Plot.text([options.target], { x: (t: number) => t, frameAnchor: 'top', dy: -12, text: () => options.targetLabel ?? '', fill: COLORS.target, textAnchor: 'middle' }),
          ]
        : []),
      Plot.ruleX([0]),
    ],
    marginTop: options.target !== null && options.target !== undefined ? 28 : 20,
  };
}

// ── trend: a line per unit over years; the emphasised one is dark, thick and labelled

export interface TrendDatum {
  period: string;
  series: string;
  value: number;
  emphasis: boolean;
}

export interface TrendOptions {
  format: ValueFormat;
  yLabel: string;
  xLabel: string;
  focusLabel: string;
  contextLabel: string;
}

export function trendChart(data: TrendDatum[], options: TrendOptions, env: ChartEnv, aria: [string, string]): Plot.PlotOptions {
  const periods = [...new Set(data.map((d) => d.period))].sort();
  const text = (d: TrendDatum) => formatValue(options.format, d.value);
  const context = data.filter((d) => !d.emphasis);
  const focus = data.filter((d) => d.emphasis);
  const last = focus.filter((d) => d.period === periods[periods.length - 1]);
  return {
    ...base(env, ...aria),
    height: 300,
    marginLeft: 56,
    marginRight: 90,
    marginTop: 24,
    x: { type: 'point', domain: periods, label: null, padding: 0.3, tickFormat: (p: string) => `${p}${options.xLabel}` },
    y: { domain: [0, 1], label: options.yLabel, grid: true, tickFormat: (v: number) => formatTick(options.format, v) },
    marks: [
      Plot.lineY(context, { x: 'period', y: 'value', z: 'series', stroke: COLORS.context, strokeWidth: 1.5 }),
      Plot.dot(context, { x: 'period', y: 'value', fill: COLORS.context, r: 3, title: (d: TrendDatum) => `${d.series} ${d.period}\n${text(d)}`, tip: env.interactive }),
      Plot.lineY(focus, { x: 'period', y: 'value', z: 'series', stroke: COLORS.focus, strokeWidth: 3 }),
      Plot.dot(focus, { x: 'period', y: 'value', fill: COLORS.focus, r: 5, title: (d: TrendDatum) => `${d.series} ${d.period}\n${text(d)}`, tip: env.interactive }),
      Plot.text(focus, { x: 'period', y: 'value', text, dy: -12, fill: COLORS.focus, fontWeight: 'bold', ...HALO }),
      Plot.text(last, { x: 'period', y: 'value', text: 'series', dx: 12, textAnchor: 'start', fill: COLORS.focus, fontWeight: 'bold', ...HALO }),
    ],
  };
}

// ── strip: every indicator of one unit against the other units, the city and the target

export interface StripDatum {
  indicator: string;
  indicatorId: string;
  role: 'self' | 'peer' | 'city' | 'target';
  unit: string;
  value: number;
}

export interface StripOptions {
  /** Indicator names in display order. */
  indicators: string[];
  labels: { self: string; peer: string; city: string; target: string };
}

export function stripChart(data: StripDatum[], options: StripOptions, env: ChartEnv, aria: [string, string]): Plot.PlotOptions {
  const of = (role: StripDatum['role']) => data.filter((d) => d.role === role);
  const text = (d: StripDatum) => `${d.unit}\n${d.indicator}：${formatIndicator(d.indicatorId, d.value)}`;
  const marginLeft = leftMargin(options.indicators, 12);
  return {
    ...base(env, ...aria),
    width: widthFor(env, marginLeft, 64),
    height: 30 + options.indicators.length * 32,
    marginLeft,
    marginRight: 64,
    marginTop: 24,
    x: { domain: [0, 1], label: null, grid: true, tickFormat: (v: number) => formatPercent(v, 0), axis: 'top' },
    y: { domain: options.indicators, label: null, tickSize: 0 },
    marks: [
      Plot.ruleY(options.indicators, { y: (d: string) => d, stroke: COLORS.contextLight }),
      Plot.dot(of('peer'), { x: 'value', y: 'indicator', r: 4, fill: COLORS.context, fillOpacity: 0.8, title: text, tip: env.interactive }),
      Plot.tickX(of('city'), { x: 'value', y: 'indicator', stroke: COLORS.city, strokeWidth: 2, title: text }),
      Plot.dot(of('target'), { x: 'value', y: 'indicator', symbol: 'diamond', r: 6, stroke: COLORS.target, strokeWidth: 2, fill: 'white', title: text }),
      Plot.dot(of('self'), { x: 'value', y: 'indicator', r: 7, fill: COLORS.focus, stroke: 'white', title: text, tip: env.interactive }),
      Plot.text(of('self'), { x: 'value', y: 'indicator', text: (d: StripDatum) => formatIndicator(d.indicatorId, d.value), dx: 12, textAnchor: 'start', fill: COLORS.focus, fontWeight: 'bold', ...HALO }),
    ],
  };
}

// ── monthly: cases received per month, stacked by business line in the plan's order

export interface MonthlyDatum {
  month: string;
  line: string;
  count: number;
}

export interface MonthlyOptions {
  lines: string[];
  months: string[];
  yLabel: string;
  /** The month not over yet ('YYYY-MM') and its label (截至12月4日): drawn lighter, labelled. */
  partial?: { month: string; label: string };
}

export function monthlyChart(data: MonthlyDatum[], options: MonthlyOptions, env: ChartEnv, aria: [string, string]): Plot.PlotOptions {
  const partial = options.partial;
  return {
    ...base(env, ...aria),
    height: 320,
    marginLeft: 56,
    marginTop: 28,
    x: { type: 'band', domain: options.months, label: null, tickFormat: (m: string) => (m === partial?.month ? `${formatMonth(m)}*` : formatMonth(m)) },
    y: { label: options.yLabel, grid: true },
    color: { type: 'ordinal', domain: options.lines, range: [...CATEGORY_10] },
    marks: [
      Plot.barY(data, {
        x: 'month',
        y: 'count',
        fill: 'line',
        ...(partial ? { fillOpacity: (d: MonthlyDatum) => (d.month === partial.month ? 0.4 : 1) } : {}),
        order: options.lines,
        title: (d: MonthlyDatum) => `${formatMonth(d.month)} ${d.line}\n${formatNumber(d.count)}`,
        tip: env.interactive,
        insetLeft: 2,
        insetRight: 2,
      }),
      ...(partial
        ? [
            Plot.text([partial], { x: 'month', frameAnchor: 'top', dy: -16, text: (p: { label: string }) => `*${p.label}`, fill: COLORS.city, fontSize: 11, ...HALO }),
          ]
        : []),
      Plot.ruleY([0]),
    ],
  };
}

// ── training: days and hours per person against the 12-day and 90-hour lines

export interface TrainingDatum {
  person: string;
  office: string;
  days: number;
  hours: number;
  /** complies / fails / new (joined this year, outside the rate). */
  group: string;
}

export interface TrainingOptions {
  groups: [string, string, string];
  requiredDays: number;
  requiredHours: number;
  xLabel: string;
  yLabel: string;
  daysLine: string;
  hoursLine: string;
}

export function trainingChart(data: TrainingDatum[], options: TrainingOptions, env: ChartEnv, aria: [string, string]): Plot.PlotOptions {
  const maxDays = Math.max(options.requiredDays * 2, ...data.map((d) => d.days));
  const maxHours = Math.max(options.requiredHours * 1.6, ...data.map((d) => d.hours));
  return {
    ...base(env, ...aria),
    height: 360,
    marginLeft: 56,
    marginTop: 28,
    marginRight: 24,
    marginBottom: 44,
    x: { domain: [0, maxDays * 1.04], nice: true, label: options.xLabel, labelAnchor: 'center', labelOffset: 38, grid: true },
    y: { domain: [0, maxHours * 1.04], nice: true, label: options.yLabel, grid: true },
    color: { domain: options.groups, range: [COLORS.complies, COLORS.fails, COLORS.neutral] },
    symbol: { domain: options.groups, range: ['circle', 'times', 'triangle'] },
    marks: [
      Plot.ruleX([options.requiredDays], { stroke: COLORS.target, strokeWidth: 2, strokeDasharray: '6,3' }),
      Plot.ruleY([options.requiredHours], { stroke: COLORS.target, strokeWidth: 2, strokeDasharray: '6,3' }),
      Plot.text([options.daysLine], { x: options.requiredDays, frameAnchor: 'top', dx: 6, dy: 6, textAnchor: 'start', text: (t: string) => t, fill: COLORS.target }),
      Plot.text([options.hoursLine], { y: options.requiredHours, frameAnchor: 'right', dy: -8, textAnchor: 'end', text: (t: string) => t, fill: COLORS.target }),
      Plot.dot(data, {
        x: 'days',
        y: 'hours',
        stroke: 'group',
        symbol: 'group',
        r: 4.5,
        strokeWidth: 1.6,
        title: (d: TrainingDatum) => `${d.person}（${d.office}）\n${formatNumber(d.days)} 天，${formatNumber(d.hours)} 学时`,
        tip: env.interactive,
      }),
    ],
  };
}

// ── staffing: people per category (posts in the plan's order), the legally qualified inside

export interface StaffingDatum {
  category: string;
  staff: number;
  qualified: number;
}

export interface StaffingOptions {
  staffLabel: string;
  qualifiedLabel: string;
}

export function staffingChart(data: StaffingDatum[], options: StaffingOptions, env: ChartEnv, aria: [string, string]): Plot.PlotOptions {
  const categories = data.map((d) => d.category);
  const max = Math.max(1, ...data.map((d) => d.staff));
  const marginLeft = leftMargin(categories, 12);
  return {
    ...base(env, ...aria),
    width: widthFor(env, marginLeft, 40),
    height: 40 + data.length * 30,
    marginLeft,
    marginRight: 40,
    x: { domain: [0, max], label: null, grid: true, ticks: Math.min(max, 8), tickFormat: (v: number) => (Number.isInteger(v) ? String(v) : '') },
    y: { domain: categories, label: null, tickSize: 0 },
    marks: [
      Plot.barX(data, { x: 'staff', y: 'category', fill: COLORS.staff, insetTop: 4, insetBottom: 4, title: (d: StaffingDatum) => `${d.category}\n${options.staffLabel} ${d.staff}，${options.qualifiedLabel} ${d.qualified}`, tip: env.interactive }),
      Plot.barX(data, { x: 'qualified', y: 'category', fill: COLORS.qualified, insetTop: 9, insetBottom: 9 }),
      Plot.text(data, { x: 'staff', y: 'category', text: (d: StaffingDatum) => `${d.staff}`, dx: 6, textAnchor: 'start' }),
      Plot.ruleX([0]),
    ],
  };
}

export type ChartKind = 'bars' | 'trend' | 'strip' | 'monthly' | 'training' | 'staffing';

/** Data and options of each kind. */
export interface ChartInputs {
  bars: { data: BarDatum[]; options: BarOptions };
  trend: { data: TrendDatum[]; options: TrendOptions };
  strip: { data: StripDatum[]; options: StripOptions };
  monthly: { data: MonthlyDatum[]; options: MonthlyOptions };
  training: { data: TrainingDatum[]; options: TrainingOptions };
  staffing: { data: StaffingDatum[]; options: StaffingOptions };
}

/** What the browser needs to re-render a chart (embedded as JSON beside its SVG). */
export type ChartPayload = {
  [K in ChartKind]: { kind: K; title: string; description: string; width: number } & ChartInputs[K];
}[ChartKind];

/** Plot options for a payload. */
export function plotOptions(payload: ChartPayload, env: ChartEnv): Plot.PlotOptions {
  const aria: [string, string] = [payload.title, payload.description];
  switch (payload.kind) {
    case 'bars':
      return barsChart(payload.data, payload.options, env, aria);
    case 'trend':
      return trendChart(payload.data, payload.options, env, aria);
    case 'strip':
      return stripChart(payload.data, payload.options, env, aria);
    case 'monthly':
      return monthlyChart(payload.data, payload.options, env, aria);
    case 'training':
      return trainingChart(payload.data, payload.options, env, aria);
    case 'staffing':
      return staffingChart(payload.data, payload.options, env, aria);
  }
}

export interface LegendItem {
  label: string;
  color: string;
  shape: 'square' | 'circle' | 'times' | 'triangle' | 'diamond' | 'tick' | 'line' | 'thinLine';
}

/** The legend of a chart, drawn by the page in HTML (and into downloaded SVG files). */
export function legendItems(payload: ChartPayload): LegendItem[] {
  switch (payload.kind) {
    case 'monthly':
      return payload.options.lines.map((label, i) => ({ label, color: CATEGORY_10[i % CATEGORY_10.length]!, shape: 'square' }));
    case 'training': {
      const [complies, fails, other] = payload.options.groups;
      return [
        { label: complies, color: COLORS.complies, shape: 'circle' },
        { label: fails, color: COLORS.fails, shape: 'times' },
        { label: other, color: COLORS.neutral, shape: 'triangle' },
      ];
    }
    case 'strip': {
      const l = payload.options.labels;
      return [
        { label: l.self, color: COLORS.focus, shape: 'circle' },
        { label: l.peer, color: COLORS.context, shape: 'circle' },
        { label: l.city, color: COLORS.city, shape: 'tick' },
        { label: l.target, color: COLORS.target, shape: 'diamond' },
      ];
    }
    case 'staffing':
      return [
        { label: payload.options.staffLabel, color: COLORS.staff, shape: 'square' },
        { label: payload.options.qualifiedLabel, color: COLORS.qualified, shape: 'square' },
      ];
    case 'trend':
      return [
        { label: payload.options.focusLabel, color: COLORS.focus, shape: 'line' },
        { label: payload.options.contextLabel, color: COLORS.context, shape: 'thinLine' },
      ];
    case 'bars':
      return [];
  }
}
