// The clerk's world for the tests of issue 14: a DATA_DIR whose inbox gets small exports of two
// counties (缙云县 331122 and 莲都区 331102) with rejected rows of every kind, refreshed by the
// real refresh, and the real app over it with an admin, a city viewer, a 缙云 viewer and a 莲都
// viewer. Round 1 rejects rows; round 2 corrects some of them.
import type { AddressInfo } from 'node:net';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, type Config } from '../../pipelines/config.ts';
import { runRefresh } from '../../pipelines/run/refresh.ts';
import type { RefreshResult } from '../../pipelines/run/vocabulary.ts';
import { createApp } from '../../server/app.ts';
import { buildClientAssets } from '../../server/assets.ts';
import { createAuth } from '../../server/auth/auth.ts';
import { PdfRenderer } from '../../server/pdf.ts';
import { WarehouseHolder } from '../../server/warehouse.ts';
import { csvText, tempDir } from '../helpers/export-files.ts';
import { idWithCheckDigit } from '../validation/harness.ts';

export const JINYUN = '331122';
export const LIANDU = '331102';
export const SECRET = 'clerk-tests-secret-0123456789abcdef';

export const PERSON_OK = idWithCheckDigit('33112219800101001');
export const PERSON_BAD_ID = '331122198001010010'; // check digit wrong (the right one is not 0)
export const PERSON_FIXED_ID = idWithCheckDigit('33112219800101002');

const OFFICE_HEADER = ['司法所编码', '司法所名称', '所属县（市、区）', '类型'];
const STAFF_HEADER = ['身份证号', '姓名', '所属司法所编码', '职务', '到岗日期'];
const CASE_HEADER = ['案件编号', '司法所编码', '业务类型', '受理日期', '状态', '当事人数'];

/** Round 1: a snapshot of 2026-11-30 and the case file of 2026-12-05, with their bad rows. */
export const ROUND_1: Record<string, string> = {
  'offices_20261130.csv': csvText([
    OFFICE_HEADER,
    ['SFS331122001', '五云司法所', '缙云县', '重点'],
    ['SFS331122002', '壶镇司法所', '缙云县', '普通'],
    ['SFS331102001', '白云司法所', '莲都区', '重点'],
    /* 5 */ ['SFS900001', '外县司法所', '东阳市', '普通'], // unknown county: unattributed
    /* 6 */ ['331199001', '错码司法所', '331199', '普通'], // bad county code: unattributed
  ]),
  'staff_20261130.csv': csvText([
    STAFF_HEADER,
    [PERSON_OK, '王小明', 'SFS331122001', '所长', '2020-01-01'],
    /* 3 */ [PERSON_BAD_ID, '李小红', 'SFS331122002', '工作人员', '2021-03-01'], // bad ID number
  ]),
  'cases_20261205.csv': csvText([
    CASE_HEADER,
    /* 2 */ ['JY-001', 'SFS331122001', '人民调解', '2026-13-01', '办理中', '2'], // bad date
    /* 3 */ ['JY-002', 'SFS331122002', '人民调解', '2026-11-20', '已结', '2'], // bad status
    /* 4 */ ['JY-003', 'SFS331122099', '人民调解', '2026-11-21', '办理中', '2'], // unknown office, code of 缙云
    /* 5 */ ['LD-001', 'SFS331102001', '人民调解', '2026-11-22', '办理中', '两人'], // bad number, 莲都
    /* 6 */ ['JY-004', 'SFS331122001', '普法宣传', '2026-11-23', '办理中', '1'],
  ]),
};

/** Round 2: a case file correcting JY-001 and JY-003, and a snapshot correcting 李小红's ID. */
export const ROUND_2: Record<string, string> = {
  'cases_20261210.csv': csvText([
    CASE_HEADER,
    ['JY-001', 'SFS331122001', '人民调解', '2026-12-01', '办理中', '2'],
    ['JY-003', 'SFS331122002', '人民调解', '2026-11-21', '办理中', '2'],
    ['JY-002', 'SFS331122002', '人民调解', '2026-11-20', '已结案', '2'], // still wrong: stays open
  ]),
  'offices_20261208.csv': csvText([
    OFFICE_HEADER,
    ['SFS331122001', '五云司法所', '缙云县', '重点'],
    ['SFS331122002', '壶镇司法所', '缙云县', '普通'],
    ['SFS331102001', '白云司法所', '莲都区', '重点'],
  ]),
  'staff_20261208.csv': csvText([
    STAFF_HEADER,
    [PERSON_OK, '王小明', 'SFS331122001', '所长', '2020-01-01'],
    [PERSON_FIXED_ID, '李小红', 'SFS331122002', '工作人员', '2021-03-01'],
  ]),
};

export interface ClerkWorld {
  dataDir: string;
  config: Config;
  refresh(files: Record<string, string | Buffer>, options?: { rebuild?: boolean }): Promise<RefreshResult>;
}

/** A fresh DATA_DIR; `refresh` puts files in the inbox and runs one refresh in this process. */
export async function clerkWorld(settings: Record<string, unknown> = {}): Promise<ClerkWorld> {
  const dataDir = await tempDir('clerk-');
  writeFileSync(path.join(dataDir, 'config.json'), JSON.stringify({ scheduleEnabled: false, ...settings }));
  const config = loadConfig({ dataDir }, { HMAC_SECRET: SECRET });
  return {
    dataDir,
    config,
    async refresh(files, options = {}) {
      mkdirSync(config.inboxDir, { recursive: true });
      for (const [name, text] of Object.entries(files)) writeFileSync(path.join(config.inboxDir, name), text);
      const result = await runRefresh({ config, rebuild: options.rebuild === true });
      if (!result.published) throw new Error(`refresh not published: ${result.message}`);
      return result;
    },
  };
}

export interface ClerkApp {
  url: string;
  tokens: { admin: string; city: string; jinyun: string; liandu: string };
  warehouse: WarehouseHolder;
  get(token: string, pathAndQuery: string): Promise<Response>;
  close(): Promise<void>;
}

/** The real app (token auth) over the world's warehouse, with one user per kind of reader. */
export async function startClerkApp(config: Config, options: { today?: () => Date; validateMaxBytes?: number } = {}): Promise<ClerkApp> {
  const warehouse = await WarehouseHolder.open({ file: config.warehouseFile, pollMs: 0, threads: 1 });
  const auth = createAuth({ usersFile: config.usersFile, tls: false });
  const suffix = Math.random().toString(36).slice(2, 8);
  const add = async (name: string, role: 'admin' | 'viewer', county: string | null = null) => (await auth.users.add({ name: `${name}-${suffix}`, role, county })).token;
  const tokens = {
    admin: await add('city-admin', 'admin'),
    city: await add('city-viewer', 'viewer'),
    jinyun: await add('jinyun-clerk', 'viewer', JINYUN),
    liandu: await add('liandu-clerk', 'viewer', LIANDU),
  };
  const pdf = new PdfRenderer({});
  const app = createApp({
    warehouse,
    assets: await buildClientAssets(),
    pdf,
    authenticate: auth.router,
    ...(options.today ? { today: options.today } : {}),
    validate: { secret: () => Buffer.from(SECRET, 'utf8'), ...(options.validateMaxBytes ? { maxBytes: options.validateMaxBytes } : {}) },
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    tokens,
    warehouse,
    get: (token, pathAndQuery) => fetch(`${url}${pathAndQuery}`, { headers: { authorization: `Bearer ${token}` } }),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await warehouse.close();
      await pdf.close();
    },
  };
}
