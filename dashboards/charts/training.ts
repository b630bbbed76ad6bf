// Training: days and hours per person against the 12-day and 90-hour lines. The axes stop at
// two and a half times the lines, so one person with 112 days does not squeeze everyone else into
// a corner: people beyond are drawn on the edge (their real values in the tooltip), and the
// zone below both lines (not complying) is shaded.
import * as Plot from '@observablehq/plot';
import { formatNumber } from '../format.ts';
import { COLORS } from './palette.ts';
import { base, HALO, type ChartEnv } from './common.ts';

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
  /** Words before the count of people drawn on the edge, e.g. "超出坐标范围、画在边缘". */
  clippedLabel?: string;
  /** The unit of that count (人). */
  peopleUnit?: string;
}

/** Axis ends: at most 2.5× the line, at least enough for everyone below that. */
export function trainingLimits(data: TrainingDatum[], options: Pick<TrainingOptions, 'requiredDays' | 'requiredHours'>): { days: number; hours: number } {
  const limit = (values: number[], line: number) => Math.min(line * 2.5, Math.max(line * 1.5, ...values) * 1.04);
  return { days: limit(data.map((d) => d.days), options.requiredDays), hours: limit(data.map((d) => d.hours), options.requiredHours) };
}

export function trainingChart(data: TrainingDatum[], options: TrainingOptions, env: ChartEnv, aria: [string, string]): Plot.PlotOptions {
  const limits = trainingLimits(data, options);
  const clipped = data.filter((d) => d.days > limits.days || d.hours > limits.hours);
  const shown = data.map((d) => ({ ...d, x: Math.min(d.days, limits.days), y: Math.min(d.hours, limits.hours) }));
  const title = (d: TrainingDatum) => `${d.person}（${d.office}）\n${formatNumber(d.days)} 天，${formatNumber(d.hours)} 学时`;
  return {
    ...base(env, ...aria),
    height: env.width < 500 ? 320 : 360,
    marginLeft: 48,
    marginTop: 28,
    marginRight: 24,
    marginBottom: 44,
    x: { domain: [0, limits.days], label: options.xLabel, labelAnchor: 'center', labelArrow: 'none', labelOffset: 38, grid: true, ticks: env.width < 500 ? 4 : 8 },
    y: { domain: [0, limits.hours], label: options.yLabel, labelArrow: 'none', grid: true },
    color: { domain: options.groups, range: [COLORS.complies, COLORS.fails, COLORS.neutral] },
    symbol: { domain: options.groups, range: ['circle', 'times', 'triangle'] },
    marks: [
      Plot.rect([0], { x1: 0, x2: options.requiredDays, y1: 0, y2: options.requiredHours, fill: COLORS.fails, fillOpacity: 0.07 }),
      Plot.ruleX([options.requiredDays], { stroke: COLORS.target, strokeWidth: 2, strokeDasharray: '6,3' }),
      Plot.ruleY([options.requiredHours], { stroke: COLORS.target, strokeWidth: 2, strokeDasharray: '6,3' }),
      Plot.text([options.daysLine], { x: options.requiredDays, frameAnchor: 'top', dx: 6, dy: 6, textAnchor: 'start', text: (t: string) => t, fill: COLORS.target, ...HALO }),
      Plot.text([options.hoursLine], { y: options.requiredHours, frameAnchor: 'right', dy: -8, textAnchor: 'end', text: (t: string) => t, fill: COLORS.target, ...HALO }),
      Plot.dot(shown, {
        x: 'x',
        y: 'y',
        stroke: 'group',
        symbol: 'group',
        r: 4.5,
        strokeWidth: 1.6,
        title,
        tip: env.interactive,
      }),
      ...(clipped.length > 0 && options.clippedLabel
        ? [Plot.text([`${options.clippedLabel}：${clipped.length} ${options.peopleUnit ?? ''}`], { frameAnchor: 'top-right', dy: -20, textAnchor: 'end', text: (t: string) => t, fill: COLORS.contextInk })]
        : []),
    ],
  };
}
