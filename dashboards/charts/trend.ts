// Trend: a line per unit over years on an axis zoomed to the values; the emphasised one dark,
// thick, with its values; every line named at its end (labels moved apart so none overlaps).
import * as Plot from '@observablehq/plot';
import { COLORS } from './palette.ts';
import { base, dodgeLabels, formatTick, formatValue, HALO, labelWidth, zoomedDomain, type ChartEnv, type ValueFormat } from './common.ts';

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

const HEIGHT = 300;
const MARGIN_TOP = 28;
const MARGIN_BOTTOM = 30;

export function trendChart(data: TrendDatum[], options: TrendOptions, env: ChartEnv, aria: [string, string]): Plot.PlotOptions {
  const periods = [...new Set(data.map((d) => d.period))].sort();
  const text = (d: TrendDatum) => formatValue(options.format, d.value);
  const context = data.filter((d) => !d.emphasis);
  const focus = data.filter((d) => d.emphasis);
  const domain = zoomedDomain(data.map((d) => d.value));
  // each series' last point, named at the line's end
  const lastOf = new Map<string, TrendDatum>();
  for (const d of data) if (!lastOf.has(d.series) || d.period > lastOf.get(d.series)!.period) lastOf.set(d.series, d);
  const ends = [...lastOf.values()];
  const placed = dodgeLabels(ends.map((d) => d.value), domain, HEIGHT - MARGIN_TOP - MARGIN_BOTTOM, 15);
  const labels = ends.map((d, i) => ({ ...d, labelAt: placed[i]! }));
  const marginRight = Math.max(60, ...ends.map((d) => labelWidth(`${d.series} ${text(d)}`, 12))) + 16;
  return {
    ...base(env, ...aria),
    height: HEIGHT,
    marginLeft: 44,
    marginRight,
    marginTop: MARGIN_TOP,
    marginBottom: MARGIN_BOTTOM,
    x: { type: 'point', domain: periods, label: null, padding: 0.3, tickFormat: (p: string) => `${p}${options.xLabel}` },
    y: { domain, label: options.yLabel, labelArrow: 'none', grid: true, ticks: 5, tickFormat: (v: number) => formatTick(options.format, v) },
    marks: [
      Plot.lineY(context, { x: 'period', y: 'value', z: 'series', stroke: COLORS.context, strokeWidth: 1.5 }),
      Plot.dot(context, { x: 'period', y: 'value', fill: COLORS.context, r: 3, title: (d: TrendDatum) => `${d.series} ${d.period}\n${text(d)}`, tip: env.interactive }),
      Plot.lineY(focus, { x: 'period', y: 'value', z: 'series', stroke: COLORS.focus, strokeWidth: 3 }),
      Plot.dot(focus, { x: 'period', y: 'value', fill: COLORS.focus, r: 5, title: (d: TrendDatum) => `${d.series} ${d.period}\n${text(d)}`, tip: env.interactive }),
      // values along the emphasised line (the last one is in its end label)
      Plot.text(focus.filter((d) => d.period !== periods[periods.length - 1]), { x: 'period', y: 'value', text, dy: -12, fill: COLORS.focus, fontWeight: 'bold', ...HALO }),
      Plot.text(labels.filter((d) => !d.emphasis), { x: 'period', y: 'labelAt', text: (d: TrendDatum) => `${d.series} ${text(d)}`, dx: 10, textAnchor: 'start', fill: COLORS.contextInk, ...HALO }),
      Plot.text(labels.filter((d) => d.emphasis), { x: 'period', y: 'labelAt', text: (d: TrendDatum) => `${d.series} ${text(d)}`, dx: 10, textAnchor: 'start', fill: COLORS.focus, fontWeight: 'bold', ...HALO }),
    ],
  };
}
