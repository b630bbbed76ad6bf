// GET /api/audit?from=&to=&user=&action=&limit= (admin): the audit log, newest first, JSON or
// ?format=csv (UTF-8 with BOM, Chinese headers); and the 审计日志 page (/audit) with the same
// filters as a plain GET form and a CSV link. Dates are Beijing calendar days, both inclusive;
// the page and the CSV show Beijing time (北京时间), JSON the stored ISO UTC instant.
import type { Request, Router } from 'express';
import { zhAudit } from '../../dashboards/i18n/zh-audit.ts';
import { zh } from '../../dashboards/i18n/zh.ts';
import { readAuditEvents, type AuditFilter, type AuditLine } from '../../pipelines/audit-log/index.ts';
import type { RouteModule } from '../app-context.ts';
import { escapeHtml } from '../auth/login-page.ts';
import { toCsv, type CsvColumn } from '../http/csv.ts';
import { HttpError } from '../http/errors.ts';
import { queryParam } from '../http/params.ts';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const NAME = /^[\p{L}\p{N}_.@:-]{1,128}$/u;
const ACTION = /^[a-z_.]{1,64}$/;
const JSON_LIMIT = 1000;
const MAX_JSON_LIMIT = 10_000;
const CSV_LIMIT = 100_000;
const PAGE_LIMIT = 500;

const t = zhAudit.audit;
const COLUMNS: CsvColumn[] = (['time', 'user', 'role', 'county', 'address', 'action', 'target', 'outcome', 'rows', 'bytes', 'detail'] as const).map((key) => ({ key, label: t.columns[key] }));

function dayStart(date: string): number {
  const ms = Date.parse(`${date}T00:00:00+08:00`);
  if (Number.isNaN(ms)) throw new HttpError(400, 'bad_parameter', t.badDate);
  return ms;
}

function filterOf(req: Request, limit: number): AuditFilter {
  const from = queryParam(req, 'from', DATE, t.badDate);
  const to = queryParam(req, 'to', DATE, t.badDate);
  const user = queryParam(req, 'user', NAME, '用户名');
  const action = queryParam(req, 'action', ACTION, '如 auth.login、console.query、http');
  return {
    limit,
    ...(from ? { fromMs: dayStart(from) } : {}),
    ...(to ? { toMs: dayStart(to) + 86_400_000 - 1 } : {}),
    ...(user ? { user } : {}),
    ...(action ? { action } : {}),
  };
}

/** For people (the page and CSV): Beijing time, `2026-03-02 09:00:00.123`; JSON keeps ISO UTC. */
function beijingTime(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : new Date(ms + 8 * 3600_000).toISOString().replace('T', ' ').slice(0, 23);
}

function flat(line: AuditLine): Record<string, unknown> {
  return { ...line, time: beijingTime(line.time), detail: line.detail ? JSON.stringify(line.detail) : null };
}

export function auditRoutes(options: { dir: string; retentionDays: number }): RouteModule {
  return (router: Router, app) => {
    router.get('/api/audit', async (req, res) => {
      const csv = req.query.format === 'csv';
      if (req.query.format !== undefined && !csv) throw new HttpError(400, 'bad_parameter', zh.errors.badParameter('format', 'csv'));
      const limitText = queryParam(req, 'limit', /^\d{1,6}$/, `1–${MAX_JSON_LIMIT}`);
      const limit = csv ? CSV_LIMIT : Math.min(Math.max(Number(limitText ?? JSON_LIMIT), 1), MAX_JSON_LIMIT);
      const page = await readAuditEvents(options.dir, filterOf(req, limit));
      if (csv) {
        res.type('text/csv; charset=utf-8').attachment('audit.csv');
        if (page.truncated) res.setHeader('X-Result-Truncated', String(CSV_LIMIT));
        res.send(toCsv(COLUMNS, page.rows.map(flat)));
        return;
      }
      res.json({ rows: page.rows, truncated: page.truncated, limit });
    });

    router.get('/audit', async (req, res) => {
      const page = await readAuditEvents(options.dir, filterOf(req, PAGE_LIMIT));
      const value = (name: string) => escapeHtml(typeof req.query[name] === 'string' ? (req.query[name] as string) : '');
      const query = new URLSearchParams();
      for (const key of ['from', 'to', 'user', 'action']) if (typeof req.query[key] === 'string' && req.query[key]) query.set(key, req.query[key] as string);
      query.set('format', 'csv');
      const rows = page.rows
        .map((line) => `<tr>${COLUMNS.map((c) => `<td>${escapeHtml(String(flat(line)[c.key] ?? ''))}</td>`).join('')}</tr>`)
        .join('\n');
      res.type('html').set('Cache-Control', 'no-store').send(`<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(t.title)} · ${escapeHtml(zh.login.product)}</title>
<link rel="stylesheet" href="${escapeHtml(app.assets.url('styles.css'))}">
<link rel="icon" href="data:,">
</head>
<body>
<header class="site-header"><div class="site-header-inner">
<a class="brand" href="/"><span class="brand-mark" aria-hidden="true">法</span><span class="brand-text"><span class="brand-title">${escapeHtml(zh.app.title)}</span></span></a>
<nav class="main-nav" aria-label="${escapeHtml(zh.app.mainNav)}"><ul><li><a href="/">${escapeHtml(zh.nav.overview)}</a></li><li><a href="/audit" aria-current="page">${escapeHtml(t.title)}</a></li></ul></nav>
</div></header>
<main id="main" tabindex="-1">
<h1>${escapeHtml(t.title)}</h1>
<p>${escapeHtml(t.intro(options.retentionDays))}</p>
<form class="filters" method="get" action="/audit">
<label class="filter"><span>${escapeHtml(t.from)}</span><input type="date" name="from" value="${value('from')}"></label>
<label class="filter"><span>${escapeHtml(t.to)}</span><input type="date" name="to" value="${value('to')}"></label>
<label class="filter"><span>${escapeHtml(t.user)}</span><input name="user" value="${value('user')}"></label>
<label class="filter"><span>${escapeHtml(t.action)}</span><input name="action" value="${value('action')}" placeholder="auth / console.query"></label>
<button type="submit" class="apply-button">${escapeHtml(t.apply)}</button>
<a href="/api/audit?${escapeHtml(query.toString())}" download>${escapeHtml(t.csv)}</a>
</form>
${page.truncated ? `<p role="status">${escapeHtml(t.truncated(PAGE_LIMIT))}</p>` : ''}
${page.rows.length === 0 ? `<p>${escapeHtml(t.empty)}</p>` : `<div class="table-wrap"><table class="data-table" id="audit-table">
<thead><tr>${COLUMNS.map((c) => `<th scope="col">${escapeHtml(c.label)}</th>`).join('')}</tr></thead>
<tbody>
${rows}
</tbody></table></div>`}
</main>
</body>
</html>`);
    });
  };
}
