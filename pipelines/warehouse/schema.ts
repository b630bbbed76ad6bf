// The marts that the dashboards, the API and analysts read, as one runtime description from
// which the Kysely `Database` type is derived. A test builds the marts and checks this against
// DuckDB's own catalog (names, types, NOT NULL tests), so the types cannot drift from the SQL.
// Values arrive as the Kysely dialect converts them (kysely.ts): DATE as 'YYYY-MM-DD' strings,
// integers and doubles as numbers, lists as arrays.

/** A column: its DuckDB type and whether it may be NULL. */
export interface ColumnSpec<T> {
  sqlType: string;
  nullable: boolean;
  /** Phantom: the TypeScript type of a value. */
  readonly __type?: T;
}

function column<T>(sqlType: string, nullable: boolean): ColumnSpec<T> {
  return { sqlType, nullable };
}

const text = column<string>('VARCHAR', false);
const textOrNull = column<string | null>('VARCHAR', true);
const int = column<number>('INTEGER', false);
const intOrNull = column<number | null>('INTEGER', true);
const double = column<number>('DOUBLE', false);
const doubleOrNull = column<number | null>('DOUBLE', true);
const bool = column<boolean>('BOOLEAN', false);
const boolOrNull = column<boolean | null>('BOOLEAN', true);
/** Calendar dates as 'YYYY-MM-DD' (never a JS Date: no time zone can shift them). */
const date = column<string>('DATE', false);
const dateOrNull = column<string | null>('DATE', true);
const textList = column<string[]>('VARCHAR[]', false);
const textListOrNull = column<string[] | null>('VARCHAR[]', true);

export const MART_TABLES = {
  indicator_values: {
    indicator_id: text,
    period: text,
    grain: column<'office' | 'cluster' | 'county' | 'city'>('VARCHAR', false),
    unit_code: text,
    unit_name: text,
    numerator: double,
    denominator: double,
    value: double,
    target: doubleOrNull,
    meets_target: boolOrNull,
    as_of: date,
  },
  indicator_catalog: {
    indicator_id: text,
    name_zh: text,
    description_zh: text,
    target: doubleOrNull,
    task: textOrNull,
    source: text,
    display_order: int,
    is_targeted: bool,
    is_additive: bool,
    numerator_zh: text,
    denominator_zh: text,
  },
  plan_categories: {
    kind: column<'post' | 'plaque' | 'business_line' | 'role' | 'staffing_type'>('VARCHAR', false),
    item: text,
    sort_order: int,
  },
  units: {
    period: text,
    grain: column<'office' | 'cluster' | 'county' | 'city'>('VARCHAR', false),
    unit_code: text,
    unit_name: text,
    county_code: textOrNull,
    county_name: textOrNull,
    cluster_code: textOrNull,
    cluster_name: textOrNull,
    tier: column<'key' | 'ordinary' | null>('VARCHAR', true),
    office_count: int,
    as_of: date,
  },
  office_profiles: {
    period: text,
    as_of: date,
    office_code: text,
    office_name: text,
    county_code: text,
    county_name: textOrNull,
    township: textOrNull,
    tier: column<'key' | 'ordinary'>('VARCHAR', false),
    cluster_code: textOrNull,
    cluster_name: textOrNull,
    plaques: textListOrNull,
    recognised_plaques: textList,
    smart_office: boolOrNull,
    terminals: intOrNull,
    large_villages: intOrNull,
    large_villages_with_terminal: intOrNull,
    director_attends_joint_meeting: boolOrNull,
    director_attends_governance_meeting: boolOrNull,
    director_in_leadership: boolOrNull,
    has_director: bool,
    director_staffing_type: textOrNull,
    director_legal_background: boolOrNull,
    director_legal_qualification: boolOrNull,
    director_enforcement_certificate: boolOrNull,
    director_public_lawyer: boolOrNull,
    active_staff: int,
    public_lawyers: int,
    legal_qualified_staff: int,
    plan_posts_held: int,
  },
  office_staffing: {
    period: text,
    as_of: date,
    office_code: text,
    county_code: text,
    cluster_code: textOrNull,
    dimension: column<'post' | 'role' | 'staffing_type'>('VARCHAR', false),
    category: text,
    sort_order: int,
    staff_count: int,
    legal_qualified_count: int,
  },
  cases_monthly: {
    period: text,
    month: text,
    office_code: text,
    county_code: text,
    cluster_code: textOrNull,
    business_line: text,
    received: int,
    withdrawn: int,
    in_progress: int,
    closed: int,
    mediation_closed: int,
    mediation_success: int,
  },
  training_person_year: {
    period: text,
    as_of: date,
    person_key: text,
    person_code: text,
    office_code: text,
    county_code: text,
    cluster_code: textOrNull,
    role: text,
    days: int,
    hours: double,
    required_days: int,
    required_hours: double,
    meets_days: bool,
    meets_hours: bool,
    complies: bool,
    in_denominator: bool,
  },
  data_freshness: {
    county_code: text,
    county_name: text,
    source: column<'offices' | 'cases' | 'training'>('VARCHAR', false),
    last_export_date: dateOrNull,
    newest_export_date: dateOrNull,
    days_behind_newest: intOrNull,
    days_since_export: intOrNull,
    built_on: date,
    latest_rows: int,
    latest_file_rejected_rows: int,
    rejected_rows: int,
  },
  rejections_by_reason: {
    source: column<'offices' | 'cases' | 'training' | null>('VARCHAR', true),
    export_date: dateOrNull,
    file_name: text,
    sheet: textOrNull,
    county_code: textOrNull,
    reason_code: text,
    rejected_rows: int,
    open_rows: int,
    last_run_id: textOrNull,
  },
  export_submissions: {
    county_code: text,
    source: column<'offices' | 'cases' | 'training'>('VARCHAR', false),
    export_date: date,
    rows_loaded: int,
    rows_rejected: int,
  },
} as const satisfies Record<string, Record<string, ColumnSpec<unknown>>>;

export type MartTableName = keyof typeof MART_TABLES;

/** The row type of a table described by column specs. */
export type RowOf<Columns> = { [K in keyof Columns]: Columns[K] extends ColumnSpec<infer T> ? T : never };

/** Rows of each mart, e.g. `MartRow<'indicator_values'>`. */
export type MartRow<Name extends MartTableName> = RowOf<(typeof MART_TABLES)[Name]>;

/** The Kysely database: every mart under its schema-qualified name, e.g. `db.selectFrom('mart.units')`. */
export type Database = { [Name in MartTableName as `mart.${Name}`]: MartRow<Name> };
