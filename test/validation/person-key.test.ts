// Person keys: HMAC-SHA-256 computed in SQL must equal node:crypto's; the secret comes from
// configuration or an owner-only file; neither the secret nor a raw ID number reaches the
// warehouse file.
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { prepareWarehouse } from '../../pipelines/models/runner.ts';
import { loadProject } from '../../pipelines/models/project.ts';
import { createPersonKeyMacro, hmacPads, loadOrCreateSecret } from '../../pipelines/pii/person-key.ts';
import { openDatabase, queryJson, type Database } from '../../pipelines/warehouse/duckdb.ts';
import { TEST_SECRET, idWithCheckDigit, office, openHarness, staff, trainingRow, type Harness } from './harness.ts';

const hmac = (secret: Buffer, message: string) => createHmac('sha256', secret).update(message, 'utf8').digest('hex');

let db: Database | undefined;
let h: Harness | undefined;
afterEach(() => {
  db?.close();
  db = undefined;
  h?.close();
  h = undefined;
});

async function keysFor(secret: Buffer, ids: (string | null)[]): Promise<(string | null)[]> {
  db = await openDatabase(':memory:');
  await prepareWarehouse(db.connection, loadProject());
  await createPersonKeyMacro(db.connection, secret);
  const keys: (string | null)[] = [];
  for (const id of ids) {
    const [row] = await queryJson<{ k: string | null }>(db.connection, 'SELECT person_key($1::VARCHAR) AS k', [id]);
    keys.push(row!.k);
  }
  db.close();
  db = undefined;
  return keys;
}

describe('person_key', () => {
  it('equals node:crypto HMAC-SHA-256 of the normalised upper-case ID number', async () => {
    const expected = hmac(TEST_SECRET, '11010519491231002X');
    expect(await keysFor(TEST_SECRET, ['11010519491231002X', '11010519491231002x', ' 11010519491231002X\u3000', null])).toEqual([
      expected,
      expected,
      expected,
      null,
    ]);
    expect(expected).toMatch(/^[0-9a-f]{64}$/);
  });

  it('agrees with node:crypto for a key longer than a block and for a 1-byte key', async () => {
    const long = Buffer.alloc(100, 7); // HMAC hashes keys over 64 bytes first
    const short = Buffer.from([0xff]);
    expect(await keysFor(long, ['330102199001011234'])).toEqual([hmac(long, '330102199001011234')]);
    expect(await keysFor(short, ['330102199001011234'])).toEqual([hmac(short, '330102199001011234')]);
  });

  it('differs between secrets', async () => {
    const [a] = await keysFor(Buffer.from('secret-a-secret-a'), ['330102199001011234']);
    const [b] = await keysFor(Buffer.from('secret-b-secret-b'), ['330102199001011234']);
    expect(a).not.toEqual(b);
  });

  it('never writes the secret or a raw ID number into the warehouse file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pii-'));
    const file = path.join(dir, 'w.duckdb');
    const ids = [idWithCheckDigit('33010219800101001'), idWithCheckDigit('33010219800101002'), '33010219800101003'];
    // uncompressed, so that a byte search of the file would find a stored string
    h = await openHarness(file, { force_compression: 'uncompressed' });
    await h.land('offices', { fileName: 'offices_20250630.csv' }, [office('SFS001')]);
    await h.land('staff', { fileName: 'staff_20250630.csv' }, [staff(ids[0]!, 'SFS001'), staff(ids[2]!, 'SFS001')]);
    await h.loadBatch();
    await h.land('training', { fileName: 'training_20250701.csv' }, [trainingRow('T1', ids[1]!), trainingRow('T2', ids[2]!)]);
    await h.loadBatch();
    // the rows did load and were rejected as expected, so there was something to leak
    expect(await h.query('SELECT count(*)::INTEGER AS n FROM core.staff')).toEqual([{ n: 1 }]);
    expect(await h.query('SELECT count(*)::INTEGER AS n FROM core.training_versions')).toEqual([{ n: 1 }]);
    expect(await h.query('SELECT count(*)::INTEGER AS n FROM audit.rejected_rows')).toEqual([{ n: 2 }]);
    // and through SQL: no row of any table of the file, read as text, holds a raw ID number
    const tables = await h.query<{ name: string }>(
      "SELECT schema_name || '.' || table_name AS name FROM duckdb_tables() WHERE database_name = current_database()",
    );
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['core.staff', 'audit.rejected_rows']));
    for (const { name } of tables) {
      for (const id of ids) {
        const [found] = await h.query<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${name} AS t WHERE contains(t::VARCHAR, '${id}')`);
        expect(found, `${name} holds ${id}`).toEqual({ n: 0 });
      }
    }
    await h.connection.run('CHECKPOINT');
    h.close();
    h = undefined;

    const { inner, outer } = hmacPads(TEST_SECRET);
    const needles = [
      ...ids.map((id) => Buffer.from(id)),
      TEST_SECRET,
      inner,
      outer,
      Buffer.from(inner.toString('hex')),
      Buffer.from(outer.toString('hex')),
      Buffer.from(TEST_SECRET.toString('hex')),
    ];
    const files = readdirSync(dir).map((name) => path.join(dir, name));
    // the search can see stored strings: the masked ID of the rejected row is there
    expect(files.some((name) => readFileSync(name).includes(Buffer.from('330102*******1003')))).toBe(true);
    for (const name of files) {
      const bytes = readFileSync(name);
      for (const needle of needles) expect(bytes.includes(needle), `${path.basename(name)} holds ${needle.toString('hex')}`).toBe(false);
    }
    // the macro was temporary: a new connection to the file does not know it
    db = await openDatabase(file);
    await expect(db.connection.run("SELECT person_key('x')")).rejects.toThrow(/person_key/);
  });
});

describe('loadOrCreateSecret', () => {
  it('uses HMAC_SECRET when configured, and refuses a short one', () => {
    const secretFile = path.join(mkdtempSync(path.join(tmpdir(), 'secret-')), 'secret.key');
    expect(loadOrCreateSecret({ hmacSecret: 'a-configured-secret-value', secretFile })).toEqual(
      Buffer.from('a-configured-secret-value'),
    );
    expect(() => loadOrCreateSecret({ hmacSecret: 'short', secretFile })).toThrow(/HMAC_SECRET 太短/);
    expect(() => statSync(secretFile)).toThrow(); // nothing generated
  });

  it('generates 32 random bytes once, owner-only, in an owner-only folder, and reads them back', () => {
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'secret-')), 'data');
    const secretFile = path.join(dataDir, 'secret.key');
    const first = loadOrCreateSecret({ hmacSecret: undefined, secretFile });
    expect(first).toHaveLength(32);
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(readFileSync(secretFile, 'utf8').trim()).toBe(first.toString('hex'));
    expect(loadOrCreateSecret({ hmacSecret: undefined, secretFile })).toEqual(first);
    expect(readdirSync(dataDir)).toEqual(['secret.key']); // no temporary file left behind
  });

  it('refuses a secret file that is not hex, without echoing its content', () => {
    const secretFile = path.join(mkdtempSync(path.join(tmpdir(), 'secret-')), 'secret.key');
    writeFileSync(secretFile, 'not-a-hex-key-but-private', { mode: 0o600 });
    let message = '';
    try {
      loadOrCreateSecret({ hmacSecret: undefined, secretFile });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/密钥文件 .* 格式不对/);
    expect(message).not.toContain('not-a-hex-key-but-private');
  });
});
