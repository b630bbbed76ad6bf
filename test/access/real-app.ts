// An alias kept for tests written before the one starter (test/server/start-app.ts): new tests
// call startWorldApp of ./world.ts.
import { startWorldApp, type World, type WorldApp } from './world.ts';

export type RealApp = WorldApp;

export function startRealApp(world: World, options: { timeoutMs?: number } = {}): Promise<RealApp> {
  return startWorldApp(world, options.timeoutMs === undefined ? {} : { console: { timeoutMs: options.timeoutMs } });
}
