// Finding files: the inbox listing, pulling from HTTP(S) URLs (a real local server), and
// turning files into batches in the contract's units and order.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planBatches, type SourceFile } from '../../pipelines/sources/batches.ts';
import { fileNameOf, pullUrl } from '../../pipelines/sources/http.ts';
import { listInbox, sha256File } from '../../pipelines/sources/inbox.ts';
import { tempDir } from '../helpers/export-files.ts';

describe('inbox', () => {
  it('lists regular files by name, passing over hidden files and folders', async () => {
    const inbox = tempDir();
    writeFileSync(path.join(inbox, 'cases_20250101.csv'), 'a');
    writeFileSync(path.join(inbox, 'B.txt'), 'bb');
    writeFileSync(path.join(inbox, '.DS_Store'), 'x');
    writeFileSync(path.join(inbox, '.download-1.part'), 'x');
    mkdirSync(path.join(inbox, 'old'));
    expect((await listInbox(inbox)).map((f) => [f.name, f.bytes])).toEqual([
      ['B.txt', 2],
      ['cases_20250101.csv', 1],
    ]);
    expect(await sha256File(path.join(inbox, 'B.txt'))).toBe('3b64db95cb55c763391c707108489ae18b4112d783300de38e033b4c98c3deaf');
  });
});

describe('HTTP sources', () => {
  let server: Server;
  let base: string;
  const hits = new Map<string, number>();
  const body = Buffer.from('案件编号,司法所编码\r\nA1,S1\r\n');

  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = req.url ?? '';
      hits.set(url, (hits.get(url) ?? 0) + 1);
      if (url === '/exports/cases_20250101.csv' || url === '/exports/same/cases_20250101.csv') {
        res.writeHead(200, { 'content-length': body.length }).end(body);
      } else if (url === '/download?id=7') {
        res.writeHead(200, { 'content-disposition': "attachment; filename*=UTF-8''training_20250102.csv", 'content-length': body.length }).end(body);
      } else if (url === '/flaky/cases_20250103.csv') {
        if (hits.get(url) === 1) res.writeHead(503).end('busy');
        else res.writeHead(200, { 'content-length': body.length }).end(body);
      } else if (url === '/short/cases_20250104.csv') {
        // promises more bytes than it sends, then drops the connection
        res.writeHead(200, { 'content-length': body.length * 4 });
        res.write(body);
        setTimeout(() => res.socket?.destroy(), 20);
      } else if (url === '/slow/cases_20250105.csv') {
        // never answers
      } else {
        res.writeHead(404).end('no');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const options = (inboxDir: string) => ({ inboxDir, timeoutMs: 2000, retries: 2, backoffMs: () => 0 });
  const visible = (dir: string) => readdirSync(dir).sort();

  it('downloads into the inbox under the URL name or the Content-Disposition name', async () => {
    const inbox = tempDir();
    expect(await pullUrl(`${base}/exports/cases_20250101.csv`, options(inbox))).toMatchObject({ status: 'downloaded', fileName: 'cases_20250101.csv', attempts: 1 });
    expect(await pullUrl(`${base}/download?id=7`, options(inbox))).toMatchObject({ status: 'downloaded', fileName: 'training_20250102.csv' });
    expect(readFileSync(path.join(inbox, 'cases_20250101.csv'))).toEqual(body);
    expect(visible(inbox)).toEqual(['cases_20250101.csv', 'training_20250102.csv']);
  });

  it('retries a server error, and gives up at once on 404', async () => {
    const inbox = tempDir();
    expect(await pullUrl(`${base}/flaky/cases_20250103.csv`, options(inbox))).toMatchObject({ status: 'downloaded', attempts: 2 });
    const missing = await pullUrl(`${base}/nothing/cases_20250109.csv`, options(inbox));
    expect(missing).toMatchObject({ status: 'failed', attempts: 1 });
    expect(missing.message).toContain('404');
  });

  it('never lands a partial download, nor leaves its temp file', async () => {
    const inbox = tempDir();
    const result = await pullUrl(`${base}/short/cases_20250104.csv`, options(inbox));
    expect(result).toMatchObject({ status: 'failed', attempts: 3 });
    expect(hits.get('/short/cases_20250104.csv')).toBe(3);
    expect(readdirSync(inbox)).toEqual([]);
  });

  it('gives up on a server that does not answer within the timeout', async () => {
    const inbox = tempDir();
    const result = await pullUrl(`${base}/slow/cases_20250105.csv`, { ...options(inbox), timeoutMs: 200, retries: 1 });
    expect(result).toMatchObject({ status: 'failed', attempts: 2 });
    expect(readdirSync(inbox)).toEqual([]);
  });

  it('never overwrites a file of the same name in the inbox', async () => {
    const inbox = tempDir();
    writeFileSync(path.join(inbox, 'cases_20250101.csv'), body);
    expect(await pullUrl(`${base}/exports/same/cases_20250101.csv`, options(inbox))).toMatchObject({ status: 'unchanged' });
    writeFileSync(path.join(inbox, 'cases_20250101.csv'), 'older, different bytes');
    const conflict = await pullUrl(`${base}/exports/cases_20250101.csv`, options(inbox));
    expect(conflict.status).toBe('conflict');
    expect(readFileSync(path.join(inbox, 'cases_20250101.csv'), 'utf8')).toBe('older, different bytes');
    expect(visible(inbox)).toEqual(['cases_20250101.csv']);
  });

  it('takes only a plain file name from the server', () => {
    expect(fileNameOf('attachment; filename="../../etc/cases_20250101.csv"', 'http://x/y')).toBe('cases_20250101.csv');
    expect(fileNameOf(null, 'http://x/a/%E6%A1%88cases_20250101.csv?x=1')).toBe('案cases_20250101.csv');
    expect(fileNameOf('attachment; filename=".hidden"', 'http://x/')).toBeUndefined();
  });
});

describe('batches', () => {
  const file = (name: string, fileId = name): SourceFile => ({ name, path: `/inbox/${name}`, bytes: 1, fileId, source: 'inbox' });

  it('groups snapshots (workbook, or CSV pair) first by date, then case and training files by date', () => {
    const plan = planBatches(
      [
        file('training_20240715.csv'),
        file('cases_20250105.csv'),
        file('staff_20241231.csv'),
        file('cases_20240701.csv'),
        file('offices_20241231.csv'),
        file('offices_20240630.xlsx'),
        file('Cases_20250101.CSV'),
      ],
      new Set(),
    );
    expect(plan.batches.map((b) => [b.kind, b.exportDate, b.files.map((f) => f.name).join('+')])).toEqual([
      ['snapshot', '2024-06-30', 'offices_20240630.xlsx'],
      ['snapshot', '2024-12-31', 'offices_20241231.csv+staff_20241231.csv'],
      ['cases', '2024-07-01', 'cases_20240701.csv'],
      ['training', '2024-07-15', 'training_20240715.csv'],
      ['cases', '2025-01-01', 'Cases_20250101.CSV'],
      ['cases', '2025-01-05', 'cases_20250105.csv'],
    ]);
    expect(plan.setAside).toEqual([]);
  });

  it('keeps half a CSV snapshot, and an ambiguous pair, in the inbox with a reason', () => {
    const plan = planBatches([file('offices_20250101.csv'), file('staff_20250201.csv'), file('OFFICES_20250301.CSV'), file('offices_20250301.csv'), file('staff_20250301.csv')], new Set());
    expect(plan.batches).toEqual([]);
    expect(plan.setAside.map((a) => [a.file.name, a.status, a.reasonCode, a.keepInInbox])).toEqual([
      ['OFFICES_20250301.CSV', 'rejected', 'ambiguous_snapshot', true],
      ['offices_20250101.csv', 'rejected', 'incomplete_snapshot', true],
      ['offices_20250301.csv', 'rejected', 'ambiguous_snapshot', true],
      ['staff_20250201.csv', 'rejected', 'incomplete_snapshot', true],
      ['staff_20250301.csv', 'rejected', 'ambiguous_snapshot', true],
    ]);
    expect(plan.setAside[1]?.message).toContain('staff_20250101.csv');
  });

  it('skips what was loaded before and a second copy of the same bytes; reports unknown files', () => {
    const plan = planBatches(
      [
        file('cases_20250101.csv', 'sha-a'),
        file('cases_20250101 (1).csv', 'sha-a'),
        file('cases_20250102.csv', 'sha-old'),
        file('offices_20250101.csv', 'sha-old-offices'),
        file('staff_20250101.csv', 'sha-new-staff'),
        file('notes.txt'),
      ],
      new Set(['sha-old', 'sha-old-offices']),
    );
    // the pair loads again as a unit because one of its files is new
    expect(plan.batches.map((b) => b.files.map((f) => f.name))).toEqual([['offices_20250101.csv', 'staff_20250101.csv'], ['cases_20250101.csv']]);
    expect(plan.setAside.map((a) => [a.file.name, a.status, a.reasonCode, a.keepInInbox])).toEqual([
      ['cases_20250101 (1).csv', 'skipped', 'duplicate_file', false],
      ['cases_20250102.csv', 'skipped', 'already_loaded', false],
      ['notes.txt', 'unknown', 'unknown_file', true],
    ]);
  });
});
