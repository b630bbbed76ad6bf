// Bars: one bar per unit (a rate from 0), optionally a link each, a target line, the value at the
// bar's end; the unit in focus in the focus colour.
import * as Plot from '@observablehq/plot';
import { COLORS } from './palette.ts';
import { base, formatTick, formatValue, leftMargin, widthFor, type ChartEnv, type ValueFormat } from './common.ts';

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
  const hasTarget = options.target !== null && options.target !== undefined;
  const width = widthFor(env, marginLeft, 64);
  return {
    ...base(env, ...aria),
    width,
    height: 34 + rows.length * (options.rowHeight ?? 30),
    marginLeft,
    marginRight: 64,
    x: { domain: [0, max], label: null, tickFormat: (v: number) => formatTick(options.format, v), grid: true, ticks: Math.max(2, Math.floor((width - marginLeft - 64) / 70)) },
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
      ...(hasTarget
        ? [
            Plot.ruleX([options.target], { stroke: COLORS.target, strokeWidth: 2, strokeDasharray: '6,3' }),
            Plot.text([options.target], { x: (t: number) => t, frameAnchor: 'top', dy: -12, text: () => options.targetLabel ?? '', fill: COLORS.target, textAnchor: options.target === max ? 'end' : 'middle' }),
          ]
        : []),
      Plot.ruleX([0]),
    ],
    marginTop: hasTarget ? 28 : 20,
  };
}
