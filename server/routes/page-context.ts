// The context every page and the report get: the filters of the URL resolved against the
// warehouse (latest year by default) and the request's scope (a county user is held to their
// county), plus the years, counties and catalog, cached per warehouse generation.
import type { Request } from 'express';
import { zh } from '../../dashboards/i18n/zh.ts';
import type { CountyOption, PageContext } from '../../dashboards/page.ts';
import { catalog, units, years, type CatalogEntry } from '../../dashboards/queries/marts.ts';
import { shanghaiDate } from '../../dashboards/queries/submissions.ts';
import type { AppContext } from '../app-context.ts';
import { HttpError, notFound } from '../http/errors.ts';
import { countyParam, yearParam } from '../http/params.ts';
import { scopeOf } from '../scope.ts';
import { requestedEdition } from '../editions/routes.ts';
import type { WarehouseSession } from '../warehouse.ts';

export interface RequestedFilters {
  year: string | undefined;
  county: string | undefined;
}

export function parseFilters(req: Request, yearName = 'year'): RequestedFilters {
  return { year: yearParam(req, yearName), county: countyParam(req) };
}

interface Meta {
  years: string[];
  catalog: CatalogEntry[];
  countiesByYear: Map<string, CountyOption[]>;
  asOfByYear: Map<string, string>;
}

async function loadMeta(session: WarehouseSession): Promise<Meta> {
  const allYears = await years(session.db);
  const countiesByYear = new Map<string, CountyOption[]>();
  const asOfByYear = new Map<string, string>();
  for (const year of allYears) {
    const rows = await units(session.db, { period: year, grain: 'county', county: null });
    countiesByYear.set(year, rows.map((r) => ({ code: r.unit_code, name: r.unit_name })));
    const [city] = await units(session.db, { period: year, grain: 'city', county: null });
    if (city) asOfByYear.set(year, city.as_of);
  }
  return { years: allYears, catalog: await catalog(session.db), countiesByYear, asOfByYear };
}

export type ResolvedContext = Omit<PageContext, 'path'> & { asOf: string | null };

export async function pageContext(app: AppContext, session: WarehouseSession, req: Request, requested: RequestedFilters): Promise<ResolvedContext> {
  const meta = await app.cache.get(session.generation, 'meta', () => loadMeta(session));
  const scope = scopeOf(req);
  const latest = meta.years[meta.years.length - 1];
  if (!latest) throw new HttpError(503, 'no_data', zh.errors.emptyWarehouse);
  const year = requested.year ?? latest;
  if (!meta.years.includes(year)) throw notFound(zh.errors.noDataForYear(year));
  const allCounties = meta.countiesByYear.get(year) ?? [];
  let county = requested.county ?? null;
  if (scope.countyCode !== null) {
    if (county !== null && county !== scope.countyCode) throw notFound(zh.errors.unitNotFound);
    county = scope.countyCode;
  } else if (county !== null && !allCounties.some((c) => c.code === county)) {
    throw notFound(zh.errors.unitNotFound);
  }
  const editionManifest = await requestedEdition(req, app.editions?.reader ?? null);
  const edition = editionManifest ? { manifest: editionManifest, rows: (await app.editions!.reader.rows(editionManifest.edition)) ?? [] } : null;
  return {
    db: session.db,
    connection: session.connection,
    scope,
    filters: { year, county },
    years: meta.years,
    counties: scope.countyCode === null ? allCounties : allCounties.filter((c) => c.code === scope.countyCode),
    catalog: meta.catalog,
    staleAfterDays: app.staleAfterDays,
    runJournalDir: app.runJournalDir,
    query: singleValued(req),
    today: shanghaiDate(app.today()),
    submissionDeadlineDay: app.submissionDeadlineDay,
    asOf: meta.asOfByYear.get(year) ?? null,
    edition,
    editions: app.editions ? (await app.editions.reader.list()).map((m) => m.edition) : [],
  };
}

/** The query parameters that have one short string value (pages check the ones they read). */
function singleValued(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.query)) if (typeof value === 'string' && value.length <= 300) out[key] = value;
  return out;
}
