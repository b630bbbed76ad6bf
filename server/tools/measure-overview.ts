// How long the server takes to produce 总览 (GET /) on a warehouse: the first answer after a
// publish (nothing cached for that generation) and the following ones (from the cache).
//   npx tsx server/tools/measure-overview.ts --db data/warehouse/warehouse.duckdb [--runs 20]
// Each cold run starts a fresh app on the same open warehouse, so its cache is empty. It reads
// as a city-wide admin (the largest page), through an authenticate step of its own: the tool
// listens on loopback only and is no server.
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import type { RequestHandler } from 'express';
import { createApp } from '../app.ts';
import { buildClientAssets } from '../assets.ts';
import { WarehouseHolder } from '../warehouse.ts';

const { values } = parseArgs({ options: { db: { type: 'string' }, runs: { type: 'string', default: '20' } } });
if (!values.db) throw new Error('usage: --db FILE [--runs N]');
const runs = Number(values.runs);
const warehouse = await WarehouseHolder.open({ file: values.db, pollMs: 0 });
const assets = await buildClientAssets();
const asCityWideAdmin: RequestHandler = (req, _res, next) => {
  req.scope = { role: 'admin', countyCode: null };
  next();
};

async function timeGet(url: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(url);
  await response.text();
  if (response.status !== 200) throw new Error(`GET ${url}: ${response.status}`);
  return performance.now() - started;
}

const cold: number[] = [];
const warm: number[] = [];
for (let i = 0; i < runs; i++) {
  const server = createApp({ warehouse, assets, authenticate: asCityWideAdmin }).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  cold.push(await timeGet(url));
  for (let j = 0; j < 5; j++) warm.push(await timeGet(url));
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}
await warehouse.close();

const describe = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!.toFixed(1);
  return `median ${at(0.5)} ms, p90 ${at(0.9)} ms, min ${s[0]!.toFixed(1)} ms (${s.length} requests)`;
};
console.log(`总览, very first answer (file just opened): ${cold[0]!.toFixed(1)} ms`);
console.log(`总览, first answer for a generation (cold): ${describe(cold.slice(1))}`);
console.log(`总览, cached:                               ${describe(warm)}`);
