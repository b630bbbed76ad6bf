// `npm start`: reads the configuration and checks the port before loading anything else (the
// warehouse, DuckDB, a first refresh can take a minute), so a taken port is said at once, in
// Chinese, with the setting that changes it; then loads and runs the server (server/main.ts).
import { zhDisplay } from '../dashboards/i18n/zh-display.ts';
import { loadConfig } from '../pipelines/config.ts';
import { checkPort } from './port-check.ts';

const config = loadConfig();
const state = await checkPort(config.port);
if (state !== 'free') {
  console.error(state === 'taken' ? zhDisplay.startup.portTaken(config.port) : zhDisplay.startup.portDenied(config.port));
  process.exit(1);
}
await import('./main.ts');
