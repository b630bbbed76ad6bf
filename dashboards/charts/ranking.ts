// Ranking: a dot per unit on an axis zoomed to the values (so 88 and 93 look different), a stem
// from the axis' start, the city as a line, the target as a dashed line; best at the top.
// A reference row (the city, for a viewer who sees one county) is drawn as a dark diamond.
import * as Plot from '@observablehq/plot';
import { COLORS } from './palette.ts';
import { base, formatTick, formatValue, HALO, leftMargin, widthFor, zoomedDomain, type ChartEnv, type ValueFormat } from './common.ts';

export interface RankingDatum {
  label: string;
  value: number;
  href?: string | null;
  /** The unit in focus. */
  highlight?: boolean;
  /** A reference row (the city), not a ranked unit. */
  reference?: boolean;
}

export interface RankingOptions {
  format: ValueFormat;
  /** The city's value, drawn as a line with `cityLabel`. */
  city?: number | null;
  cityLabel?: string;
  target?: number | null;
  targetLabel?: string;
}

export function rankingChart(data: RankingDatum[], options: RankingOptions, env: ChartEnv, aria: [string, string]): Plot.PlotOptions {
  const rows = [...data].sort((a, b) => b.value - a.value);
  const text = (d: RankingDatum) => formatValue(options.format, d.value);
  const city = options.city ?? null;
  const target = options.target ?? null;
  const domain = zoomedDomain([...rows.map((d) => d.value), ...(city === null ? [] : [city]), ...(target === null ? [] : [target])]);
  const marginLeft = leftMargin(rows.map((d) => d.label), 13);
  const marginRight = 52;
  const width = widthFor(env, marginLeft, marginRight);
  const ranked = rows.filter((d) => !d.reference);
  const references = rows.filter((d) => d.reference);
  const fill = (d: RankingDatum) => (d.highlight ? COLORS.focus : COLORS.ranked);
  const references_ = [
    ...(city === null ? [] : [{ x: city, label: `${options.cityLabel ?? ''} ${text({ label: '', value: city })}`, color: COLORS.city, dash: null as string | null }]),
    ...(target === null ? [] : [{ x: target, label: options.targetLabel ?? '', color: COLORS.target, dash: '6,3' }]),
  ];
  // two reference labels side by side: the left one ends at its line, the right one starts at its
  const sortedRefs = [...references_].sort((a, b) => a.x - b.x);
  return {
    ...base(env, ...aria),
    width,
    height: 44 + rows.length * 30 + (references_.length > 0 ? 12 : 0),
    marginLeft,
    marginRight,
    marginTop: references_.length > 0 ? 32 : 16,
    x: { domain, label: null, grid: true, ticks: Math.max(2, Math.floor((width - marginLeft - marginRight) / 60)), tickFormat: (v: number) => formatTick(options.format, v) },
    y: { domain: rows.map((d) => d.label), label: null, tickSize: 0 },
    style: { ...base(env, ...aria).style, fontSize: '13px' },
    marks: [
      Plot.ruleY(rows, { y: 'label', x1: domain[0], x2: 'value', stroke: COLORS.contextLight, strokeWidth: 3 }),
      ...sortedRefs.map((r) =>
        Plot.ruleX([r.x], { stroke: r.color, strokeWidth: 2, ...(r.dash ? { strokeDasharray: r.dash } : {}) }),
      ),
      ...sortedRefs.map((r, i) =>
        Plot.text([r.label], {
          x: r.x,
          frameAnchor: 'top',
          dy: -14,
          text: (t: string) => t,
          fill: r.color,
          fontWeight: 'bold',
          textAnchor: sortedRefs.length > 1 ? (i === 0 ? 'end' : 'start') : r.x > (domain[0] + domain[1]) / 2 ? 'end' : 'start',
          dx: sortedRefs.length > 1 ? (i === 0 ? -4 : 4) : r.x > (domain[0] + domain[1]) / 2 ? -4 : 4,
          ...HALO,
        }),
      ),
      Plot.dot(ranked, {
        x: 'value',
        y: 'label',
        r: 7,
        fill,
        stroke: 'white',
        strokeWidth: 1.5,
        href: (d: RankingDatum) => d.href ?? null,
        ariaLabel: (d: RankingDatum) => `${d.label}：${text(d)}`,
        title: (d: RankingDatum) => `${d.label}\n${text(d)}`,
        tip: env.interactive,
      }),
      Plot.dot(references, { x: 'value', y: 'label', r: 7, symbol: 'diamond', fill: COLORS.city, ariaLabel: (d: RankingDatum) => `${d.label}：${text(d)}`, title: (d: RankingDatum) => `${d.label}\n${text(d)}` }),
      Plot.text(rows.filter((d) => !d.highlight && !d.reference), { x: 'value', y: 'label', text, dx: 11, textAnchor: 'start', fill: COLORS.city, ...HALO }),
      Plot.text(rows.filter((d) => d.highlight || d.reference), { x: 'value', y: 'label', text, dx: 11, textAnchor: 'start', fill: (d: RankingDatum) => (d.highlight ? COLORS.focus : COLORS.city), fontWeight: 'bold', ...HALO }),
    ],
  };
}
