// What a page module is and what it gets: the request's filters (year and county, from the URL
// so links can be shared), its scope, the warehouse session, and helpers for links and charts.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Scope } from './queries/scope.ts';
import type { SafeHtml } from './html.ts';
import { chartFigure, type ChartSpec } from './charts/render.ts';
import type { CatalogEntry, Db } from './queries/marts.ts';
import type { ShownEdition } from './queries/frozen.ts';
import { markPartialMonth } from './charts/partial.ts';

export type NavKey = 'overview' | 'training' | 'cases' | 'quality' | 'validate' | 'indicators' | 'report' | null;

export interface Filters {
  /** The year shown: from `?year=`, else the latest year with data. */
  year: string;
  /** The county chosen in the filter (`?county=`), or the scoped user's county; null = city. */
  county: string | null;
}

export interface CountyOption {
  code: string;
  name: string;
}

export interface PageContext {
  db: Db;
  /** For the run-history queries (dashboards/queries/audit.ts). */
  connection: DuckDBConnection;
  scope: Scope;
  filters: Filters;
  /** Years with data, oldest first. */
  years: string[];
  /** Counties of the year, for the filter (a scoped user's only). */
  counties: CountyOption[];
  catalog: CatalogEntry[];
  /** The path of this page (e.g. /county/331102), without query. */
  path: string;
  /** Days after which a county's export counts as stale (config.staleAfterDays). */
  staleAfterDays: number;
  /** DATA_DIR/runs, the run journals (the 数据质量 page's run history); absent: none. */
  runJournalDir?: string | null;
  /** The monthly edition whose frozen figures the page shows (?edition=, on pages that offer it); null: live data. */
  edition?: ShownEdition | null;
  /** The editions there are, oldest first (for the picker). */
  editions?: string[];
  /** The URL's other single-valued query parameters (a page's own filters, e.g. 数据质量's file or page). */
  query?: Record<string, string>;
  /** Today (YYYY-MM-DD, Asia/Shanghai) by the server's clock: submission freshness, and a month not over drawn as partial. */
  today?: string;
  /** Each month's exports are due by this day of the following month. */
  submissionDeadlineDay?: number;
}

export interface Breadcrumb {
  label: string;
  href?: string;
}

export interface PageOutput {
  /** <title> and the page's <h1>. */
  title: string;
  breadcrumbs: Breadcrumb[];
  nav: NavKey;
  /** Whether the county filter applies to this page (the year filter always does). */
  countyFilter: boolean;
  /** false: the page does not depend on the year (the console, the dictionary): no filter form. */
  yearFilter?: boolean;
  body: SafeHtml;
  charts: ChartSpec[];
  /** Send the browser elsewhere instead (e.g. 总览 with a county chosen → that county's page). */
  redirect?: string;
  /** Set by the server from Page.offersEdition: the layout shows the edition picker. */
  editionPicker?: boolean;
}

export interface Page {
  id: string;
  /** Express route path, e.g. '/county/:code'. */
  path: string;
  render(ctx: PageContext, params: Record<string, string>): Promise<PageOutput>;
  /** Its figures all come from mart.indicator_values: it can show a monthly edition's (?edition=, ctx.edition). */
  offersEdition?: boolean;
  /**
   * What else than the warehouse generation the rendered page depends on (pages are cached per
   * generation): e.g. the run journals, which change without a new warehouse.
   */
  cacheKey?(ctx: PageContext): Promise<string>;
}

/** A link that keeps the year (and the county filter where given). */
export function pageHref(path: string, query: { year?: string | null; county?: string | null; [key: string]: string | null | undefined }): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value) search.set(key, value);
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}

/** The figure of a chart of this page, its download links pointing back at the page's URL. */
export function figure(ctx: PageContext, spec: ChartSpec, options: { headingLevel?: 2 | 3; hint?: string } = {}): SafeHtml {
  const base = { year: ctx.filters.year, county: ctx.filters.county, chart: spec.id };
  return chartFigure(
    ctx.today ? markPartialMonth(spec, ctx.today) : spec,
    { csv: pageHref(ctx.path, { ...base, format: 'csv' }), svg: pageHref(ctx.path, { ...base, format: 'svg' }) },
    options,
  );
}

/** The county name of a code among the context's counties. */
export function countyName(ctx: PageContext, code: string): string {
  return ctx.counties.find((c) => c.code === code)?.name ?? code;
}

/** The unit asked for does not exist in the chosen year, or the request's scope does not reach it (404). */
export class NotFound extends Error {
  constructor() {
    super('unit not found');
  }
}
