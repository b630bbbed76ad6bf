// Monthly: cases received per month, stacked by business line in the plan's order.
import * as Plot from '@observablehq/plot';
import { formatMonth, formatNumber } from '../format.ts';
import { CATEGORY_10, COLORS } from './palette.ts';
import { base, HALO, type ChartEnv } from './common.ts';

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
  // on a phone, every second month is named (the bars stay)
  const every = env.width < 560 && options.months.length > 8 ? 2 : 1;
  const shown = new Set(options.months.filter((_, i) => i % every === 0));
  const partial = options.partial;
  const monthLabel = (m: string) => (m === partial?.month ? `${formatMonth(m)}*` : formatMonth(m));
  return {
    ...base(env, ...aria),
    height: 320,
    marginLeft: 48,
    marginTop: 28,
    x: { type: 'band', domain: options.months, label: null, tickFormat: (m: string) => (shown.has(m) || m === partial?.month ? monthLabel(m) : '') },
    y: { label: options.yLabel, labelArrow: 'none', grid: true },
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
        insetLeft: every > 1 ? 1 : 2,
        insetRight: every > 1 ? 1 : 2,
      }),
      ...(partial
        ? [Plot.text([partial], { x: 'month', frameAnchor: 'top', dy: -16, text: (p: { label: string }) => `*${p.label}`, fill: COLORS.city, fontSize: 11, textAnchor: 'end', ...HALO })]
        : []),
      Plot.ruleY([0]),
    ],
  };
}
