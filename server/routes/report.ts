// GET /report?period=YYYY[&county=CODE]: the A4 report of the live figures (marked 非正式: not
// an edition) as a printable page; GET /report?edition=YYYY-MM: the monthly report of a frozen
// edition (server/editions/report.ts); GET /report.pdf?… : either printed by headless Chromium.
import type { Request, Router } from 'express';
import { zh } from '../../dashboards/i18n/zh.ts';
import { renderReport } from '../../dashboards/pages/report.ts';
import type { AppContext } from '../app-context.ts';
import { HttpError } from '../http/errors.ts';
import { pageContext, parseFilters } from './page-context.ts';
import { editionReportHtml } from '../editions/report.ts';
import { requestedEdition } from '../editions/routes.ts';

async function reportHtml(app: AppContext, req: Request, forPdf: boolean): Promise<string> {
  const edition = await requestedEdition(req, app.editions?.reader ?? null);
  if (edition) return editionReportHtml(app, req, edition, forPdf);
  return app.warehouse.use(async (session) => {
    const ctx = await pageContext(app, session, req, parseFilters(req, 'period'));
    const key = `report:${ctx.filters.year}:${ctx.filters.county}:${ctx.scope.countyCode}:${forPdf}:${ctx.today}`;
    return app.cache.get(session.generation, key, () =>
      renderReport({ ...ctx, path: '/report' }, { asOf: ctx.asOf, today: ctx.today ?? null, forPdf, reportCss: app.assets.files.get('report.css')?.body.toString('utf8') ?? '', scriptUrl: app.assets.url('app.js') }),
    );
  });
}

export function registerReport(router: Router, app: AppContext): void {
  router.get('/report', async (req, res) => {
    res.type('html').set('Cache-Control', 'private, no-store').send(await reportHtml(app, req, false)); // scoped, like the pages
  });
  router.get('/report.pdf', async (req, res) => {
    const html = await reportHtml(app, req, true);
    let pdf: Buffer;
    try {
      pdf = await app.pdf.render(html);
    } catch (error) {
      app.log.error('report: PDF rendering failed', { error: (error as Error).message });
      throw new HttpError(503, 'pdf_unavailable', zh.errors.pdfFailed);
    }
    const name = `report-${req.query.edition ?? req.query.period ?? 'latest'}${req.query.county ? `-${req.query.county}` : ''}.pdf`;
    res.type('application/pdf').attachment(name.replace(/[^\w.-]/g, '')).send(pdf);
  });
}
