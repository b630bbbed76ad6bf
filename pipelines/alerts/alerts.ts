// What a finished run should alert on, as plain data (no I/O here): the run failed or was
// killed; data tests did not pass (errors, which block publishing, apart from warnings, which
// are only recorded); counties whose newest export of a kind is older than staleAfterDays.
import type { RunJournal } from '../run/journal.ts';
import { alertTexts as t } from './texts.ts';

export type AlertKind = 'run_failed' | 'run_killed' | 'data_tests_error' | 'data_tests_warn' | 'stale_exports';

export interface Alert {
  kind: AlertKind;
  severity: 'error' | 'warn';
  /** Chinese, one line. */
  title: string;
  /** Chinese, for the people who act on it. */
  message: string;
  run_id: string | null;
  /** Machine-readable facts (names of tests, counties and dates; never personal data). */
  details: Record<string, unknown>;
}

/** A county's newest export of one kind, too old (from mart.data_freshness). */
export interface StaleExport {
  county_code: string;
  county_name: string;
  source: string;
  last_export_date: string;
  days_since_export: number;
}

export function runAlerts(run: RunJournal, stale: readonly StaleExport[], staleAfterDays: number): Alert[] {
  const alerts: Alert[] = [];
  if (run.outcome === 'failed') {
    alerts.push({
      kind: 'run_failed',
      severity: 'error',
      title: t.runFailed.title(run.run_id),
      message: t.runFailed.message(run.trigger, run.message),
      run_id: run.run_id,
      details: { trigger: run.trigger, started_at: run.started_at, finished_at: run.finished_at },
    });
  }
  for (const severity of ['error', 'warn'] as const) {
    const failing = run.tests.not_passed.filter((test) => test.severity === severity);
    if (failing.length === 0) continue;
    const texts = severity === 'error' ? t.testsError : t.testsWarn;
    alerts.push({
      kind: severity === 'error' ? 'data_tests_error' : 'data_tests_warn',
      severity,
      title: texts.title(failing.length),
      message: texts.message(failing.map((test) => t.failing(test.name, test.failures, test.status))),
      run_id: run.run_id,
      details: { tests: failing.map(({ name, subject, status, failures }) => ({ name, subject, status, failures })) },
    });
  }
  const staleAlert = staleExportsAlert(stale, staleAfterDays, run.run_id);
  if (staleAlert) alerts.push(staleAlert);
  return alerts;
}

export function staleExportsAlert(stale: readonly StaleExport[], staleAfterDays: number, runId: string | null): Alert | undefined {
  if (stale.length === 0) return undefined;
  const counties = new Set(stale.map((s) => s.county_code));
  return {
    kind: 'stale_exports',
    severity: 'warn',
    title: t.stale.title(counties.size, staleAfterDays),
    message: t.stale.message(stale.map((s) => t.stale.item(s.county_name, s.source, s.last_export_date, s.days_since_export))),
    run_id: runId,
    details: { stale_after_days: staleAfterDays, exports: stale.map((s) => ({ ...s })) },
  };
}

/** A refresh process that died by a signal it was not asked to stop with (seen by the server). */
export function killedRunAlert(runId: string | null, signal: string): Alert {
  return {
    kind: 'run_killed',
    severity: 'error',
    title: t.runKilled.title(runId),
    message: t.runKilled.message(signal),
    run_id: runId,
    details: { signal },
  };
}
