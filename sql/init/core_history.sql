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
