// 数据质量 /quality — first the county clerk's open rejected rows, grouped by what to fix
// (./quality-clerk.ts; admins: every county's, with counts per county and reason); submission
// freshness per county and source (newest export, days since, on-time rate); per county and
// source the last export date and how fresh it is; rows rejected by reason with the loader's
// Chinese messages; the run history (published runs merged with the run journals: failed,
// killed, running runs and skipped schedule ticks too, each with its stages, files, rejects by
// reason and data tests) and what the latest published run did with each file.
import type { ChartSpec } from '../charts/render.ts';
import { dataTable, section } from '../components.ts';
import { formatDate, formatDateTime, formatNumber } from '../format.ts';
import { html, raw, type SafeHtml } from '../html.ts';
import { zhClerk } from '../i18n/zh-clerk.ts';
import { SUBMISSION_STYLE, submissionTable } from '../submission-table.ts';
import { submissionFreshness } from '../queries/submissions.ts';
import { CLERK_STYLE, clerkSection } from './quality-clerk.ts';
import { zh } from '../i18n/zh.ts';
import { figure, pageHref, type Page, type PageContext } from '../page.ts';
import { reasonMessages, recentRuns, runFiles } from '../queries/audit.ts';
import { freshness, rejectionsByReason } from '../queries/marts.ts';
import { runHistory, runHistoryStamp, type RunHistoryEntry } from '../queries/runs.ts';
import { LAG_DAYS, freshnessOf } from '../status.ts';

const SOURCES = ['offices', 'cases', 'training'];
const CITY = '3311';
const FRESHNESS_CLASS = { ok: 'green', lagging: 'amber', stale: 'red', missing: 'none' } as const;

/** Runs in the history table; the full history is GET /api/runs (admins). */
const RUNS_SHOWN = 20;
const OUTCOME_CLASS: Record<string, string> = { success: 'green', partial: 'amber', failed: 'red', killed: 'red', running: 'none', skipped: 'none' };

export const qualityPage: Page = {
  id: 'quality',
  path: '/quality',
  // the journals change without a new warehouse (a failed run publishes nothing); the clerk's
  // filters and page are in the query; days since an export change with the date
  cacheKey: async (ctx) => `${await runHistoryStamp(ctx.runJournalDir ?? null, RUNS_SHOWN)}:${ctx.today ?? ''}:${JSON.stringify(ctx.query ?? {})}`,
  async render(ctx: PageContext) {
    const year = ctx.filters.year;
    const county = ctx.filters.county;
    const [fresh, reasons, messages, published, submissions, clerk] = await Promise.all([
      freshness(ctx.db, county),
      rejectionsByReason(ctx.db, county),
      reasonMessages(ctx.connection, county),
      recentRuns(ctx.connection, 1),
      submissionFreshness(ctx.connection, { today: ctx.today ?? new Date().toISOString().slice(0, 10), deadlineDay: ctx.submissionDeadlineDay ?? 5, county }),
      clerkSection(ctx),
    ]);
    const runs = await runHistory({ connection: ctx.connection, journalDir: ctx.runJournalDir ?? null }, RUNS_SHOWN);
    const latest = published[0];
    const files = latest ? await runFiles(ctx.connection, latest.run_id) : [];

    const counties = [...new Map(fresh.map((r) => [r.county_code, r.county_name])).entries()];
    const freshCell = (county: string, source: string) => {
      const r = fresh.find((x) => x.county_code === county && x.source === source);
      if (!r) return { content: '—' };
      const status = freshnessOf(r, ctx.staleAfterDays);
      const { icon, label } = zh.freshness[status];
      return {
        content: html`<span class="fresh-cell"><span class="status status-${FRESHNESS_CLASS[status]}"><span aria-hidden="true">${icon}</span>${label}</span>
          <span>${formatDate(r.last_export_date)}</span>
          <span class="fresh-meta">${r.days_since_export === null ? '' : zh.quality.daysAgo(r.days_since_export)}${r.days_behind_newest ? `，${zh.quality.behind(r.days_behind_newest)}` : ''}</span></span>`,
        sort: r.days_since_export ?? 1e9,
      };
    };
    const freshnessTable = dataTable({
      id: 'freshness',
      caption: zh.quality.freshnessCaption,
      columns: [
        { label: zh.quality.columns.county, sortable: true },
        ...SOURCES.map((source) => ({ label: zh.sources[source] ?? source, sortable: true })),
        { label: zh.quality.columns.rejected, numeric: true, sortable: true },
      ],
      rows: counties.map(([code, name]) => {
        const rejectedRows = fresh.filter((r) => r.county_code === code).reduce((sum, r) => sum + r.rejected_rows, 0);
        return {
          ...(code === CITY ? { className: 'total-row' } : {}),
          cells: [name, ...SOURCES.map((source) => freshCell(code, source)), { content: formatNumber(rejectedRows), sort: rejectedRows }],
        };
      }),
    });

    const byReason = new Map<string, number>();
    for (const r of reasons) byReason.set(r.reason_code, (byReason.get(r.reason_code) ?? 0) + r.rejected_rows);
    const reasonChart: ChartSpec = {
      id: 'rejections',
      payload: {
        kind: 'bars',
        title: zh.quality.rejectsChartTitle,
        description: zh.quality.rejectsChartDescription,
        width: 1100,
        data: [...byReason].map(([code, rows]) => ({ label: zh.reasons[code] ?? code, value: rows })),
        options: { format: 'count' },
      },
      table: {
        columns: [
          { key: 'code', label: zh.quality.columns.reasonCode },
          { key: 'reason', label: zh.quality.columns.reason },
          { key: 'source', label: zh.quality.columns.source },
          { key: 'rows', label: zh.quality.columns.rows },
        ],
        rows: reasons.map((r) => ({ code: r.reason_code, reason: zh.reasons[r.reason_code] ?? r.reason_code, source: zh.sources[r.source ?? ''] ?? r.source, rows: r.rejected_rows })),
      },
    };
    const reasonTable = dataTable({
      id: 'reasons',
      caption: zh.quality.rejectsCaption,
      empty: zh.quality.noRejects,
      columns: [
        { label: zh.quality.columns.reason, sortable: true },
        { label: zh.quality.columns.rows, numeric: true, sortable: true },
        { label: zh.quality.examples, wrap: true },
      ],
      rows: [...byReason].map(([code, rows]) => ({
        cells: [
          { content: html`<span data-reason="${code}">${zh.reasons[code] ?? code}</span>`, sort: zh.reasons[code] ?? code },
          { content: formatNumber(rows), sort: rows },
          html`<ul class="examples">${messages.filter((m) => m.reason_code === code).map((m) => html`<li>${m.message ?? ''}（${formatNumber(m.rows)}）</li>`)}</ul>`,
        ],
      })),
    });

    const runTable = dataTable({
      id: 'runs',
      caption: zh.quality.runsCaption,
      empty: zh.quality.noRuns,
      columns: [
        { label: zh.quality.columns.runId },
        { label: zh.quality.columns.trigger },
        { label: zh.quality.columns.startedAt },
        { label: zh.quality.columns.duration, numeric: true },
        { label: zh.quality.columns.outcome },
        { label: zh.quality.columns.files, numeric: true },
        { label: zh.quality.columns.rowsLoaded, numeric: true },
        { label: zh.quality.columns.rowsRejected, numeric: true },
        { label: zh.quality.columns.message, wrap: true },
        { label: zh.runHistory.details, wrap: true },
      ],
      rows: runs.map((r) => ({
        ...(r.outcome === 'failed' || r.outcome === 'killed' ? { className: 'run-not-published' } : {}),
        cells: [
          html`<code>${r.run_id}</code>`,
          zh.runTrigger[r.trigger] ?? r.trigger,
          formatDateTime(r.started_at),
          r.seconds === null ? '—' : zh.quality.seconds(r.seconds),
          html`<span class="status status-${OUTCOME_CLASS[r.outcome] ?? 'none'}" data-outcome="${r.outcome}">${zh.runStatus[r.outcome] ?? r.outcome}</span>`,
          r.outcome === 'skipped' ? '—' : formatNumber(r.files_loaded),
          r.outcome === 'skipped' ? '—' : formatNumber(r.rows_loaded),
          r.outcome === 'skipped' ? '—' : formatNumber(r.rows_rejected),
          runMessage(r),
          r.outcome === 'skipped' ? '' : runDetails(r),
        ],
      })),
    });
    const fileTable = dataTable({
      id: 'files',
      caption: zh.quality.filesCaption,
      columns: [
        { label: zh.quality.columns.fileName, sortable: true },
        { label: zh.quality.columns.kind, sortable: true },
        { label: zh.quality.columns.exportDate, sortable: true },
        { label: zh.quality.columns.fileStatus, sortable: true },
        { label: zh.quality.columns.rowsLoaded, numeric: true, sortable: true },
        { label: zh.quality.columns.rowsRejected, numeric: true, sortable: true },
        { label: zh.quality.columns.message, wrap: true },
      ],
      rows: files.map((f) => ({
        cells: [
          f.file_name,
          zh.fileKind[f.kind ?? ''] ?? f.kind ?? '—',
          formatDate(f.export_date),
          zh.fileStatus[f.status] ?? f.status,
          { content: formatNumber(f.rows_loaded), sort: f.rows_loaded ?? -1 },
          { content: formatNumber(f.rows_rejected), sort: f.rows_rejected ?? -1 },
          f.message ?? '',
        ],
      })),
    });
    const body = html`
      <style>${raw(CLERK_STYLE + SUBMISSION_STYLE)}</style>
      <p class="lead">${zh.quality.heading}</p>
      ${clerk}
      ${section('submissions', zhClerk.freshness.heading, submissionTable(submissions, { id: 'submissions', staleAfterDays: ctx.staleAfterDays }), zhClerk.freshness.intro(ctx.submissionDeadlineDay ?? 5))}
      ${section('freshness', zh.quality.freshnessHeading, html`${freshnessTable}<p class="status-legend">${zh.freshness.legend(ctx.staleAfterDays, LAG_DAYS)}</p>`)}
      <section class="panel">${figure(ctx, reasonChart, { headingLevel: 2 })}</section>
      ${section('reasons', zh.quality.rejectsHeading, reasonTable)}
      ${section('runs', zh.quality.runsHeading, runTable)}
      ${latest ? section('files', zh.quality.filesHeading(latest.run_id), html`<details><summary>${zh.quality.showFiles(files.length)}</summary>${fileTable}</details>`) : ''}
    `;
    return {
      title: zh.quality.title,
      breadcrumbs: [{ label: zh.nav.overview, href: pageHref('/', { year }) }, { label: zh.quality.title }],
      nav: 'quality',
      countyFilter: true,
      body,
      charts: [reasonChart],
    };
  },
};

/** The run's message, with what a run that published nothing means for the dashboards. */
function runMessage(run: RunHistoryEntry): string {
  if (run.outcome === 'skipped' && run.skipped) {
    const holder = run.skipped.holder;
    const trigger = zh.runTrigger[holder.trigger] ?? holder.trigger;
    return zh.runHistory.skipped(run.skipped.ticks, zh.refresh.holder(trigger, holder.pid, holder.run_id));
  }
  if (run.outcome === 'killed') return zh.runHistory.killed;
  if (run.outcome === 'running') return zh.runHistory.running;
  const message = (run.message ?? '').replace(/。$/, '');
  // a message that already says it was not published needs no second word of it
  if (run.published || message.includes('未发布')) return message;
  return [message, zh.runHistory.notPublished].filter(Boolean).join('；');
}

/** Stages, files, rejects by reason and data tests of one run, folded away. */
function runDetails(run: RunHistoryEntry): SafeHtml {
  const stages = Object.entries(run.stages ?? {}).filter(([, seconds]) => seconds > 0);
  const reasons = Object.entries(run.rejected_by_reason).sort((a, b) => b[1] - a[1]);
  const tests = run.tests;
  return html`<details class="run-details"><summary>${zh.runHistory.details}</summary>
    <h3>${zh.runHistory.stagesHeading}</h3>
    <p>${stages.length === 0 ? '—' : stages.map(([stage, seconds]) => `${zh.runHistory.stages[stage] ?? stage} ${zh.quality.seconds(seconds)}`).join(' · ')}</p>
    <h3>${zh.runHistory.filesHeading}</h3>
    ${run.files.length === 0
      ? html`<p>${zh.runHistory.noFiles}</p>`
      : html`<ul>${run.files.map(
          (f) =>
            html`<li>${f.file_name}（${zh.fileKind[f.kind ?? ''] ?? f.kind ?? '—'}${f.export_date ? `，${formatDate(f.export_date)}` : ''}）：${zh.fileStatus[f.status] ?? f.status}，${zh.quality.columns.rowsLoaded} ${formatNumber(f.rows_loaded)}，${zh.quality.columns.rowsRejected} ${formatNumber(f.rows_rejected)}${f.message ? `；${f.message}` : ''}</li>`,
        )}</ul>`}
    ${reasons.length === 0
      ? ''
      : html`<h3>${zh.runHistory.reasonsHeading}</h3><ul>${reasons.map(([code, n]) => html`<li>${zh.reasons[code] ?? code}：${formatNumber(n)}</li>`)}</ul>`}
    <h3>${zh.runHistory.testsHeading}</h3>
    ${tests.total === 0
      ? html`<p>${zh.runHistory.noTests}</p>`
      : html`<p>${zh.runHistory.testsSummary(tests.total, tests.passed, tests.failed_error, tests.failed_warn)}</p>
          ${tests.not_passed.length === 0
            ? ''
            : html`<ul>${tests.not_passed.map(
                (t) =>
                  html`<li>${zh.runHistory.testSeverity[t.severity] ?? t.severity}·${zh.runHistory.testStatus[t.status] ?? t.status}：<code>${t.name}</code>${t.status === 'fail' ? `（${zh.runHistory.failures(t.failures)}）` : ''}</li>`,
              )}</ul>`}`}
  </details>`;
}
