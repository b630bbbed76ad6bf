// What every chart kind shares: the environment it is drawn in, value formats, label widths,
// margins, the white halo behind labels and the base Plot options (Chinese ARIA title).
import { formatNumber, formatPercent, formatScore } from '../format.ts';
import { FONT_FAMILY } from './palette.ts';

export interface ChartEnv {
  /** In the browser: pointer tips; on the server: native <title> tooltips only. */
  interactive: boolean;
  width: number;
}

export type ValueFormat = 'percent' | 'score' | 'count';

export function formatValue(format: ValueFormat, value: number): string {
  if (format === 'percent') return formatPercent(value);
  if (format === 'score') return formatScore(value);
  return formatNumber(value);
}

/** Axis ticks: whole percents or scores, plain counts. */
export function formatTick(format: ValueFormat, value: number): string {
  if (format === 'percent') return formatPercent(value, 0);
  if (format === 'score') return (value * 100).toFixed(0);
  return formatNumber(value);
}

/** Width in pixels of a label at `fontSize`: CJK characters are a full em, others about half. */
export function labelWidth(text: string, fontSize: number): number {
  let em = 0;
  for (const ch of text) em += /[\u2E80-\u9FFF\uFF00-\uFFEF]/.test(ch) ? 1 : 0.6;
  return Math.ceil(em * fontSize);
}

export function leftMargin(labels: string[], fontSize = 12): number {
  return Math.max(40, ...labels.map((l) => labelWidth(l, fontSize))) + 16;
}

/** The chart's width: the container's, but never so narrow that the margins leave no room for data. */
export function widthFor(env: ChartEnv, marginLeft: number, marginRight: number, minData = 160): number {
  return Math.max(env.width, marginLeft + marginRight + minData);
}

/** A white outline behind value labels, so dots and lines under them do not hide them. */
export const HALO = { stroke: 'white', strokeWidth: 4, paintOrder: 'stroke' } as const;

export const base = (env: ChartEnv, ariaLabel: string, ariaDescription: string) => ({
  width: env.width,
  ariaLabel,
  ariaDescription,
  style: { fontFamily: FONT_FAMILY, fontSize: '12px', overflow: 'visible' },
});

/**
 * A domain that shows the differences: from a little below the smallest value to a little above
 * the largest, on round steps (0.05 for shares), never beyond [0, 1] for shares.
 */
export function zoomedDomain(values: number[], options: { step?: number; pad?: number; bounded?: boolean } = {}): [number, number] {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return [0, 1];
  const step = options.step ?? 0.05;
  const pad = options.pad ?? 0.02;
  let lo = Math.floor((Math.min(...finite) - pad) / step) * step;
  let hi = Math.ceil((Math.max(...finite) + pad) / step) * step;
  if (options.bounded ?? true) {
    lo = Math.max(0, lo);
    hi = Math.min(1, hi);
  }
  if (hi - lo < step) hi = lo + step;
  return [Number(lo.toFixed(4)), Number(hi.toFixed(4))];
}

/**
 * Labels at the ends of lines, moved apart vertically so none overlaps another: positions are
 * values on a linear y scale of `domain` drawn over `pixels`; returns each label's value to draw at.
 */
export function dodgeLabels(values: number[], domain: [number, number], pixels: number, gap = 14): number[] {
  const perPixel = (domain[1] - domain[0]) / Math.max(1, pixels);
  const order = values.map((v, i) => ({ v, i })).sort((a, b) => b.v - a.v);
  const placed = new Array<number>(values.length);
  let previous = Infinity;
  for (const { v, i } of order) {
    const y = Math.min(v, previous - gap * perPixel);
    placed[i] = y;
    previous = y;
  }
  // pushed below the axis: shift the whole column up by what overflowed
  const lowest = Math.min(...placed);
  if (lowest < domain[0]) {
    const shift = domain[0] - lowest;
    for (let i = 0; i < placed.length; i++) placed[i] = placed[i]! + shift;
  }
  return placed;
}
