// Shared parts of the edition tests: a DATA_DIR whose warehouse is built by the real refresh
// command from the tiny demo set; a later export that corrects one case and one staff row; the
// real app with token authentication, editions under DATA_DIR/editions and a fixed clock.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import iconv from 'iconv-lite';
import { generateDemoExports } from '../../pipelines/demo/generate.ts';
import type { Config } from '../../pipelines/config.ts';
import { editionsDirFor } from '../../pipelines/editions/store.ts';
import { createApp } from '../../server/app.ts';
import { buildClientAssets } from '../../server/assets.ts';
import { createAuth } from '../../server/auth/auth.ts';
import { PdfRenderer } from '../../server/pdf.ts';
import { WarehouseHolder } from '../../server/warehouse.ts';
import { tempDir } from '../refresh/harness.ts';

/** The demo set (June and November 2025 exports), in one folder. */
export async function demoExports(): Promise<string[]> {
  const dir = await tempDir('lishui-editions-demo-');
  await generateDemoExports({ outDir: dir, scale: 'tiny', seed: 11, endDate: '2025-11-30' });
  return readdirSync(dir).filter((n) => /_\d{8}\./.test(n)).map((n) => path.join(dir, n));
}

/** Splits one CSV line (quotes allowed, no newlines inside fields). */
function splitCsv(line: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') out.push(field), (field = '');
    else field += ch;
  }
  out.push(field);
  return out;
}

const quote = (fields: string[]) => fields.map((f) => (/[",]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f)).join(',');
const falsy = (v: string) => /^(no|n|否|false|0)$/i.test(v.trim());
const truthy = (v: string) => /^(yes|y|是|true|1)$/i.test(v.trim());

export interface Correction {
  files: string[];
  caseId: string;
  officeCode: string;
}

/**
 * A later export (3 December 2025) that corrects one case — a successful mediation re-reported
 * as unsuccessful — and one staff row — an active member of an office without a 公职律师
 * re-reported as one — in a re-export of the November snapshot (its offices file unchanged).
 */
export async function correctionExports(demo: string[]): Promise<Correction> {
  const dir = await tempDir('lishui-editions-fix-');
  const june = readFileSync(demo.find((f) => f.endsWith('cases_20250601.csv'))!, 'utf8').replace(/^\uFEFF/, '');
  const lines = june.split(/\r?\n/);
  const header = splitCsv(lines[0]!);
  const outcome = header.indexOf('结果');
  const idColumn = header.indexOf('案件编号');
  const closed = header.indexOf('办结日期');
  // closed in 2025: the year the demo's snapshots cover
  const row = lines.slice(1).map(splitCsv).find((f) => f[outcome] === '调解成功' && f.includes('已办结') && /^2025\D/.test(f[closed] ?? ''));
  if (!row) throw new Error('no successful mediation in the June case export');
  row[outcome] = '调解不成功';
  writeFileSync(path.join(dir, 'cases_20251203.csv'), `${quote(header)}\n${quote(row)}\n`);

  const staffText = iconv.decode(readFileSync(demo.find((f) => f.endsWith('staff_20251130.csv'))!), 'gb18030');
  const staffLines = staffText.split(/\r?\n/).filter((l) => l !== '');
  const staffHeader = splitCsv(staffLines[0]!);
  const lawyer = staffHeader.indexOf('公职律师');
  const office = staffHeader.indexOf('所属司法所编码');
  const left = staffHeader.indexOf('离岗日期');
  const rows = staffLines.slice(1).map(splitCsv);
  const withLawyer = new Set(rows.filter((f) => truthy(f[lawyer]!)).map((f) => f[office]));
  const index = rows.findIndex((f) => falsy(f[lawyer]!) && f[left]!.trim() === '' && /^SFS\d{9}$/.test(f[office]!) && !withLawyer.has(f[office]));
  if (index < 0) throw new Error('no active staff row in an office without a 公职律师');
  rows[index]![lawyer] = 'Yes';
  const staffOut = [quote(staffHeader), ...rows.map(quote)].join('\n') + '\n';
  writeFileSync(path.join(dir, 'staff_20251203.csv'), iconv.encode(staffOut, 'gb18030'));
  // The offices of the re-export as before, but not the same bytes: a file whose bytes were
  // loaded already is skipped by a rebuild (same sha256), while a refresh loads it as the new
  // date's partner (reported in decisions.md).
  const offices = readFileSync(demo.find((f) => f.endsWith('offices_20251130.csv'))!).toString('latin1');
  const requoted = offices.replace(/\n"([^",\n]*)",/, '\n$1,');
  if (requoted === offices) throw new Error('no quoted field to unquote in the offices export');
  writeFileSync(path.join(dir, 'offices_20251203.csv'), Buffer.from(requoted, 'latin1'));
  return { files: ['cases_20251203.csv', 'offices_20251203.csv', 'staff_20251203.csv'].map((n) => path.join(dir, n)), caseId: row[idColumn]!, officeCode: rows[index]![office]! };
}

export interface EditionServer {
  url: string;
  tokens: { admin: string; viewer: string; county: string };
  warehouse: WarehouseHolder;
  get(pathAndQuery: string, who?: keyof EditionServer['tokens'], headers?: Record<string, string>): Promise<{ status: number; body: Buffer; type: string }>;
  post(pathAndQuery: string, body: unknown, who?: keyof EditionServer['tokens']): Promise<{ status: number; json: unknown }>;
  close(): Promise<void>;
}

export const COUNTY = '331102';

/** The real app over DATA_DIR's warehouse, as `npm start` wires it, on the test's clock. */
export async function startEditionServer(config: Config, now: () => Date): Promise<EditionServer> {
  const warehouse = await WarehouseHolder.open({ file: config.warehouseFile, threads: 1 });
  const auth = createAuth({ usersFile: config.usersFile, tls: false });
  const tokens = {
    admin: (await auth.users.add({ name: 'chief', role: 'admin' })).token,
    viewer: (await auth.users.add({ name: 'leader', role: 'viewer' })).token,
    county: (await auth.users.add({ name: 'liandu', role: 'viewer', county: COUNTY })).token,
  };
  const pdf = new PdfRenderer({});
  const app = createApp({
    warehouse,
    assets: await buildClientAssets(),
    pdf,
    authenticate: auth.router,
    editions: { dir: editionsDirFor(config.dataDir), issuingOffice: config.issuingOffice },
    today: now,
  });
  const server = app.listen(0, '127.0.0.1');
  // fetch keeps connections alive; a server closing an idle one just as the next POST reuses it
  // gives ECONNRESET (a POST is not retried): keep idle connections longer than any test step
  server.keepAliveTimeout = 120_000;
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    tokens,
    warehouse,
    async get(pathAndQuery, who = 'viewer', headers = {}) {
      const response = await fetch(`${url}${pathAndQuery}`, { headers: { authorization: `Bearer ${tokens[who]}`, ...headers } });
      return { status: response.status, body: Buffer.from(await response.arrayBuffer()), type: response.headers.get('content-type') ?? '' };
    },
    async post(pathAndQuery, body, who = 'admin') {
      const response = await fetch(`${url}${pathAndQuery}`, { method: 'POST', headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: response.status, json: await response.json() };
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await warehouse.close();
      await pdf.close();
    },
  };
}

/** Every file of a folder with its sha256 and mode, for "nothing changed here". */
export function folderFingerprint(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    const file = path.join(dir, name);
    out[name] = createHash('sha256').update(readFileSync(file)).digest('hex');
  }
  return out;
}

export function ensureDir(dir: string): void {
  mkdirSync(dir, { recursive: true });
}
