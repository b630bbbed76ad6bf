// Extends test/server/api.test.ts (Arrow = JSON for one grain, no auth): through the real
// authentication, for a city-wide and a county-scoped user, every row of /api/indicators (all
// grains and years, reform_index with its NULL target and meets_target included) read back
// from Arrow IPC with apache-arrow equals the JSON answer, and the scoped answer is a strict
// part of the city one.
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWorld, startWorldApp, type World, type WorldApp } from './world.ts';

let world: World;
let app: WorldApp;
const tokens: Record<'city' | 'county', string> = { city: '', county: '' };

beforeAll(async () => {
  world = await makeWorld();
  app = await startWorldApp(world);
  tokens.city = (await app.auth.users.add({ name: 'city', role: 'viewer' })).token;
  tokens.county = (await app.auth.users.add({ name: 'county', role: 'viewer', county: '331102' })).token;
}, 300_000);

afterAll(async () => {
  await app?.close();
  await world?.cleanup();
});

type Row = Record<string, unknown>;
const key = (r: Row) => `${String(r.indicator_id)}|${String(r.period)}|${String(r.grain)}|${String(r.unit_code)}`;

async function both(who: 'city' | 'county'): Promise<{ json: Row[]; arrow: Row[] }> {
  const headers = { authorization: `Bearer ${tokens[who]}` };
  const json = ((await (await fetch(`${app.url}/api/indicators`, { headers })).json()) as { rows: Row[] }).rows;
  const response = await fetch(`${app.url}/api/indicators`, { headers: { ...headers, accept: 'application/vnd.apache.arrow.stream' } });
  expect(response.status).toBe(200);
  const table = tableFromIPC(new Uint8Array(await response.arrayBuffer()));
  const arrow = table.toArray().map((row) => {
    const r = row.toJSON() as Row;
    return { ...r, as_of: new Date(r.as_of as number).toISOString().slice(0, 10) };
  });
  return { json: [...json].sort((a, b) => key(a).localeCompare(key(b))), arrow: arrow.sort((a, b) => key(a).localeCompare(key(b))) };
}

describe('/api/indicators as Arrow IPC', () => {
  it('equals the JSON answer for a city-wide and a county-scoped user, nulls included', async () => {
    const city = await both('city');
    const county = await both('county');
    expect(city.arrow).toEqual(city.json);
    expect(county.arrow).toEqual(county.json);
    expect(city.json.some((r) => r.target === null && r.meets_target === null)).toBe(true);
    expect(new Set(city.json.map((r) => r.grain))).toEqual(new Set(['office', 'cluster', 'county', 'city']));
    const cityKeys = new Set(city.json.map(key));
    expect(county.json.every((r) => cityKeys.has(key(r)))).toBe(true);
    expect(county.json.length).toBeLessThan(city.json.length);
    expect(county.json.filter((r) => r.grain === 'county').every((r) => r.unit_code === '331102')).toBe(true);
  });
});
