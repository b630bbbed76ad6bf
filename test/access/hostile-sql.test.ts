// The SQL console's promises under attack (interfaces.md, "The SQL console's promises"): every
// statement below is refused over HTTP with a clear Chinese + English message, and the
// warehouse, analyst, users and secret files are byte-identical before and after. Then the
// same attacks go straight to a locked console connection with the guard skipped: the locked
// configuration and the analyst-only file stop them on their own.
import { existsSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAnalystDatabase } from '../../server/console/analyst-database.ts';
import { addUser, fingerprints, makeWorld, postSql, startWorldApp, type World, type WorldApp } from './world.ts';

let world: World;
let server: WorldApp;
let token: string;
let before: Record<string, string>;

beforeAll(async () => {
  world = await makeWorld({ forceFixture: true });
  if (!existsSync(world.secretFile)) writeFileSync(world.secretFile, 'not-a-real-secret-but-must-stay-unread\n', { mode: 0o600 });
  server = await startWorldApp(world);
  token = await addUser(server, 'ana', 'analyst');
  before = fingerprints(world);
}, 120_000);

afterAll(async () => {
  await server?.close();
  await world?.cleanup();
});

/** [what it tries, the statement]; files are filled in from the world. */
function hostileStatements(): [string, string][] {
  const W = world.warehouseFile;
  const A = world.analystFile;
  const S = world.secretFile;
  const U = world.usersFile;
  return [
    // writes and DDL
    ['insert', "INSERT INTO mart.indicator_values (indicator_id) VALUES ('x')"],
    ['update', 'UPDATE mart.indicator_values SET value = 1'],
    ['delete', 'DELETE FROM mart.indicator_values'],
    ['create table', 'CREATE TABLE mart.t AS SELECT 1 AS a'],
    ['create temp table', 'CREATE TEMP TABLE t AS SELECT 1 AS a'],
    ['create view', 'CREATE VIEW v AS SELECT 1'],
    ['drop', 'DROP TABLE mart.indicator_values'],
    ['alter', 'ALTER TABLE mart.indicator_values ADD COLUMN z INTEGER'],
    ['create macro', "CREATE MACRO leak() AS current_setting('temp_directory')"],
    ['create secret', "CREATE SECRET s (TYPE s3, KEY_ID 'a', SECRET 'b')"],
    ['create sequence', 'CREATE SEQUENCE s1'],
    ['truncate', 'TRUNCATE mart.indicator_values'],
    // attach, detach, use
    ['attach warehouse', `ATTACH '${W}' AS w (READ_ONLY)`],
    ['attach memory', "ATTACH ':memory:' AS m"],
    ['detach', 'DETACH w'],
    ['use', 'USE memory'],
    // copy, export, import
    ['copy to', `COPY (SELECT * FROM mart.indicator_values) TO '/tmp/leak.csv'`],
    ['copy from', `COPY mart.indicator_values FROM '/etc/passwd'`],
    ['export database', "EXPORT DATABASE '/tmp/leak'"],
    ['import database', "IMPORT DATABASE '/tmp/leak'"],
    // file and URL readers
    ['read_csv passwd', "SELECT * FROM read_csv('/etc/passwd')"],
    ['read_csv_auto warehouse', `SELECT * FROM read_csv_auto('${W}')`],
    ['read_text secret', `SELECT * FROM read_text('${S}')`],
    ['read_blob warehouse', `SELECT * FROM read_blob('${W}')`],
    ['read_json users', `SELECT * FROM read_json('${U}')`],
    ['read_parquet url', "SELECT * FROM read_parquet('https://example.com/x.parquet')"],
    ['parquet_scan', "SELECT * FROM parquet_scan('/tmp/x.parquet')"],
    ['glob', "SELECT * FROM glob('/etc/*')"],
    ['sniff_csv', "SELECT * FROM sniff_csv('/etc/passwd')"],
    ['replacement scan of a path', "SELECT * FROM '/etc/passwd'"],
    ['replacement scan of a url', "SELECT * FROM 'https://example.com/data.csv'"],
    ['read_text in a subquery', `SELECT (SELECT content FROM read_text('${S}')) AS s`],
    ['read_text as a scalar', `SELECT read_text('${S}')`],
    ['read_csv in a CTE', "WITH x AS (SELECT * FROM read_csv('/etc/passwd')) SELECT * FROM x"],
    ['read_duckdb of the warehouse', `SELECT * FROM read_duckdb('${W}')`],
    ['query() of core', "SELECT * FROM query('SELECT * FROM core.staff')"],
    ['query_table', "SELECT * FROM query_table('core.staff')"],
    // extensions
    ['install', 'INSTALL httpfs'],
    ['load', 'LOAD httpfs'],
    ['force install', 'FORCE INSTALL httpfs'],
    // settings
    ['set', 'SET enable_external_access = true'],
    ['set lock', 'SET lock_configuration = false'],
    ['reset', 'RESET memory_limit'],
    ['pragma', 'PRAGMA database_list'],
    ['call', 'CALL pragma_database_list()'],
    ['checkpoint', 'CHECKPOINT'],
    ['vacuum', 'VACUUM'],
    ['explain analyze', 'EXPLAIN ANALYZE SELECT 1'],
    ['begin', 'BEGIN TRANSACTION'],
    ['set variable', "SET VARIABLE x = 'y'"],
    ['prepare', 'PREPARE p AS SELECT 1'],
    // several statements, hidden statements
    ['two statements', 'SELECT 1; DROP TABLE mart.indicator_values'],
    ['comment then drop', '/* harmless */ SELECT 1; -- then\n DROP TABLE mart.units'],
    ['statement after a line comment', '-- SELECT 1\nDELETE FROM mart.units'],
    ['odd case and spacing', '   dElEtE\n\tfRoM   mart . units   '],
    ['quoted function name', `SELECT * FROM "READ_TEXT"('${S}')`],
    ['qualified function name', "SELECT system.main.current_setting('temp_directory')"],
    ['string trick', "SELECT 1 AS a; ATTACH '/tmp/x.duckdb'"],
    // other schemas by every spelling
    ['core table', 'SELECT * FROM core.staff'],
    ['audit table', 'SELECT * FROM audit.rejected_rows'],
    ['staging table', 'SELECT * FROM staging.land_staff'],
    ['quoted core', 'SELECT * FROM "core"."staff"'],
    ['upper-case core', 'SELECT * FROM CORE.STAFF'],
    ['catalog-qualified core', 'SELECT * FROM warehouse.core.staff'],
    ['main schema', 'SELECT * FROM main.anything'],
    ['information_schema tables', "SELECT * FROM information_schema.tables WHERE table_schema = 'core'"],
    ['information_schema columns', 'SELECT * FROM information_schema.columns'],
    ['pg_catalog', 'SELECT * FROM pg_catalog.pg_class'],
    ['duckdb_tables', "SELECT * FROM duckdb_tables() WHERE schema_name = 'core'"],
    ['duckdb_columns', 'SELECT * FROM duckdb_columns()'],
    ['core in a join', 'SELECT * FROM mart.units u JOIN core.offices o ON o.office_code = u.unit_code'],
    ['core in a scalar subquery', 'SELECT (SELECT count(*) FROM audit.rejected_rows) AS n'],
    ['core in IN', 'SELECT * FROM mart.units WHERE unit_code IN (SELECT office_code FROM core.staff)'],
    ['core behind DESCRIBE', 'DESCRIBE core.staff'],
    ['core behind SUMMARIZE', 'SUMMARIZE audit.rejected_rows'],
    // settings and paths
    ['current_setting', "SELECT current_setting('temp_directory')"],
    ['duckdb_settings', 'SELECT * FROM duckdb_settings()'],
    ['duckdb_databases', 'SELECT path FROM duckdb_databases()'],
    ['pragma_database_list', 'SELECT * FROM pragma_database_list()'],
    ['getenv', "SELECT getenv('HOME')"],
    ['current_database', 'SELECT current_database()'],
    ['duckdb_extensions', 'SELECT * FROM duckdb_extensions()'],
    ['show databases', 'SHOW DATABASES'],
    ['json_execute_serialized_sql', "SELECT * FROM json_execute_serialized_sql(json_serialize_sql('SELECT 1'))"],
  ];
}

describe('hostile statements through POST /api/sql', () => {
  it('refuses every one with a clear message and changes no file', async () => {
    const statements = hostileStatements();
    expect(statements.length).toBeGreaterThanOrEqual(40);
    const answered: string[] = [];
    for (const [what, sql] of statements) {
      const response = await postSql(server, token, sql);
      const body = (await response.json()) as { error?: { code: string; message: string }; rows?: unknown[] };
      const outcome = `${what}: ${response.status} ${body.error?.code ?? 'rows'} ${body.error?.message ?? JSON.stringify(body.rows)?.slice(0, 80)}`;
      answered.push(outcome);
      expect(response.status, outcome).toBe(400);
      expect(body.error?.code, outcome).toBe('refused');
      expect(body.error?.message, outcome).toMatch(/^已拒绝：.+/);
    }
    expect(fingerprints(world)).toEqual(before);
  }, 120_000);

  it('names what it refused', async () => {
    const cases: [string, RegExp][] = [
      ["SELECT * FROM read_csv('/etc/passwd')", /read_csv/],
      ['SELECT * FROM core.staff', /core\.staff/],
      ["SELECT current_setting('threads')", /current_setting/],
      ['SELECT 1; SELECT 2', /一条语句/],
      ['DROP TABLE mart.units', /只读/],
    ];
    for (const [sql, pattern] of cases) {
      const body = (await (await postSql(server, token, sql)).json()) as { error: { message: string } };
      expect(body.error.message).toMatch(pattern);
    }
  });

  it('a name that is no mart is not found, and reads nothing', async () => {
    const response = await postSql(server, token, 'SELECT * FROM staff');
    const body = (await response.json()) as { error?: { code: string; message: string }; rows?: unknown[] };
    expect(response.status).toBe(400);
    expect(body.rows).toBeUndefined();
    expect(body.error?.code).toBe('unknown_table');
    expect(body.error?.message).toMatch(/^表 staff 不存在/);
  });

  it('still answers ordinary reads of the marts, CTEs, DESCRIBE and allowed table functions', async () => {
    const reads = [
      'SELECT count(*) AS n FROM mart.indicator_values',
      'FROM indicator_values LIMIT 3',
      "WITH c AS (SELECT * FROM mart.units WHERE grain = 'county') SELECT count(*) AS n FROM c",
      'SELECT * FROM "mart"."indicator_catalog" LIMIT 1',
      'DESCRIBE mart.indicator_values',
      'SUMMARIZE SELECT value FROM mart.indicator_values',
      'SELECT range AS i FROM range(3)',
      'VALUES (1, 2)',
      'SELECT * FROM mart.indicator_overview LIMIT 2',
      'SHOW TABLES',
    ];
    for (const sql of reads) {
      const response = await postSql(server, token, sql);
      const body = (await response.json()) as { rows?: unknown[]; error?: unknown };
      expect(response.status, `${sql}: ${JSON.stringify(body.error)}`).toBe(200);
      expect(Array.isArray(body.rows)).toBe(true);
    }
    expect(fingerprints(world)).toEqual(before);
  });
});

describe('without the guard, the locked analyst connection alone', () => {
  it('refuses writes, file and URL reach, attaches, installs, setting changes, and has no core or audit tables', async () => {
    const db = await openAnalystDatabase(world.analystFile, { memoryLimit: '256MB', threads: 1 });
    try {
      const connection = db.connection;
      const attacks = [
        "INSERT INTO mart.indicator_values (indicator_id) VALUES ('x')",
        'CREATE TABLE t AS SELECT 1',
        'DROP TABLE mart.units',
        `ATTACH '${world.warehouseFile}' AS w (READ_ONLY)`,
        `COPY (SELECT 1) TO '${world.dataDir}/leak.csv'`,
        "SELECT * FROM read_csv('/etc/passwd')",
        `SELECT * FROM read_text('${world.secretFile}')`,
        `SELECT * FROM read_blob('${world.warehouseFile}')`,
        "SELECT * FROM glob('/etc/*')",
        "SELECT * FROM '/etc/passwd'",
        "SELECT * FROM read_parquet('https://example.com/x.parquet')",
        'INSTALL httpfs',
        'LOAD httpfs',
        'SET enable_external_access = true',
        'SET lock_configuration = false',
        "SET memory_limit = '100GB'",
        'SELECT * FROM core.staff',
        'SELECT * FROM audit.rejected_rows',
        "EXPORT DATABASE '/tmp/leak'",
      ];
      for (const sql of attacks) {
        await expect(connection.run(sql), sql).rejects.toThrow();
      }
      const schemas = await connection.runAndReadAll(
        "SELECT DISTINCT schema_name FROM duckdb_tables() UNION SELECT DISTINCT schema_name FROM duckdb_views() WHERE NOT internal",
      );
      expect(schemas.getRowObjects().map((r) => r.schema_name)).toEqual(['mart']);
    } finally {
      db.close();
    }
    expect(existsSync(`${world.dataDir}/leak.csv`)).toBe(false);
    expect(fingerprints(world)).toEqual(before);
  });
});
