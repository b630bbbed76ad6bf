// Strip: every indicator of one unit against the other units, the city and the target.
import * as Plot from '@observablehq/plot';
import { formatIndicator, formatPercent } from '../format.ts';
import { COLORS } from './palette.ts';
import { base, HALO, leftMargin, widthFor, type ChartEnv } from './common.ts';

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
  const fontSize = env.width < 500 ? 11 : 12;
  const marginLeft = Math.min(leftMargin(options.indicators, fontSize), Math.max(120, Math.floor(env.width * 0.45)));
  const width = widthFor(env, marginLeft, 48, 140);
  return {
    ...base(env, ...aria),
    width,
    height: 30 + options.indicators.length * 32,
    marginLeft,
    marginRight: 48,
    marginTop: 24,
    style: { ...base(env, ...aria).style, fontSize: `${fontSize}px` },
    x: { domain: [0, 1], label: null, grid: true, ticks: Math.max(2, Math.floor((width - marginLeft - 48) / 50)), tickFormat: (v: number) => formatPercent(v, 0), axis: 'top' },
    y: { domain: options.indicators, label: null, tickSize: 0, tickFormat: (name: string) => clip(name, marginLeft - 12, fontSize) },
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

/** A name cut to fit `pixels` (with an ellipsis); the full name stays in the tooltips and table. */
function clip(name: string, pixels: number, fontSize: number): string {
  let out = '';
  let width = 0;
  for (const ch of name) {
    const w = /[\u2E80-\u9FFF\uFF00-\uFFEF]/.test(ch) ? fontSize : fontSize * 0.6;
    if (width + w > pixels - fontSize) return `${out}…`;
    out += ch;
    width += w;
  }
  return out;
}
