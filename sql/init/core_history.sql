-- The history tables that the load-phase models of sql/core and sql/audit fill batch by batch
-- (docs/architecture.md, "Core tables" and "Audit tables"), created empty with their types the
-- first time, so that every model and mart can read them even before the first batch.
CREATE TABLE IF NOT EXISTS core.office_snapshots (
    snapshot_date DATE,
    file_names VARCHAR[],
    run_id VARCHAR
);
CREATE TABLE IF NOT EXISTS core.offices (
    snapshot_date DATE,
    office_code VARCHAR,
    office_name VARCHAR,
    county_code VARCHAR,
    township VARCHAR,
    tier VARCHAR,
    cluster_key_office VARCHAR,
    plaques VARCHAR[],
    smart_office BOOLEAN,
    terminals INTEGER,
    large_villages INTEGER,
    large_villages_with_terminal INTEGER,
    director_attends_joint_meeting BOOLEAN,
    director_attends_governance_meeting BOOLEAN,
    director_in_leadership BOOLEAN,
    file_name VARCHAR,
    sheet VARCHAR,
    row_number INTEGER
);
CREATE TABLE IF NOT EXISTS core.staff (
    snapshot_date DATE,
    person_key VARCHAR,
    id_masked VARCHAR,
    name VARCHAR,
    office_code VARCHAR,
    role VARCHAR,
    staffing_type VARCHAR,
    posts VARCHAR[],
    legal_background BOOLEAN,
    legal_qualification BOOLEAN,
    enforcement_certificate BOOLEAN,
    public_lawyer BOOLEAN,
    start_date DATE,
    end_date DATE,
    file_name VARCHAR,
    sheet VARCHAR,
    row_number INTEGER
);
CREATE TABLE IF NOT EXISTS core.case_versions (
    case_id VARCHAR,
    export_date DATE,
    file_id VARCHAR,
    file_name VARCHAR,
    load_seq BIGINT,
    row_number INTEGER,
    office_code VARCHAR,
    business_line VARCHAR,
    received_date DATE,
    closed_date DATE,
    status VARCHAR,
    outcome VARCHAR,
    amount DOUBLE,
    parties INTEGER,
    run_id VARCHAR
);
CREATE TABLE IF NOT EXISTS core.training_versions (
    record_id VARCHAR,
    export_date DATE,
    file_id VARCHAR,
    file_name VARCHAR,
    load_seq BIGINT,
    row_number INTEGER,
    person_key VARCHAR,
    course VARCHAR,
    start_date DATE,
    end_date DATE,
    hours DOUBLE,
    mode VARCHAR,
    run_id VARCHAR
);
CREATE TABLE IF NOT EXISTS audit.rejected_rows (
    run_id VARCHAR,
    file_id VARCHAR,
    file_name VARCHAR,
    sheet VARCHAR,
    row_number INTEGER,
    reason_code VARCHAR,
    -- the contract column (English alias) the reason is about: the key for duplicate_key,
    -- the end or close date for date_order
    column_name VARCHAR,
    message VARCHAR,
    raw JSON,
    county_code VARCHAR
);
-- Added for the clerk's loop (issue 14): what the row is, so that a later file can correct it,
-- and how its county was found. A warehouse built before them gets them empty (NULL) here;
-- `npm run refresh -- --rebuild` fills them for the old rows too.
ALTER TABLE audit.rejected_rows ADD COLUMN IF NOT EXISTS kind VARCHAR;          -- offices / staff / cases / training
ALTER TABLE audit.rejected_rows ADD COLUMN IF NOT EXISTS export_date DATE;
ALTER TABLE audit.rejected_rows ADD COLUMN IF NOT EXISTS load_seq BIGINT;
ALTER TABLE audit.rejected_rows ADD COLUMN IF NOT EXISTS record_key VARCHAR;    -- case_id / record_id / office_code / person_key
ALTER TABLE audit.rejected_rows ADD COLUMN IF NOT EXISTS person_alt_key VARCHAR; -- staff: sha256 of name and office, for a row whose ID is not valid
ALTER TABLE audit.rejected_rows ADD COLUMN IF NOT EXISTS county_basis VARCHAR;  -- office / code_prefix / named / none
-- Rows rejected before these columns existed: what their file name and raw row tell (kind,
-- export date, key), their file's loading order, and the county they were stored with; a staff
-- row's person cannot be told (its ID is masked), so it stays open until a rebuild.
UPDATE audit.rejected_rows AS r SET
    kind = CASE lower(regexp_extract(r.file_name, '^([A-Za-z]+)_', 1))
        WHEN 'cases' THEN 'cases'
        WHEN 'training' THEN 'training'
        WHEN 'staff' THEN 'staff'
        WHEN 'offices' THEN CASE WHEN r.sheet = '人员' THEN 'staff' ELSE 'offices' END
    END,
    export_date = try_strptime(regexp_extract(r.file_name, '_(\d{8})\.', 1), '%Y%m%d')::DATE,
    load_seq = (SELECT max(f.load_seq) FROM audit.files AS f WHERE f.file_id = r.file_id),
    record_key = upper(trim(CASE lower(regexp_extract(r.file_name, '^([A-Za-z]+)_', 1))
        WHEN 'cases' THEN json_extract_string(r.raw, '$.case_id')
        WHEN 'training' THEN json_extract_string(r.raw, '$.record_id')
        WHEN 'offices' THEN CASE WHEN r.sheet IS DISTINCT FROM '人员' THEN json_extract_string(r.raw, '$.office_code') END
    END)),
    county_basis = CASE WHEN r.county_code IS NULL THEN 'none' ELSE 'office' END
WHERE r.kind IS NULL;
-- The keys each office snapshot file loaded (issue 14: a later file that loads a key corrects
-- the rows rejected for it). Cases and training records are in core.case_versions and
-- core.training_versions already.
CREATE TABLE IF NOT EXISTS audit.snapshot_keys (
    file_id VARCHAR,
    file_name VARCHAR,
    kind VARCHAR,
    export_date DATE,
    load_seq BIGINT,
    record_key VARCHAR,
    person_alt_key VARCHAR
);
