// Red / amber / green against a target (docs/decisions.md, "Dashboards"): green when the value
// meets the target, amber when it is below but within AMBER_BAND (10 percentage points), red
// otherwise. Indicators without a target have no status. Shown with an icon and a word, never
// by colour alone.
import { zh } from './i18n/zh.ts';

export type Status = 'green' | 'amber' | 'red' | 'none';

/** How far below its target a value may be and still count as "close" (a share, 0.10 = 10 points). */
export const AMBER_BAND = 0.1;

export function statusOf(value: number | null | undefined, target: number | null | undefined): Status {
  if (target === null || target === undefined || value === null || value === undefined) return 'none';
  // the same comparison as mart.indicator_values.meets_target (value ≥ target)
  if (value >= target) return 'green';
  if (value >= target - AMBER_BAND - 1e-12) return 'amber';
  return 'red';
}

/** The legend of the three statuses, with the amber band as it is (in percentage points). */
export function statusLegend(): string {
  return zh.status.legend(`${Math.round(AMBER_BAND * 100)} ${zh.units.pp}`);
}

export function statusLabel(status: Status): { label: string; icon: string } {
  return zh.status[status];
}

export type Freshness = 'ok' | 'lagging' | 'stale' | 'missing';

/** A county whose newest export of a kind is this many days behind the newest of any county lags. */
export const LAG_DAYS = 7;

/**
 * Freshness of one county's data of one kind: stale when its newest export is older than
 * `staleAfterDays` (config.staleAfterDays, the alert threshold), lagging when it is more than
 * LAG_DAYS behind the newest export of that kind, missing when it has none.
 */
export function freshnessOf(row: { last_export_date: string | null; days_since_export: number | null; days_behind_newest: number | null }, staleAfterDays: number): Freshness {
  if (row.last_export_date === null) return 'missing';
  if ((row.days_since_export ?? 0) > staleAfterDays) return 'stale';
  if ((row.days_behind_newest ?? 0) > LAG_DAYS) return 'lagging';
  return 'ok';
}
