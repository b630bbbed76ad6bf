// 数据质量 /quality — per county and source: the last export date and how fresh it is; rows
// rejected by reason with the loader's Chinese messages; the run history and what the latest
// run did with each file and which rows it rejected (file and row number, never the raw row).
import type { ChartSpec } from '../charts/render.ts';
import { dataTable, section } from '../components.ts';
import { formatDate, formatDateTime, formatNumber } from '../format.ts';
import { html } from '../html.ts';
import { zh } from '../i18n/zh.ts';
import { countyName, figure, pageHref, type Page, type PageContext } from '../page.ts';
import { reasonMessages, recentRuns, rejectedRows, runFiles } from '../queries/audit.ts';
import { freshness, rejectionsByReason } from '../queries/marts.ts';
import { LAG_DAYS, freshnessOf } from '../status.ts';

const SOURCES = ['offices', 'cases', 'training'];
const CITY = '3311';
const FRESHNESS_CLASS = { ok: 'green', lagging: 'amber', stale: 'red', missing: 'none' } as const;

/** Rejected rows listed on the page; the full list is the /api/rejects CSV. */
const ROWS_SHOWN = 100;

export const qualityPage: Page = {
  id: 'quality',
  path: '/quality',
  async render(ctx: PageContext) {
    const year = ctx.filters.year;
    const county = ctx.filters.county;
    const [fresh, reasons, messages, runs] = await Promise.all([
      freshness(ctx.db, county),
      rejectionsByReason(ctx.db, county),
      reasonMessages(ctx.connection, county),
      recentRuns(ctx.connection, 20),
    ]);
    const latest = runs[0];
    const [files, rejected] = latest ? await Promise.all([runFiles(ctx.connection, latest.run_id), rejectedRows(ctx.connection, latest.run_id, county)]) : [[], []];

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
          { content: html`${zh.reasons[code] ?? code}<br><code class="catalog-id">${code}</code>`, sort: zh.reasons[code] ?? code },
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
      ],
      rows: runs.map((r) => ({
        cells: [
          html`<code>${r.run_id}</code>`,
          zh.runTrigger[r.trigger] ?? r.trigger,
          formatDateTime(r.started_at),
          r.seconds === null ? '—' : zh.quality.seconds(r.seconds),
          html`<span class="status status-${r.status === 'success' ? 'green' : r.status === 'partial' ? 'amber' : 'red'}">${zh.runStatus[r.status] ?? r.status}</span>`,
          formatNumber(r.files_loaded),
          formatNumber(r.rows_loaded),
          formatNumber(r.rows_rejected),
          r.message ?? '',
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
    const rowsTable = dataTable({
      id: 'rejected-rows',
      caption: zh.quality.rejectedRowsCaption,
      empty: zh.quality.noRejects,
      columns: [
        { label: zh.quality.columns.fileName, sortable: true },
        { label: zh.quality.columns.sheet },
        { label: zh.quality.columns.rowNumber, numeric: true, sortable: true },
        { label: zh.quality.columns.county, sortable: true },
        { label: zh.quality.columns.reason, sortable: true },
        { label: zh.quality.columns.message, wrap: true },
      ],
      rows: rejected.slice(0, ROWS_SHOWN).map((r) => ({
        cells: [
          r.file_name,
          r.sheet ?? '—',
          { content: formatNumber(r.row_number), sort: r.row_number },
          r.county_code ? countyName(ctx, r.county_code) : '—',
          zh.reasons[r.reason_code] ?? r.reason_code,
          r.message ?? '',
        ],
      })),
    });
    const rejectsCsv = latest ? pageHref('/api/rejects', { run: latest.run_id, format: 'csv' }) : null;

    const body = html`
      <p class="lead">${zh.quality.heading}</p>
      ${section('freshness', zh.quality.freshnessHeading, html`${freshnessTable}<p class="status-legend">${zh.freshness.legend(ctx.staleAfterDays, LAG_DAYS)}</p>`)}
      <section class="panel">${figure(ctx, reasonChart, { headingLevel: 2 })}</section>
      ${section('reasons', zh.quality.rejectsHeading, reasonTable)}
      ${section('runs', zh.quality.runsHeading, runTable)}
      ${latest ? section('files', zh.quality.filesHeading(latest.run_id), html`<details><summary>${zh.quality.showFiles(files.length)}</summary>${fileTable}</details>`) : ''}
      ${latest
        ? section(
            'rejected-rows',
            zh.quality.rejectedRowsHeading(latest.run_id),
            html`<details${rejected.length <= 20 ? html` open` : ''}><summary>${zh.quality.showRows(rejected.length)}</summary>${rowsTable}</details>${rejected.length > ROWS_SHOWN ? html`<p class="panel-intro">${zh.quality.moreRows(ROWS_SHOWN, rejected.length)}</p>` : ''}
              ${rejectsCsv ? html`<p><a class="button-link" href="${rejectsCsv}" download>${zh.quality.downloadRejects}</a></p>` : ''}`,
          )
        : ''}
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
