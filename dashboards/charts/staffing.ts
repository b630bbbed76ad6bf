// Staffing: people per category (posts in the plan's order), the legally qualified inside.
import * as Plot from '@observablehq/plot';
import { COLORS } from './palette.ts';
import { base, leftMargin, widthFor, type ChartEnv } from './common.ts';

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
    x: { domain: [0, max], label: null, grid: true, ticks: Math.min(max, env.width < 500 ? 4 : 8), tickFormat: (v: number) => (Number.isInteger(v) ? String(v) : '') },
    y: { domain: categories, label: null, tickSize: 0 },
    marks: [
      Plot.barX(data, { x: 'staff', y: 'category', fill: COLORS.staff, insetTop: 4, insetBottom: 4, title: (d: StaffingDatum) => `${d.category}\n${options.staffLabel} ${d.staff}，${options.qualifiedLabel} ${d.qualified}`, tip: env.interactive }),
      Plot.barX(data, { x: 'qualified', y: 'category', fill: COLORS.qualified, insetTop: 9, insetBottom: 9 }),
      Plot.text(data, { x: 'staff', y: 'category', text: (d: StaffingDatum) => `${d.staff}`, dx: 6, textAnchor: 'start' }),
      Plot.ruleX([0]),
    ],
  };
}
