// The submission freshness table (数据质量 and 总览): a row per county, a cell per source with
// the newest export date, days since and the on-time rate of the last 12 due months. A cell is
// flagged when the newest export is older than staleAfterDays (the stale-export alert's rule).
import { dataTable } from './components.ts';
import { html, type SafeHtml } from './html.ts';
import { zhClerk } from './i18n/zh-clerk.ts';
import { zh } from './i18n/zh.ts';
import type { SubmissionFreshness } from './queries/submissions.ts';

const SOURCES = ['offices', 'cases', 'training'] as const;

export function submissionTable(rows: SubmissionFreshness[], options: { id: string; staleAfterDays: number }): SafeHtml {
  const t = zhClerk.freshness;
  const counties = [...new Map(rows.map((r) => [r.county_code, r.county_name])).entries()];
  const cell = (r: SubmissionFreshness | undefined) => {
    if (!r || r.newest_export_date === null) return { content: html`<span class="submission-none">${t.none}</span>`, sort: 1e9 };
    const stale = (r.days_since ?? 0) > options.staleAfterDays;
    const rate = r.months_due > 0 ? t.onTimeValue(r.months_on_time, r.months_due) : '—';
    return {
      content: html`<span class="submission-cell${stale ? ' submission-stale' : ''}" data-source="${r.source}" data-days="${String(r.days_since)}">
        <span class="submission-date">${r.newest_export_date}</span>
        <span class="submission-meta">${t.days(r.days_since ?? 0)}${stale ? html` · <strong>${t.stale}</strong>` : ''}</span>
        <span class="submission-meta">${t.onTime} ${rate}</span></span>`,
      sort: r.days_since ?? 1e9,
    };
  };
  return dataTable({
    id: options.id,
    caption: t.caption,
    columns: [{ label: t.county, sortable: true }, ...SOURCES.map((s) => ({ label: zh.sources[s] ?? s, sortable: true }))],
    rows: counties.map(([code, name]) => ({
      cells: [name, ...SOURCES.map((s) => cell(rows.find((r) => r.county_code === code && r.source === s)))],
    })),
  });
}

/** Page-local styles of the table (scoped to its classes). */
export const SUBMISSION_STYLE = `
.submission-cell{display:flex;flex-direction:column;gap:.1rem;white-space:normal}
.submission-date{font-variant-numeric:tabular-nums}
.submission-meta{font-size:.8rem;color:#4a535c}
.submission-stale .submission-date,.submission-stale strong{color:#8c1d18}
.submission-none{color:#6b737b}
`;
