// The dashboard pages: each module of dashboards/pages/ at its path. A page is rendered once per
// warehouse generation, filter and scope, then served from the cache; `?chart=ID&format=csv|xlsx|svg`
// on a page's URL downloads one of its charts (its data as CSV or Excel, or its picture).
import type { Request, Response, Router } from 'express';
import { standaloneSvg, type ChartSpec } from '../../dashboards/charts/render.ts';
import { zh } from '../../dashboards/i18n/zh.ts';
import { layout } from '../../dashboards/layout.ts';
import type { Page, PageContext } from '../../dashboards/page.ts';
import { PAGES } from '../../dashboards/pages/index.ts';
import type { AppContext } from '../app-context.ts';
import { toCsv } from '../http/csv.ts';
import { toXlsx, XLSX_TYPE } from '../http/xlsx.ts';
import { HttpError, badParameter, notFound } from '../http/errors.ts';
import { queryParam } from '../http/params.ts';
import type { WarehouseSession } from '../warehouse.ts';
import { pageContext, parseFilters } from './page-context.ts';
import { markDifferences } from '../../dashboards/edition-badge.ts';
import { raw } from '../../dashboards/html.ts';

interface RenderedPage {
  html: string;
  charts: Map<string, ChartSpec>;
  redirect?: string;
}

/** Path parameters are codes: anything else names no unit. */
const PARAM = /^[0-9A-Za-z_-]{1,64}$/;

export function registerPages(router: Router, app: AppContext): void {
  for (const page of PAGES) {
    router.get(page.path, async (req, res) => {
      const params = Object.fromEntries(
        Object.entries(req.params as Record<string, string>).map(([k, v]) => {
          if (!PARAM.test(v)) throw notFound(zh.errors.unitNotFound);
          return [k, v.toUpperCase()];
        }),
      );
      const chart = queryParam(req, 'chart', /^[a-z0-9-]{1,40}$/, zh.errors.hints.chart);
      const rendered = await app.warehouse.use((session) => renderPage(app, session, page, req, params));
      if (rendered.redirect) {
        res.redirect(303, rendered.redirect);
        return;
      }
      if (chart) {
        await sendChart(req, res, rendered.charts.get(chart));
        return;
      }
      res.type('html').set('Cache-Control', 'private, no-store').send(rendered.html); // scoped to the user: never kept by a shared cache or the browser
    });
  }
}

async function renderPage(app: AppContext, session: WarehouseSession, page: Page, req: Request, params: Record<string, string>): Promise<RenderedPage> {
  const ctx = await pageContext(app, session, req, parseFilters(req));
  const pageCtx = { ...ctx, path: pathOf(page, params) } satisfies PageContext;
  const extra = page.cacheKey ? await page.cacheKey(pageCtx) : '';
  // editions: the one shown (?edition=, pages that offer it), else the last one, whose figures
  // the live page is compared with (a badge on each that differs)
  const shown = ctx.edition ?? null;
  const lastEdition = shown ? undefined : ctx.editions?.at(-1);
  const last = lastEdition && app.editions ? await app.editions.reader.manifest(lastEdition) : undefined;
  const editionKey = `${shown?.manifest.edition ?? ''}:${last?.sha256 ?? ''}:${ctx.today}`;
  const key = `page:${page.id}:${JSON.stringify(params)}:${ctx.filters.year}:${ctx.filters.county}:${ctx.scope.role}:${ctx.scope.countyCode}:${extra}:${editionKey}`;
  return app.cache.get(session.generation, key, async () => {
    let output = await page.render({ ...pageCtx, edition: page.offersEdition ? shown : null }, params);
    if (last && !output.redirect) {
      const rows = (await app.editions!.reader.rows(last.edition)) ?? [];
      output = { ...output, body: raw(markDifferences(output.body.value, { manifest: last, rows }).html) };
    }
    // an edition shown: its own as-of date (the frozen city row of the year), not the live one
    const frozenCity = page.offersEdition && shown ? shown.rows.find((r) => r.grain === 'city' && r.period === ctx.filters.year) : undefined;
    const asOf = page.offersEdition && shown ? (frozenCity?.as_of ?? shown.manifest.as_of) : ctx.asOf;
    return {
      html: output.redirect ? '' : layout({ ...ctx, edition: page.offersEdition ? shown : null, path: pathOf(page, params) }, { ...output, editionPicker: page.offersEdition === true }, { styles: app.assets.url('styles.css'), script: app.assets.url('app.js') }, asOf),
      charts: new Map(output.charts.map((c) => [c.id, c])),
      ...(output.redirect ? { redirect: output.redirect } : {}),
    };
  });
}

function pathOf(page: Page, params: Record<string, string>): string {
  return page.path.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
}

async function sendChart(req: Request, res: Response, spec: ChartSpec | undefined): Promise<void> {
  if (!spec) throw new HttpError(404, 'not_found', zh.errors.badParameter('chart', zh.errors.hints.chart));
  const format = req.query.format ?? 'csv';
  if (format === 'csv') {
    res.type('text/csv; charset=utf-8').attachment(`${spec.id}.csv`).send(toCsv(spec.table.columns, spec.table.rows));
    return;
  }
  if (format === 'xlsx') {
    res.type(XLSX_TYPE).attachment(`${spec.id}.xlsx`).send(await toXlsx(spec.table.columns, spec.table.rows, spec.payload.title));
    return;
  }
  if (format === 'svg') {
    res.type('image/svg+xml; charset=utf-8').attachment(`${spec.id}.svg`).send(standaloneSvg(spec.payload));
    return;
  }
  throw badParameter('format', zh.errors.hints.imageFormat);
}
