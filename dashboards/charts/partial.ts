// A month that is not over yet: its bars are drawn as partial (lighter, labelled 截至12月4日)
// instead of looking like a collapse. "Today" comes from the app's clock (tests fix it).
import { zhEditions } from '../i18n/zh-editions.ts';
import type { ChartSpec } from './render.ts';

/** The monthly chart of `spec` with today's month marked partial, when the chart shows that month. */
export function markPartialMonth(spec: ChartSpec, today: string): ChartSpec {
  const { payload } = spec;
  if (payload.kind !== 'monthly') return spec;
  const month = today.slice(0, 7);
  if (!payload.options.months.includes(month)) return spec;
  const [, m, d] = today.split('-').map(Number) as [number, number, number];
  return {
    ...spec,
    payload: {
      ...payload,
      description: `${payload.description}${zhEditions.partialNote(m, d)}`,
      options: { ...payload.options, partial: { month, label: zhEditions.partialMonth(m, d) } },
    },
  };
}
