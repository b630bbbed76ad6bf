// Typed reads of the marts for the pages and the API (Kysely over the published warehouse).
// Every function that returns county-level rows takes the county to keep (`county`: the
// request's scope or its county filter); null means the whole city. City rows stay visible.
import type { Kysely } from 'kysely';
import type { Database, MartRow } from '../../pipelines/warehouse/schema.ts';

export type Db = Kysely<Database>;
export type IndicatorValue = MartRow<'indicator_values'>;
export type CatalogEntry = MartRow<'indicator_catalog'>;
export type Unit = MartRow<'units'>;
export type OfficeProfile = MartRow<'office_profiles'>;
export type Grain = IndicatorValue['grain'];

/** Years with a snapshot, oldest first. */
export async function years(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('mart.units').select('period').where('grain', '=', 'city').orderBy('period').execute();
  return rows.map((r) => r.period);
}

export async function catalog(db: Db): Promise<CatalogEntry[]> {
  return db.selectFrom('mart.indicator_catalog').selectAll().orderBy('display_order').execute();
}

export interface IndicatorFilter {
  indicatorId?: string | undefined;
  period?: string | undefined;
  grain?: Grain | undefined;
  unitCode?: string | undefined;
  /** Keep only units of this county (and the city row); null for all. */
  county: string | null;
}

const GRAIN_ORDER = ['office', 'cluster', 'county', 'city'] as const;

/** Rows of mart.indicator_values, ordered by indicator, period, grain (office → city), unit. */
export async function indicatorValues(db: Db, filter: IndicatorFilter): Promise<IndicatorValue[]> {
  const rows = await db
    .selectFrom('mart.indicator_values as v')
    .selectAll('v')
    .$if(filter.indicatorId !== undefined, (q) => q.where('v.indicator_id', '=', filter.indicatorId!))
    .$if(filter.period !== undefined, (q) => q.where('v.period', '=', filter.period!))
    .$if(filter.grain !== undefined, (q) => q.where('v.grain', '=', filter.grain!))
    .$if(filter.unitCode !== undefined, (q) => q.where('v.unit_code', '=', filter.unitCode!))
    .$if(filter.county !== null, (q) =>
      q.where((eb) =>
        eb.or([
          eb('v.grain', '=', 'city'),
          eb.exists(
            eb
              .selectFrom('mart.units as u')
              .select('u.unit_code')
              .whereRef('u.period', '=', 'v.period')
              .whereRef('u.grain', '=', 'v.grain')
              .whereRef('u.unit_code', '=', 'v.unit_code')
              .where('u.county_code', '=', filter.county!),
          ),
        ]),
      ),
    )
    .orderBy('v.indicator_id')
    .orderBy('v.period')
    .orderBy('v.unit_code')
    .execute();
  // grain order office → cluster → county → city within each indicator and period (stable sort)
  return rows.sort(
    (a, b) =>
      a.indicator_id.localeCompare(b.indicator_id) ||
      a.period.localeCompare(b.period) ||
      GRAIN_ORDER.indexOf(a.grain) - GRAIN_ORDER.indexOf(b.grain) ||
      a.unit_code.localeCompare(b.unit_code),
  );
}

export interface UnitFilter {
  period: string;
  grain: Grain;
  county: string | null;
  clusterCode?: string | undefined;
  unitCode?: string | undefined;
}

export async function units(db: Db, filter: UnitFilter): Promise<Unit[]> {
  return db
    .selectFrom('mart.units')
    .selectAll()
    .where('period', '=', filter.period)
    .where('grain', '=', filter.grain)
    .$if(filter.county !== null, (q) => q.where('county_code', '=', filter.county!))
    .$if(filter.clusterCode !== undefined, (q) => q.where('cluster_code', '=', filter.clusterCode!))
    .$if(filter.unitCode !== undefined, (q) => q.where('unit_code', '=', filter.unitCode!))
    .orderBy('county_code')
    .orderBy('unit_code')
    .execute();
}

export interface OfficeFilter {
  period: string;
  county: string | null;
  clusterCode?: string | undefined;
  officeCode?: string | undefined;
}

export async function officeProfiles(db: Db, filter: OfficeFilter): Promise<OfficeProfile[]> {
  return db
    .selectFrom('mart.office_profiles')
    .selectAll()
    .where('period', '=', filter.period)
    .$if(filter.county !== null, (q) => q.where('county_code', '=', filter.county!))
    .$if(filter.clusterCode !== undefined, (q) => q.where('cluster_code', '=', filter.clusterCode!))
    .$if(filter.officeCode !== undefined, (q) => q.where('office_code', '=', filter.officeCode!))
    .orderBy('office_code')
    .execute();
}

export interface StaffingRow {
  dimension: 'post' | 'role' | 'staffing_type';
  category: string;
  sort_order: number;
  staff_count: number;
  legal_qualified_count: number;
}

/** Active staff by dimension and category, summed over the offices the filter selects. */
export async function staffing(db: Db, filter: OfficeFilter): Promise<StaffingRow[]> {
  const rows = await db
    .selectFrom('mart.office_staffing')
    .select((eb) => [
      'dimension',
      'category',
      eb.fn.min('sort_order').as('sort_order'),
      eb.fn.sum<number>('staff_count').as('staff_count'),
      eb.fn.sum<number>('legal_qualified_count').as('legal_qualified_count'),
    ])
    .where('period', '=', filter.period)
    .$if(filter.county !== null, (q) => q.where('county_code', '=', filter.county!))
    .$if(filter.clusterCode !== undefined, (q) => q.where('cluster_code', '=', filter.clusterCode!))
    .$if(filter.officeCode !== undefined, (q) => q.where('office_code', '=', filter.officeCode!))
    .groupBy(['dimension', 'category'])
    .orderBy('dimension')
    .orderBy('sort_order')
    .execute();
  return rows.map((r) => ({ ...r, staff_count: Number(r.staff_count), legal_qualified_count: Number(r.legal_qualified_count) }));
}

export interface MonthlyCases {
  month: string;
  business_line: string;
  received: number;
  withdrawn: number;
  in_progress: number;
  closed: number;
  mediation_closed: number;
  mediation_success: number;
}

/** Cases per month and business line of one year, summed over the offices the filter selects. */
export async function casesMonthly(db: Db, filter: OfficeFilter): Promise<MonthlyCases[]> {
  const rows = await db
    .selectFrom('mart.cases_monthly')
    .select((eb) => [
      'month',
      'business_line',
      eb.fn.sum<number>('received').as('received'),
      eb.fn.sum<number>('withdrawn').as('withdrawn'),
      eb.fn.sum<number>('in_progress').as('in_progress'),
      eb.fn.sum<number>('closed').as('closed'),
      eb.fn.sum<number>('mediation_closed').as('mediation_closed'),
      eb.fn.sum<number>('mediation_success').as('mediation_success'),
    ])
    .where('period', '=', filter.period)
    .$if(filter.county !== null, (q) => q.where('county_code', '=', filter.county!))
    .$if(filter.clusterCode !== undefined, (q) => q.where('cluster_code', '=', filter.clusterCode!))
    .$if(filter.officeCode !== undefined, (q) => q.where('office_code', '=', filter.officeCode!))
    .groupBy(['month', 'business_line'])
    .orderBy('month')
    .orderBy('business_line')
    .execute();
  return rows.map((r) => ({
    month: r.month,
    business_line: r.business_line,
    received: Number(r.received),
    withdrawn: Number(r.withdrawn),
    in_progress: Number(r.in_progress),
    closed: Number(r.closed),
    mediation_closed: Number(r.mediation_closed),
    mediation_success: Number(r.mediation_success),
  }));
}

export interface UnitCases {
  unit_code: string;
  received: number;
  closed: number;
  withdrawn: number;
  mediation_closed: number;
  mediation_success: number;
}

/** Case totals of one year per county, or per office of one county. */
export async function casesByUnit(db: Db, period: string, county: string | null, by: 'county_code' | 'office_code'): Promise<UnitCases[]> {
  const rows = await db
    .selectFrom('mart.cases_monthly')
    .select((eb) => [
      eb.ref(by).as('unit_code'),
      eb.fn.sum<number>('received').as('received'),
      eb.fn.sum<number>('closed').as('closed'),
      eb.fn.sum<number>('withdrawn').as('withdrawn'),
      eb.fn.sum<number>('mediation_closed').as('mediation_closed'),
      eb.fn.sum<number>('mediation_success').as('mediation_success'),
    ])
    .where('period', '=', period)
    .$if(county !== null, (q) => q.where('county_code', '=', county!))
    .groupBy(by)
    .orderBy(by)
    .execute();
  return rows.map((r) => ({
    unit_code: r.unit_code,
    received: Number(r.received),
    closed: Number(r.closed),
    withdrawn: Number(r.withdrawn),
    mediation_closed: Number(r.mediation_closed),
    mediation_success: Number(r.mediation_success),
  }));
}

export type TrainingPerson = Pick<
  MartRow<'training_person_year'>,
  'person_code' | 'office_code' | 'county_code' | 'cluster_code' | 'role' | 'days' | 'hours' | 'required_days' | 'required_hours' | 'complies' | 'in_denominator'
>;

/** Training of every active staff member of one year (pseudonymised: no person key, no name). */
export async function trainingPeople(db: Db, filter: OfficeFilter): Promise<TrainingPerson[]> {
  return db
    .selectFrom('mart.training_person_year')
    .select(['person_code', 'office_code', 'county_code', 'cluster_code', 'role', 'days', 'hours', 'required_days', 'required_hours', 'complies', 'in_denominator'])
    .where('period', '=', filter.period)
    .$if(filter.county !== null, (q) => q.where('county_code', '=', filter.county!))
    .$if(filter.clusterCode !== undefined, (q) => q.where('cluster_code', '=', filter.clusterCode!))
    .$if(filter.officeCode !== undefined, (q) => q.where('office_code', '=', filter.officeCode!))
    .orderBy('office_code')
    .orderBy('person_code')
    .execute();
}

export type Freshness = MartRow<'data_freshness'>;

/** Freshness per county and source; the city row (3311) only for city-wide readers. */
export async function freshness(db: Db, county: string | null): Promise<Freshness[]> {
  return db
    .selectFrom('mart.data_freshness')
    .selectAll()
    .$if(county !== null, (q) => q.where('county_code', '=', county!))
    .orderBy('county_code')
    .orderBy('source')
    .execute();
}

export interface ReasonCount {
  reason_code: string;
  source: string | null;
  rejected_rows: number;
}

/** Rejected rows per reason and source (each file row once); county users see their county's. */
export async function rejectionsByReason(db: Db, county: string | null): Promise<ReasonCount[]> {
  const rows = await db
    .selectFrom('mart.rejections_by_reason')
    .select((eb) => ['reason_code', 'source', eb.fn.sum<number>('rejected_rows').as('rejected_rows')])
    .$if(county !== null, (q) => q.where('county_code', '=', county!))
    .groupBy(['reason_code', 'source'])
    .orderBy('reason_code')
    .orderBy('source')
    .execute();
  return rows.map((r) => ({ ...r, rejected_rows: Number(r.rejected_rows) }));
}

export async function planCategories(db: Db, kind: MartRow<'plan_categories'>['kind']): Promise<string[]> {
  const rows = await db.selectFrom('mart.plan_categories').select('item').where('kind', '=', kind).orderBy('sort_order').execute();
  return rows.map((r) => r.item);
}
