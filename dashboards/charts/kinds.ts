// The chart kinds, one module each (bars.ts, ranking.ts, trend.ts, strip.ts, monthly.ts,
// training.ts, staffing.ts), gathered by registry.ts; this module keeps the old import path.
export type { ChartEnv, ValueFormat } from './common.ts';
export type { BarDatum, BarOptions } from './bars.ts';
export type { RankingDatum, RankingOptions } from './ranking.ts';
export type { TrendDatum, TrendOptions } from './trend.ts';
export type { StripDatum, StripOptions } from './strip.ts';
export type { MonthlyDatum, MonthlyOptions } from './monthly.ts';
export type { TrainingDatum, TrainingOptions } from './training.ts';
export type { StaffingDatum, StaffingOptions } from './staffing.ts';
export { barsChart } from './bars.ts';
export { rankingChart } from './ranking.ts';
export { trendChart } from './trend.ts';
export { stripChart } from './strip.ts';
export { monthlyChart } from './monthly.ts';
export { trainingChart } from './training.ts';
export { staffingChart } from './staffing.ts';
export { legendItems, plotOptions, type ChartInputs, type ChartKind, type ChartPayload, type LegendItem } from './registry.ts';
