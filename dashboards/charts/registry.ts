// The chart kinds by name (one module per kind, as Observable Plot keeps one mark per file): each
// turns its data and options into Plot options and names its legend. The same registry serves
// the server (SVG for the first paint and print) and the browser (redrawn at the container's width).
import type * as Plot from '@observablehq/plot';
import { barsChart, type BarDatum, type BarOptions } from './bars.ts';
import type { ChartEnv } from './common.ts';
import { monthlyChart, type MonthlyDatum, type MonthlyOptions } from './monthly.ts';
import { CATEGORY_10, COLORS } from './palette.ts';
import { rankingChart, type RankingDatum, type RankingOptions } from './ranking.ts';
import { staffingChart, type StaffingDatum, type StaffingOptions } from './staffing.ts';
import { stripChart, type StripDatum, type StripOptions } from './strip.ts';
import { trainingChart, type TrainingDatum, type TrainingOptions } from './training.ts';
import { trendChart, type TrendDatum, type TrendOptions } from './trend.ts';

/** Data and options of each kind. */
export interface ChartInputs {
  bars: { data: BarDatum[]; options: BarOptions };
  ranking: { data: RankingDatum[]; options: RankingOptions };
  trend: { data: TrendDatum[]; options: TrendOptions };
  strip: { data: StripDatum[]; options: StripOptions };
  monthly: { data: MonthlyDatum[]; options: MonthlyOptions };
  training: { data: TrainingDatum[]; options: TrainingOptions };
  staffing: { data: StaffingDatum[]; options: StaffingOptions };
}

export type ChartKind = keyof ChartInputs;

/** What the browser needs to re-render a chart (embedded as JSON beside its SVG). */
export type ChartPayload = {
  [K in ChartKind]: { kind: K; title: string; description: string; width: number } & ChartInputs[K];
}[ChartKind];

export interface LegendItem {
  label: string;
  color: string;
  shape: 'square' | 'circle' | 'times' | 'triangle' | 'diamond' | 'tick' | 'line' | 'thinLine';
}

interface KindDefinition<K extends ChartKind> {
  plot(data: ChartInputs[K]['data'], options: ChartInputs[K]['options'], env: ChartEnv, aria: [string, string]): Plot.PlotOptions;
  legend(input: ChartInputs[K]): LegendItem[];
}

const KINDS: { [K in ChartKind]: KindDefinition<K> } = {
  bars: { plot: barsChart, legend: () => [] },
  ranking: { plot: rankingChart, legend: () => [] },
  trend: {
    plot: trendChart,
    legend: ({ data, options }) => [
      ...(data.some((d) => d.emphasis) ? [{ label: options.focusLabel, color: COLORS.focus, shape: 'line' as const }] : []),
      ...(data.some((d) => !d.emphasis) ? [{ label: options.contextLabel, color: COLORS.context, shape: 'thinLine' as const }] : []),
    ],
  },
  strip: {
    plot: stripChart,
    legend: ({ data, options }) => {
      const l = options.labels;
      const has = (role: StripDatum['role']) => data.some((d) => d.role === role);
      return [
        { label: l.self, color: COLORS.focus, shape: 'circle' as const },
        ...(has('peer') ? [{ label: l.peer, color: COLORS.context, shape: 'circle' as const }] : []),
        ...(has('city') ? [{ label: l.city, color: COLORS.city, shape: 'tick' as const }] : []),
        ...(has('target') ? [{ label: l.target, color: COLORS.target, shape: 'diamond' as const }] : []),
      ];
    },
  },
  monthly: {
    plot: monthlyChart,
    legend: ({ options }) => options.lines.map((label, i) => ({ label, color: CATEGORY_10[i % CATEGORY_10.length]!, shape: 'square' as const })),
  },
  training: {
    plot: trainingChart,
    legend: ({ options }) => {
      const [complies, fails, other] = options.groups;
      return [
        { label: complies, color: COLORS.complies, shape: 'circle' },
        { label: fails, color: COLORS.fails, shape: 'times' },
        { label: other, color: COLORS.neutral, shape: 'triangle' },
      ];
    },
  },
  staffing: {
    plot: staffingChart,
    legend: ({ options }) => [
      { label: options.staffLabel, color: COLORS.staff, shape: 'square' },
      { label: options.qualifiedLabel, color: COLORS.qualified, shape: 'square' },
    ],
  },
};

function definition<K extends ChartKind>(kind: K): KindDefinition<K> {
  return KINDS[kind];
}

/** Plot options for a payload. */
export function plotOptions(payload: ChartPayload, env: ChartEnv): Plot.PlotOptions {
  const kind = definition(payload.kind) as KindDefinition<ChartKind>;
  return kind.plot(payload.data as never, payload.options as never, env, [payload.title, payload.description]);
}

/** The legend of a chart, drawn by the page in HTML (and into downloaded SVG files). */
export function legendItems(payload: ChartPayload): LegendItem[] {
  const kind = definition(payload.kind) as KindDefinition<ChartKind>;
  return kind.legend({ data: payload.data, options: payload.options } as never);
}
